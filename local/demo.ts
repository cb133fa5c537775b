/**
 * `npm run demo`: the whole flow on the embedded stack, as the regions would use it. For several
 * regions it generates a realistic file (with the usual damage), gets a presigned URL from the API
 * as that region's operator, uploads, waits for the import, downloads the error report into
 * `out/demo/`, and prints what each operator would see. Then it shows the guarantees: the same file
 * again changes nothing, and an operator cannot upload for another region.
 *
 * Then the verification workflow: one person is put on two regions' lists; both regions submit;
 * the automatic checks flag the duplicate on both sides; DINSOS returns one list with its reason,
 * waives the flags on the other with a written reason, DINSOS and BKAD sign, the approver approves,
 * and the proposal's history and the audit chain's verdict are printed.
 *
 * Then the decrees: the decree worker issues Kapuas's SK Gubernur (number, PDF in `out/demo/`,
 * public verification); Kotawaringin Barat goes through the same steps and gets the next number;
 * its decree is revoked with a reason, the region uploads a corrected list, and the new decree
 * says which one it replaces, while the revoked one verifies as revoked.
 *
 * Last, the bank: Bank Kalteng's disbursement reports land under `disbursements/` (one of them
 * twice, as banks resend), with one of each discrepancy planted in Kapuas's; a reconciliation run is
 * started through the API and its summary printed; Kotawaringin Barat's decree, paid in full, moves
 * to DISBURSED.
 *
 * Then the families programme (`demo-families.ts`, issue #14): Kapuas (pipe-separated CSV) and
 * Kotawaringin Timur (XLSX) import their DTSEN extracts, families then members, and the
 * cross-check makes each snapshot READY; Dinsos Provinsi uploads a PKH exclusion list naming
 * members and a KK from Kapuas's extract (and one row with neither number, refused); the admin
 * creates Tahap 1 2026 with a quota for Kotawaringin Timur, runs eligibility and reads the counts
 * per kabupaten with the exclusion reasons in words; then one Kapuas desa's verval: the operator
 * assigns a relawan, who downloads the sheet, fills it (one MAMPU, one MENINGGAL with a new
 * penerima, one GANDA, the rest LAYAK) and uploads it, while a relawan not assigned there is
 * refused. Kapuas's KPM list is then composed, signed and decreed, and the decree's distribution runs
 * to its end: cards, Bank Kalteng's accounts and payments (a failure paid by a follow-up), BULOG's
 * lists and BAST, EDC findings, a citizen's complaint, and BKAD's money view (`demo-distribution.ts`).
 * No KK and NIK are masked on the console; the files are in `out/demo/`.
 *
 * The functions run in this process and log at WARN here (`quiet-logs.ts`); `VERBOSE=1` or
 * `npm run demo -- --verbose` shows their INFO lines too.
 */
// First: sets the log level before any function's logger is built (VERBOSE=1 / --verbose for INFO).
import './quiet-logs.ts';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { RATE_TABLE } from '#shared/config/rates.ts';
import { amountsForPeriod } from '#shared/domain/decree.ts';
import { maskName } from '#shared/domain/mask.ts';
import type { RoleCode } from '#shared/domain/roles.ts';
import { BUCKETS } from '#shared/resources.ts';
import { bankReportCsv, type Payee, plantDiscrepancies } from './bank-report.ts';
import { familyFlow } from './demo-families.ts';
import { call, download, OUT, operatorToken, printTable, token, waitUntil } from './demo-support.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.ts';
import { formatRun, reconcileThroughApi } from './reconcile.ts';
import { type GenerateOptions, writeRecipientFile } from './sample-data.ts';
import { startLocalStack } from './stack.ts';

const PERIOD = '2026-S1';

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

    const verifier = await token({
      sub: 'demo-dinsos',
      name: 'Verifikator Dinsos',
      groups: ['verifier'],
      opd: 'DINSOS',
    });
    console.log('\nProposals a verifier sees:');
    printTable(
      ['usulan', 'status', 'penerima'],
      ProposalList.parse(await call(api, verifier, 'GET', `/proposals?period=${PERIOD}`)).items.map(
        (item) => [item.proposalId, item.status, String(item.recipientCount)],
      ),
    );

    await workflow(api, () => stack.whenIdle());
    await decrees(api);
    await bank(api, stack.emulators.s3Endpoint, () => stack.whenIdle());
    await familyFlow(api, () => stack.whenIdle());
    console.log(`\nFiles, error reports and decrees are in ${OUT}`);
  } finally {
    await stack.stop();
  }
}

