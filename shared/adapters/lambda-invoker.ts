import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Event } from 'aws-lambda';
import { encodeS3EventKey } from '../queue/s3-worker.ts';
import { lambdaClient } from './clients/lambda.ts';

/**
 * Hands an S3 event to an import function as S3 itself would: an asynchronous invocation (Lambda
 * queues it, retries twice, then its on-failure destination). Used to re-drive an upload whose
 * ObjectCreated event was lost; the import functions are idempotent, so a re-drive of a file that
 * was imported after all changes nothing.
 */
export class LambdaInvoker {
  constructor(private readonly client: LambdaClient = lambdaClient) {}

  async invokeAsync(functionName: string, event: S3Event): Promise<void> {
    const out = await this.client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    if (out.StatusCode !== 202) throw new Error(`async invoke of ${functionName} answered ${out.StatusCode}`);
  }
}

/** The S3 notification Lambda receives for one created object (only the fields the imports read, plus the usual). */
export function objectCreatedEvent(
  bucket: string,
  object: { key: string; etag: string; size: number },
  eventTime: Date,
): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: process.env.AWS_REGION ?? 'ap-southeast-3',
        eventTime: eventTime.toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'khbs-watchdog' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'redrive', 'x-amz-id-2': 'redrive' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'khbs-redrive',
          bucket: { name: bucket, ownerIdentity: { principalId: 'khbs' }, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeS3EventKey(object.key),
            size: object.size,
            eTag: object.etag,
            sequencer: '0',
          },
        },
      },
    ],
  };
}
