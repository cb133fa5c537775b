import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKETS, TABLES } from '#shared/resources.ts';
import { ROUTES } from '../../functions/api/routes.ts';
import { signLocalToken } from '../../local/auth.ts';
import type { HttpApiEvent } from '../../local/gateway.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

/**
 * The whole local stack in this worker (its own emulators, not the shared ones): environment,
 * S3 → import trigger, API, and a clean stop. Stub handlers keep it independent of the real ones,
 * except /health, which goes through the real route table and the real dynamic import.
 */

let stack: LocalStack;
const imports: S3Event[] = [];
const apiEvents: HttpApiEvent[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    quiet: true,
    importHandler: async (event) => {
      imports.push(event);
    },
    loadHandler: async (route) => {
      if (route.id === 'Health') {
        const { importHandler } = await import('../../local/lambda.ts');
        return importHandler<HttpApiEvent>(route.entry);
      }
      return async (event) => {
        apiEvents.push(event);
        return { statusCode: 200, body: JSON.stringify({ route: route.id }) };
      };
    },
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('startLocalStack', () => {
  it('points this process at its emulators', () => {
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(stack.emulators.dynamoEndpoint);
    expect(process.env.AWS_ENDPOINT_URL_S3).toBe(stack.emulators.s3Endpoint);
    expect(process.env[TABLES.main.envVar]).toBe(TABLES.main.localName);
    expect(process.env[BUCKETS.uploads.envVar]).toBe(BUCKETS.uploads.localName);
    expect(new URL(stack.apiUrl).hostname).toBe('127.0.0.1');
  });

  it('serves the real /health handler through the real route table', async () => {
    expect(ROUTES.some((route) => route.path === '/health' && route.public)).toBe(true);
    const response = await fetch(`${stack.apiUrl}/health`);
    expect(response.status).toBe(200);
  });

  it('serves every route of ROUTES with a token', async () => {
    const token = await signLocalToken({ sub: 'a', name: 'Admin', groups: ['admin'] }, 300);
    for (const route of ROUTES.filter((r) => !r.public)) {
      const path = route.path.replace(/\{(\w+)\}/g, 'x1');
      const response = await fetch(`${stack.apiUrl}${path}`, {
        method: route.method,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status, route.id).toBe(200);
      expect(await response.json()).toEqual({ route: route.id });
    }
    expect(apiEvents.every((event) => 'authorizer' in event.requestContext)).toBe(true);
  });

  it('runs the import function for an object put under uploads/', async () => {
    const s3 = new S3Client({ endpoint: stack.emulators.s3Endpoint, forcePathStyle: true });
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKETS.uploads.localName,
        Key: 'uploads/62.03/2026-S1/01JTESTUPLOAD.csv',
        Body: 'nik,nama\n',
      }),
    );
    s3.destroy();
    await stack.s3Events.whenIdle();
    expect(imports.map((event) => event.Records[0]?.s3.object.key)).toEqual([
      'uploads/62.03/2026-S1/01JTESTUPLOAD.csv',
    ]);
  });

  it('stop() leaves no JVM and closes every port', async () => {
    const { javaPid, s3Endpoint, dynamoEndpoint } = stack.emulators;
    await stack.stop();
    expect(() => process.kill(javaPid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    for (const url of [stack.apiUrl, s3Endpoint, dynamoEndpoint]) {
      await expect(fetch(url), url).rejects.toThrow();
    }
  });
});