const ProposalList = z.object({
  items: z.array(z.object({ proposalId: z.string(), status: z.string(), recipientCount: z.number() })),
});
const Proposal = z.object({
  proposalId: z.string(),
  status: z.string(),
  openBlocking: z.number(),
  checks: z.object({ blocking: z.number(), warnings: z.number() }).optional(),
  history: z
    .array(
      z.object({
        seq: z.number(),
        at: z.string(),
        action: z.string(),
        by: z.object({ name: z.string(), role: z.string(), opd: z.string().optional() }),
        toStatus: z.string().optional(),
        reason: z.string().optional(),
      }),
    )
    .default([]),
});
const Recipient = z.looseObject({
  recipientId: z.string(),
  nik: z.string(),
  nama: z.string(),
  peran: z.string(),
  kecamatan: z.string(),
  desa: z.string().optional(),
  rt: z.string().optional(),
  noRekening: z.string(),
  flags: z
    .array(z.object({ code: z.string(), severity: z.string(), detail: z.string().optional() }))
    .optional(),
});
type Recipient = z.infer<typeof Recipient>;
const RecipientPage = z.object({ items: z.array(Recipient), nextCursor: z.string().nullable() });

const proposal = async (base: string, bearer: string, proposalId: string) =>
  Proposal.parse(await call(base, bearer, 'GET', `/proposals/${proposalId}`));

