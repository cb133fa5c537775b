import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One client per service, created once per container. Endpoints come from the SDK's own
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, so the same code talks to AWS or to the local emulators.
 */
const s3Endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;

export const dynamoClient = new DynamoDBClient({ maxAttempts: 8 });

export const documentClient = DynamoDBDocumentClient.from(dynamoClient, {
  marshallOptions: { removeUndefinedValues: true },
});

export const s3Client = new S3Client({ forcePathStyle: s3Endpoint !== undefined });

/** fauxqs queue URLs name a host that does not resolve: send to the configured endpoint instead. */
export const sqsClient = new SQSClient({ useQueueUrlAsEndpoint: false });

/**
 * For presigned PUT URLs handed to browsers and scripts: since SDK 3.729 the default client signs a
 * CRC32 checksum of an empty body into the URL, which every real upload then fails. Checksums are
 * computed only where S3 requires them.
 */
export const s3PresignClient = new S3Client({
  forcePathStyle: s3Endpoint !== undefined,
  requestChecksumCalculation: 'WHEN_REQUIRED',
});

/** For re-driving lost S3 events into the import functions (locally: the stack's loopback Invoke API). */
export const lambdaClient = new LambdaClient({});
