import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signLocalToken } from '../../local/auth.ts';
import { type Gateway, type GatewayRoute, type HttpApiEvent, startGateway } from '../../local/gateway.ts';

/** Stub routes in the shape of functions/api/routes.ts; the handlers below stand in for the real ones. */
const routes: GatewayRoute[] = [
  { id: 'Health', method: 'GET', path: '/health', entry: 'stub', public: true },
  { id: 'CreateUpload', method: 'POST', path: '/uploads', entry: 'stub', public: false },
  { id: 'GetUpload', method: 'GET', path: '/uploads/{uploadId}', entry: 'stub', public: false },
  {
    id: 'ListRecipients',
    method: 'GET',
    path: '/proposals/{proposalId}/recipients',
    entry: 'stub',
    public: false,
  },
  { id: 'Boom', method: 'GET', path: '/boom', entry: 'stub', public: true },
  { id: 'Raw', method: 'GET', path: '/raw/{kind}', entry: 'stub', public: true },
  { id: 'Verify', method: 'GET', path: '/verify/{code}', entry: 'stub', public: true },
  { id: 'VerifyLatest', method: 'GET', path: '/verify/latest', entry: 'stub', public: true },
];

interface Seen {
  readonly routeId: string;
  readonly event: HttpApiEvent;
  readonly context: Context;
}

let gateway: Gateway;
let seen: Seen[] = [];
const accessLines: string[] = [];
const errors: unknown[] = [];
let operatorToken: string;

const rawResults: Record<string, unknown> = {
  string: 'halo',
  object: { ok: true },
  structured: {
    statusCode: 201,
    headers: { 'Content-Type': 'text/csv', 'X-Count': 3 },
    cookies: ['a=1; Path=/', 'b=2'],
    body: 'nik,nama\n',
  },
  binary: {
    statusCode: 200,
    headers: { 'content-type': 'application/pdf' },
    body: Buffer.from([0, 1, 2, 255]).toString('base64'),
    isBase64Encoded: true,
  },
  malformed: { statusCode: 'two hundred' },
};

beforeAll(async () => {
  gateway = await startGateway({
    routes,
    port: 0,
    accessLog: (line) => accessLines.push(line),
    errorLog: (_message, error) => errors.push(error),
    loadHandler: async (route) => async (event, context) => {
      seen.push({ routeId: route.id, event, context });
      if (route.id === 'Boom') throw new Error('secret internal detail');
      if (route.id === 'Raw') return rawResults[event.pathParameters?.kind ?? ''];
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ route: route.id }),
      };
    },
  });
  operatorToken = await signLocalToken(
    { sub: 'u-1', name: 'Operator Kapuas', groups: ['operator'], region: '62.03' },
    600,
  );
});

afterAll(async () => {
  await gateway.close();
});

beforeEach(() => {
  seen = [];
  errors.length = 0;
});

const call = (path: string, init: RequestInit = {}) => fetch(`${gateway.url}${path}`, init);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const lastEvent = () => seen.at(-1)?.event as APIGatewayProxyEventV2WithJWTAuthorizer;

