import { LambdaClient } from '@aws-sdk/client-lambda';
import { tracer } from '../../observability/telemetry.ts';

/**
 * The Lambda client, created once per container, in a module of its own (see
 * `shared/adapters/clients/dynamodb.ts`): for re-driving lost S3 events into the import functions
 * (locally: the stack's loopback Invoke API).
 */
export const lambdaClient = /* @__PURE__ */ tracer.captureAWSv3Client(/* @__PURE__ */ new LambdaClient({}));
