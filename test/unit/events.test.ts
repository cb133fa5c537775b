import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * The sample events in `events/` must keep the shape AWS delivers, or tests that use them prove
 * nothing. Each schema below follows the service's documented event (and @types/aws-lambda).
 */

const DIR = fileURLToPath(new URL('../../events/', import.meta.url));
const load = (name: string): unknown => JSON.parse(readFileSync(`${DIR}${name}`, 'utf8'));

const isoTime = z.iso.datetime({ offset: false });
const region = z.literal('us-east-1');

const S3EventSchema = z.strictObject({
  Records: z
    .array(
      z.strictObject({
        eventVersion: z.string().regex(/^2\.\d$/),
        eventSource: z.literal('aws:s3'),
        awsRegion: region,
        eventTime: isoTime,
        eventName: z.enum(['ObjectCreated:Put', 'ObjectCreated:CompleteMultipartUpload']),
        userIdentity: z.strictObject({ principalId: z.string().min(1) }),
        requestParameters: z.strictObject({ sourceIPAddress: z.string().min(1) }),
        responseElements: z.strictObject({
          'x-amz-request-id': z.string().min(1),
          'x-amz-id-2': z.string().min(1),
        }),
        s3: z.strictObject({
          s3SchemaVersion: z.literal('1.0'),
          configurationId: z.string().min(1),
          bucket: z.strictObject({
            name: z.string().min(3),
            ownerIdentity: z.strictObject({ principalId: z.string().min(1) }),
            arn: z.string().regex(/^arn:aws:s3:::[a-z0-9.-]+$/),
          }),
          object: z.strictObject({
            // Form-URL-encoded as S3 writes it: no raw spaces.
            key: z.string().regex(/^[^ ]+$/),
            size: z.number().int().nonnegative(),
            eTag: z.string().regex(/^[0-9a-f]{32}(-\d+)?$/),
            versionId: z.string().optional(),
            sequencer: z.string().regex(/^[0-9A-F]+$/),
          }),
        }),
      }),
    )
    .length(1),
});

/** API Gateway hands every claim to Lambda as a string. */
const ClaimsSchema = z.record(z.string(), z.string());

