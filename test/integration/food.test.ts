import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '#shared/model.ts';
import { admin, auditor, callRoute, operator } from '../support/api.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * Food (PANGAN) through BULOG (issue #15), from an opened distribution on: the distribution lists
 * per desa (titik bagi) for BULOG, written by the families worker, with the penerima's NIK masked,
 * the listed entitlements DIKIRIM and each file a logged bulk read; BULOG's BAST imported through
 * `POST /imports` and the import (as the S3 trigger calls it), each line judged against the
 * family's entitlement and KK; a second import of the same file changes nothing; the
 * reconciliation per titik bagi and BULOG's invoice basis.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const emulator = useEmulatorEnv();
const { env } = await import('#shared/config/env.ts');
const { DistributionRepository } = await import('#shared/adapters/distribution-repo.ts');
const { ExchangeRepository } = await import('#shared/adapters/exchange-repo.ts');
const { FamilyDirectoryRepository } = await import('#shared/adapters/family-directory-repo.ts');
const { FoodRepository } = await import('#shared/adapters/food-repo.ts');
const { ImportsRepository } = await import('#shared/adapters/imports-repo.ts');
const { ObjectStore } = await import('#shared/adapters/object-store.ts');
const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
const { fileReadLogPartition } = await import('#shared/adapters/keys.ts');
const { writeFoodLists } = await import('../../functions/families/food-lists.ts');
const { importFamilyFile } = await import('../../functions/family-import/import-family-file.ts');
const { backfillNikCardLookup } = await import('../../scripts/backfill-nik-card-lookup.ts');
const { cardNumber } = await import('#shared/domain/family/distribution.ts');
const { DESA, KAPUAS, KOTIM, TAHAP, dashboardTotals, freshTahap, openedKapuas, familyJobDeps, kk, nik } =
  await import('../support/families.ts');

const TABLE = emulator.TABLE_NAME as string;
const config = env();
const distribution = new DistributionRepository(TABLE);
const food = new FoodRepository(TABLE);
const directory = new FamilyDirectoryRepository(TABLE);
const objects = new ObjectStore();
const FAMILIES = [1, 5, 9].map((serial) => kk(KAPUAS, serial));

const exchange = new ExchangeRepository(TABLE);
const listDeps = () => ({
  exchange,
  tahap: new TahapRepository(TABLE),
  distribution,
  food,
  directory,
  objects,
  documentsBucket: config.documentsBucket,
});

async function pangan() {
  const items = [];
  for await (const entitlement of distribution.entitlements(TAHAP, KAPUAS, 'PANGAN')) items.push(entitlement);
  return new Map(items.map((entitlement) => [entitlement.noKk, entitlement]));
}

/** Asks for Kapuas's lists as its operator (202) and runs the job its message starts. */
async function listsThroughRoute() {
  const asked = await callRoute<{ job: { jobId: string; requestedAt: string; status: string } }>(
    'CreateFoodLists',
    { claims: operator(KAPUAS), pathParameters: { tahapId: TAHAP }, body: { region: KAPUAS } },
  );
  expect(asked.status).toBe(202);
  expect(asked.body.job.status).toBe('QUEUED');
  return writeFoodLists(
    {
      type: 'food.lists.requested',
      tahapId: TAHAP,
      region: KAPUAS,
      jobId: asked.body.job.jobId,
      requestedAt: asked.body.job.requestedAt,
    },
    listDeps(),
  );
}

type ImportAnswer = { status: string; counts?: { rows: number; accepted: number; rejected: number } };

