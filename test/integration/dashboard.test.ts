import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, auditor, callRoute, operator } from '../support/api.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The dashboards (issue #15): the opening sets each desa's decreed families; the card status file
 * and the field handovers add cards handed out in the transactions that move the cards, so a file
 * sent again or a queue resent moves nothing twice; the route sums the desa into kecamatan and
 * kabupaten rows, keeps a kabupaten's staff to their own, and exports the same table as CSV and
 * XLSX. (Accounts, cash and food are counted in cash.test.ts and food.test.ts, beside their writers.)
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const emulator = useEmulatorEnv();
const { env } = await import('#shared/config/env.ts');
const { documentClient } = await import('#shared/adapters/clients/dynamodb.ts');
const { DashboardRepository } = await import('#shared/adapters/dashboard-repo.ts');
const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
const { DecreesRepository } = await import('#shared/adapters/decrees-repo.ts');
const { DistributionRepository } = await import('#shared/adapters/distribution-repo.ts');
const { FamilyDirectoryRepository } = await import('#shared/adapters/family-directory-repo.ts');
const { ImportsRepository } = await import('#shared/adapters/imports-repo.ts');
const { ObjectStore } = await import('#shared/adapters/object-store.ts');
const { RecipientsRepository } = await import('#shared/adapters/recipients-repo.ts');
const { distributionKey } = await import('#shared/adapters/keys.ts');
const { desaName, kecamatanOfDesa } = await import('#shared/domain/wilayah.ts');
const { openDistribution } = await import('../../functions/families/open-distribution.ts');
const {
  KAPUAS,
  KOTIM,
  TAHAP,
  dashboardTotals,
  distributionHandoff,
  importUploaded,
  freshTahap,
  openedKapuas,
} = await import('../support/families.ts');

const TABLE = emulator.TABLE_NAME as string;
const config = env();
const distribution = new DistributionRepository(TABLE);
let decreeId: string;

interface Row {
  code: string;
  name: string;
  counts: Record<string, number>;
}
interface View {
  level: string;
  region?: string;
  rows: Row[];
  totals: Record<string, number>;
}

const read = (claims: Record<string, string>, query: Record<string, string>) =>
  callRoute<View>('GetDashboard', { claims, pathParameters: { tahapId: TAHAP }, query });

async function cards() {
  const all = [];
  for await (const card of distribution.cardsOf(KAPUAS)) all.push(card);
  return all.sort((a, b) => (a.cardNumber < b.cardNumber ? -1 : 1));
}

