/**
 * The distribution part of `npm run demo` (issue #15): Kapuas's KPM decree opens its distribution,
 * and the tahap runs to its end through the local API, each party with its own credentials:
 *
 * - the printer's file, the cards reported printed, a relawan's handovers (sent twice, as a phone
 *   resends its queue), one card lost and blocked;
 * - Bank Kalteng (a machine client: OAuth client credentials) fetches the account-opening request
 *   and answers it (one failure), fetches the payment instruction, puts its disbursement report
 *   (one payment failed); the reconciliation closes each entitlement; a follow-up pays the failed one;
 * - BULOG (its own machine client) fetches each desa's list, its BAST comes back with a second
 *   handover for one family; Bank Kalteng's EDC file shows a double redemption and the lost card used;
 * - a citizen lodges a complaint without an account and reads the answer with the code;
 * - BKAD's money view: instructed, paid, failed, and the balance to return to the RKUD.
 *
 * No KK and NIK are masked on the console; the files exchanged are in `out/demo/`.
 */
import { join } from 'node:path';
import * as z from 'zod';
import { DashboardViewSchema } from '#shared/contract/distribution.ts';
import { maskNik } from '#shared/domain/mask.ts';
import { call, download, OUT, operatorToken, printTable, token, waitUntil } from './demo-support.ts';
import { clientCredentialsToken } from './machine-token.ts';

const REGION = '62.03';
const Rows = z.array(z.record(z.string(), z.string()));
type Row = z.infer<typeof Rows>[number];

/** A generated file's rows (`;`, a BOM, CRLF), keyed by its header. */
async function csvRows(url: string): Promise<Row[]> {
  const text = (await (await fetch(url)).text()).replace(/^\uFEFF/, '');
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const names = (header ?? '').split(';');
  return lines.map((line) => Object.fromEntries(line.split(';').map((cell, at) => [names[at] ?? '', cell])));
}

const rupiah = (amount: number) => `Rp${amount.toLocaleString('id-ID')}`;

/** Puts `body` through a presigned PUT the API handed out, and waits until the stack is idle. */
async function put(url: string, body: string, whenIdle: () => Promise<void>): Promise<void> {
  const response = await fetch(url, { method: 'PUT', body });
  if (!response.ok) throw new Error(`PUT → ${response.status}`);
  await whenIdle();
}

const Uploaded = z.object({ importId: z.string(), uploadUrl: z.string(), statusUrl: z.string().optional() });
const ImportView = z.object({
  status: z.string(),
  counts: z.object({ rows: z.number(), accepted: z.number(), rejected: z.number() }).optional(),
});

/**
 * A file through a presigned PUT the API hands out, to the end of its import: a staff import
 * (`POST /imports`, followed at `/imports/{id}`) or a party's answer through its own route (followed
 * at its `statusUrl`, `/exchange/<party>/imports/{id}`).
 */
async function importAs(
  base: string,
  bearer: string,
  route: { readonly create: string; readonly body: Record<string, string> },
  file: string,
  whenIdle: () => Promise<void>,
): Promise<z.infer<typeof ImportView>> {
  const asked = Uploaded.parse(await call(base, bearer, 'POST', route.create, route.body));
  const status = asked.statusUrl ?? `/imports/${asked.importId}`;
  await put(asked.uploadUrl, file, whenIdle);
  let view = ImportView.parse(await call(base, bearer, 'GET', status));
  await waitUntil(`the import of ${route.body.filename}`, async () => {
    view = ImportView.parse(await call(base, bearer, 'GET', status));
    return !['AWAITING_FILE', 'PROCESSING'].includes(view.status);
  });
  return view;
}

const Job = z.object({ status: z.string() }).passthrough();