/** A BAST (or EDC file) asked for through `POST /imports`, put through its URL, and imported as the S3 trigger would. */
async function importBast(csv: string, kind: 'BAST' | 'EDC' = 'BAST') {
  const asked = await callRoute<{ importId: string; uploadUrl: string }>('CreateImport', {
    claims: operator(KAPUAS),
    body: { kind, filename: `${kind.toLowerCase()}-kapuas.csv`, tahapId: TAHAP },
  });
  expect(asked.status).toBe(201);
  expect((await fetch(asked.body.uploadUrl, { method: 'PUT', body: csv })).ok).toBe(true);
  const record = await new ImportsRepository(TABLE).get(asked.body.importId);
  if (!record) throw new Error('no import record');
  expect(record).toMatchObject({ kind, tahapId: TAHAP, region: KAPUAS });
  await importFamilyFile(
    {
      bucket: config.uploadsBucket,
      key: record.s3Key,
      etag: `etag-${asked.body.importId}`,
      size: Buffer.byteLength(csv),
      eventTime: new Date().toISOString(),
    },
    {
      ...familyJobDeps(),
      imports: new ImportsRepository(TABLE),
      objects,
      documentsBucket: config.documentsBucket,
      limits: {
        maxFileBytes: 1_000_000,
        maxRows: 1_000,
        xlsxMaxUncompressedBytes: 10_000_000,
        xlsxMaxRatio: 100,
      },
    },
  );
  const view = await callRoute<ImportAnswer & { reportUrl?: string }>('GetImport', {
    claims: operator(KAPUAS),
    pathParameters: { importId: asked.body.importId },
  });
  expect(view.status).toBe(200);
  const report = view.body.reportUrl ? await (await fetch(view.body.reportUrl)).text() : '';
  return { view: view.body, report };
}

const HEADER =
  'No KK;NIK Penerima;Nama Penerima;Hubungan;Tanggal Serah Terima;Status;Alasan;Nomor Surat Kuasa;Foto;Latitude;Longitude';
const PROXY = nik(KAPUAS, 7_777);
const BAST = [
  HEADER,
  // The penerima herself, with a photo and coordinates.
  `${kk(KAPUAS, 1)};${nik(KAPUAS, 10)};Warga Uji;KPM;02-11-2026;DITERIMA;;;IMG_0001.jpg;-3,01;114,38`,
  // An adult member of KK 5 (its ANAK, born 1985).
  `${kk(KAPUAS, 5)};${nik(KAPUAS, 9_999)};Anak Uji;Anggota Keluarga;02-11-2026;DITERIMA;;;;;`,
  // KK 9 did not come; then someone of another KK (6's head) takes it; then a proxy with a letter.
  `${kk(KAPUAS, 9)};;;;02-11-2026;TIDAK DITERIMA;Tidak hadir;;;;`,
  `${kk(KAPUAS, 9)};${nik(KAPUAS, 60)};Tetangga Uji;Anggota Keluarga;03-11-2026;DITERIMA;;;;;`,
  `${kk(KAPUAS, 9)};${PROXY};Kuasa Uji;Kuasa;04-11-2026;DITERIMA;;SK/07/XI/2026;IMG_0009.jpg;;`,
  // A family that is not in the decree (KK 2: desil out of range).
  `${kk(KAPUAS, 2)};${nik(KAPUAS, 20)};Warga Uji;KPM;02-11-2026;DITERIMA;;;;;`,
  // KK 1 again, another day: a second handover.
  `${kk(KAPUAS, 1)};${nik(KAPUAS, 10)};Warga Uji;KPM;05-11-2026;DITERIMA;;;;;`,
].join('\n');

beforeAll(async () => {
  await freshTahap();
  await openedKapuas();
}, 120_000);