async function statusFile(lines: string[]) {
  const asked = await callRoute<{ importId: string; uploadUrl: string }>('CreateImport', {
    claims: operator(KAPUAS),
    body: { kind: 'STATUS_KARTU', filename: 'status-kartu.csv' },
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  const body = ['No;Nomor Kartu;Status;Tanggal;Keterangan', ...lines].join('\r\n');
  expect((await fetch(asked.body.uploadUrl, { method: 'PUT', body })).ok).toBe(true);
  await importUploaded(asked.body.importId);
  return new ImportsRepository(TABLE).get(asked.body.importId);
}

beforeAll(async () => {
  await freshTahap();
  decreeId = (await openedKapuas()).decreeId;
}, 120_000);

describe('the counters', () => {
  it('count each decreed family in its desa once, however often the opening runs', async () => {
    const expected = new Map<string, number>();
    for (const card of await cards()) expected.set(card.desaCode, (expected.get(card.desaCode) ?? 0) + 1);
    const stored = await new DashboardRepository(TABLE).desaCounts(TAHAP, KAPUAS);
    expect(new Map(stored.map((item) => [item.desaCode, item.counts.decreed]))).toEqual(expected);

    // As if the worker died before it marked the opening OPEN: the redelivery sets the same numbers.
    await documentClient.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: distributionKey(TAHAP, KAPUAS),
        UpdateExpression: 'SET #status = :opening',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':opening': 'OPENING' },
      }),
    );
    const resumed = await openDistribution(await distributionHandoff(decreeId), {
      decrees: new DecreesRepository(TABLE),
      recipients: new RecipientsRepository(TABLE),
      directory: new FamilyDirectoryRepository(TABLE),
      distribution,
      dashboard: new DashboardRepository(TABLE),
      tahap: new TahapRepository(TABLE),
    });
    expect(resumed.kind).toBe('opened');
    expect(await dashboardTotals()).toEqual({ decreed: 3 });
  });

  it('count a card handed out once: by the status file, by the field queue, and never again on a resend', async () => {
    const [first, second, third] = await cards();
    if (!first || !second || !third) throw new Error('fixture: three cards');
    const file = [
      `1;${first.cardNumber};DICETAK;2026-12-01;`,
      // The same card twice in one file: the second row is decided after the first is written.
      `2;${first.cardNumber};DIBAGIKAN;2026-12-02;`,
      `3;${second.cardNumber};DICETAK;2026-12-01;`,
    ];
    expect(await statusFile(file)).toMatchObject({ status: 'COMPLETED', counts: { accepted: 3 } });
    expect(await dashboardTotals()).toMatchObject({ cardsDistributed: 1 });
    // The same file again: every row unchanged, no counter moved.
    expect(await statusFile(file)).toMatchObject({ status: 'COMPLETED', counts: { accepted: 3 } });
    expect(await dashboardTotals()).toMatchObject({ cardsDistributed: 1 });

    const queue = [
      { tahapId: TAHAP, noKk: second.noKk, tanggal: '2026-12-03' },
      { tahapId: TAHAP, noKk: third.noKk, tanggal: '2026-12-03' },
      { tahapId: TAHAP, noKk: first.noKk, tanggal: '2026-12-03' },
    ];
    const send = (key: string) =>
      callRoute<{ results: { outcome: string }[] }>('RecordCardHandovers', {
        claims: operator(KAPUAS),
        body: { records: queue },
        headers: { 'Idempotency-Key': key },
      });
    const sent = await send('dasbor-serah-1');
    expect(sent.body.results.map((result) => result.outcome)).toEqual(['RECORDED', 'RECORDED', 'UNCHANGED']);
    expect(await dashboardTotals()).toMatchObject({ cardsDistributed: 3 });
    // The phone sends its queue again a week later (another key): each record UNCHANGED, nothing counted.
    const resent = await send('dasbor-serah-2');
    expect(resent.body.results.map((result) => result.outcome)).toEqual([
      'UNCHANGED',
      'UNCHANGED',
      'UNCHANGED',
    ]);
    expect(await dashboardTotals()).toMatchObject({ decreed: 3, cardsDistributed: 3 });
  });
});

