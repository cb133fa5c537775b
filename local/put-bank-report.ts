import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { PREFIXES, parseBankReportKey } from '#shared/adapters/storage-keys.ts';
import { resetEnvForTests } from '#shared/config/env.ts';
import { RATE_TABLE } from '#shared/config/rates.ts';
import { createApiClient } from '#shared/contract/client.ts';
import { amountsForPeriod, wibDate } from '#shared/domain/decree.ts';
import type { RoleCode } from '#shared/domain/roles.ts';
import type { BankReportRecord } from '#shared/model.ts';
import { BUCKETS, TABLES } from '#shared/resources.ts';
import { signLocalToken } from './auth.ts';
import { type BankLine, bankReportCsv } from './bank-report.ts';
import { isEntryPoint, parseCommandLine, reportCommandError, UsageError } from './cli.ts';
import { REPO_ROOT } from './lambda.ts';
import { readStackFile, type StackFile, stackFilePath } from './stack-file.ts';

/**
 * `npm run bank-report -- <file.csv> | --sample [--date yyyy-mm-dd] [--name <file>] [--no-wait]`:
 * puts a Bank Kalteng disbursement report into the running `npm start` stack, where the bank puts it
 * in AWS (`disbursements/<yyyy-mm-dd>/<file>` in the uploads bucket), so the bank report import
 * runs; waits for the import and prints its record. `--sample` builds the report (`bank-report.ts`)
 * from the decrees in force on the stack: every recipient paid in full. Finds the stack through
 * `.local/stack.json` (or `KHBS_STATE_DIR`), as `npm run watchdog` does.
 */

const USAGE = `Usage: npm run bank-report -- <file.csv> [options]
       npm run bank-report -- --sample [options]

Puts a bank report under s3://${BUCKETS.uploads.localName}/${PREFIXES.disbursements}<yyyy-mm-dd>/<file> of the running
\`npm start\` stack (as Bank Kalteng does in AWS), waits for its import and prints the result.

Options:
  --sample          no file: a report that pays every recipient of this year's decrees in force
                    in full (written to out/ too)
  --date <date>     the report's folder, yyyy-mm-dd (default: today in WIB)
  --name <file>     the file name in the bucket (default: the file's own name, or bkk-contoh-<date>.csv)
  --no-wait         put the file and return, without waiting for the import`;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const ArgsSchema = z.object({
  sample: z.boolean().optional(),
  date: z.string().regex(ISO_DATE, '--date must be yyyy-mm-dd, e.g. 2026-12-01').optional(),
  name: z.string().min(1, '--name must not be empty').optional(),
  'no-wait': z.boolean().optional(),
});

export interface BankReportRequest {
  /** The file to put, or undefined with `sample`. */
  readonly file: string | undefined;
  readonly sample: boolean;
  /** `disbursements/<date>/<name>`, checked as the import checks it. */
  readonly key: string;
  readonly wait: boolean;
}

/** Parses the command line; throws `UsageError` (or `HelpRequested`) with a readable message. */
export function parseBankReportArgs(argv: readonly string[], now = new Date()): BankReportRequest {
  // parseCommandLine takes options only: the file (a non-option argument) is taken out first, the
  // values of --date and --name staying with their option.
  const positionals: string[] = [];
  const options: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--date' || arg === '--name') {
      options.push(arg, ...(argv[index + 1] === undefined ? [] : [argv[index + 1] as string]));
      index++;
    } else if (arg.startsWith('-')) options.push(arg);
    else positionals.push(arg);
  }
  const parsed = parseCommandLine(
    options,
    {
      sample: { type: 'boolean' },
      date: { type: 'string' },
      name: { type: 'string' },
      'no-wait': { type: 'boolean' },
    },
    ArgsSchema,
    USAGE,
    'Cannot put a bank report',
  );
  if (positionals.length > 1)
    throw new UsageError(`Cannot put a bank report: give one file at most\n\n${USAGE}`);
  const file = positionals[0];
  const sample = parsed.sample === true;
  if ((file === undefined) === !sample) {
    throw new UsageError(`Cannot put a bank report: give a CSV file or --sample (not both)\n\n${USAGE}`);
  }
  const date = parsed.date ?? wibDate(now).iso;
  const name = parsed.name ?? (file !== undefined ? basename(file) : `bkk-contoh-${date}.csv`);
  const key = `${PREFIXES.disbursements}${date}/${name}`;
  if (!parseBankReportKey(key)) {
    throw new UsageError(
      `Cannot put a bank report: ${key} is not a bank report key (disbursements/<a real yyyy-mm-dd>/<file name ` +
        `of 1-200 characters, not starting with a dot>)\n\n${USAGE}`,
    );
  }
  return { file, sample, key, wait: parsed['no-wait'] !== true };
}