describe('distribution lists for BULOG', () => {
  it('are refused for a kabupaten whose distribution is not open, and for another kabupaten’s operator', async () => {
    const closed = await callRoute('CreateFoodLists', {
      claims: admin(),
      pathParameters: { tahapId: TAHAP },
      body: { region: KOTIM },
    });
    expect(closed.status).toBe(409);
    const elsewhere = await callRoute('CreateFoodLists', {
      claims: operator(KOTIM),
      pathParameters: { tahapId: TAHAP },
      body: { region: KAPUAS },
    });
    expect(elsewhere.status).toBe(403);
  });

  it('write one file per desa with the NIK masked, move the families to DIKIRIM, and log each file', async () => {
    const outcome = await listsThroughRoute();
    expect(outcome).toMatchObject({ kind: 'written', counts: { listed: 3, sent: 3, notListed: 0 } });

    const view = await callRoute<{
      job: { status: string };
      files: { desaCode: string; rows: number; fileKey: string; downloadUrl: string }[];
    }>('GetFoodLists', {
      claims: operator(KAPUAS),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS },
    });
    expect(view.status).toBe(200);
    expect(view.body.job.status).toBe('COMPLETED');
    expect(view.body.files).toHaveLength(1);
    const file = view.body.files[0];
    expect(file).toMatchObject({
      desaCode: DESA,
      rows: 3,
      fileKey: expect.stringMatching(new RegExp(`^files/bulog/${TAHAP}/${KAPUAS}/${DESA}-[0-9a-z-]+\\.csv$`)),
    });
    const text = await (await fetch(file?.downloadUrl ?? '')).text();
    const lines = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'No;Referensi;No Kartu KHBS;No KK;Nama KPM;NIK KPM Tersamar;Paket;Nilai (Rp);Nomor SK;Kabupaten/Kota;Kecamatan;Desa/Kelurahan (Titik Bagi);Petunjuk Petugas',
    );
    expect(lines).toHaveLength(4);
    const entitlements = await pangan();
    for (const noKk of FAMILIES) {
      const entitlement = entitlements.get(noKk);
      expect(entitlement).toMatchObject({ status: 'DIKIRIM', attempts: 1 });
      expect(text).toContain(`${entitlement?.ref};`);
      expect(text).toContain(`;${noKk};`);
      expect(text).not.toContain(entitlement?.penerimaNik);
      expect(text).toContain(
        `${entitlement?.penerimaNik.slice(0, 6)}******${entitlement?.penerimaNik.slice(12)}`,
      );
    }
    expect(text).toContain('5 kg beras premium, 1 L minyak goreng, 1 kg gula pasir;150000;');
    for await (const tunai of distribution.entitlements(TAHAP, KAPUAS, 'TUNAI'))
      expect(tunai.status).toBe('DITETAPKAN');

    const logged = await directory.bulkReads([fileReadLogPartition(KAPUAS)], 10);
    expect(logged.map((entry) => entry.route).sort()).toEqual(['CreateFoodLists', 'GetFoodLists']);
    for (const entry of logged) {
      expect(entry.read).toMatchObject({
        kind: 'FILE',
        file: 'DAFTAR_SALUR',
        region: KAPUAS,
        desaCode: DESA,
        families: 3,
      });
      expect(entry.who.sub).toBe(operator(KAPUAS).sub);
    }
    // Handed to BULOG, one file per desa; the bank never sees it.
    const bulog = await exchange.list('BULOG', { tahapId: TAHAP });
    expect(bulog.items.map((file) => [file.kind, file.desaCode, file.rows])).toEqual([
      ['DAFTAR_SALUR', DESA, 3],
    ]);
    expect((await exchange.list('BANK', { tahapId: TAHAP, kind: 'DAFTAR_SALUR' })).items).toEqual([]);
  });

  it('list the same families again when made again, moving none', async () => {
    expect(await listsThroughRoute()).toMatchObject({ kind: 'written', counts: { listed: 3, sent: 0 } });
    for (const entitlement of (await pangan()).values()) expect(entitlement.attempts).toBe(1);
  });

  it('a second run writes a file of its own: every registered file still has the bytes of its SHA-256', async () => {
    const registered = (await exchange.list('BULOG', { tahapId: TAHAP })).items;
    // One per run (the first run, and the run above): two file ids, two keys, never one key rewritten.
    expect(registered).toHaveLength(2);
    expect(new Set(registered.map((file) => file.fileId)).size).toBe(2);
    expect(new Set(registered.map((file) => file.s3Key)).size).toBe(2);
    for (const file of registered) {
      const chunks: Buffer[] = [];
      for await (const chunk of await objects.read(config.documentsBucket, file.s3Key)) {
        chunks.push(Buffer.from(chunk as Uint8Array));
      }
      const bytes = Buffer.concat(chunks);
      expect(createHash('sha256').update(bytes).digest('hex'), file.fileId).toBe(file.sha256);
    }
    // What the lists route hands out now is the latest run's file, as registered.
    const view = await callRoute<{ files: { fileKey: string; sha256: string }[] }>('GetFoodLists', {
      claims: operator(KAPUAS),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS },
    });
    const latest = view.body.files[0];
    expect(registered.map((file) => [file.s3Key, file.sha256])).toContainEqual([
      latest?.fileKey,
      latest?.sha256,
    ]);
  });
});

