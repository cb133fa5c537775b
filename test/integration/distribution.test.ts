import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, auditor, callRoute, operator } from '../support/api.ts';
import { emptyBucket, resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The distribution of a decreed tahap (issue #15), from the KPM decree on: issuing the decree hands
 * off the opening in the same transaction; the families worker gives each family its card (1 KK 1
 * kartu) and one entitlement per component; a redelivered or resumed opening changes nothing; a
 * second decree for the same kabupaten and tahap is refused. Then the cards through the routes: the
 * public verification, the printer's file (no NIK, no No KK; a logged bulk read), blocking and
 * replacing, and another kabupaten's operator who must not learn that a card exists.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const emulator = useEmulatorEnv();
const { env } = await import('#shared/config/env.ts');
const { documentClient } = await import('#shared/adapters/clients/dynamodb.ts');
const { DistributionRepository } = await import('#shared/adapters/distribution-repo.ts');
const { DecreesRepository } = await import('#shared/adapters/decrees-repo.ts');
const { DashboardRepository } = await import('#shared/adapters/dashboard-repo.ts');
const { FamilyDirectoryRepository } = await import('#shared/adapters/family-directory-repo.ts');
const { RecipientsRepository } = await import('#shared/adapters/recipients-repo.ts');
const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
const { cardSeqKey, distributionKey, fileReadLogPartition } = await import('#shared/adapters/keys.ts');
const { normalizeCardNumber, parseInstructionRef } = await import('#shared/domain/family/distribution.ts');
const { openDistribution } = await import('../../functions/families/open-distribution.ts');
const { KAPUAS, KOTIM, TAHAP, decreedKapuas, distributionHandoff, kk, nik, seedProgramme, tahapWithRun } =
  await import('../support/families.ts');

const TABLE = emulator.TABLE_NAME as string;
const config = env();
const distribution = new DistributionRepository(TABLE);
const deps = () => ({
  decrees: new DecreesRepository(TABLE),
  recipients: new RecipientsRepository(TABLE),
  directory: new FamilyDirectoryRepository(TABLE),
  distribution,
  dashboard: new DashboardRepository(TABLE),
  tahap: new TahapRepository(TABLE),
  chunkSize: 2,
});
const FAMILIES = [1, 5, 9].map((serial) => kk(KAPUAS, serial));

let decree: Awaited<ReturnType<typeof decreedKapuas>>;

async function cardsOfKapuas() {
  const cards = [];
  for await (const card of distribution.cardsOf(KAPUAS)) cards.push(card);
  return cards;
}

async function lastSerial(): Promise<number | undefined> {
  const out = await documentClient.send(new GetCommand({ TableName: TABLE, Key: cardSeqKey(KAPUAS) }));
  return out.Item?.last as number | undefined;
}

beforeAll(async () => {
  await resetTable();
  await emptyBucket(config.documentsBucket);
  await seedProgramme();
  await tahapWithRun();
  decree = await decreedKapuas();
}, 90_000);

describe('opening the distribution of a KPM decree', () => {
  it('is handed off with the decree’s issue, and gives each family a card and an entitlement per component', async () => {
    const message = await distributionHandoff(decree.decreeId);
    expect(message).toMatchObject({ tahapId: TAHAP, region: KAPUAS, decreeId: decree.decreeId });
    const outcome = await openDistribution(message, deps());
    expect(outcome).toMatchObject({
      kind: 'opened',
      record: {
        status: 'OPEN',
        decreeNumber: decree.number,
        families: 3,
        cards: { issued: 3, kept: 0, blocked: 0 },
        byComponent: [
          { component: 'TUNAI', count: 3, amount: 750_000 },
          { component: 'PANGAN', count: 3, amount: 450_000 },
        ],
      },
    });

    const cards = await cardsOfKapuas();
    expect(cards.map((card) => card.noKk).sort()).toEqual([...FAMILIES].sort());
    for (const card of cards) {
      expect(normalizeCardNumber(card.cardNumber)).toBe(card.cardNumber);
      expect(card.cardNumber).toMatch(/^HB-6203-\d{7}-\d$/);
      expect(card.status).toBe('TERDAFTAR');
      // The penerima the visit kept: the head, whose NIK is the family's serial × 10.
      const serial = [1, 5, 9][FAMILIES.indexOf(card.noKk)] ?? 0;
      expect(card.penerimaNik).toBe(nik(KAPUAS, serial * 10));
    }
    expect(new Set(cards.map((card) => card.verifyCode)).size).toBe(3);

    const entitlements = [];
    for await (const entitlement of distribution.entitlements(TAHAP, KAPUAS)) entitlements.push(entitlement);
    expect(entitlements).toHaveLength(6);
    for (const entitlement of entitlements) {
      expect(entitlement).toMatchObject({ status: 'DITETAPKAN', attempts: 0, decreeNumber: decree.number });
      expect(entitlement.amount).toBe(entitlement.component === 'TUNAI' ? 250_000 : 150_000);
      // The reference names the family by its opaque id only: no NIK, no No KK.
      expect(entitlement.ref).toMatch(/^KHBS-2026-1-[TP]-[A-Z2-7]{12}$/);
      expect(entitlement.ref).not.toContain(entitlement.noKk);
      expect(parseInstructionRef(`${entitlement.ref}-1`)?.familyId).toBe(entitlement.familyId);
    }
    const tunai = [];
    for await (const entitlement of distribution.entitlements(TAHAP, KAPUAS, 'TUNAI'))
      tunai.push(entitlement);
    expect(tunai.map((entitlement) => entitlement.component)).toEqual(['TUNAI', 'TUNAI', 'TUNAI']);
  });

  it('does nothing when the message comes again, and resumes an interrupted opening without new cards', async () => {
    const message = await distributionHandoff(decree.decreeId);
    expect(await openDistribution(message, deps())).toEqual({ kind: 'skipped', reason: 'already open' });
    expect(await lastSerial()).toBe(3);

    // As if the worker died after the cards and entitlements, before it marked the opening OPEN.
    await documentClient.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: distributionKey(TAHAP, KAPUAS),
        UpdateExpression: 'SET #status = :opening',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':opening': 'OPENING' },
      }),
    );
    const resumed = await openDistribution(message, deps());
    expect(resumed).toMatchObject({ kind: 'opened', record: { families: 3, cards: { issued: 3, kept: 0 } } });
    expect(await lastSerial()).toBe(3);
    expect(await cardsOfKapuas()).toHaveLength(3);
  });

  it('refuses a second decree for the same kabupaten and tahap, and leaves the first one’s distribution', async () => {
    const other = { ...decree, decreeId: 'SK-KPM-62.03-2026-1-r2', number: '188.44/99/2026' };
    const outcome = await openDistribution(
      {
        type: 'distribution.open.requested',
        decreeId: other.decreeId,
        tahapId: TAHAP,
        region: KAPUAS,
        requestedAt: new Date().toISOString(),
      },
      { ...deps(), decrees: { get: async () => other } },
    );
    expect(outcome).toEqual({ kind: 'refused', reason: `distribution opened by ${decree.decreeId}` });
    expect(await distribution.get(TAHAP, KAPUAS)).toMatchObject({
      decreeId: decree.decreeId,
      status: 'OPEN',
    });
  });

  it('shows each kabupaten’s distribution to who may read it: a regional operator only their own', async () => {
    const path = { pathParameters: { tahapId: TAHAP } };
    const all = await callRoute<{ items: { region: string }[] }>('GetDistribution', {
      claims: admin(),
      ...path,
    });
    expect(all.status).toBe(200);
    expect(all.body.items.map((record) => record.region)).toEqual([KAPUAS]);
    const own = await callRoute<{ items: unknown[] }>('GetDistribution', {
      claims: operator(KAPUAS),
      ...path,
    });
    expect(own.body.items).toHaveLength(1);
    const other = await callRoute<{ items: unknown[] }>('GetDistribution', {
      claims: operator(KOTIM),
      ...path,
    });
    expect(other.status).toBe(200);
    expect(other.body.items).toEqual([]);
  });
});

