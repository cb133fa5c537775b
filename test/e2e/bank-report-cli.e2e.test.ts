import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankReportCsv } from '../../local/bank-report.ts';
import { UsageError } from '../../local/cli.ts';
import { parseBankReportArgs } from '../../local/put-bank-report.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { writeStackFile } from '../../local/stack-file.ts';

/**
 * `npm run bank-report -- FILE`: a bank report put into a running stack (found through its
 * stack.json, as `npm start` writes it) is imported, and the command prints the import's record.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let stack: LocalStack;
let dir: string;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, quiet: true, s3Events: { pollIntervalMs: 100 } });
  dir = await mkdtemp(join(tmpdir(), 'khbs-bank-report-'));
  await writeStackFile(dir, { pid: process.pid, apiUrl: stack.apiUrl, env: { ...stack.env } });
});

afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function bankReport(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'local/put-bank-report.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, KHBS_STATE_DIR: dir },
  });
}

describe('npm run bank-report', () => {
  it('puts the file under disbursements/<date>/<name>, waits for the import and prints its record', async () => {
    const file = join(dir, 'harian.csv');
    await writeFile(
      file,
      bankReportCsv([
        {
          bankRef: 'BKT001',
          noRekening: '1234567890',
          nama: 'Contoh Satu',
          amount: 1_800_000,
          status: 'BERHASIL',
          date: '2026-12-01',
        },
        {
          bankRef: 'BKT002',
          noRekening: '1234567891',
          nama: 'Contoh Dua',
          amount: 1_800_000,
          status: 'GAGAL',
          date: '2026-12-01',
        },
      ]),
    );
    const { stdout, stderr } = await bankReport(file, '--date', '2026-12-01');
    expect(stderr).toContain('/disbursements/2026-12-01/harian.csv: the bank report import runs on it');
    expect(stdout).toContain('Laporan bank disbursements/2026-12-01/harian.csv: COMPLETED');
    expect(stdout).toContain('2 baris: 2 dicatat');
    expect(stderr).toContain('npm run reconcile');
  });

  it('--sample with no decree in force says so and puts nothing (exit code 2)', async () => {
    const failure = await bankReport('--sample').then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain('no decree in force on the stack');
  });

  it('parses its command line: the key, the default date in WIB, refusals', () => {
    const now = new Date('2026-12-05T20:00:00Z'); // 03:00 on the 6th in WIB
    expect(parseBankReportArgs(['out/laporan.csv'], now)).toEqual({
      file: 'out/laporan.csv',
      sample: false,
      key: 'disbursements/2026-12-06/laporan.csv',
      wait: true,
    });
    expect(parseBankReportArgs(['--sample', '--date', '2026-11-30', '--no-wait'], now)).toMatchObject({
      file: undefined,
      sample: true,
      key: 'disbursements/2026-11-30/bkk-contoh-2026-11-30.csv',
      wait: false,
    });
    expect(parseBankReportArgs(['a.csv', '--name', 'b.csv'], now).key).toBe('disbursements/2026-12-06/b.csv');
    for (const args of [
      [],
      ['a.csv', '--sample'],
      ['a.csv', 'b.csv'],
      ['a.csv', '--date', '2026-02-30'],
      ['a.csv', '--date', '1/12/2026'],
    ]) {
      expect(() => parseBankReportArgs(args, now), args.join(' ')).toThrow(UsageError);
    }
  });
});
