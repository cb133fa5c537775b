import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { signLocalToken, verifyLocalToken } from '../../local/auth.ts';
import { HelpRequested, UsageError } from '../../local/cli.ts';
import { parseTokenArgs, tokenExamples } from '../../local/token.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run token -- …` without npm: the same script, in its own process. */
function token(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'local/token.ts', ...args], { cwd: ROOT });
}

describe('local tokens', () => {
  it('round trip: a token printed by `npm run token` is accepted by this process', async () => {
    const { stdout, stderr } = await token('--role', 'operator', '--region', '62.03');
    expect(stderr).toBe('');
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = await verifyLocalToken(lines[0] as string);
    expect(claims).toMatchObject({
      iss: 'khbs-local',
      aud: 'khbs-local-api',
      sub: 'local-operator-62.03',
      name: 'Local Operator Kabupaten Kapuas',
      groups: ['operator'],
      region: '62.03',
    });
    expect(claims.opd).toBeUndefined();
    expect(claims.exp - claims.iat).toBe(8 * 60 * 60);
  });

  it('refuses an operator without a region: exit code 2, the reason on stderr, nothing on stdout', async () => {
    const failure = await token('--role', 'operator').then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stdout).toBe('');
    expect(failure?.stderr).toContain('an operator token needs --region');
  });

  it('--help prints the usage on stdout and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const { stdout, stderr } = await token(flag);
      expect(stderr).toBe('');
      expect(stdout).toMatch(/^Usage: npm run token -- --role </);
      expect(stdout).toContain('--opd <code>');
    }
    expect(() => parseTokenArgs(['--help'])).toThrow(HelpRequested);
  });

  it("npm start's token commands: one per role that grants anything, each with the flags it needs", () => {
    const examples = tokenExamples();
    expect(examples.map(({ role }) => role)).toEqual([
      'operator',
      'verifier',
      'approver',
      'auditor',
      'admin',
      'relawan',
    ]);
    for (const { role, args } of examples) {
      expect(parseTokenArgs(args).claims.groups).toEqual([role]);
    }
    expect(examples.find(({ role }) => role === 'operator')?.args).toContain('--region');
    expect(examples.find(({ role }) => role === 'verifier')?.args).toContain('--opd');
    expect(examples.find(({ role }) => role === 'relawan')?.args).toContain('--region');
  });

  it('explains every other refusal in plain English', () => {
    for (const [args, expected] of [
      [['--role', 'verifier'], 'a verifier token needs --opd'],
      [['--role', 'boss'], '--role is required and must be one of'],
      [[], '--role is required'],
      [['--role', 'operator', '--region', 'Atlantis'], 'not a kabupaten/kota of Kalimantan Tengah'],
      [['--role', 'operator', '--region', '62.99'], 'not a kabupaten/kota of Kalimantan Tengah'],
      [['--role', 'admin', '--ttl', 'soon'], '--ttl'],
      [['--role', 'admin', '--colour', 'red'], "Unknown option '--colour'"],
    ] as const) {
      expect(() => parseTokenArgs(args), args.join(' ')).toThrow(UsageError);
      expect(() => parseTokenArgs(args), args.join(' ')).toThrow(expected);
    }
  });

  it('parses the options into claims', () => {
    expect(
      parseTokenArgs(['--role', 'verifier', '--opd', 'dinsos', '--name', 'Ibu Verifikator', '--ttl', '60']),
    ).toEqual({
      claims: { sub: 'local-verifier-DINSOS', name: 'Ibu Verifikator', groups: ['verifier'], opd: 'DINSOS' },
      ttlSeconds: 60,
    });
    // A region given to a role that does not use it is left out of the token.
    expect(parseTokenArgs(['--role', 'approver', '--region', '62.03', '--sub', 'gub-1']).claims).toEqual({
      sub: 'gub-1',
      name: 'Local Approver',
      groups: ['approver'],
    });
    expect(() => parseTokenArgs(['--role', 'operator', '--ttl', '-5', '--region', '62.03'])).toThrow(
      UsageError,
    );
  });

  it('verifies signature, issuer, audience and claim shape', async () => {
    const good = await signLocalToken({ sub: 'x', name: 'X', groups: ['auditor'] }, 60);
    await expect(verifyLocalToken(good)).resolves.toMatchObject({ groups: ['auditor'] });
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), groups: ['admin'] }),
    ).toString('base64url');
    await expect(verifyLocalToken(`${header}.${forged}.${signature}`)).rejects.toThrow();
    await expect(signLocalToken({ sub: 'x', name: 'X', groups: ['operator'] })).rejects.toThrow(/region/);
  });
});