describe('GET /tahap/{id}/dashboard', () => {
  it('sums the desa per kecamatan and kabupaten, names each from the wilayah data, and totals them', async () => {
    const desa = await read(admin(), { region: KAPUAS, level: 'desa' });
    expect(desa.status, JSON.stringify(desa.body)).toBe(200);
    expect(desa.body.totals).toMatchObject({ decreed: 3, cardsDistributed: 3, complaintsOpen: 0 });
    // A code the wilayah data does not know is shown as itself.
    for (const row of desa.body.rows) expect(row.name).toBe(desaName(row.code) ?? row.code);

    const kecamatan = await read(auditor(), { region: KAPUAS });
    expect(kecamatan.body.level).toBe('kecamatan');
    expect(kecamatan.body.rows.map((row) => row.code)).toEqual([
      ...new Set(desa.body.rows.map((row) => kecamatanOfDesa(row.code))),
    ]);
    expect(kecamatan.body.totals).toEqual(desa.body.totals);

    const province = await read(admin(), {});
    expect(province.body).toMatchObject({ level: 'kabupaten', totals: { decreed: 3, cardsDistributed: 3 } });
    expect(province.body.rows).toEqual([
      { code: KAPUAS, name: 'Kabupaten Kapuas', counts: expect.objectContaining({ decreed: 3 }) },
    ]);
  });

  it('keeps a kabupaten’s staff to their own kabupaten', async () => {
    const own = await read(operator(KAPUAS), {});
    expect(own.body).toMatchObject({ region: KAPUAS, totals: { decreed: 3 } });
    const other = await read(operator(KOTIM), { region: KAPUAS, level: 'desa' });
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).not.toContain('decreed');
    // Without a region, another kabupaten's operator reads their own, where nothing is decreed.
    const theirs = await read(operator(KOTIM), {});
    expect(theirs.body).toMatchObject({ region: KOTIM, rows: [], totals: { decreed: 0 } });
    const exported = await callRoute('ExportDashboard', {
      claims: operator(KOTIM),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS, format: 'csv' },
    });
    expect(exported.status).toBe(403);
    expect(await read(operator(KAPUAS, { sub: 'relawan-x', groups: '[relawan]' }), {})).toMatchObject({
      status: 403,
    });
  });

  it('exports the same table as CSV and XLSX with Indonesian headers and the totals', async () => {
    const objects = new ObjectStore();
    const download = async (format: 'csv' | 'xlsx') => {
      const answer = await callRoute<{ url: string; rows: number; filename: string }>('ExportDashboard', {
        claims: admin(),
        pathParameters: { tahapId: TAHAP },
        query: { region: KAPUAS, level: 'desa', format },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.filename).toBe(`dasbor-${TAHAP}-${KAPUAS}-desa.${format}`);
      const key = decodeURIComponent(new URL(answer.body.url).pathname).replace(
        `/${config.documentsBucket}/`,
        '',
      );
      expect(key).toMatch(/^files\/dasbor\/2026-1\//);
      const chunks: Buffer[] = [];
      for await (const chunk of await objects.read(config.documentsBucket, key))
        chunks.push(Buffer.from(chunk));
      return Buffer.concat(chunks);
    };
    const csv = (await download('csv'))
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe(
      'Kode;Desa/Kelurahan;KPM Ditetapkan;Kartu Dibagikan;Rekening Dibuka;Tunai Dibayar;Tunai Gagal;Pangan Diterima;Pengaduan Terbuka;Pengaduan Lewat Waktu',
    );
    expect(csv.at(-1)).toBe(';Jumlah;3;3;0;0;0;0;0;0');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download('xlsx')) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Dasbor');
    expect(sheet?.getRow(2).getCell(3).value).toBe('KPM Ditetapkan');
    const last = sheet?.getRow(sheet.rowCount);
    expect(last?.getCell(2).value).toBe('Jumlah');
    expect(last?.getCell(3).value).toBe(3);
  });

  it('answers for a province of 1,600 desa in under a second, from one Query', async () => {
    const { BatchWriter } = await import('#shared/adapters/batch-writer.ts');
    const { dashboardDesaKey } = await import('#shared/adapters/keys.ts');
    const writer = new BatchWriter(TABLE, { client: documentClient });
    // 13 other kabupaten, ~123 desa each, each with a few of every counter (Kapuas's stay as they are).
    const regions = [
      '62.01',
      '62.02',
      '62.04',
      '62.05',
      '62.06',
      '62.07',
      '62.08',
      '62.09',
      '62.10',
      '62.11',
      '62.12',
      '62.13',
      '62.71',
    ];
    for (let n = 0; n < 1_600; n++) {
      const region = regions[n % regions.length] ?? '62.01';
      const desaCode = `${region}.${String(1 + (n % 20)).padStart(2, '0')}.${2001 + n}`;
      await writer.put({
        ...dashboardDesaKey(TAHAP, desaCode),
        desaCode,
        decreed: 10,
        cardsDistributed: 7,
        cashPaid: 5,
      });
    }
    await writer.flush();
    const started = performance.now();
    const province = await read(admin(), { level: 'desa' });
    const elapsed = performance.now() - started;
    expect(province.status).toBe(200);
    expect(province.body.rows.length).toBeGreaterThanOrEqual(1_600);
    expect(province.body.totals).toMatchObject({
      decreed: 16_003,
      cardsDistributed: 11_203,
      cashPaid: 8_000,
    });
    expect(elapsed).toBeLessThan(1_000);
    const byKabupaten = await read(admin(), {});
    expect(byKabupaten.body.rows).toHaveLength(14);
  });
});
