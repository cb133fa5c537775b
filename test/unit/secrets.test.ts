import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { secretString } from '#shared/adapters/secrets.ts';

// Powertools' provider builds its own Secrets Manager client; its `send` is the seam where a fake
// answer (or a failure) is injected. Each case names a secret of its own: Powertools caches by id.
const arn = (name: string) => `arn:aws:secretsmanager:ap-southeast-3:123456789012:secret:${name}-AbCdEf`;

let send: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  process.env.AWS_REGION ??= 'ap-southeast-3';
  send = vi.spyOn(SecretsManagerClient.prototype, 'send');
});
afterEach(() => {
  send.mockRestore();
});

describe('secretString (Secrets Manager GetSecretValue through Powertools Parameters)', () => {
  it('asks for the secret by its id and returns its SecretString', async () => {
    send.mockResolvedValue({ SecretString: 'pepper-1' } as never);
    await expect(secretString(arn('One'))).resolves.toBe('pepper-1');
    const command = send.mock.calls[0]?.[0];
    expect(command).toBeInstanceOf(GetSecretValueCommand);
    expect((command as GetSecretValueCommand).input).toMatchObject({ SecretId: arn('One') });
  });

  it('keeps the value for the container: a second read asks nothing', async () => {
    send.mockResolvedValue({ SecretString: 'pepper-2' } as never);
    await secretString(arn('Two'));
    await expect(secretString(arn('Two'))).resolves.toBe('pepper-2');
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('does not keep a failure: the next read asks again, and the error carries no value', async () => {
    send.mockRejectedValueOnce(new Error('AccessDeniedException')).mockResolvedValue({
      SecretString: 'pepper-3',
    } as never);
    await expect(secretString(arn('Three'))).rejects.toThrow();
    await expect(secretString(arn('Three'))).resolves.toBe('pepper-3');
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('refuses a binary or empty secret rather than peppering with nothing', async () => {
    send.mockResolvedValueOnce({ SecretBinary: new Uint8Array([1, 2]) } as never);
    await expect(secretString(arn('Binary'))).rejects.toThrow(/no SecretString/);
    send.mockResolvedValueOnce({ SecretString: '' } as never);
    await expect(secretString(arn('Empty'))).rejects.toThrow(/no SecretString/);
  });
});