/** Every recipient of this year's decrees in force, paid in full on `date` (through the stack's API). */
export async function sampleLines(
  apiUrl: string,
  date: string,
): Promise<{ lines: BankLine[]; decrees: string[] }> {
  const bearer = await signLocalToken({
    sub: 'local-bank-report',
    name: 'Laporan bank contoh',
    groups: ['admin'],
  });
  // The API's typed client: requests and answers as the contract says (shared/contract/).
  const api = createApiClient({ baseUrl: apiUrl, token: bearer });
  const answered = <T extends { ok: boolean; status: number; body: unknown }>(
    what: string,
    answer: T,
  ): Extract<T, { ok: true }>['body'] => {
    if (!answer.ok) throw new Error(`${what} → ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const { items } = answered(
    'GET /decrees',
    await api.call('ListDecrees', { query: { year: date.slice(0, 4) } }),
  );
  const inForce = items.filter((decree) => decree.status === 'ISSUED');
  const lines: BankLine[] = [];
  for (const decree of inForce) {
    const amounts: Record<string, number> = amountsForPeriod(RATE_TABLE.monthly, decree.period);
    let cursor: string | null = null;
    do {
      const page: {
        items: { noRekening: string; nik: string; nama: string; peran: string }[];
        nextCursor: string | null;
      } = answered(
        `GET /proposals/${decree.proposalId}/recipients`,
        await api.call('ListRecipients', {
          params: { proposalId: decree.proposalId },
          query: { limit: '500', ...(cursor ? { cursor } : {}) },
        }),
      );
      for (const recipient of page.items) {
        lines.push({
          bankRef: `CONTOH${date.replaceAll('-', '')}${String(lines.length + 1).padStart(7, '0')}`,
          noRekening: recipient.noRekening,
          nik: recipient.nik,
          nama: recipient.nama,
          amount: amounts[recipient.peran as RoleCode] ?? 0,
          status: 'BERHASIL',
          date,
          nomorSk: decree.number,
        });
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  return { lines, decrees: inForce.map((decree) => decree.number) };
}

/** The import's record as a few readable lines. */
export function formatBankReport(record: BankReportRecord, documentsBucket: string): string {
  const rupiah = (amount: number) => `Rp${amount.toLocaleString('id-ID')}`;
  const lines = [`Laporan bank ${record.key}: ${record.status}`];
  const { counts, totals } = record;
  lines.push(
    `  ${counts.lines} baris: ${counts.stored} dicatat, ${counts.duplicates} duplikat, ${counts.rejected} ditolak; ` +
      `berhasil ${rupiah(totals.berhasil)}, gagal ${rupiah(totals.gagal)}` +
      (totals.retur !== undefined ? `, retur ${rupiah(totals.retur)}` : ''),
  );
  for (const reason of record.reasons) lines.push(`  ${reason.code}: ${reason.message}`);
  if (record.redeliveryCount > 0)
    lines.push(`  versi lain di kunci ini (tidak dibaca): ${record.redeliveryCount}`);
  if (record.duplicateEvents > 0)
    lines.push(`  kejadian berulang (tanpa perubahan): ${record.duplicateEvents}`);
  if (record.reportKey) lines.push(`  laporan galat: s3://${documentsBucket}/${record.reportKey}`);
  return lines.join('\n');
}

async function runningStack(stateDir: string): Promise<StackFile> {
  const stack = await readStackFile(stateDir);
  if (!stack) {
    throw new Error(
      `no running local stack (no live ${stackFilePath(stateDir)}): start one with npm start in another terminal ` +
        '(with the same KHBS_STATE_DIR)',
    );
  }
  return stack;
}

const FINAL = new Set(['COMPLETED', 'REJECTED', 'FAILED']);

async function main(): Promise<void> {
  try {
    const request = parseBankReportArgs(process.argv.slice(2));
    const stateDir = resolve(REPO_ROOT, process.env.KHBS_STATE_DIR ?? '.local');
    const stack = await runningStack(stateDir);
    Object.assign(process.env, stack.env);
    process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
    resetEnvForTests();
    const bucket = stack.env[BUCKETS.uploads.envVar] ?? BUCKETS.uploads.localName;
    const documentsBucket = stack.env[BUCKETS.documents.envVar] ?? BUCKETS.documents.localName;

    let body: Buffer;
    if (request.file !== undefined) {
      body = await readFile(request.file);
    } else {
      const date = request.key.split('/')[1] as string;
      const { lines, decrees } = await sampleLines(stack.apiUrl, date);
      if (lines.length === 0) {
        throw new Error(
          `no decree in force on the stack in ${date.slice(0, 4)}, so nobody to pay: issue one first ` +
            '(npm run demo does), or give a bank report file',
        );
      }
      body = Buffer.from(bankReportCsv(lines), 'utf8');
      const { mkdir, writeFile } = await import('node:fs/promises');
      const out = resolve(REPO_ROOT, 'out', basename(request.key));
      await mkdir(resolve(REPO_ROOT, 'out'), { recursive: true });
      await writeFile(out, body);
      console.error(
        `Sample: ${lines.length} lines paying every recipient of ${decrees.join(', ')} in full. Written to ${out}`,
      );
    }

    const s3 = new S3Client({ forcePathStyle: true });
    try {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: request.key, Body: body, ContentType: 'text/csv' }),
      );
    } finally {
      s3.destroy();
    }
    console.error(
      `Put ${body.length} bytes at s3://${bucket}/${request.key}: the bank report import runs on it.`,
    );
    if (!request.wait) {
      console.error('Not waiting (--no-wait). Next: npm run reconcile, once the import has run.');
      return;
    }

    const { BankReportsRepository } = await import('#shared/adapters/payments-repo.ts');
    const reports = new BankReportsRepository(stack.env[TABLES.main.envVar] ?? TABLES.main.localName);
    const deadline = Date.now() + 120_000;
    let record: BankReportRecord | undefined;
    for (;;) {
      record = await reports.getByKey(request.key);
      if (record && FINAL.has(record.status)) break;
      if (Date.now() > deadline) {
        throw new Error(
          `the import of ${request.key} is still ${record?.status ?? 'not started'} after 120 s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    console.log(formatBankReport(record, documentsBucket));
    console.error('Next: npm run reconcile (a full reconciliation run against the decrees in force).');
    if (record.status !== 'COMPLETED') process.exitCode = 1;
  } catch (error) {
    reportCommandError(error);
  }
}

if (isEntryPoint(import.meta.url)) await main();