export async function distributionFlow(
  base: string,
  tahapId: string,
  proposalId: string,
  whenIdle: () => Promise<void>,
): Promise<void> {
  const admin = await token({ sub: 'demo-admin', name: 'Admin KHBS', groups: ['admin'] });
  const opKapuas = await operatorToken(REGION);
  const bkad = await token({ sub: 'demo-bkad', name: 'Verifikator BKAD', groups: ['verifier'], opd: 'BKAD' });
  const bank = (await clientCredentialsToken(base, 'bank')).access_token;
  const bulog = (await clientCredentialsToken(base, 'bulog')).access_token;

  console.log('\n── Penyaluran (distribution) ──');
  await waitUntil('the distribution', async () => {
    const view = z
      .object({ items: z.array(z.object({ region: z.string(), status: z.string() })) })
      .parse(await call(base, admin, 'GET', `/tahap/${tahapId}/distribution`));
    return view.items.some((item) => item.region === REGION && item.status === 'OPEN');
  });
  const listed = z
    .object({
      items: z.array(
        z.object({
          nik: z.string(),
          nama: z.string(),
          desaCode: z.string().optional(),
          family: z.object({ noKk: z.string() }).optional(),
        }),
      ),
    })
    .parse(await call(base, opKapuas, 'GET', `/proposals/${proposalId}/recipients?limit=500`));
  const families = listed.items.flatMap((row) => (row.family ? [{ ...row, noKk: row.family.noKk }] : []));
  console.log(
    `Kapuas's decree opened its distribution: ${families.length} families, a card and two entitlements each.`,
  );

  // Cards.
  const print = z
    .object({ downloadUrl: z.string(), rows: z.number() })
    .parse(await call(base, opKapuas, 'GET', `/cards/print-file?region=${REGION}`));
  await download(print.downloadUrl, join(OUT, `cetak-kartu-${REGION}.csv`));
  const cards = await csvRows(print.downloadUrl);
  const cardOf = new Map(cards.map((row) => [row['Nama Penerima'] ?? '', row['Nomor Kartu'] ?? '']));
  const printed = await importAs(
    base,
    opKapuas,
    { create: '/imports', body: { kind: 'STATUS_KARTU', filename: 'status-cetak.csv' } },
    ['Nomor Kartu;Status;Tanggal', ...cards.map((row) => `${row['Nomor Kartu']};DICETAK;2026-11-20`)].join(
      '\r\n',
    ),
    whenIdle,
  );
  console.log(
    `The printer's file: ${print.rows} cards (no NIK, no No KK) → the printer reports them printed: ${printed.counts?.accepted} accepted`,
  );
  const relawan = await token({
    sub: 'demo-relawan-sari',
    name: 'Sari Rahayu',
    groups: ['relawan'],
    region: REGION,
  });
  const handovers = families.map((family) => ({ tahapId, noKk: family.noKk, tanggal: '2026-11-25' }));
  const Outcomes = z.object({ results: z.array(z.object({ outcome: z.string() })) });
  const tally = (body: unknown) =>
    Object.entries(
      Outcomes.parse(body).results.reduce<Record<string, number>>((counts, result) => {
        counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
        return counts;
      }, {}),
    )
      .map(([outcome, count]) => `${outcome} ${count}`)
      .join(', ');
  console.log(
    `Relawan Sari's phone sends ${handovers.length} handovers → ${tally(await call(base, relawan, 'POST', '/cards/handovers', { records: handovers }))}; ` +
      `sent again a week later → ${tally(await call(base, relawan, 'POST', '/cards/handovers', { records: handovers }))}`,
  );
  const lost = families.at(-1);
  const lostCard = lost ? cardOf.get(lost.nama) : undefined;
  if (lostCard) {
    await call(base, opKapuas, 'POST', '/cards/blocks', {
      cardNumber: lostCard,
      reason: 'Kartu hilang, dilaporkan keluarga',
    });
    console.log(`Card ${lostCard} reported lost → blocked (its QR page now says so).`);
  }

  // Accounts.
  await call(base, admin, 'POST', `/tahap/${tahapId}/accounts/requests`, { region: REGION });
  await waitUntil('the account-opening request', async () => {
    const view = z
      .object({ request: Job.optional() })
      .parse(await call(base, admin, 'GET', `/tahap/${tahapId}/accounts/requests?region=${REGION}`));
    return view.request?.status === 'COMPLETED';
  });
  const BankFiles = z.object({
    items: z.array(z.object({ fileId: z.string(), kind: z.string(), region: z.string(), rows: z.number() })),
  });
  const FileLink = z.object({ url: z.string(), filename: z.string(), controlTotal: z.number().optional() });
  const fetchFile = async (bearer: string, party: 'bank' | 'bulog', fileId: string) => {
    const file = FileLink.parse(await call(base, bearer, 'GET', `/exchange/${party}/files/${fileId}`));
    await download(file.url, join(OUT, file.filename));
    return { ...file, rows: await csvRows(file.url) };
  };
  const bankFiles = BankFiles.parse(await call(base, bank, 'GET', '/exchange/bank/files'));
  const requestFile = bankFiles.items.find((file) => file.region === REGION);
  if (!requestFile) throw new Error('no account-opening request for the bank');
  const request = await fetchFile(bank, 'bank', requestFile.fileId);
  const refused = request.rows.at(-1)?.NIK;
  const answer = [
    'NIK;No Rekening;Status;Alasan',
    ...request.rows.map((row, at) =>
      row.NIK === refused
        ? `${row.NIK};;GAGAL;Data tidak sesuai Dukcapil`
        : `${row.NIK};11${String(at + 1).padStart(8, '0')};BERHASIL;`,
    ),
  ].join('\r\n');
  const answered = await importAs(
    base,
    bank,
    { create: '/exchange/bank/account-answers', body: { filename: 'jawaban-rekening.csv' } },
    answer,
    whenIdle,
  );
  console.log(
    `Bank Kalteng (client credentials) fetches the account-opening request (${request.rows.length} penerima) and answers: ` +
      `${answered.counts?.accepted} answers recorded, one of them a refusal (${refused ? maskNik(refused) : '-'}: data tidak sesuai Dukcapil)`,
  );

  // Cash.
  const instruct = async (followUp: boolean) => {
    const asked = z.object({ instruction: z.object({ fileId: z.string() }) }).parse(
      await call(base, admin, 'POST', `/tahap/${tahapId}/payments/instructions`, {
        region: REGION,
        followUp,
      }),
    );
    let view: { status: string; lines?: number; total?: number } = { status: 'QUEUED' };
    await waitUntil('the payment instruction', async () => {
      const shown = z
        .object({
          instruction: z.object({
            fileId: z.string(),
            status: z.string(),
            lines: z.number().optional(),
            total: z.number().optional(),
          }),
        })
        .parse(await call(base, admin, 'GET', `/tahap/${tahapId}/payments/instructions?region=${REGION}`));
      view = shown.instruction;
      return shown.instruction.fileId === asked.instruction.fileId && view.status === 'COMPLETED';
    });
    return { fileId: asked.instruction.fileId, ...view };
  };
  const bankReport = async (filename: string, lines: readonly string[]) => {
    const asked = z
      .object({ uploadUrl: z.string(), reportKey: z.string() })
      .parse(await call(base, bank, 'POST', '/exchange/bank/reports', { filename }));
    await put(
      asked.uploadUrl,
      ['No Referensi;No Rekening;Nama;Jumlah;Status;Tanggal Transaksi', ...lines].join('\r\n'),
      whenIdle,
    );
    const view = z.object({ status: z.string() }).passthrough();
    let status = '';
    await waitUntil(`the bank report ${filename}`, async () => {
      status =
        view.parse(
          await call(base, bank, 'GET', `/exchange/bank/reports/${asked.reportKey}`, undefined, [404]),
        ).status ?? '';
      return status === 'COMPLETED' || status === 'REJECTED' || status === 'FAILED';
    });
    return status;
  };
  const reconcile = async () => {
    const started = z
      .object({ runId: z.string() })
      .parse(await call(base, admin, 'POST', '/reconciliations', {}));
    await waitUntil('the reconciliation', async () => {
      const run = Job.parse(await call(base, admin, 'GET', `/reconciliations/${started.runId}`));
      return run.status === 'COMPLETED' || run.status === 'FAILED';
    });
    await whenIdle();
  };
  const first = await instruct(false);
  const lines = (await fetchFile(bank, 'bank', first.fileId)).rows;
  console.log(
    `Payment instruction ${first.fileId}: ${first.lines} lines, control total ${rupiah(first.total ?? 0)} (no account: not on it).`,
  );
  const failing = lines.at(0);
  const report1 = await bankReport(
    'laporan-1.csv',
    lines.map(
      (row) =>
        `${row['No Referensi']};${row['No Rekening']};${row['Nama Penerima']};${row.Jumlah};${row === failing ? 'GAGAL' : 'BERHASIL'};2026-11-28`,
    ),
  );
  await reconcile();
  const followUp = await instruct(true);
  const again = (await fetchFile(bank, 'bank', followUp.fileId)).rows;
  const report2 = await bankReport(
    'laporan-2.csv',
    again.map(
      (row) =>
        `${row['No Referensi']};${row['No Rekening']};${row['Nama Penerima']};${row.Jumlah};BERHASIL;2026-12-01`,
    ),
  );
  await reconcile();
  console.log(
    `The bank's report (${report1}): one payment failed → reconciled → follow-up ${followUp.fileId} (${followUp.lines} line, ` +
      `its next attempt: ${again.map((row) => row['No Referensi']).join(', ')}) → paid (${report2}) → reconciled.`,
  );

  // Food.
  await call(base, admin, 'POST', `/tahap/${tahapId}/food/lists`, { region: REGION });
  await waitUntil('the food lists', async () => {
    const view = z
      .object({ job: Job.optional() })
      .parse(await call(base, admin, 'GET', `/tahap/${tahapId}/food/lists?region=${REGION}`));
    return view.job?.status === 'COMPLETED';
  });
  const bulogFiles = BankFiles.parse(await call(base, bulog, 'GET', '/exchange/bulog/files'));
  const bast = ['No KK;NIK Penerima;Nama Penerima;Hubungan;Tanggal Serah Terima;Status;Alasan'];
  for (const file of bulogFiles.items) {
    for (const row of (await fetchFile(bulog, 'bulog', file.fileId)).rows) {
      const family = families.find((candidate) => candidate.noKk === row['No KK']);
      if (family) bast.push(`${family.noKk};${family.nik};${family.nama};KPM;02-12-2026;DITERIMA;`);
    }
  }
  const twice = families[0];
  if (twice) bast.push(`${twice.noKk};${twice.nik};${twice.nama};KPM;03-12-2026;DITERIMA;`);
  const bastView = await importAs(
    base,
    bulog,
    { create: '/exchange/bulog/bast-files', body: { filename: 'bast.csv', tahapId, region: REGION } },
    bast.join('\r\n'),
    whenIdle,
  );
  const food = z
    .object({
      invoice: z.object({ packagesEntitled: z.number(), packagesDelivered: z.number(), total: z.number() }),
      findings: z.array(z.object({ label: z.string() })),
    })
    .parse(await call(base, bkad, 'GET', `/tahap/${tahapId}/food/reconciliation?region=${REGION}`));
  console.log(
    `BULOG fetches ${bulogFiles.items.length} desa list(s); its BAST (${bastView.counts?.rows} lines) → ` +
      `${food.invoice.packagesDelivered} of ${food.invoice.packagesEntitled} packages delivered, invoice basis ${rupiah(food.invoice.total)}; ` +
      `findings: ${food.findings.map((finding) => finding.label).join('; ') || 'none'}`,
  );

  // EDC.
  const used = families[0] ? cardOf.get(families[0].nama) : undefined;
  const edc = ['No Kartu;Terminal;Waktu Transaksi;Jumlah;Jenis;Referensi'];
  if (used)
    edc.push(
      `${used};EDC01;2026-12-02T09:00:00+07:00;150000;PANGAN;TRX-1`,
      `${used};EDC02;2026-12-03T10:00:00+07:00;150000;PANGAN;TRX-2`,
    );
  if (lostCard) edc.push(`${lostCard};EDC03;${new Date().toISOString().slice(0, 19)}Z;250000;TUNAI;TRX-3`);
  await importAs(
    base,
    bank,
    { create: '/exchange/bank/edc-files', body: { filename: 'edc.csv', tahapId, region: REGION } },
    edc.join('\r\n'),
    whenIdle,
  );
  const edcFindings = z
    .object({ items: z.array(z.object({ label: z.string(), card: z.string() })) })
    .parse(await call(base, bkad, 'GET', `/tahap/${tahapId}/edc/findings?region=${REGION}`));
  console.log("Bank Kalteng's EDC file → findings:");
  printTable(
    ['temuan', 'kartu'],
    edcFindings.items.map((item) => [item.label, item.card]),
  );

  // A complaint.
  const lodged = await fetch(`${base}/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      category: 'TUNAI',
      desaCode: families[0]?.desaCode,
      text: 'Bantuan tunai tahap ini belum masuk ke rekening kami, mohon dicek.',
    }),
  });
  const { code } = z.object({ code: z.string() }).parse(await lodged.json());
  const queue = z
    .object({ items: z.array(z.object({ complaintId: z.string(), dueDate: z.string() })) })
    .parse(await call(base, opKapuas, 'GET', `/complaints?region=${REGION}&category=TUNAI`));
  const complaintId = queue.items[0]?.complaintId ?? '';
  await call(base, opKapuas, 'POST', `/complaints/${complaintId}/assign`, {
    assignee: { sub: `demo-operator-${REGION}`, name: `Operator ${REGION}` },
  });
  await call(base, opKapuas, 'POST', `/complaints/${complaintId}/close`, {
    outcome: 'SELESAI',
    answer: 'Pembayaran pertama gagal di bank; sudah dibayar ulang pada 1 Desember, silakan cek saldo.',
  });
  const status = z
    .object({ statusLabel: z.string(), answer: z.string().optional() })
    .parse(await (await fetch(`${base}/complaints/status/${code}`)).json());
  console.log(
    `A citizen lodges a complaint without an account → code ${code} (due ${queue.items[0]?.dueDate}); the Kapuas office ` +
      `takes it and answers; the citizen checks the code → ${status.statusLabel}: "${status.answer}"`,
  );

  // The money.
  const money = z
    .object({
      instructed: z.object({ count: z.number(), amount: z.number() }),
      paid: z.object({ count: z.number(), amount: z.number() }),
      failed: z.object({ count: z.number(), amount: z.number() }),
      notInstructed: z.object({ count: z.number(), amount: z.number() }),
      balanceToReturn: z.number(),
    })
    .parse(await call(base, bkad, 'GET', `/tahap/${tahapId}/finance?region=${REGION}`));
  console.log("BKAD's money view (TUNAI, Kapuas):");
  printTable(
    ['', 'jumlah', 'rupiah'],
    [
      ['diinstruksikan', String(money.instructed.count), rupiah(money.instructed.amount)],
      ['dibayar', String(money.paid.count), rupiah(money.paid.amount)],
      ['gagal', String(money.failed.count), rupiah(money.failed.amount)],
      ['belum diinstruksikan', String(money.notInstructed.count), rupiah(money.notInstructed.amount)],
      ['sisa dikembalikan ke RKUD', '', rupiah(money.balanceToReturn)],
    ],
  );

  // The province's dashboard: the counters each job and import moved with its rows.
  const dashboard = DashboardViewSchema.parse(
    await call(base, admin, 'GET', `/tahap/${tahapId}/dashboard?level=kecamatan&region=${REGION}`),
  );
  const export_ = z
    .object({ url: z.string(), filename: z.string() })
    .parse(
      await call(
        base,
        admin,
        'GET',
        `/tahap/${tahapId}/dashboard/export?format=xlsx&level=desa&region=${REGION}`,
      ),
    );
  await download(export_.url, join(OUT, export_.filename));
  console.log(`The dashboard, Kapuas by kecamatan (desa level as Excel: ${join(OUT, export_.filename)}):`);
  const counts = (row: z.infer<typeof DashboardViewSchema>['totals']) => [
    String(row.decreed),
    String(row.cardsDistributed),
    String(row.accountsOpened),
    String(row.cashPaid),
    String(row.cashFailed),
    String(row.foodDelivered),
    String(row.complaintsOpen),
  ];
  printTable(
    ['kecamatan', 'KPM', 'kartu', 'rekening', 'tunai', 'gagal', 'pangan', 'aduan'],
    [
      ...dashboard.rows
        .filter((row) => row.counts.decreed > 0)
        .map((row) => [row.name, ...counts(row.counts)]),
      ['Jumlah', ...counts(dashboard.totals)],
    ],
  );

  // The approver closes the tahap once nothing awaits an answer: no money moves after it.
  const sekda = await token({ sub: 'demo-sekda', name: 'Sekretaris Daerah', groups: ['approver'] });
  const closed = z.object({ status: z.string() }).parse(
    await call(base, sekda, 'POST', `/tahap/${tahapId}/close`, {
      reason: 'Penyaluran tahap 1 selesai dan sudah direkonsiliasi dengan Bank Kalteng dan BULOG.',
    }),
  );
  const late = await fetch(`${base}/tahap/${tahapId}/payments/instructions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ region: REGION, followUp: true }),
  });
  console.log(
    `The approver closes the tahap → ${closed.status}; a follow-up asked for after it → HTTP ${late.status}`,
  );
}
