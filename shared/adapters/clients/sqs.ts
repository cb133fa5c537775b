import { SQSClient } from '@aws-sdk/client-sqs';
import { traceable } from '../../observability/tracing.ts';

/**
 * The SQS client, created once per container, in a module of its own (see
 * `shared/adapters/clients/dynamodb.ts`); only the outbox relay sends (`shared/adapters/queue.ts`).
 * fauxqs queue URLs name a host that does not resolve: send to the configured endpoint instead.
 */
export const sqsClient = /* @__PURE__ */ traceable(new SQSClient({ useQueueUrlAsEndpoint: false }));
