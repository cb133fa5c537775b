import { LambdaClient } from '@aws-sdk/client-lambda';
import { traceable } from '../../observability/tracing.ts';

/**
 * The Lambda client, created once per container, in a module of its own (see
 * `shared/adapters/clients/dynamodb.ts`): for re-driving lost S3 events into the import functions
 * (locally: the stack's loopback Invoke API).
 */
export const lambdaClient = /* @__PURE__ */ traceable(/* @__PURE__ */ new LambdaClient({}));