async function allRecipients(base: string, bearer: string, proposalId: string): Promise<Recipient[]> {
  const items: Recipient[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = RecipientPage.parse(
      await call(base, bearer, 'GET', `/proposals/${proposalId}/recipients?limit=500${query}`),
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/**
 * The verification workflow on two regions' lists: Kapuas (62.03) and Katingan (62.06), with one
 * Kapuas recipient also put on Katingan's list (as when an officer is listed by both regions).
 */
async function workflow(base: string, whenIdle: () => Promise<void>): Promise<void> {
  const kapuas = `62.03-${PERIOD}`;
  const katingan = `62.06-${PERIOD}`;
  const opKapuas = await operatorToken('62.03');
  const opKatingan = await operatorToken('62.06');
  const dinsos = await token({
    sub: 'demo-dinsos',
    name: 'Verifikator Dinsos',
    groups: ['verifier'],
    opd: 'DINSOS',
  });
  const bkad = await token({ sub: 'demo-bkad', name: 'Verifikator BKAD', groups: ['verifier'], opd: 'BKAD' });
  const sekda = await token({ sub: 'demo-sekda', name: 'Sekretaris Daerah', groups: ['approver'] });
  const auditor = await token({ sub: 'demo-auditor', name: 'Inspektorat', groups: ['auditor'] });

  // Katingan re-exports its list with one Kapuas recipient added, and uploads it again.
  const [person] = RecipientPage.parse(
    await call(base, opKapuas, 'GET', `/proposals/${kapuas}/recipients?limit=1`),
  ).items;
  const ours = await allRecipients(base, opKatingan, katingan);
  const anchor = ours.find((recipient) => recipient.desa);
  if (!anchor || !person) throw new Error('no recipients to build the demo list from');
  const line = (r: Recipient) =>
    [r.nik, r.nama, r.peran.replaceAll('_', ' '), r.kecamatan, r.desa ?? '', r.rt ?? '', r.noRekening].join(
      ';',
    );
  const rows = [
    ...ours,
    { ...anchor, nik: person.nik, nama: person.nama, noRekening: person.noRekening },
  ].map(line);
  const file = join(OUT, `62.06-${PERIOD}-perbaikan.csv`);
  await writeFile(file, `NIK;Nama;Peran;Kecamatan;Desa;RT;No Rekening\r\n${rows.join('\r\n')}\r\n`);
  const reupload = await upload(base, opKatingan, file, 'csv');
  console.log(
    `\nKatingan re-uploads its list with one Kapuas recipient added → ${reupload.status}, ${reupload.counts?.accepted} accepted`,
  );

  await call(base, opKapuas, 'POST', `/proposals/${kapuas}/submit`, {});
  await call(base, opKatingan, 'POST', `/proposals/${katingan}/submit`, {});
  // Both lists are checked; Katingan's run finds the conflict and asks Kapuas for a re-check.
  await waitUntil('the checks', async () => {
    const [a, b] = await Promise.all([proposal(base, dinsos, kapuas), proposal(base, dinsos, katingan)]);
    return a.status === 'IN_REVIEW' && b.status === 'IN_REVIEW' && a.openBlocking > 0 && b.openBlocking > 0;
  });
  // …and the re-check that run asked for has finished too, so nobody signs a list being re-checked.
  await whenIdle();
  console.log('\nAutomatic checks (submitted → in review):');
  const checked = await Promise.all([kapuas, katingan].map((id) => proposal(base, dinsos, id)));
  printTable(
    ['usulan', 'menghalangi', 'peringatan', 'terbuka'],
    checked.map((p) => [
      p.proposalId,
      String(p.checks?.blocking ?? 0),
      String(p.checks?.warnings ?? 0),
      String(p.openBlocking),
    ]),
  );

  const refused = await call(
    base,
    dinsos,
    'POST',
    `/proposals/${kapuas}/reviews`,
    { decision: 'approve' },
    [409],
  );
  console.log(`DINSOS signs Kapuas with open blocking flags → ${JSON.stringify(refused)}`);

  await call(base, dinsos, 'POST', `/proposals/${katingan}/reviews`, {
    decision: 'return',
    note: 'Satu penerima juga terdaftar di Kabupaten Kapuas; hapus dari daftar Katingan lalu ajukan ulang.',
  });
  console.log(`DINSOS returns Katingan to the region → ${(await proposal(base, dinsos, katingan)).status}`);

  await waiveBlockingFlags(base, dinsos, kapuas, (recipient, flag) =>
    console.log(`DINSOS waives ${flag.code} on ${recipient.recipientId}: ${flag.detail ?? ''}`),
  );
  await call(base, dinsos, 'POST', `/proposals/${kapuas}/reviews`, {
    decision: 'approve',
    note: 'Data sesuai.',
  });
  await call(base, bkad, 'POST', `/proposals/${kapuas}/reviews`, {
    decision: 'approve',
    note: 'Anggaran tersedia.',
  });
  await call(base, sekda, 'POST', `/proposals/${kapuas}/approval`, {
    decision: 'approve',
    note: 'Disetujui.',
  });

  const done = await proposal(base, auditor, kapuas);
  console.log(`\nHistory of ${kapuas} (now ${done.status}):`);
  printTable(
    ['#', 'waktu', 'tindakan', 'oleh', 'status', 'alasan'],
    done.history.map((record) => [
      String(record.seq),
      record.at.slice(11, 19),
      record.action,
      `${record.by.name}${record.by.opd ? ` (${record.by.opd})` : ''}`,
      record.toStatus ?? '',
      (record.reason ?? '').slice(0, 60),
    ]),
  );
  const audit = z
    .object({ chain: z.object({ valid: z.boolean(), length: z.number().optional() }) })
    .parse(await call(base, auditor, 'GET', `/audit?entityId=${kapuas}`));
  console.log(
    `Audit chain of ${kapuas}: ${audit.chain.valid ? `intact (${audit.chain.length} records)` : 'BROKEN'}`,
  );
}

/** Every open blocking flag of a proposal waived by a verifier, with a written reason. */
async function waiveBlockingFlags(
  base: string,
  verifier: string,
  proposalId: string,
  onWaive: (recipient: Recipient, flag: { code: string; detail?: string | undefined }) => void = () => {},
): Promise<void> {
  for (const recipient of await allRecipients(base, verifier, proposalId)) {
    for (const flag of recipient.flags ?? []) {
      if (flag.severity !== 'blocking') continue;
      await call(base, verifier, 'POST', `/proposals/${proposalId}/waivers`, {
        recipientId: recipient.recipientId,
        flag: flag.code,
        reason:
          'Dikonfirmasi dengan dinas kabupaten/kota: penerima bertugas di wilayah ini; daftar lain diperbaiki.',
      });
      onWaive(recipient, flag);
    }
  }
}

const Decree = z.object({
  decreeId: z.string(),
  number: z.string(),
  status: z.string(),
  decreeDate: z.string(),
  recipientCount: z.number(),
  total: z.number().optional(),
  sha256: z.string().optional(),
  verifyCode: z.string().optional(),
  pdfUrl: z.string().optional(),
  pages: z.number().optional(),
  replaces: z.object({ number: z.string() }).optional(),
});
const Verification = z.union([
  z.object({ message: z.string() }),
  z
    .object({ error: z.object({ message: z.string() }) })
    .transform((body) => ({ message: body.error.message })),
]);

const people = async () => ({
  dinsos: await token({
    sub: 'demo-dinsos',
    name: 'Verifikator Dinsos',
    groups: ['verifier'],
    opd: 'DINSOS',
  }),
  bkad: await token({ sub: 'demo-bkad', name: 'Verifikator BKAD', groups: ['verifier'], opd: 'BKAD' }),
  sekda: await token({ sub: 'demo-sekda', name: 'Sekretaris Daerah', groups: ['approver'] }),
  auditor: await token({ sub: 'demo-auditor', name: 'Inspektorat', groups: ['auditor'] }),
});

/** A submitted-to-approved run of one region's proposal, as the people would do it through the API. */
async function approveThrough(base: string, region: string, proposalId: string): Promise<void> {
  const { dinsos, bkad, sekda } = await people();
  await call(base, await operatorToken(region), 'POST', `/proposals/${proposalId}/submit`, {});
  await waitUntil(`the checks of ${proposalId}`, async () => {
    return (await proposal(base, dinsos, proposalId)).status === 'IN_REVIEW';
  });
  await waiveBlockingFlags(base, dinsos, proposalId);
  for (const [verifier, note] of [
    [dinsos, 'Data sesuai.'],
    [bkad, 'Anggaran tersedia.'],
  ] as const) {
    await call(base, verifier, 'POST', `/proposals/${proposalId}/reviews`, { decision: 'approve', note });
  }
  await call(base, sekda, 'POST', `/proposals/${proposalId}/approval`, {
    decision: 'approve',
    note: 'Disetujui.',
  });
}

/** Waits for the decree worker, prints the decree and saves its PDF into `out/demo/`. */
async function decreeOf(base: string, proposalId: string) {
  const { auditor } = await people();
  await waitUntil(`the decree of ${proposalId}`, async () => {
    return (await proposal(base, auditor, proposalId)).status === 'DECREED';
  });
  const decree = Decree.parse(await call(base, auditor, 'GET', `/decrees/SK-${proposalId}`));
  const file = join(OUT, `SK-${decree.number.replaceAll('/', '-')}.pdf`);
  if (decree.pdfUrl) await download(decree.pdfUrl, file);
  console.log(
    `SK Gubernur Nomor ${decree.number} (${decree.decreeDate}) for ${proposalId}: ${decree.recipientCount} penerima, ` +
      `Rp${(decree.total ?? 0).toLocaleString('id-ID')}, ${decree.pages ?? '?'} halaman, kode ${decree.verifyCode}` +
      `${decree.replaces ? `, menggantikan ${decree.replaces.number}` : ''}\n  → ${file}`,
  );
  return decree;
}

/** What anyone holding the printed decree sees at the public verification URL (no token). */
async function verify(base: string, code: string | undefined): Promise<string> {
  const response = await fetch(`${base}/verify/${code ?? 'none'}`);
  const body: unknown = await response.json();
  const parsed = Verification.safeParse(body);
  return `HTTP ${response.status}: ${parsed.success ? parsed.data.message : JSON.stringify(body)}`;
}

/**
 * Decrees: Kapuas's (approved by the workflow above), Kotawaringin Barat's after the same steps, a
 * revocation, the corrected list, and its replacement decree.
 */
async function decrees(base: string): Promise<void> {
  console.log('\nDecrees (SK Gubernur), issued by the decree worker from the approved lists:');
  const kapuas = await decreeOf(base, `62.03-${PERIOD}`);
  const kobar = `62.01-${PERIOD}`;
  await approveThrough(base, '62.01', kobar);
  const first = await decreeOf(base, kobar);
  console.log(`Verify ${kapuas.verifyCode} (public, no token) → ${await verify(base, kapuas.verifyCode)}`);
  console.log(`Verify a made-up code ABCD-EFGH-JKMN → ${await verify(base, 'ABCD-EFGH-JKMN')}`);

  const { sekda } = await people();
  await call(base, sekda, 'POST', `/decrees/${first.decreeId}/revocation`, {
    reason: 'Dua penerima telah meninggal dunia sebelum penetapan; daftar diperbaiki oleh kabupaten.',
  });
  console.log(`\nThe approver revokes SK ${first.number} → ${await verify(base, first.verifyCode)}`);

  // Kotawaringin Barat uploads its corrected list: a new proposal, approved the same way.
  const corrected = join(OUT, `62.01-${PERIOD}-perbaikan.xlsx`);
  await writeRecipientFile({ region: '62.01', rows: 1_198, format: 'xlsx', seed: 2026 }, corrected);
  const reupload = await upload(base, await operatorToken('62.01'), corrected, 'xlsx');
  const next = reupload.proposalId ?? `${kobar}-r2`;
  console.log(`Corrected list for 62.01 → ${reupload.status}, new proposal ${next}`);
  await approveThrough(base, '62.01', next);
  const replacement = await decreeOf(base, next);
  console.log(`Verify the revoked ${first.verifyCode} again → ${await verify(base, first.verifyCode)}`);
  console.log(
    `Verify the replacement ${replacement.verifyCode} → ${await verify(base, replacement.verifyCode)}`,
  );

  const year = replacement.decreeDate.slice(0, 4);
  const list = z
    .object({ items: z.array(Decree) })
    .parse(await call(base, (await people()).auditor, 'GET', `/decrees?year=${year}`));
  printTable(
    ['nomor', 'status', 'tanggal', 'penerima', 'menggantikan'],
    list.items.map((d) => [
      d.number,
      d.status,
      d.decreeDate,
      String(d.recipientCount),
      d.replaces?.number ?? '',
    ]),
  );
}

/** What a decree's proposal says each recipient is paid (the decree fixed the rate table's amounts). */
async function payeesOf(base: string, proposalId: string): Promise<Payee[]> {
  const { dinsos } = await people();
  const amounts: Record<string, number> = amountsForPeriod(RATE_TABLE.monthly, PERIOD);
  return (await allRecipients(base, dinsos, proposalId)).map((recipient) => ({
    noRekening: recipient.noRekening,
    nik: recipient.nik,
    nama: recipient.nama,
    amount: amounts[recipient.peran as RoleCode] ?? 0,
  }));
}

/**
 * The bank's reports and the reconciliation: Kapuas's decree paid with one of each discrepancy,
 * Kotawaringin Barat's replacement decree paid in full, one payment under the revoked decree.
 */
async function bank(base: string, s3Endpoint: string, whenIdle: () => Promise<void>): Promise<void> {
  const kapuas = await payeesOf(base, `62.03-${PERIOD}`);
  const kobar = await payeesOf(base, `62.01-${PERIOD}-r2`);
  // The bank pays one Kotawaringin Barat recipient again, citing the revoked SK.
  const [dropped] = await payeesOf(base, `62.01-${PERIOD}`);
  const date = '2026-12-01';
  const planted = plantDiscrepancies(kapuas, {
    refPrefix: 'BKT2026120100',
    date,
    nomorSk: '188.44/1/2026',
    revokedPayee: dropped,
    revokedNomorSk: '188.44/2/2026',
  });
  const paidInFull = kobar.map((payee, index) => ({
    bankRef: `BKT2026120200${String(index + 1).padStart(7, '0')}`,
    ...payee,
    status: 'BERHASIL' as const,
    date,
    nomorSk: '188.44/3/2026',
  }));
  const s3 = new S3Client({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: s3Endpoint,
    forcePathStyle: true,
  });
  const put = async (key: string, body: string) => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKETS.uploads.localName, Key: key, Body: body }));
    await writeFile(join(OUT, key.replaceAll('/', '_')), body);
  };
  try {
    const kapuasReport = bankReportCsv(planted.lines);
    await put(`disbursements/${date}/bkk-kapuas.csv`, kapuasReport);
    await put(`disbursements/${date}/bkk-kotawaringin-barat.csv`, bankReportCsv(paidInFull));
    // The bank sends Kapuas's report again under another name: its lines count once.
    await put(`disbursements/${date}/bkk-kapuas-kirim-ulang.csv`, kapuasReport);
  } finally {
    s3.destroy();
  }
  await whenIdle();
  console.log(
    `\nBank Kalteng's reports: Kapuas ${planted.lines.length} lines (sent twice), ` +
      `Kotawaringin Barat ${paidInFull.length} lines. Planted in Kapuas's: not paid ${maskName(planted.planted.notPaid.nama)}, ` +
      `failed ${maskName(planted.planted.failed.nama)}, Rp100.000 short ${maskName(planted.planted.amountDiffers.nama)}, ` +
      `paid twice ${maskName(planted.planted.paidTwice.nama)}, an unknown account, ` +
      `${dropped ? `and ${maskName(dropped.nama)} paid again under the revoked SK 188.44/2/2026` : 'no payee of the revoked SK'}.`,
  );
  const run = await reconcileThroughApi(base);
  console.log(formatRun(run).replace(/\n {2}laporan: .*$/, ''));
  if (run.reportUrl) await download(run.reportUrl, join(OUT, `rekonsiliasi-${run.runId}.csv`));
  const { auditor } = await people();
  console.log(`62.01-${PERIOD}-r2 is now ${(await proposal(base, auditor, `62.01-${PERIOD}-r2`)).status}`);
}

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

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
