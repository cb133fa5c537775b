import { beforeAll, describe, expect, it } from 'vitest';
import { admin, auditor, type Claims, callRoute, operator } from '../support/api.ts';
import { resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * Verval results recorded in the field (`POST /tahap/{tahapId}/verval/records`, issue #15): a
 * relawan's phone queues visits offline and sends them at once. Each record is checked with the
 * verval file's rules and written to the same item the file import writes, so a resend a week later
 * is UNCHANGED, the later visit stands whichever way it came, and a relawan reaches only the desa
 * assigned to them in that tahap; another kabupaten's family is answered as unknown.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const env = useEmulatorEnv();
const { VervalRepository } = await import('#shared/adapters/verval-repo.ts');
const { DESA, KAPUAS, KOTIM, TAHAP, TAHAP_BODY, kk, nik, seedProgramme, tahapWithRun } = await import(
  '../support/families.ts'
);

const TABLE = env.TABLE_NAME as string;
const repo = new VervalRepository(TABLE);

const relawan = (sub: string, region = KAPUAS): Claims => ({
  ...operator(region),
  sub,
  name: `Relawan ${sub}`,
  groups: '[relawan]',
});
const SARI = relawan('relawan-sari');
const BUDI = relawan('relawan-budi');
/** Another desa of Kapuas, assigned to Budi. */
const DESA_B = `${KAPUAS}.01.2002`;

const daysAgo = (days: number) =>
  new Date(Date.now() + 7 * 3600_000 - days * 86_400_000).toISOString().slice(0, 10);

interface Answer {
  results: { noKk: string; desaCode: string; outcome: string; code?: string; message: string }[];
}

let keys = 0;
const send = (claims: Claims, records: unknown[], tahapId = TAHAP) =>
  callRoute<Answer>('RecordVervalVisits', {
    claims,
    pathParameters: { tahapId },
    body: { records },
    headers: { 'Idempotency-Key': `verval-lapangan-${++keys}` },
  });

/** When Sari's phone recorded the visits (a resend carries the same moment). */
const RECORDED_AT = new Date(Date.now() - 3 * 86_400_000).toISOString();

const visit = (serial: number, extra: Record<string, unknown> = {}) => ({
  noKk: kk(KAPUAS, serial),
  desaCode: DESA,
  result: 'LAYAK',
  tanggal: daysAgo(3),
  nomorBeritaAcara: 'BA/07/2026',
  recordedAt: RECORDED_AT,
  ...extra,
});

const outcomes = (answer: Answer) => answer.results.map((result) => [result.outcome, result.code ?? null]);

beforeAll(async () => {
  await resetTable();
  await seedProgramme();
  await tahapWithRun();
  const assign = (desaCode: string, sub: string) =>
    repo.assign({
      tahapId: TAHAP,
      desaCode,
      region: KAPUAS,
      relawan: { sub, name: sub },
      assignedAt: new Date().toISOString(),
      assignedBy: { sub: 'operator-62.03', name: 'Operator Kapuas' },
    });
  await assign(DESA, 'relawan-sari');
  await assign(DESA_B, 'relawan-budi');
}, 60_000);

describe('verval records from the field', () => {
  it('records each visit with the file’s rules, each with its own outcome', async () => {
    const answer = await send(SARI, [
      visit(1),
      visit(5, { result: 'Sudah mampu', note: 'Rumah permanen, usaha warung' }),
      visit(9, { result: 'MENINGGAL', penerimaNik: nik(KAPUAS, 10) }), // not a member of 9
      visit(7, { result: 'Meninggal' }), // no new penerima
      visit(2), // excluded by desil: no visit changes it
      visit(6, { result: 'entah' }), // a result the file refuses too
      visit(6, { nomorBeritaAcara: '' }), // no Musdes minutes
      visit(6, { tanggal: '2099-12-31' }), // not yet
    ]);
    expect(answer.status).toBe(200);
    expect(outcomes(answer.body)).toEqual([
      ['RECORDED', null],
      ['RECORDED', null],
      ['REFUSED', 'PENERIMA_BUKAN_ANGGOTA'],
      ['REFUSED', 'PENERIMA_WAJIB'],
      ['REFUSED', 'KK_TIDAK_DIVERVAL'],
      ['REFUSED', 'HASIL_TIDAK_DIKENAL'],
      ['REFUSED', 'BERITA_ACARA_WAJIB'],
      ['REFUSED', 'DATE_INVALID'],
    ]);
    for (const result of answer.body.results.filter((r) => r.outcome === 'REFUSED')) {
      expect(result.message.length).toBeGreaterThan(10);
    }
    // The same item the file import writes, named after who recorded it and the request it came in.
    const stored = await repo.resultOf(TAHAP, DESA, kk(KAPUAS, 5));
    expect(stored).toMatchObject({
      result: 'MAMPU',
      inTahap: false,
      keterangan: 'Rumah permanen, usaha warung',
      relawan: 'Relawan relawan-sari',
      nomorBeritaAcara: 'BA/07/2026',
      recordedBy: { sub: 'relawan-sari', name: 'Relawan relawan-sari' },
      importId: expect.stringMatching(/^LAPANGAN-/),
    });
    expect(await repo.resultOf(TAHAP, DESA, kk(KAPUAS, 1))).toMatchObject({
      result: 'LAYAK',
      inTahap: true,
      penerimaNik: nik(KAPUAS, 10),
      penerimaChanged: false,
    });
    // The desa's progress counts them, as it counts a file's rows.
    const progress = await callRoute<{
      visited: number;
      byResult: Record<string, number>;
      toVisitKk: string[];
    }>('GetVervalProgress', { claims: SARI, pathParameters: { tahapId: TAHAP }, query: { desa: DESA } });
    expect(progress.body).toMatchObject({ visited: 2, byResult: { LAYAK: 1, MAMPU: 1 } });
    expect(progress.body.toVisitKk).toEqual([1, 5, 6, 7, 9].map((serial) => kk(KAPUAS, serial)));
  });

  it('answers a resend a week later UNCHANGED and writes nothing; a later visit stands, an earlier one not', async () => {
    const first = visit(1);
    const before = await repo.resultOf(TAHAP, DESA, kk(KAPUAS, 1));
    const again = await send(SARI, [
      first,
      visit(5, { result: 'Sudah mampu', note: 'Rumah permanen, usaha warung' }),
    ]);
    expect(outcomes(again.body)).toEqual([
      ['UNCHANGED', null],
      ['UNCHANGED', null],
    ]);
    expect(await repo.resultOf(TAHAP, DESA, kk(KAPUAS, 1))).toEqual(before);

    // An older visit of the same family (recorded by the operator, sent late): the newer stands.
    const older = await send(operator(KAPUAS), [
      visit(1, { result: 'PINDAH', tanggal: daysAgo(10), recordedAt: new Date().toISOString() }),
    ]);
    expect(outcomes(older.body)).toEqual([['UNCHANGED', 'HASIL_LEBIH_BARU_ADA']]);
    expect((await repo.resultOf(TAHAP, DESA, kk(KAPUAS, 1)))?.result).toBe('LAYAK');

    // A later visit replaces it, as a later row of a file would.
    const later = await send(SARI, [visit(1, { result: 'Pindah', tanggal: daysAgo(1) })]);
    expect(outcomes(later.body)).toEqual([['RECORDED', null]]);
    expect(await repo.resultOf(TAHAP, DESA, kk(KAPUAS, 1))).toMatchObject({
      result: 'PINDAH',
      inTahap: false,
    });
  });

  it('keeps a relawan to the desa assigned to them in that tahap', async () => {
    const answer = await send(BUDI, [visit(9), { ...visit(9), desaCode: DESA_B }]);
    expect(outcomes(answer.body)).toEqual([
      ['REFUSED', 'DESA_TIDAK_DITUGASKAN'],
      ['REFUSED', 'KK_TIDAK_DI_DESA'],
    ]);
    // Another tahap over the same snapshots: Sari is assigned to her desa in tahap 1 only.
    const created = await callRoute('CreateTahap', { claims: admin(), body: { ...TAHAP_BODY, number: 2 } });
    expect(created.status).toBe(201);
    expect(outcomes((await send(SARI, [visit(9)], '2026-2')).body)).toEqual([
      ['REFUSED', 'DESA_TIDAK_DITUGASKAN'],
    ]);
    // Assigned there too, but its eligibility has not run: nothing to record against yet.
    await repo.assign({
      tahapId: '2026-2',
      desaCode: DESA,
      region: KAPUAS,
      relawan: { sub: 'relawan-sari', name: 'Sari' },
      assignedAt: new Date().toISOString(),
      assignedBy: { sub: 'operator-62.03', name: 'Operator Kapuas' },
    });
    expect(outcomes((await send(SARI, [visit(9)], '2026-2')).body)).toEqual([
      ['REFUSED', 'TAHAP_BELUM_SIAP'],
    ]);
    // A tahap that does not exist: 404, as every tahap route.
    expect((await send(SARI, [visit(9)], '2026-4')).status).toBe(404);
    expect(await repo.resultOf(TAHAP, DESA, kk(KAPUAS, 9))).toBeUndefined();
    expect(await repo.resultOf('2026-2', DESA, kk(KAPUAS, 9))).toBeUndefined();
  });

  it('answers another kabupaten’s family as unknown, exactly as a No KK no one has', async () => {
    // Kotawaringin Timur's family 2, sent by a Kapuas relawan with their own desa and with its own.
    const kotimDesa = `${KOTIM}.01.2001`;
    const answer = await send(SARI, [
      { ...visit(1), noKk: kk(KOTIM, 2) },
      { ...visit(1), noKk: kk(KOTIM, 2), desaCode: kotimDesa },
      { ...visit(1), noKk: kk(KAPUAS, 98) },
    ]);
    const [unknown] = answer.body.results.slice(2);
    expect(unknown).toMatchObject({ outcome: 'REFUSED', code: 'KK_TIDAK_DI_DESA' });
    for (const result of answer.body.results) {
      expect({ outcome: result.outcome, code: result.code, message: result.message }).toEqual({
        outcome: unknown?.outcome,
        code: unknown?.code,
        message: unknown?.message,
      });
    }
    // Kotawaringin Timur's operator gets the same for a Kapuas family.
    const operatorKotim = await send(operator(KOTIM), [visit(9)]);
    expect(outcomes(operatorKotim.body)).toEqual([['REFUSED', 'KK_TIDAK_DI_DESA']]);
    expect(await repo.resultOf(TAHAP, DESA, kk(KAPUAS, 9))).toBeUndefined();
  });

  it('refuses roles without verval work; the kabupaten’s operator records for its desa', async () => {
    const refused = await send(auditor(), [visit(9)]);
    expect(refused.status).toBe(403);
    const verifier: Claims = { ...auditor(), groups: '[verifier]', opd: 'DINSOS' };
    expect((await send(verifier, [visit(9)])).status).toBe(403);
    expect(await repo.resultOf(TAHAP, DESA, kk(KAPUAS, 9))).toBeUndefined();
    const own = await send(operator(KAPUAS), [visit(9)]);
    expect(outcomes(own.body)).toEqual([['RECORDED', null]]);
    expect((await repo.resultOf(TAHAP, DESA, kk(KAPUAS, 9)))?.recordedBy?.sub).toBe(operator(KAPUAS).sub);
  });

  it('refuses a batch that is not a batch (400), before reading anything', async () => {
    expect((await send(SARI, [])).status).toBe(400);
    expect((await send(SARI, [{ ...visit(1), desaCode: '62.03' }])).status).toBe(400);
  });
});