describe('local API gateway', () => {
  it('listens on loopback', () => {
    expect(new URL(gateway.url).hostname).toBe('127.0.0.1');
  });

  it('serves a public route without a token, with no authorizer in the event', async () => {
    const response = await call('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ route: 'Health' });
    expect(response.headers.get('apigw-requestid')).toBeTruthy();
    const event = lastEvent();
    expect(event.routeKey).toBe('GET /health');
    expect('authorizer' in event.requestContext).toBe(false);
    expect(seen.at(-1)?.context.functionName).toBe('khbs-Health');
  });

  it('answers 401 without a token, with a bad one, a foreign one or an expired one', async () => {
    const foreignKey = await generateKeyPair('RS256');
    const foreign = await new SignJWT({ sub: 'x', name: 'x', groups: ['admin'] })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer('khbs-local')
      .setAudience('khbs-local-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(foreignKey.privateKey);
    const expired = await signLocalToken({ sub: 'u', name: 'u', groups: ['auditor'] }, 1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));

    for (const headers of [
      {},
      bearer('not.a.token'),
      bearer(foreign),
      bearer(expired),
      { authorization: 'Basic abc' },
    ]) {
      const response = await call('/uploads/u1', { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    }
    expect(seen).toHaveLength(0);
  });

  it('passes the verified claims as API Gateway does, and decodes path parameters', async () => {
    const response = await call('/uploads/abc%20def%2Fx?b=2&a=1&a=3&c=x%20y', {
      headers: { ...bearer(operatorToken), 'X-Custom': 'One', 'User-Agent': 'vitest' },
    });
    expect(response.status).toBe(200);
    const event = lastEvent();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /uploads/{uploadId}',
      rawPath: '/uploads/abc%20def%2Fx',
      rawQueryString: 'b=2&a=1&a=3&c=x%20y',
      queryStringParameters: { a: '1,3', b: '2', c: 'x y' },
      pathParameters: { uploadId: 'abc def/x' },
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        routeKey: 'GET /uploads/{uploadId}',
        stage: '$default',
        http: { method: 'GET', path: '/uploads/abc%20def%2Fx', sourceIp: '127.0.0.1', userAgent: 'vitest' },
        authorizer: {
          jwt: {
            claims: {
              sub: 'u-1',
              name: 'Operator Kapuas',
              groups: '[operator]',
              region: '62.03',
              iss: 'khbs-local',
              aud: 'khbs-local-api',
            },
            scopes: null,
          },
        },
      },
    });
    expect(event.headers['x-custom']).toBe('One');
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.body).toBeUndefined();
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5_000);
    expect(event.requestContext.requestId).toBe(response.headers.get('apigw-requestid'));
    expect(typeof event.requestContext.authorizer.jwt.claims.exp).toBe('string');
  });

  it('prefers a literal path segment over a parameter', async () => {
    await call('/verify/latest');
    expect(seen.at(-1)?.routeId).toBe('VerifyLatest');
    await call('/verify/ABC123');
    expect(seen.at(-1)?.routeId).toBe('Verify');
    expect(lastEvent().pathParameters).toEqual({ code: 'ABC123' });
  });

  it('answers 404 for an unknown route and 405 for a known path with another method', async () => {
    const unknown = await call('/nothing/here', { headers: bearer(operatorToken) });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Not Found' });
    expect((await call('/uploads/u1/extra')).status).toBe(404);

    const wrongMethod = await call('/health', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(seen).toHaveLength(0);
  });

  it('passes a JSON body as text and a binary body as base64', async () => {
    await call('/uploads', {
      method: 'POST',
      headers: { ...bearer(operatorToken), 'content-type': 'application/json' },
      body: JSON.stringify({ period: '2026-S1', filename: 'daftar.csv' }),
    });
    expect(lastEvent()).toMatchObject({
      body: '{"period":"2026-S1","filename":"daftar.csv"}',
      isBase64Encoded: false,
    });

    const bytes = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0x00]);
    await call('/uploads', {
      method: 'POST',
      headers: { ...bearer(operatorToken), 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    const event = lastEvent();
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
  });

  it('answers 413 for a body over 10 MB without invoking the handler', async () => {
    const response = await call('/uploads', {
      method: 'POST',
      headers: { ...bearer(operatorToken), 'content-type': 'text/csv' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x61),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(seen).toHaveLength(0);
  });

  it('answers 500 with nothing internal when a handler throws, and logs the error', async () => {
    const response = await call('/boom');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ message: 'Internal Server Error' });
    expect(text).not.toContain('secret');
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('secret internal detail');
  });

  it('maps handler results like payload format 2.0', async () => {
    const string = await call('/raw/string');
    expect([string.status, string.headers.get('content-type'), await string.text()]).toEqual([
      200,
      'application/json',
      '"halo"',
    ]);

    const object = await call('/raw/object');
    expect([object.status, await object.json()]).toEqual([200, { ok: true }]);

    const structured = await call('/raw/structured');
    expect(structured.status).toBe(201);
    expect(structured.headers.get('content-type')).toBe('text/csv');
    expect(structured.headers.get('x-count')).toBe('3');
    expect(structured.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(await structured.text()).toBe('nik,nama\n');

    const binary = await call('/raw/binary');
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));

    const malformed = await call('/raw/malformed');
    expect(malformed.status).toBe(500);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('statusCode');
  });

  it('logs one access line per request, without the query string', async () => {
    accessLines.length = 0;
    await call('/health?nik=6203010101900001');
    await call('/missing');
    expect(accessLines).toHaveLength(2);
    expect(accessLines[0]).toMatch(/^GET \/health 200 \d+ms$/);
    expect(accessLines[1]).toMatch(/^GET \/missing 404 \d+ms$/);
    expect(accessLines.join('\n')).not.toContain('6203010101900001');
  });
});
