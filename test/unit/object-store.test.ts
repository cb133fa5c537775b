import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ObjectStore } from '#shared/adapters/object-store.ts';

/**
 * The write-once path against S3's answers that the local emulator never gives (it ignores
 * If-None-Match): injected faults, not a pretend S3.
 */
function storeAnswering(answer: () => Promise<unknown>, seen: unknown[] = []): ObjectStore {
  const client = new S3Client({
    region: 'ap-southeast-3',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  client.send = ((command: { input: unknown }) => {
    seen.push(command.input);
    return answer();
  }) as typeof client.send;
  return new ObjectStore(client, client);
}

const s3Error = (status: number, name: string) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

describe('ObjectStore.putOnce', () => {
  const args = ['docs', 'decrees/2026/SK-x.pdf', new Uint8Array([1, 2, 3]), 'application/pdf'] as const;
  const sha256Hex = '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81';

  it('writes with If-None-Match, the SHA-256 for S3 to check, and the Object Lock retention', async () => {
    const seen: unknown[] = [];
    const store = storeAnswering(async () => ({ VersionId: 'v1' }), seen);
    const until = new Date('2036-11-29T00:00:00Z');
    const result = await store.putOnce(...args, { sha256Hex, retention: { mode: 'GOVERNANCE', until } });
    expect(result).toEqual({ written: true, versionId: 'v1' });
    expect(seen[0]).toMatchObject({
      IfNoneMatch: '*',
      ChecksumSHA256: Buffer.from(sha256Hex, 'hex').toString('base64'),
      ObjectLockMode: 'GOVERNANCE',
      ObjectLockRetainUntilDate: until,
    });
  });

  it('says "not written" when S3 answers 412 (the key was taken by an earlier attempt)', async () => {
    const store = storeAnswering(() => Promise.reject(s3Error(412, 'PreconditionFailed')));
    expect(await store.putOnce(...args, { sha256Hex })).toEqual({ written: false });
  });

  it('lets any other refusal through (409 ConditionalRequestConflict is retried by the queue)', async () => {
    const store = storeAnswering(() => Promise.reject(s3Error(409, 'ConditionalRequestConflict')));
    await expect(store.putOnce(...args, { sha256Hex })).rejects.toThrow('ConditionalRequestConflict');
  });
});

describe('ObjectStore.exists', () => {
  it('is false on 404 and throws on 403 (no ListBucket: "missing" and "denied" look alike)', async () => {
    expect(await storeAnswering(() => Promise.reject(s3Error(404, 'NotFound'))).exists('b', 'k')).toBe(false);
    await expect(
      storeAnswering(() => Promise.reject(s3Error(403, 'Forbidden'))).exists('b', 'k'),
    ).rejects.toThrow();
    expect(await storeAnswering(async () => ({})).exists('b', 'k')).toBe(true);
  });
});