describe('BULOG’s BAST', () => {
  it('records each handover and failure, and keeps what it cannot record as findings', async () => {
    const { view, report } = await importBast(BAST);
    expect(view).toMatchObject({ status: 'COMPLETED', counts: { rows: 7, accepted: 7 } });
    const entitlements = await pangan();
    expect(entitlements.get(kk(KAPUAS, 1))).toMatchObject({
      status: 'DITERIMA',
      handover: {
        tanggal: '2026-11-02',
        receiver: 'KPM',
        foto: 'IMG_0001.jpg',
        latitude: -3.01,
        longitude: 114.38,
      },
    });
    expect(entitlements.get(kk(KAPUAS, 5))).toMatchObject({
      status: 'DITERIMA',
      handover: { receiver: 'ANGGOTA_KELUARGA', receiverNik: nik(KAPUAS, 9_999) },
    });
    expect(entitlements.get(kk(KAPUAS, 9))).toMatchObject({
      status: 'DITERIMA',
      handover: {
        tanggal: '2026-11-04',
        receiver: 'KUASA',
        nomorSuratKuasa: 'SK/07/XI/2026',
        redelivery: true,
      },
      notReceived: { tanggal: '2026-11-02', reason: 'TIDAK_HADIR' },
    });
    expect(entitlements.get(kk(KAPUAS, 9))?.bastKeys).toHaveLength(2);
    // Three families received their food (family 9 on the second visit), each counted once.
    expect(await dashboardTotals()).toMatchObject({ decreed: 3, foodDelivered: 3 });

    const findings = [];
    for await (const finding of food.findings(TAHAP, KAPUAS)) findings.push(finding);
    expect(findings.map((finding) => finding.code).sort()).toEqual([
      'BUKAN_KPM',
      'PENERIMA_TIDAK_BERHAK',
      'SERAH_TERIMA_KEDUA',
    ]);
    expect(findings.find((finding) => finding.code === 'BUKAN_KPM')?.desaCode).toBeUndefined();
    for (const finding of findings) {
      expect(finding.detail).not.toContain(nik(KAPUAS, 60));
      expect(finding.detail).not.toContain(nik(KAPUAS, 10));
      expect(finding.detail).not.toContain('Warga Uji');
    }
    for (const code of ['BUKAN_KPM', 'PENERIMA_TIDAK_BERHAK', 'SERAH_TERIMA_KEDUA'])
      expect(report).toContain(code);
    expect(report).not.toContain(nik(KAPUAS, 60));
  });

  it('changes nothing and finds nothing new when the same file comes again', async () => {
    const before = await pangan();
    const { view, report } = await importBast(BAST);
    expect(view).toMatchObject({ status: 'COMPLETED', counts: { rows: 7, accepted: 7 } });
    expect((report.match(/BAST_SUDAH_TERCATAT/g) ?? []).length).toBe(7);
    expect(await pangan()).toEqual(before);
    expect(await dashboardTotals()).toMatchObject({ foodDelivered: 3 });
    let count = 0;
    for await (const _ of food.findings(TAHAP, KAPUAS)) count++;
    expect(count).toBe(3);
  });

  it('is refused at once for a kabupaten whose distribution is not open', async () => {
    const asked = await callRoute('CreateImport', {
      claims: operator(KOTIM),
      body: { kind: 'BAST', filename: 'bast.csv', tahapId: TAHAP },
    });
    expect(asked.status).toBe(409);
  });
});

