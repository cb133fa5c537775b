/**
 * Every service's client in one place, for tests and local tools only. Product code imports the
 * one module of the client it uses (`shared/adapters/clients/<service>.ts`): each creates its
 * client at module scope, so importing this barrel creates (and bundles) all of them, which is
 * what made every function carry the S3, SQS, Lambda and DynamoDB clients
 * (`test/infra/bundle-contents.test.ts` keeps it out of every function).
 */
export { documentClient, dynamoClient } from './clients/dynamodb.ts';
export { lambdaClient } from './clients/lambda.ts';
export { s3Client, s3PresignClient } from './clients/s3.ts';
export { sqsClient } from './clients/sqs.ts';
