import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traceable } from '../../observability/tracing.ts';

/**
 * The DynamoDB clients, created once per container. A module of their own (as every service's
 * client is: `shared/adapters/clients/`), so a function bundles only the clients its adapters use.
 * The endpoint comes from the SDK's own `AWS_ENDPOINT_URL_DYNAMODB` variable (AWS or the emulator).
 */
export const dynamoClient = /* @__PURE__ */ traceable(/* @__PURE__ */ new DynamoDBClient({ maxAttempts: 8 }));

export const documentClient = /* @__PURE__ */ DynamoDBDocumentClient.from(dynamoClient, {
  marshallOptions: { removeUndefinedValues: true },
});