describe('the food reconciliation', () => {
  it('tallies each titik bagi and invoices packages delivered × the price', async () => {
    const answer = await callRoute<{
      titikBagi: Record<string, unknown>[];
      invoice: Record<string, unknown>;
      findings: { code: string }[];
      package: { price: number };
    }>('GetFoodReconciliation', {
      claims: auditor(),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.package.price).toBe(150_000);
    expect(answer.body.titikBagi).toEqual([
      expect.objectContaining({
        desaCode: DESA,
        entitled: { families: 3, packages: 3, rupiah: 450_000 },
        delivered: { packages: 3, byReceiver: { KPM: 1, ANGGOTA_KELUARGA: 1, KUASA: 1 }, withoutPhoto: 1 },
        notReceived: { packages: 0, byReason: {} },
        notReported: 0,
        findings: { total: 2, byCode: { PENERIMA_TIDAK_BERHAK: 1, SERAH_TERIMA_KEDUA: 1 } },
      }),
    ]);
    expect(answer.body.invoice).toMatchObject({
      region: KAPUAS,
      titikBagi: 1,
      packagesEntitled: 3,
      packagesDelivered: 3,
      findings: 3,
      price: 150_000,
      total: 450_000,
    });
    expect(answer.body.findings).toHaveLength(3);
    const elsewhere = await callRoute('GetFoodReconciliation', {
      claims: operator(KOTIM),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS },
    });
    expect(elsewhere.status).toBe(403);
  });
});

