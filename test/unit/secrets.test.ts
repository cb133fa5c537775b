import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeSha256, SecretReader } from '#shared/adapters/secrets.ts';

const ENV = {
  AWS_REGION: 'ap-southeast-3',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'session-token',
} as const;
const OVERRIDES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SECRETS_MANAGER'] as const;
const SECRET_ARN = 'arn:aws:secretsmanager:ap-southeast-3:123456789012:secret:ComplaintRatePepper-AbCdEf';

let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries([...Object.keys(ENV), ...OVERRIDES].map((key) => [key, process.env[key]]));
  Object.assign(process.env, ENV);
  for (const key of OVERRIDES) delete process.env[key];
});

afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

interface Call {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** A Secrets Manager that answers `answers` in turn and records each request. */
function fakeSecretsManager(...answers: Array<{ status: number; body: unknown }>) {
  const calls: Call[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(url),
      headers: init?.headers as Record<string, string>,
      body: String(init?.body),
    });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (!answer) throw new Error('no answer');
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

describe('SecretReader (Secrets Manager GetSecretValue, signed)', () => {
  it('sends one SigV4-signed GetSecretValue to the region’s endpoint and returns the SecretString', async () => {
    const sm = fakeSecretsManager({ status: 200, body: { SecretString: 'the-pepper', Name: 'x' } });
    const value = await new SecretReader({ fetch: sm.fetch }).secretString(SECRET_ARN);
    expect(value).toBe('the-pepper');
    expect(sm.calls).toHaveLength(1);
    const [call] = sm.calls;
    expect(call?.url).toBe('https://secretsmanager.ap-southeast-3.amazonaws.com/');
    expect(JSON.parse(call?.body ?? '')).toEqual({ SecretId: SECRET_ARN });
    expect(call?.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
      'x-amz-security-token': ENV.AWS_SESSION_TOKEN,
    });
    expect(call?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/ap-southeast-3\/secretsmanager\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    // Host is signed but left for fetch to set from the URL (the same value).
    expect(Object.keys(call?.headers ?? {})).not.toContain('host');
  });

  it('caches per secret for maxAgeMs, then asks again', async () => {
    let now = 1_000_000;
    const sm = fakeSecretsManager(
      { status: 200, body: { SecretString: 'first' } },
      { status: 200, body: { SecretString: 'second' } },
    );
    const reader = new SecretReader({ fetch: sm.fetch, maxAgeMs: 60_000, now: () => now });
    expect(await reader.secretString(SECRET_ARN)).toBe('first');
    now += 59_999;
    expect(await reader.secretString(SECRET_ARN)).toBe('first');
    expect(sm.calls).toHaveLength(1);
    now += 1;
    expect(await reader.secretString(SECRET_ARN)).toBe('second');
    expect(sm.calls).toHaveLength(2);
  });

  it('does not cache a failure, and its error names the type, never the answer', async () => {
    const sm = fakeSecretsManager(
      { status: 400, body: { __type: 'AccessDeniedException', Message: 'the-pepper-like-detail' } },
      { status: 200, body: { SecretString: 'the-pepper' } },
    );
    const reader = new SecretReader({ fetch: sm.fetch });
    const failure = reader.secretString(SECRET_ARN);
    await expect(failure).rejects.toThrow('GetSecretValue failed: 400 AccessDeniedException');
    await expect(failure).rejects.not.toThrow(/pepper-like/);
    expect(await reader.secretString(SECRET_ARN)).toBe('the-pepper');
    expect(sm.calls).toHaveLength(2);
  });

  it('refuses a binary or empty secret rather than peppering with nothing', async () => {
    const sm = fakeSecretsManager({ status: 200, body: { SecretBinary: 'AAAA' } });
    await expect(new SecretReader({ fetch: sm.fetch }).secretString(SECRET_ARN)).rejects.toThrow(
      /no SecretString/,
    );
  });

  it('uses AWS_ENDPOINT_URL_SECRETS_MANAGER when set (an emulator)', async () => {
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = 'http://127.0.0.1:4566/';
    const sm = fakeSecretsManager({ status: 200, body: { SecretString: 'local' } });
    expect(await new SecretReader({ fetch: sm.fetch }).secretString('pepper')).toBe('local');
    expect(sm.calls[0]?.url).toBe('http://127.0.0.1:4566/');
  });
});

describe('NodeSha256 (the hash Signature V4 is given)', () => {
  it('signs AWS’s own Signature V4 test case (get-vanilla) to its published signature', async () => {
    const signer = new SignatureV4({
      service: 'service',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: ENV.AWS_SECRET_ACCESS_KEY },
      sha256: NodeSha256,
      applyChecksum: false,
    });
    const signed = await signer.sign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'example.amazonaws.com',
        path: '/',
        query: {},
        headers: { host: 'example.amazonaws.com' },
      },
      { signingDate: new Date('2015-08-30T12:36:00Z') },
    );
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=host;x-amz-date, ' +
        'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });
});
