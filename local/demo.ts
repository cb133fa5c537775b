/**
 * `npm run demo`: the whole flow on the embedded stack, as the regions would use it. For several
 * regions it generates a realistic file (with the usual damage), gets a presigned URL from the API
 * as that region's operator, uploads, waits for the import, downloads the error report into
 * `out/demo/`, and prints what each operator would see. Then it shows the guarantees: the same file
 * again changes nothing, and an operator cannot upload for another region.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { signLocalToken } from './auth.ts';
import { REPO_ROOT } from './lambda.ts';
import { type GenerateOptions, writeRecipientFile } from './sample-data.ts';
import { startLocalStack } from './stack.ts';

const PERIOD = '2026-S1';
const OUT = join(REPO_ROOT, 'out', 'demo');

const PLAN: readonly Omit<GenerateOptions, 'seed'>[] = [
  { region: '62.01', rows: 1_200, format: 'xlsx' },
  { region: '62.03', rows: 4_000, format: 'csv', delimiter: ';' },
  { region: '62.06', rows: 800, format: 'csv', delimiter: ',' },
  { region: '62.71', rows: 600, format: 'xlsx' },
];

const UploadCreated = z.object({ uploadId: z.string(), uploadUrl: z.string().url() });
const UploadStatus = z.object({
  status: z.string(),
  rowsProcessed: z.number().optional(),
  counts: z
    .object({ rows: z.number(), accepted: z.number(), rejected: z.number(), warnings: z.number() })
    .optional(),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })).default([]),
  duplicateOf: z.string().optional(),
  durationMs: z.number().optional(),
  proposalId: z.string().optional(),
  reportUrl: z.string().optional(),
});
type UploadStatus = z.infer<typeof UploadStatus>;

async function main(): Promise<void> {
  // The functions run in this process: keep their INFO lines out of the demo's own output.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  await mkdir(OUT, { recursive: true });
  const stack = await startLocalStack({ port: 0, quiet: true });
  const api = stack.apiUrl;
  console.log(`Local stack up at ${api}\n`);
  try {
    const rows: string[][] = [];
    for (const [index, plan] of PLAN.entries()) {
      const file = join(OUT, `${plan.region}-${PERIOD}.${plan.format}`);
      const expected = await writeRecipientFile({ ...plan, seed: 2026 + index }, file);
      const token = await operatorToken(plan.region);
      const result = await upload(api, token, file, plan.format);
      if (result.reportUrl)
        await download(result.reportUrl, join(OUT, `${plan.region}-laporan-kesalahan.csv`));
      rows.push([
        plan.region,
        `${plan.format.toUpperCase()} ${plan.rows}`,
        result.status,
        String(result.counts?.accepted ?? '-'),
        String(result.counts?.rejected ?? '-'),
        String(result.counts?.warnings ?? '-'),
        `${expected.validRows}/${expected.errorRows}`,
        `${((result.durationMs ?? 0) / 1000).toFixed(1)} s`,
      ]);
    }
    printTable(
      ['wilayah', 'berkas', 'status', 'diterima', 'ditolak', 'peringatan', 'diharapkan', 'waktu'],
      rows,
    );

    // The same file again: recognised, nothing changes.
    const again = await upload(api, await operatorToken('62.03'), join(OUT, `62.03-${PERIOD}.csv`), 'csv');
    console.log(
      `\nSame file for 62.03 uploaded again → ${again.status}, duplicate of ${again.duplicateOf ?? '-'}`,
    );

    // Another region's operator is refused by the API itself, not just by a UI.
    const foreign = await fetch(`${api}/proposals/62.03-${PERIOD}`, {
      headers: { authorization: `Bearer ${await operatorToken('62.01')}` },
    });
    console.log(
      `Operator of 62.01 reading 62.03's proposal → HTTP ${foreign.status} ${await foreign.text()}`,
    );

    const verifier = await signLocalToken({
      sub: 'demo-verifier',
      name: 'Verifikator Dinsos',
      groups: ['verifier'],
      opd: 'DINSOS',
    });
    const list = await fetch(`${api}/proposals?period=${PERIOD}`, {
      headers: { authorization: `Bearer ${verifier}` },
    });
    const proposals = z
      .object({
        items: z.array(z.object({ proposalId: z.string(), status: z.string(), recipientCount: z.number() })),
      })
      .parse(await list.json());
    console.log('\nProposals a verifier sees:');
    printTable(
      ['usulan', 'status', 'penerima'],
      proposals.items.map((item) => [item.proposalId, item.status, String(item.recipientCount)]),
    );
    console.log(`\nFiles and error reports are in ${OUT}`);
  } finally {
    await stack.stop();
  }
}

const operatorToken = (region: string) =>
  signLocalToken({
    sub: `demo-operator-${region}`,
    name: `Operator ${region}`,
    groups: ['operator'],
    region,
  });

/** What an operator's browser does: ask for a URL, PUT the file, then poll the status. */
async function upload(
  api: string,
  token: string,
  file: string,
  format: 'csv' | 'xlsx',
): Promise<UploadStatus> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await fetch(`${api}/uploads`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ period: PERIOD, filename: `daftar-bkk.${format}` }),
  });
  if (created.status !== 201) throw new Error(`POST /uploads → ${created.status} ${await created.text()}`);
  const { uploadId, uploadUrl } = UploadCreated.parse(await created.json());
  const put = await fetch(uploadUrl, { method: 'PUT', body: await readFile(file) });
  if (!put.ok) throw new Error(`PUT upload → ${put.status}`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await fetch(`${api}/uploads/${uploadId}`, { headers });
    const status = UploadStatus.parse(await response.json());
    if (['COMPLETED', 'REJECTED', 'FAILED'].includes(status.status)) return status;
    if (Date.now() > deadline) throw new Error(`upload ${uploadId} still ${status.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function download(url: string, path: string): Promise<void> {
  const response = await fetch(url);
  await writeFile(path, Buffer.from(await response.arrayBuffer()));
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