const HttpApiEventSchema = z.strictObject({
  version: z.literal('2.0'),
  routeKey: z.string().regex(/^(GET|POST|PUT|PATCH|DELETE) \/\S*$/),
  rawPath: z.string().startsWith('/'),
  rawQueryString: z.string(),
  cookies: z.array(z.string()).optional(),
  headers: z.record(z.string().regex(/^[a-z0-9-]+$/, 'header names are lower-case'), z.string()),
  queryStringParameters: z.record(z.string(), z.string()).optional(),
  pathParameters: z.record(z.string(), z.string()).optional(),
  requestContext: z.strictObject({
    accountId: z.string().regex(/^\d{12}$/),
    apiId: z.string().min(1),
    authorizer: z.strictObject({
      principalId: z.string(),
      integrationLatency: z.number(),
      jwt: z.strictObject({ claims: ClaimsSchema, scopes: z.array(z.string()).nullable() }),
    }),
    domainName: z.string().min(1),
    domainPrefix: z.string().min(1),
    http: z.strictObject({
      method: z.string(),
      path: z.string().startsWith('/'),
      protocol: z.string().startsWith('HTTP/'),
      sourceIp: z.string().min(1),
      userAgent: z.string(),
    }),
    requestId: z.string().min(1),
    routeKey: z.string(),
    stage: z.literal('$default'),
    time: z.string().regex(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
    timeEpoch: z.number().int().positive(),
  }),
  body: z.string().optional(),
  isBase64Encoded: z.boolean(),
});

const ScheduledEventSchema = z.strictObject({
  version: z.literal('0'),
  id: z.uuid(),
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  account: z.string().regex(/^\d{12}$/),
  time: z.iso.datetime(),
  region,
  resources: z.array(z.string().regex(/^arn:aws:events:[a-z0-9-]+:\d{12}:rule\/.+$/)).min(1),
  detail: z.strictObject({}),
});

const SqsEventSchema = z.strictObject({
  Records: z
    .array(
      z.strictObject({
        messageId: z.uuid(),
        receiptHandle: z.string().min(1),
        body: z.string(),
        attributes: z.looseObject({
          ApproximateReceiveCount: z.string().regex(/^\d+$/),
          SentTimestamp: z.string().regex(/^\d+$/),
          SenderId: z.string().min(1),
          ApproximateFirstReceiveTimestamp: z.string().regex(/^\d+$/),
        }),
        messageAttributes: z.record(z.string(), z.unknown()),
        md5OfBody: z.string().regex(/^[0-9a-f]{32}$/),
        eventSource: z.literal('aws:sqs'),
        eventSourceARN: z.string().regex(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:[\w-]+$/),
        awsRegion: region,
      }),
    )
    .length(1),
});

describe('sample events', () => {
  it('has a schema for every trigger event in events/', () => {
    // Queue message bodies and their JSON Schemas are checked by message-schemas.test.ts.
    const files = readdirSync(DIR).filter(
      (name) => name.endsWith('.json') && !name.endsWith('.schema.json') && !name.endsWith('-requested.json'),
    );
    expect(files.sort()).toEqual(
      [
        'api-get-proposal.json',
        'dynamodb-outbox-insert.json',
        'outbox-sweep.json',
        's3-upload-put.json',
        'schedule-daily.json',
        'sqs-checks.json',
      ].sort(),
    );
  });

  it('s3-upload-put.json is an S3 ObjectCreated event for an upload key', () => {
    const event = S3EventSchema.parse(load('s3-upload-put.json'));
    const record = event.Records[0];
    expect(record?.s3.object.key).toMatch(/^uploads\/62\.03\/2026-S1\/[A-Za-z0-9_-]+\.csv$/);
    expect(record?.s3.bucket.arn).toBe(`arn:aws:s3:::${record?.s3.bucket.name}`);
  });

  it('api-get-proposal.json is an HTTP API v2 event from an operator of 62.03', () => {
    const event = HttpApiEventSchema.parse(load('api-get-proposal.json'));
    expect(event.routeKey).toBe(event.requestContext.routeKey);
    expect(event.routeKey).toBe('GET /proposals/{proposalId}');
    expect(event.rawPath).toBe(`/proposals/${event.pathParameters?.proposalId}`);
    expect(event.requestContext.http.path).toBe(event.rawPath);
    const { claims } = event.requestContext.authorizer.jwt;
    expect(claims).toMatchObject({
      groups: '[operator]',
      region: '62.03',
      iss: 'khbs-local',
      aud: 'khbs-local-api',
    });
    expect(Number(claims.exp)).toBeGreaterThan(Number(claims.iat));
    expect(new Date(event.requestContext.timeEpoch).toISOString().slice(0, 10)).toBe('2026-03-02');
  });

  it('schedule-daily.json is an EventBridge scheduled event', () => {
    ScheduledEventSchema.parse(load('schedule-daily.json'));
  });

  it('sqs-checks.json is an SQS event with one record whose md5OfBody matches its body', () => {
    const event = SqsEventSchema.parse(load('sqs-checks.json'));
    const record = event.Records[0];
    expect(
      createHash('md5')
        .update(record?.body ?? '')
        .digest('hex'),
    ).toBe(record?.md5OfBody);
    expect(() => JSON.parse(record?.body ?? '')).not.toThrow();
  });
});

describe('the outbox relay events', () => {
  const StreamEventSchema = z.strictObject({
    Records: z
      .array(
        z.strictObject({
          eventID: z.string().min(1),
          eventName: z.literal('INSERT'),
          eventVersion: z.literal('1.1'),
          eventSource: z.literal('aws:dynamodb'),
          awsRegion: region,
          dynamodb: z.strictObject({
            ApproximateCreationDateTime: z.number().int().positive(),
            Keys: z.strictObject({
              pk: z.strictObject({ S: z.string() }),
              sk: z.strictObject({ S: z.string() }),
            }),
            NewImage: z.record(z.string(), z.record(z.string(), z.unknown())),
            SequenceNumber: z.string().regex(/^\d+$/),
            SizeBytes: z.number().int().positive(),
            StreamViewType: z.literal('NEW_IMAGE'),
          }),
          eventSourceARN: z
            .string()
            .regex(/^arn:aws:dynamodb:us-east-1:\d{12}:table\/khbs-main\/stream\/\S+$/),
        }),
      )
      .length(1),
  });

  it('dynamodb-outbox-insert.json is a stream record of a valid outbox item the relay accepts', async () => {
    const event = StreamEventSchema.parse(load('dynamodb-outbox-insert.json'));
    const { RelayEventSchema } = await import('../../functions/relay/handler.ts');
    const { OutboxItemSchema } = await import('#shared/adapters/outbox.ts');
    const { HANDOFF_SCHEMAS } = await import('#shared/messages.ts');
    const { unmarshall } = await import('@aws-sdk/util-dynamodb');
    expect(RelayEventSchema.safeParse(event).success).toBe(true);
    const image = event.Records[0]?.dynamodb.NewImage ?? {};
    const item = OutboxItemSchema.parse(unmarshall(image as unknown as Parameters<typeof unmarshall>[0]));
    expect(item.status).toBe('PENDING');
    expect(HANDOFF_SCHEMAS[item.queue].safeParse(item.message).success).toBe(true);
  });

  it('outbox-sweep.json is the sweep event, older than the stream’s window', async () => {
    const { RelayEventSchema } = await import('../../functions/relay/handler.ts');
    const { RELAY_WORKER } = await import('../../infra/workers.ts');
    expect(RelayEventSchema.parse(load('outbox-sweep.json'))).toEqual({
      type: 'outbox.sweep',
      olderThanSeconds: RELAY_WORKER.sweepOlderThanSeconds,
    });
  });
});
