import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLocalToken, verifyLocalToken } from '../../local/auth.ts';
import { HelpRequested, UsageError } from '../../local/cli.ts';
import { LOCAL_MACHINE_CLIENTS } from '../../local/machine-clients.ts';
import { clientCredentialsToken, TokenRefused } from '../../local/machine-token.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { parseClientArgs, parseTokenArgs, tokenExamples } from '../../local/token.ts';

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

describe('machine clients: the client-credentials exchange with the local provider (issue #15)', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, quiet: true });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const call = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${stack.apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });

  it("trades the bank's id and secret for a signed JWT access token shaped as Cognito's", async () => {
    const answer = await clientCredentialsToken(stack.apiUrl, 'bank');
    expect(answer).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(decodeProtectedHeader(answer.access_token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const claims = decodeJwt(answer.access_token);
    expect(claims).toMatchObject({
      iss: `${stack.apiUrl}/oidc`,
      sub: 'khbs-bank',
      client_id: 'khbs-bank',
      token_use: 'access',
      scope: 'khbs-exchange/bank',
    });
    expect(claims.groups).toBeUndefined();
    expect(claims.exp).toBe((claims.iat ?? 0) + 3600);
  });

  it('the gateway accepts it on the bank’s routes, and the API refuses it on staff and BULOG routes (403)', async () => {
    const { access_token: bank } = await clientCredentialsToken(stack.apiUrl, 'bank');
    const files = await call('/exchange/bank/files', bank);
    expect(files.status, await files.clone().text()).toBe(200);
    expect(await files.json()).toEqual({ items: [] });
    for (const path of ['/proposals', '/tahap', '/exchange/bulog/files', '/audit?entityId=62.03-2026-S1']) {
      const refused = await call(path, bank);
      expect(refused.status, path).toBe(403);
    }
    const report = await call('/exchange/bank/reports', bank, {
      method: 'POST',
      body: JSON.stringify({ filename: 'laporan-uji.csv' }),
    });
    expect(report.status).toBe(201);

    const { access_token: bulog } = await clientCredentialsToken(stack.apiUrl, 'bulog');
    expect((await call('/exchange/bulog/files', bulog)).status).toBe(200);
    expect((await call('/exchange/bank/files', bulog)).status).toBe(403);
  });

  it('refuses a wrong secret (401 invalid_client), another client’s scope (invalid_scope), and a forged token', async () => {
    const wrong = await clientCredentialsToken(stack.apiUrl, 'bank', { secret: 'tebakan' }).catch(
      (error: unknown) => error,
    );
    expect(wrong).toBeInstanceOf(TokenRefused);
    expect(wrong).toMatchObject({ status: 401, error: 'invalid_client' });
    const other = await clientCredentialsToken(stack.apiUrl, 'bank', { scope: 'khbs-exchange/bulog' }).catch(
      (error: unknown) => error,
    );
    expect(other).toMatchObject({ status: 400, error: 'invalid_scope' });

    // The bank's own token with the payload changed to BULOG's scope: the signature no longer holds.
    const { access_token: bank } = await clientCredentialsToken(stack.apiUrl, 'bank');
    const [header, payload, signature] = bank.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
        scope: 'khbs-exchange/bulog',
      }),
    ).toString('base64url');
    const refused = await call('/exchange/bulog/files', `${header}.${forged}.${signature}`);
    expect(refused.status).toBe(401);
  });

  it("the bank's account-opening answer through its own route: put, imported on the S3 event, read back as the bank's", async () => {
    const { access_token: bank } = await clientCredentialsToken(stack.apiUrl, 'bank');
    const asked = await call('/exchange/bank/account-answers', bank, {
      method: 'POST',
      body: JSON.stringify({ filename: 'jawaban-rekening.csv' }),
    });
    expect(asked.status, await asked.clone().text()).toBe(201);
    const created = (await asked.json()) as { importId: string; uploadUrl: string; statusUrl: string };
    expect(decodeURIComponent(new URL(created.uploadUrl).pathname)).toContain(
      `imports/jawaban-rekening/${created.importId}.csv`,
    );
    const csv = 'NIK;No Rekening;Status;Alasan\r\n6203011203850001;1234567890;BERHASIL;\r\n';
    expect((await fetch(created.uploadUrl, { method: 'PUT', body: csv })).ok).toBe(true);
    let view: { status: string; counts?: { accepted: number }; createdBy?: { name: string } } = {
      status: 'AWAITING_FILE',
    };
    for (let tries = 0; tries < 100 && !['COMPLETED', 'REJECTED', 'FAILED'].includes(view.status); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const reply = await call(created.statusUrl, bank);
      if (reply.status === 200) view = (await reply.json()) as typeof view;
    }
    expect(view).toMatchObject({
      status: 'COMPLETED',
      counts: { accepted: 1 },
      createdBy: { name: 'Bank Kalteng (sistem)' },
    });
    // BULOG's client may neither put the bank's answer nor read it, on either party's route.
    const { access_token: bulog } = await clientCredentialsToken(stack.apiUrl, 'bulog');
    const put = await call('/exchange/bank/account-answers', bulog, {
      method: 'POST',
      body: JSON.stringify({ filename: 'jawaban.csv' }),
    });
    expect(put.status).toBe(403);
    expect((await call(created.statusUrl, bulog)).status).toBe(403);
    expect((await call(`/exchange/bulog/imports/${created.importId}`, bulog)).status).toBe(404);
  });

  it('`npm run token -- --client bank` prints a token from the running stack that the API accepts', async () => {
    const { stdout, stderr } = await token('--client', 'bank', '--api', stack.apiUrl);
    expect(stderr).toBe('');
    const printed = stdout.trim();
    expect(decodeJwt(printed)).toMatchObject({ client_id: 'khbs-bank', scope: 'khbs-exchange/bank' });
    expect((await call('/exchange/bank/files', printed)).status).toBe(200);
    const failure = await token('--client', 'bank', '--api', stack.apiUrl, '--secret', 'salah').then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stdout).toBe('');
    expect(failure?.stderr).toContain('invalid_client');
  });
});

describe('machine clients on the command line', () => {
  it('parses --client, and sends bank and bulog away from --role', () => {
    expect(parseClientArgs(['--client', 'bulog'])).toEqual({ client: 'bulog' });
    expect(() => parseClientArgs(['--client', 'admin'])).toThrow(/--client must be one of: bank, bulog/);
    for (const role of ['bank', 'bulog']) {
      expect(() => parseTokenArgs(['--role', role])).toThrow(`npm run token -- --client ${role}`);
    }
    expect(LOCAL_MACHINE_CLIENTS.bank).toMatchObject({ clientId: 'khbs-bank', scope: 'khbs-exchange/bank' });
  });
});
