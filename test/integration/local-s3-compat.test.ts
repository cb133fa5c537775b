import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUCKETS, QUEUES } from '#shared/resources.ts';
import { DEFAULT_ALLOWED_ORIGINS, UPLOAD_CORS_RULE } from '../../infra/settings.ts';
import { localUploadCorsRule } from '../../local/s3-compat.ts';
import { testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The local S3 behaves as S3 does where a person trying the stack by hand meets it: a presigned PUT
 * of any Content-Type (curl --data-binary sends application/x-www-form-urlencoded), and the uploads
 * bucket's CORS for a browser's PUT (`local/s3-compat.ts`).
 */

const ORIGIN = DEFAULT_ALLOWED_ORIGINS[0] as string;

beforeAll(() => {
  useEmulatorEnv();
});

async function presignedPut(key: string, bucket: string = BUCKETS.uploads.localName): Promise<string> {
  return getSignedUrl(testClients().s3, new PutObjectCommand({ Bucket: bucket, Key: key }), {
    expiresIn: 300,
  });
}

async function stored(key: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  const object = await testClients().s3.send(
    new GetObjectCommand({ Bucket: BUCKETS.uploads.localName, Key: key }),
  );
  return {
    bytes: Buffer.from(
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    ),
    contentType: object.ContentType,
  };
}

describe('the local S3', () => {
  it('stores a presigned PUT of any Content-Type byte for byte, form-urlencoded included', async () => {
    // A CSV that a form parser would have mangled: `;`, `=`, `&`, `+`, a BOM and CRLF.
    const body = Buffer.from('\uFEFFnik;nama;jumlah\r\n6203010101900001;A=B & C+D;1.800.000\r\n');
    for (const contentType of [
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=utf-8',
      'text/csv',
      'application/json',
      'text/plain',
    ]) {
      const key = `uploads/62.03/2026-S1/ct-${contentType.replace(/\W+/g, '-')}.csv`;
      const response = await fetch(await presignedPut(key), {
        method: 'PUT',
        headers: { 'content-type': contentType },
        body,
      });
      expect(response.status, `${contentType}: ${await response.text()}`).toBe(200);
      const object = await stored(key);
      expect(object.bytes.equals(body), contentType).toBe(true);
      expect(object.contentType).toBe(contentType);
    }
  });

  it("still parses SQS's and STS's own requests", async () => {
    const { sqs } = testClients();
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: QUEUES.importFailures.localName }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'still works' }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(received.Messages?.map((message) => message.Body)).toContain('still works');
    // STS (Query protocol, form-encoded POST to /).
    const sts = await fetch(`${process.env.AWS_ENDPOINT_URL_S3}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(sts.status).toBe(200);
    expect(await sts.text()).toContain('GetCallerIdentityResult');
  });

  it("answers a browser's preflight for a presigned PUT from an allowed origin", async () => {
    const url = await presignedPut('uploads/62.03/2026-S1/preflight.csv');
    const response = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type, x-amz-checksum-crc32',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toBe('PUT');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-checksum-crc32');
    expect(response.headers.get('access-control-expose-headers')).toBe('ETag');
    expect(response.headers.get('access-control-max-age')).toBe(String(UPLOAD_CORS_RULE.maxAgeSeconds));
    expect(response.headers.get('vary')).toContain('Origin');

    // The PUT itself, as the browser then sends it: the page may read the answer and its ETag.
    const put = await fetch(url, {
      method: 'PUT',
      headers: { origin: ORIGIN, 'content-type': 'text/csv' },
      body: 'nik,nama\n',
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(put.headers.get('access-control-expose-headers')).toBe('ETag');
    expect(put.headers.get('etag')).toMatch(/^"/);
  });

  it('refuses a preflight as S3 does: another origin, another method, the bucket without CORS', async () => {
    const url = await presignedPut('uploads/62.03/2026-S1/refused.csv');
    const refusals: [string, Record<string, string>][] = [
      [url, { origin: 'https://evil.example', 'access-control-request-method': 'PUT' }],
      [url, { origin: ORIGIN, 'access-control-request-method': 'DELETE' }],
      [
        await presignedPut('reports/x.csv', BUCKETS.documents.localName),
        { origin: ORIGIN, 'access-control-request-method': 'PUT' },
      ],
    ];
    for (const [target, headers] of refusals) {
      const response = await fetch(target, { method: 'OPTIONS', headers });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(await response.text()).toContain('CORSResponse');
    }
    const noOrigin = await fetch(url, { method: 'OPTIONS' });
    expect(noOrigin.status).toBe(400);
    // A PUT from an origin the rule does not name stores the file (CORS binds browsers, not S3),
    // but carries no header that lets a page read the answer.
    const put = await fetch(url, { method: 'PUT', headers: { origin: 'https://evil.example' }, body: 'x' });
    expect(put.status).toBe(200);
    expect(put.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("takes the origins this checkout would deploy (cdk.json's khbs:security.allowedOrigins)", () => {
    expect(localUploadCorsRule()).toEqual({ ...UPLOAD_CORS_RULE, allowedOrigins: ['http://localhost:5173'] });
    expect(localUploadCorsRule('/nonexistent/cdk.json').allowedOrigins).toEqual(DEFAULT_ALLOWED_ORIGINS);
  });
});