describe('Bank Kalteng’s EDC transactions', () => {
  it('find a double receipt and a blocked card used, and nothing new when the file comes again', async () => {
    const cards = [];
    for await (const card of distribution.cardsOf(KAPUAS)) cards.push(card);
    const [used, blocked] = cards.sort((x, y) => (x.cardNumber < y.cardNumber ? -1 : 1));
    if (!used || !blocked) throw new Error('no cards');
    const block = await callRoute('BlockCard', {
      claims: operator(KAPUAS),
      body: { cardNumber: blocked.cardNumber, reason: 'Kartu hilang di pasar' },
    });
    expect(block.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = `${new Date().toISOString().slice(0, 19)}Z`;
    const csv = [
      'No Kartu;Terminal;Waktu Transaksi;Jumlah;Jenis;Referensi',
      `${used.cardNumber};EDC001;2026-11-10T09:00:00+07:00;150000;PANGAN;TRX-1`,
      `${used.cardNumber};EDC002;2026-11-11T09:30:00+07:00;150000;PANGAN;TRX-2`,
      `${blocked.cardNumber};EDC003;${after};250000;TUNAI;TRX-3`,
    ].join('\n');
    const first = await importBast(csv, 'EDC');
    expect(first.view).toMatchObject({ status: 'COMPLETED', counts: { rows: 3, accepted: 3 } });
    const findings = async () => {
      const answer = await callRoute<{ items: { code: string; card: string; detail: string }[] }>(
        'GetEdcFindings',
        {
          claims: auditor(),
          pathParameters: { tahapId: TAHAP },
          query: { region: KAPUAS },
        },
      );
      expect(answer.status).toBe(200);
      return answer.body.items;
    };
    const found = await findings();
    expect(found.map((item) => [item.code, item.card]).sort()).toEqual([
      ['KARTU_DIBLOKIR', blocked.cardNumber],
      ['PENEBUSAN_GANDA', used.cardNumber],
    ]);
    for (const item of found) expect(item.detail).not.toContain(used.penerimaNik);

    const again = await importBast(csv, 'EDC');
    expect(again.view).toMatchObject({ status: 'COMPLETED', counts: { rows: 3, accepted: 3 } });
    expect((again.report.match(/EDC_SUDAH_TERCATAT/g) ?? []).length).toBe(3);
    expect(await findings()).toHaveLength(2);
  });
});

describe('one NIK holding two cards', () => {
  it('is an EDC finding of its own, once per NIK, found through the NIK → card lookup written with each card', async () => {
    const cards = [];
    for await (const card of distribution.cardsOf(KAPUAS)) cards.push(card);
    const held = cards.find((card) => card.status === 'TERDAFTAR');
    if (!held) throw new Error('no active card');
    // Written with the card at the opening: the penerima's NIK finds it.
    expect((await distribution.cardsOfNik(held.penerimaNik)).map((card) => card.cardNumber)).toEqual([
      held.cardNumber,
    ]);
    // The same penerima numbered a second card, in another KK (as a duplicate registration would).
    const { newVerifyCode } = await import('#shared/domain/decree.ts');
    const second = cardNumber(KAPUAS, 900);
    const now = new Date().toISOString();
    expect(
      await distribution.createCard({
        ...held,
        cardNumber: second,
        verifyCode: newVerifyCode(),
        noKk: kk(KAPUAS, 77),
        familyId: 'KEL-AAAAAAAAAAAA',
        status: 'TERDAFTAR',
        createdAt: now,
        history: [{ status: 'TERDAFTAR', at: now }],
      }),
    ).toBe(true);
    expect((await distribution.cardsOfNik(held.penerimaNik)).map((card) => card.cardNumber).sort()).toEqual(
      [held.cardNumber, second].sort(),
    );

    const csv = [
      'No Kartu;Terminal;Waktu Transaksi;Jumlah;Jenis;Referensi',
      `${held.cardNumber};EDC010;2026-11-20T09:00:00+07:00;250000;TUNAI;TRX-10`,
      `${second};EDC011;2026-11-21T09:00:00+07:00;150000;PANGAN;TRX-11`,
    ].join('\n');
    const first = await importBast(csv, 'EDC');
    expect(first.view).toMatchObject({ status: 'COMPLETED', counts: { rows: 2, accepted: 2 } });
    const findings = await callRoute<{ items: { code: string; card: string; detail: string }[] }>(
      'GetEdcFindings',
      { claims: auditor(), pathParameters: { tahapId: TAHAP }, query: { region: KAPUAS } },
    );
    const twoCards = findings.body.items.filter((item) => item.code === 'NIK_DUA_KARTU');
    expect(twoCards).toHaveLength(1);
    expect(twoCards[0]?.detail).toContain(held.cardNumber);
    expect(twoCards[0]?.detail).toContain(second);
    expect(twoCards[0]?.detail).not.toContain(held.penerimaNik);
    expect(twoCards[0]?.detail).toContain(`${held.penerimaNik.slice(0, 6)}******`);

    // Another file naming the same NIK's card finds it again, but it is stored once per NIK.
    await importBast(
      [
        'No Kartu;Terminal;Waktu Transaksi;Jumlah;Jenis;Referensi',
        `${second};EDC012;2026-11-22T09:00:00+07:00;250000;TUNAI;TRX-12`,
      ].join('\n'),
      'EDC',
    );
    const again = await callRoute<{ items: { code: string }[] }>('GetEdcFindings', {
      claims: auditor(),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS },
    });
    expect(again.body.items.filter((item) => item.code === 'NIK_DUA_KARTU')).toHaveLength(1);

    // Blocking one of them: the NIK holds one active card, and a new file finds no such thing.
    const block = await callRoute('BlockCard', {
      claims: operator(KAPUAS),
      body: { cardNumber: second, reason: 'Kartu ganda atas NIK yang sama' },
    });
    expect(block.status).toBe(200);
    const active = (await distribution.cardsOfNik(held.penerimaNik)).filter(
      (card) => card.status === 'TERDAFTAR' || card.status === 'DICETAK' || card.status === 'DIBAGIKAN',
    );
    expect(active.map((card) => card.cardNumber)).toEqual([held.cardNumber]);
  });
});

