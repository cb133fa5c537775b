import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * Secrets Manager's `GetSecretValue`, for the few values a function must not carry in its
 * environment (the complaint rate limit's pepper). One signed HTTPS call (Signature V4 with the
 * function's role credentials, which Lambda puts in the environment) instead of the Secrets Manager
 * SDK client: one small call at a cold start does not justify another client in every bundle.
 *
 * Each value is cached per container for `maxAgeMs` (a changed secret is seen within that time); a
 * failed read is not cached, so the next request asks again. The value is never logged, nor put in
 * an error message.
 */
export class SecretReader {
  private readonly cache = new Map<string, { readonly value: Promise<string>; readonly at: number }>();

  constructor(
    private readonly options: {
      /** @default globalThis.fetch */
      readonly fetch?: typeof fetch;
      /** @default one hour */
      readonly maxAgeMs?: number;
      /** @default the clock */
      readonly now?: () => number;
    } = {},
  ) {}

  /** The secret's `SecretString`, from the cache while it is fresh. */
  secretString(secretId: string): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(secretId);
    if (cached && now - cached.at < (this.options.maxAgeMs ?? 60 * 60_000)) return cached.value;
    const value = this.fetchSecret(secretId);
    this.cache.set(secretId, { value, at: now });
    value.catch(() => {
      if (this.cache.get(secretId)?.value === value) this.cache.delete(secretId);
    });
    return value;
  }

  private async fetchSecret(secretId: string): Promise<string> {
    const region = process.env.AWS_REGION;
    if (!region) throw new Error('AWS_REGION is not set: cannot read a secret');
    const url = new URL(secretsManagerEndpoint(region));
    const body = JSON.stringify({ SecretId: secretId });
    const signer = new SignatureV4({
      service: 'secretsmanager',
      region,
      credentials: fromEnv(),
      sha256: NodeSha256,
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body,
    });
    // fetch sets Host itself, from the URL (the value signed above).
    const { host: _host, ...headers } = signed.headers;
    const response = await (this.options.fetch ?? fetch)(url, { method: 'POST', headers, body });
    const answer = (await response.json().catch(() => ({}))) as { SecretString?: unknown; __type?: unknown };
    if (!response.ok) {
      // The error's type only (AccessDeniedException, ResourceNotFoundException…), never the body.
      throw new Error(
        `GetSecretValue failed: ${response.status} ${String(answer.__type ?? 'unknown error')}`,
      );
    }
    if (typeof answer.SecretString !== 'string' || answer.SecretString === '') {
      throw new Error('GetSecretValue answered no SecretString (a binary or empty secret)');
    }
    return answer.SecretString;
  }
}

/** The SDK's own override variables first (`AWS_ENDPOINT_URL_SECRETS_MANAGER`), then the region's. */
function secretsManagerEndpoint(region: string): string {
  const override = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? process.env.AWS_ENDPOINT_URL;
  if (override) return override;
  return `https://secretsmanager.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytesOf = (data: SourceData): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 (and, given a key, HMAC-SHA256) from node:crypto, in the shape Signature V4 asks for. */
export class NodeSha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }

  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

/** The container's reader: one cache for every caller. */
export const secrets = new SecretReader();