describe('cards', () => {
  it('verify in public as genuine and active, saying nothing about the family', async () => {
    const [card] = await cardsOfKapuas();
    const answer = await callRoute<Record<string, unknown>>('VerifyCard', {
      pathParameters: { code: card?.verifyCode.toLowerCase().replaceAll('-', '') ?? '' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ genuine: true, active: true, status: 'TERDAFTAR' });
    const text = JSON.stringify(answer.body);
    for (const secret of [
      card?.cardNumber,
      card?.penerimaNik,
      card?.penerimaNama,
      card?.noKk,
      card?.familyId,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect((await callRoute('VerifyCard', { pathParameters: { code: 'ABCD-EFGH-JKMN' } })).status).toBe(404);
    expect((await callRoute('VerifyCard', { pathParameters: { code: 'bukan kode' } })).status).toBe(400);
  });

  it('go to the printer as a file of the waiting cards without NIK or No KK, logged as a bulk read', async () => {
    const answer = await callRoute<{ rows: number; downloadUrl: string; fileKey: string }>(
      'GetCardPrintFile',
      {
        claims: operator(KAPUAS),
        query: { region: KAPUAS },
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.rows).toBe(3);
    const text = await (await fetch(answer.body.downloadUrl)).text();
    const lines = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'No;Nomor Kartu;Kode Verifikasi;URL Verifikasi;Nama Penerima;Desa/Kelurahan;Kecamatan;Kabupaten/Kota',
    );
    expect(lines).toHaveLength(4);
    for (const card of await cardsOfKapuas()) {
      expect(text).toContain(`${card.cardNumber};${card.verifyCode};`);
      expect(text).toContain(`/verify/card/${card.verifyCode}`);
      expect(text).not.toContain(card.penerimaNik);
      expect(text).not.toContain(card.noKk);
    }
    const logged = await new FamilyDirectoryRepository(TABLE).bulkReads([fileReadLogPartition(KAPUAS)], 10);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      read: { kind: 'FILE', file: 'KARTU_CETAK', region: KAPUAS, families: 3, fileKey: answer.body.fileKey },
      who: { sub: operator(KAPUAS).sub },
      route: 'GetCardPrintFile',
    });

    const elsewhere = await callRoute('GetCardPrintFile', {
      claims: operator(KOTIM),
      query: { region: KAPUAS },
    });
    expect(elsewhere.status).toBe(403);
  });

  it('come back from the printer: rows moved once, a resent file unchanged, bad rows in the report', async () => {
    const { importUploaded } = await import('../support/families.ts');
    const { ImportsRepository } = await import('#shared/adapters/imports-repo.ts');
    const [first, second] = await cardsOfKapuas();
    if (!first || !second) throw new Error('no cards');
    const file = [
      'LAPORAN CETAK KARTU KHBS',
      'No;Nomor Kartu;Status;Tanggal Cetak;Keterangan',
      `1;${first.cardNumber};DICETAK;01/12/2026;batch 1`,
      `2;${second.cardNumber.replaceAll('-', '')};dicetak;2026-12-01;`,
      '3;4111111111111111;DICETAK;2026-12-01;',
      `4;${first.cardNumber};DICETAK;2026-12-01;dobel`,
    ].join('\r\n');
    const upload = async () => {
      const asked = await callRoute<{ importId: string; uploadUrl: string }>('CreateImport', {
        claims: operator(KAPUAS),
        body: { kind: 'STATUS_KARTU', filename: 'status-cetak.csv' },
      });
      expect(asked.status, JSON.stringify(asked.body)).toBe(201);
      expect((await fetch(asked.body.uploadUrl, { method: 'PUT', body: file })).ok).toBe(true);
      await importUploaded(asked.body.importId);
      return new ImportsRepository(TABLE).get(asked.body.importId);
    };
    const record = await upload();
    expect(record).toMatchObject({ status: 'COMPLETED', counts: { rows: 4, accepted: 3 } });
    const current = await distribution.currentCards([first.noKk, second.noKk]);
    expect(current.get(first.noKk)?.status).toBe('DICETAK');
    expect(current.get(first.noKk)?.history.at(-1)).toMatchObject({
      status: 'DICETAK',
      tanggal: '2026-12-01',
    });
    expect(current.get(second.noKk)?.status).toBe('DICETAK');
    const again = await upload();
    expect(again).toMatchObject({ status: 'COMPLETED' });
    // Another kabupaten's operator, a relawan and an auditor get no upload link for Kapuas's cards.
    for (const claims of [
      operator(KOTIM),
      operator(KAPUAS, { sub: 'relawan-kartu', groups: '[relawan]' }),
      auditor(),
    ]) {
      const refused = await callRoute('CreateImport', {
        claims,
        body: { kind: 'STATUS_KARTU', filename: 'status-cetak.csv', region: KAPUAS },
      });
      expect(refused.status, claims.sub).toBe(403);
    }
    expect((await distribution.currentCards([first.noKk])).get(first.noKk)?.history).toHaveLength(2);
  });

  it('are blocked for good with a reason, which the public verification then says', async () => {
    const [card] = await cardsOfKapuas();
    if (!card) throw new Error('no card');
    const key = { headers: { 'Idempotency-Key': 'blokir-kartu-1' } };
    const blocked = await callRoute<{
      card: { status: string; history: { status: string; note?: string }[] };
    }>('BlockCard', {
      claims: operator(KAPUAS),
      body: { cardNumber: card.cardNumber, reason: 'Kartu hilang, dilaporkan 3 Des' },
      ...key,
    });
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(200);
    expect(blocked.body.card.status).toBe('DIBLOKIR');
    expect(blocked.body.card.history.at(-1)).toMatchObject({
      status: 'DIBLOKIR',
      note: 'Kartu hilang, dilaporkan 3 Des',
    });
    const verified = await callRoute<{ active: boolean; status: string }>('VerifyCard', {
      pathParameters: { code: card.verifyCode },
    });
    expect(verified.body).toMatchObject({ active: false, status: 'DIBLOKIR' });

    const again = await callRoute('BlockCard', {
      claims: operator(KAPUAS),
      body: { cardNumber: card.cardNumber, reason: 'Kartu hilang lagi' },
      headers: { 'Idempotency-Key': 'blokir-kartu-2' },
    });
    expect(again.status).toBe(409);
  });

  it('are replaced: the old number DIGANTI, a new one numbered for printing, the family’s card moved', async () => {
    const cards = await cardsOfKapuas();
    const old = cards.find((card) => card.status === 'TERDAFTAR');
    if (!old) throw new Error('no card');
    const replaced = await callRoute<{
      card: { status: string; replacedBy?: string };
      replacement?: { cardNumber: string; status: string; replaces?: string };
    }>('ReplaceCard', {
      claims: admin(),
      body: {
        cardNumber: old.cardNumber.replaceAll('-', ' ').toLowerCase(),
        reason: 'Kartu rusak terkena air',
      },
      headers: { 'Idempotency-Key': 'ganti-kartu-1' },
    });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    const fresh = replaced.body.replacement;
    expect(replaced.body.card).toMatchObject({ status: 'DIGANTI', replacedBy: fresh?.cardNumber });
    expect(fresh).toMatchObject({ status: 'TERDAFTAR', replaces: old.cardNumber });
    expect(fresh?.cardNumber).toBe(`HB-6203-0000004-${fresh?.cardNumber.slice(-1)}`);
    const current = await distribution.currentCards([old.noKk]);
    expect(current.get(old.noKk)?.cardNumber).toBe(fresh?.cardNumber);
    const verified = await callRoute<{ active: boolean; status: string }>('VerifyCard', {
      pathParameters: { code: old.verifyCode },
    });
    expect(verified.body).toMatchObject({ active: false, status: 'DIGANTI' });
    // The old number cannot be replaced a second time.
    const twice = await callRoute('ReplaceCard', {
      claims: admin(),
      body: { cardNumber: old.cardNumber, reason: 'Kartu rusak terkena air' },
      headers: { 'Idempotency-Key': 'ganti-kartu-2' },
    });
    expect(twice.status).toBe(409);
  });

  it('of another kabupaten are unknown to an operator (404), and an auditor reads a card’s NIK masked', async () => {
    const [card] = await cardsOfKapuas();
    if (!card) throw new Error('no card');
    const elsewhere = await callRoute<{ message: string }>('BlockCard', {
      claims: operator(KOTIM),
      body: { cardNumber: card.cardNumber, reason: 'Coba-coba blokir' },
      headers: { 'Idempotency-Key': 'blokir-kotim' },
    });
    expect(elsewhere.status).toBe(404);
    const slip = `${card.cardNumber.slice(0, -1)}${(Number(card.cardNumber.slice(-1)) + 1) % 10}`;
    const bad = await callRoute('BlockCard', {
      claims: operator(KAPUAS),
      body: { cardNumber: slip, reason: 'Angka pemeriksa salah' },
      headers: { 'Idempotency-Key': 'blokir-salah' },
    });
    // A wrong check digit is a typing slip: refused as malformed, before anything is read.
    expect(bad.status).toBe(400);
    const denied = await callRoute('BlockCard', {
      claims: auditor(),
      body: { cardNumber: card.cardNumber, reason: 'Auditor tidak boleh' },
      headers: { 'Idempotency-Key': 'blokir-auditor' },
    });
    expect(denied.status).toBe(403);
  });

  it('are handed over in the field: recorded once, a resend unchanged, each record judged on its own', async () => {
    const { VervalRepository } = await import('#shared/adapters/verval-repo.ts');
    const relawan = operator(KAPUAS, { sub: 'relawan-kartu', name: 'Relawan Kartu', groups: '[relawan]' });
    const current = await distribution.currentCards(FAMILIES);
    const usable = FAMILIES.filter((noKk) =>
      ['TERDAFTAR', 'DICETAK'].includes(current.get(noKk)?.status ?? ''),
    );
    const blocked = FAMILIES.find((noKk) => current.get(noKk)?.status === 'DIBLOKIR');
    const [first] = usable;
    if (!first || !blocked)
      throw new Error(`fixture: ${JSON.stringify([...current.values()].map((c) => c.status))}`);
    const send = (claims: Record<string, string>, records: unknown[], key: string) =>
      callRoute<{ results: { noKk: string; outcome: string; code?: string }[] }>('RecordCardHandovers', {
        claims,
        body: { records },
        headers: { 'Idempotency-Key': key },
      });
    const handed = { tahapId: TAHAP, noKk: first, tanggal: '2026-11-20' };

    const unassigned = await send(relawan, [handed], 'serah-belum-tugas');
    expect(unassigned.status).toBe(200);
    expect(unassigned.body.results).toEqual([
      expect.objectContaining({ outcome: 'REFUSED', code: 'DESA_TIDAK_DITUGASKAN' }),
    ]);

    await new VervalRepository(TABLE).assign({
      tahapId: TAHAP,
      desaCode: `${KAPUAS}.01.2001`,
      region: KAPUAS,
      relawan: { sub: 'relawan-kartu', name: 'Relawan Kartu' },
      assignedAt: new Date().toISOString(),
      assignedBy: { sub: 'operator-62.03', name: 'Operator Kapuas' },
    });
    const oldNumber = [...current.values()].find((card) => card.replaces)?.replaces;
    const batch = await send(
      relawan,
      [
        handed,
        { ...handed, noKk: blocked },
        { tahapId: TAHAP, noKk: kk(KAPUAS, 2), tanggal: '2026-11-20' },
        { ...handed, tanggal: '2999-01-01' },
        ...(oldNumber ? [{ ...handed, cardNumber: oldNumber }] : []),
      ],
      'serah-kartu-1',
    );
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    expect(batch.body.results.map((result) => result.code ?? result.outcome)).toEqual([
      'RECORDED',
      'KARTU_TIDAK_AKTIF',
      'KARTU_BELUM_ADA',
      'TANGGAL_SALAH',
      ...(oldNumber ? ['KARTU_BERBEDA'] : []),
    ]);
    const card = (await distribution.currentCards([first])).get(first);
    expect(card?.status).toBe('DIBAGIKAN');
    expect(card?.history.at(-1)).toMatchObject({
      status: 'DIBAGIKAN',
      tanggal: '2026-11-20',
      by: { sub: 'relawan-kartu' },
    });

    // The phone sends its queue again a week later (another request, another key): nothing changes.
    const again = await send(relawan, [{ ...handed, tanggal: '2026-11-27' }], 'serah-kartu-2');
    expect(again.body.results).toEqual([expect.objectContaining({ outcome: 'UNCHANGED' })]);
    expect((await distribution.currentCards([first])).get(first)?.history).toHaveLength(
      card?.history.length ?? 0,
    );

    // Another kabupaten's operator learns nothing about a Kapuas family.
    const elsewhere = await send(operator(KOTIM), [handed], 'serah-kotim');
    expect(elsewhere.body.results).toEqual([expect.objectContaining({ code: 'KARTU_BELUM_ADA' })]);
  });

  it('show in the family’s history: its card with its history, and each entitlement with its status', async () => {
    const [entitlement] = await (async () => {
      const all = [];
      for await (const item of distribution.entitlements(TAHAP, KAPUAS, 'TUNAI')) all.push(item);
      return all;
    })();
    if (!entitlement) throw new Error('no entitlement');
    const read = (claims: Record<string, string>) =>
      callRoute<{
        distribution?: {
          card: { cardNumber: string; status: string; history: unknown[] } | null;
          entitlements: { ref: string; component: string; status: string }[];
        };
      }>('GetFamily', { claims, pathParameters: { familyId: entitlement.familyId } });
    const history = await read(operator(KAPUAS));
    expect(history.status, JSON.stringify(history.body)).toBe(200);
    const card = (await distribution.currentCards([entitlement.noKk])).get(entitlement.noKk);
    expect(history.body.distribution?.card).toMatchObject({
      cardNumber: card?.cardNumber,
      status: card?.status,
    });
    expect(history.body.distribution?.entitlements.map((item) => [item.component, item.status])).toEqual([
      ['PANGAN', 'DITETAPKAN'],
      ['TUNAI', 'DITETAPKAN'],
    ]);
    expect(history.body.distribution?.entitlements.map((item) => item.ref)).toContain(entitlement.ref);
    expect((await read(operator(KOTIM))).status).toBe(404);
  });
});