describe('cards numbered before the NIK → card lookup existed', () => {
  /** An active card whose penerima also holds {@link old}, a card written without its lookup. */
  let held: Card | undefined;
  const old = cardNumber(KAPUAS, 901);
  const twoCardsOf = async (card: string) => {
    const answer = await callRoute<{ items: { code: string; detail: string }[] }>('GetEdcFindings', {
      claims: auditor(),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS },
    });
    expect(answer.status).toBe(200);
    return answer.body.items.filter((item) => item.code === 'NIK_DUA_KARTU' && item.detail.includes(card));
  };
  const edc = (line: string) =>
    importBast(['No Kartu;Terminal;Waktu Transaksi;Jumlah;Jenis;Referensi', line].join('\n'), 'EDC');

  it('get their lookup item from the backfill, and a second run writes none', async () => {
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documentClient } = await import('#shared/adapters/clients/dynamodb.ts');
    const { cardKey } = await import('#shared/adapters/keys.ts');
    const { CardSchema } = await import('#shared/model.ts');
    const { newVerifyCode } = await import('#shared/domain/decree.ts');
    const cards: Card[] = [];
    for await (const card of distribution.cardsOf(KAPUAS)) cards.push(card);
    // An active card whose penerima holds no other card (not the previous test's).
    for (const card of cards) {
      if (card.status !== 'TERDAFTAR') continue;
      if ((await distribution.cardsOfNik(card.penerimaNik)).length === 1) {
        held = card;
        break;
      }
    }
    if (!held) throw new Error('no active card of its own');
    // The same penerima's card in another KK, written as a card was before the lookup: the card only.
    const then = new Date(Date.now() - 86_400_000).toISOString();
    await documentClient.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          ...cardKey(KAPUAS, old),
          ...CardSchema.parse({
            ...held,
            cardNumber: old,
            verifyCode: newVerifyCode(),
            noKk: kk(KAPUAS, 78),
            familyId: 'KEL-BBBBBBBBBBBB',
            status: 'TERDAFTAR',
            createdAt: then,
            history: [{ status: 'TERDAFTAR', at: then }],
          }),
        },
      }),
    );
    expect((await distribution.cardsOfNik(held.penerimaNik)).map((card) => card.cardNumber)).toEqual([
      held.cardNumber,
    ]);
    // So the EDC import misses it: the old card's redemption does not see its NIK's other card.
    await edc(`${old};EDC020;2026-11-23T09:00:00+07:00;150000;PANGAN;TRX-20`);
    expect(await twoCardsOf(old)).toEqual([]);

    expect(await backfillNikCardLookup(TABLE, [KAPUAS])).toEqual([
      { region: KAPUAS, written: 1, present: cards.length },
    ]);
    expect((await distribution.cardsOfNik(held.penerimaNik)).map((card) => card.cardNumber).sort()).toEqual(
      [held.cardNumber, old].sort(),
    );
    expect(await backfillNikCardLookup(TABLE, [KAPUAS])).toEqual([
      { region: KAPUAS, written: 0, present: cards.length + 1 },
    ]);
  });

  it('are seen by the EDC import once backfilled: the next redemption of either card finds the NIK holding both, once', async () => {
    if (!held) throw new Error('the previous test set no card');
    const found = await edc(`${held.cardNumber};EDC021;2026-11-24T09:00:00+07:00;250000;TUNAI;TRX-21`);
    expect(found.view).toMatchObject({ status: 'COMPLETED', counts: { rows: 1, accepted: 1 } });
    expect(found.report).toContain('NIK_DUA_KARTU');
    const twoCards = await twoCardsOf(old);
    expect(twoCards).toHaveLength(1);
    expect(twoCards[0]?.detail).toContain(held.cardNumber);
    expect(twoCards[0]?.detail).not.toContain(held.penerimaNik);
    // The old card's own next redemption finds the same NIK: stored once, nothing new.
    await edc(`${old};EDC022;2026-11-25T09:00:00+07:00;250000;TUNAI;TRX-22`);
    expect(await twoCardsOf(old)).toHaveLength(1);
  });
});
