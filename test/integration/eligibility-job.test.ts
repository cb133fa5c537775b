import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DTSEN_LATEST_BIRTH_YEAR, dtsenBuffers } from '../../local/dtsen-data.ts';
import { recreateTable, testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * An eligibility run end to end on DynamoDB Local (issue #14): two kabupaten's generated DTSEN
 * snapshots stored with `FamiliesRepository`, a tahap created and its run requested with
 * `TahapRepository`, the job run with plain-object snapshot and exclusion sources, and its verdicts
 * and counts read back with `EligibilityRepository`. The counts must be those of `runEligibility`
 * run directly on the same inputs; redelivered and stale messages must change nothing.
 */
const env = useEmulatorEnv();
const { DynamoDBClient, ScanCommand } = await import('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
const { FamiliesRepository } = await import('#shared/adapters/families-repo.ts');
const { TahapRepository, TahapExistsError, TahapChangedError } = await import(
  '#shared/adapters/tahap-repo.ts'
);
const { EligibilityRepository } = await import('#shared/adapters/eligibility-repo.ts');
const { FAMILY_LAYOUT, MEMBER_LAYOUT } = await import('#shared/domain/family/dtsen-columns.ts');
const { validateFamilyRow, validateMemberRow } = await import('#shared/domain/family/dtsen-rows.ts');
const { runEligibility } = await import('#shared/domain/family/eligibility-run.ts');
const { rankForQuota } = await import('#shared/domain/family/eligibility.ts');
const { mayRequestEligibility } = await import('#shared/domain/family/eligibility-summary.ts');
const { readCsvRecords } = await import('#shared/import/csv-records.ts');
const { toRows } = await import('#shared/import/rows.ts');
const { runEligibilityJob } = await import('#functions/families/run-eligibility.ts');
type StoredFamily = import('#shared/model.ts').StoredFamily;
type StoredMember = import('#shared/model.ts').StoredMember;
type TahapRecord = import('#shared/model.ts').TahapRecord;
type EligibilityResult = import('#shared/model.ts').EligibilityResult;
type SnapshotData = import('#shared/adapters/families-repo.ts').SnapshotData;
type ReadySnapshots = import('#functions/families/run-eligibility.ts').ReadySnapshots;
type ExclusionSource = import('#functions/families/run-eligibility.ts').ExclusionSource;
type EligibilityJobDeps = import('#functions/families/run-eligibility.ts').EligibilityJobDeps;

const VERSION = '2026-09-30';
const KAPUAS = '62.03';
const PALANGKA_RAYA = '62.71';
/** Palangka Raya has a quota below its eligible families: some of them wait as cadangan. */
const QUOTA = 25;
const REGIONS_DATA: Record<string, { data: SnapshotData; families: number; seed: number }> = {
  [KAPUAS]: { data: { families: 'imp-kk-kapuas', members: 'imp-agt-kapuas' }, families: 220, seed: 5 },
  [PALANGKA_RAYA]: { data: { families: 'imp-kk-plk', members: 'imp-agt-plk' }, families: 400, seed: 8 },
};

let families: InstanceType<typeof FamiliesRepository>;
let tahaps: InstanceType<typeof TahapRepository>;
let results: InstanceType<typeof EligibilityRepository>;
const kept = new Map<string, StoredFamily[]>();
const people = new Map<string, StoredMember[]>();

async function rowsOf<C extends string>(bytes: Buffer, layout: Parameters<typeof toRows<C>>[1]) {
  const rows = [];
  for await (const row of toRows(readCsvRecords(Readable.from([bytes])), layout)) rows.push(row);
  return rows;
}

/** Generates a kabupaten's extract, keeps the rows the validators keep, and stores them. */
async function storeSnapshot(region: string): Promise<void> {
  const spec = REGIONS_DATA[region];
  if (!spec) throw new Error(region);
  const buffers = await dtsenBuffers({ region, families: spec.families, seed: spec.seed, format: 'csv' });
  const familyRows: StoredFamily[] = [];
  for (const { sourceRow, raw } of await rowsOf(buffers.families, FAMILY_LAYOUT)) {
    const checked = validateFamilyRow(raw, region);
    if (checked.value) familyRows.push({ ...checked.value, sourceRow });
  }
  const memberRows: StoredMember[] = [];
  const seen = new Set<string>();
  for (const { sourceRow, raw } of await rowsOf(buffers.members, MEMBER_LAYOUT)) {
    const checked = validateMemberRow(raw, { latestBirthYear: DTSEN_LATEST_BIRTH_YEAR });
    if (!checked.value || seen.has(`${checked.value.noKk}#${checked.value.nik}`)) continue;
    seen.add(`${checked.value.noKk}#${checked.value.nik}`);
    memberRows.push({ ...checked.value, sourceRow });
  }
  const familyWriter = families.writer(spec.data.families);
  for (const family of familyRows) await familyWriter.putFamily(family);
  await familyWriter.flush();
  const memberWriter = families.writer(spec.data.members);
  for (const member of memberRows) await memberWriter.putMember(member);
  await memberWriter.flush();
  kept.set(region, familyRows);
  people.set(region, memberRows);
}

/** Every snapshot READY, unless named in `notReady`. */
const readySnapshots = (notReady: readonly string[] = []): ReadySnapshots => ({
  async ready(region, versionDate) {
    const spec = REGIONS_DATA[region];
    if (!spec || versionDate !== VERSION || notReady.includes(region)) return undefined;
    return { data: spec.data };
  },
});

// Filled in `beforeAll`: a Kapuas family on the PKH list by No KK, a Palangka Raya member on the
// BPNT list by NIK, and a Kapuas family only on an older PKH list (replaced, so not in force).
const exclusionLists: {
  listId: string;
  programme: string;
  source: string;
  asOf: string;
  uploadedAt: string;
  entries: { nik?: string; noKk?: string }[];
}[] = [];
const exclusionSource: ExclusionSource = {
  lists: async () => exclusionLists,
  async *entries(listId) {
    yield* exclusionLists.find((list) => list.listId === listId)?.entries ?? [];
  },
};
let onPkh: StoredFamily;
let onOldPkh: StoredFamily;
let bpntMember: StoredMember;

const person = { sub: 'prov-1', name: 'Operator Provinsi' };

function newTahap(number: number, overrides: Partial<TahapRecord> = {}): TahapRecord {
  return {
    tahapId: `2026-${number}`,
    year: 2026,
    number,
    components: { TUNAI: 250_000, PANGAN: 150_000 },
    desil: { min: 1, max: 5 },
    snapshots: { [KAPUAS]: VERSION, [PALANGKA_RAYA]: VERSION },
    quotas: { [PALANGKA_RAYA]: QUOTA },
    status: 'DRAFT',
    version: 1,
    createdAt: '2026-10-01T01:00:00.000Z',
    createdBy: person,
    ...overrides,
  };
}

const deps = (notReady: readonly string[] = []): EligibilityJobDeps => ({
  tahap: tahaps,
  results,
  families,
  snapshots: readySnapshots(notReady),
  exclusions: exclusionSource,
});

/** Records a run QUEUED the way the API will: the transaction item from `requestEligibility`. */
async function requestRun(tahapId: string, runId: string): Promise<void> {
  const tahap = await tahaps.get(tahapId);
  if (!tahap) throw new Error(tahapId);
  await tahaps.transact(tahaps.requestEligibility(tahapId, runId, '2026-10-02T01:00:00.000Z', tahap.version));
}

async function itemCount(): Promise<number> {
  // A Scan stops at 1 MB of items per page, COUNT or not: every page is counted.
  let count = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await testClients().dynamo.send(
      new ScanCommand({ TableName: env.TABLE_NAME as string, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

/** Every verdict of a run in a kabupaten, desa by desa through `listDesa`. */
async function verdictsOf(tahapId: string, runId: string, region: string): Promise<EligibilityResult[]> {
  const [summary] = await results.summary(tahapId, runId, region);
  const all: EligibilityResult[] = [];
  for (const desa of Object.keys(summary?.desa ?? {})) {
    let cursor: string | undefined;
    do {
      const page = await results.listDesa(tahapId, runId, desa, { limit: 100, cursor });
      all.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
  }
  return all;
}

/** `runEligibility` run directly on the same snapshots and lists: what the job must have stored. */
async function directRun() {
  const verdicts = new Map<string, { status: string; region: string; desil: number; memberCount: number }>();
  const inForce = exclusionLists.filter((list) => list.listId !== 'pkh-2026-1');
  const outcome = await runEligibility({
    desil: { min: 1, max: 5 },
    snapshots: [KAPUAS, PALANGKA_RAYA].map((region) => ({
      region,
      keys: () => families.keys(REGIONS_DATA[region]?.data as SnapshotData),
      groups: () => families.groups(REGIONS_DATA[region]?.data as SnapshotData),
    })),
    lists: inForce.map(({ listId, programme, source, asOf }) => ({ listId, programme, source, asOf })),
    exclusions: (async function* () {
      for (const [list, { entries }] of inForce.entries())
        for (const entry of entries) yield { list, ...entry };
    })(),
    record: async (verdict) => {
      verdicts.set(verdict.noKk, {
        status: verdict.verdict.status,
        region: verdict.region,
        desil: verdict.desil,
        memberCount: verdict.memberCount,
      });
    },
  });
  return { outcome, verdicts };
}

beforeAll(async () => {
  await recreateTable();
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: env.AWS_ENDPOINT_URL_DYNAMODB, region: env.AWS_REGION }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const table = env.TABLE_NAME as string;
  families = new FamiliesRepository(table, client);
  tahaps = new TahapRepository(table, client);
  results = new EligibilityRepository(table, client);
  await storeSnapshot(KAPUAS);
  await storeSnapshot(PALANGKA_RAYA);

  // Families that would be eligible but for the lists: valid KK, desil in range, one head.
  const eligibleLooking = (region: string) =>
    (kept.get(region) ?? []).filter(
      (family) =>
        family.kkValid &&
        family.desil <= 5 &&
        (people.get(region) ?? []).filter(
          (member) => member.noKk === family.noKk && member.hubungan === 'KEPALA_KELUARGA',
        ).length === 1,
    );
  const [first, second] = eligibleLooking(KAPUAS);
  const target = eligibleLooking(PALANGKA_RAYA)[3];
  const member = (people.get(PALANGKA_RAYA) ?? []).find(
    (entry) => entry.noKk === target?.noKk && entry.hubungan !== 'KEPALA_KELUARGA' && entry.nikValid,
  );
  if (!first || !second || !member) throw new Error('the generated data lacks the families the test needs');
  onPkh = first;
  onOldPkh = second;
  bpntMember = member;
  exclusionLists.push(
    {
      listId: 'pkh-2026-1',
      programme: 'PKH',
      source: 'Dinsos Provinsi',
      asOf: '2026-03-31',
      uploadedAt: '2026-04-02T00:00:00.000Z',
      entries: [{ noKk: onOldPkh.noKk }],
    },
    {
      listId: 'pkh-2026-2',
      programme: 'PKH',
      source: 'Dinsos Provinsi',
      asOf: '2026-06-30',
      uploadedAt: '2026-07-02T00:00:00.000Z',
      entries: [{ noKk: onPkh.noKk }],
    },
    {
      listId: 'bpnt-2026-2',
      programme: 'BPNT',
      source: 'Kemensos',
      asOf: '2026-06-30',
      uploadedAt: '2026-07-03T00:00:00.000Z',
      entries: [{ nik: bpntMember.nik }],
    },
  );
});

describe('TahapRepository', () => {
  it('refuses a second tahap of the same year and number', async () => {
    await tahaps.create(newTahap(1));
    await expect(tahaps.create(newTahap(1, { components: { TUNAI: 300_000 } }))).rejects.toBeInstanceOf(
      TahapExistsError,
    );
    await expect(tahaps.create(newTahap(1))).rejects.toThrow('Tahap 1 Tahun 2026 sudah ada.');
    expect((await tahaps.get('2026-1'))?.components).toEqual({ TUNAI: 250_000, PANGAN: 150_000 });
  });

  it('lists tahap newest first', async () => {
    await tahaps.create(newTahap(10));
    await tahaps.create(newTahap(3));
    expect((await tahaps.list()).map((tahap) => tahap.tahapId)).toEqual(['2026-10', '2026-3', '2026-1']);
  });

  it('refuses a run while one is queued, and a request on a stale version', async () => {
    await requestRun('2026-3', 'run-a');
    const tahap = await tahaps.get('2026-3');
    expect(tahap?.eligibility).toEqual({
      runId: 'run-a',
      status: 'QUEUED',
      requestedAt: '2026-10-02T01:00:00.000Z',
    });
    expect(tahap?.version).toBe(2);
    await expect(
      tahaps.transact(tahaps.requestEligibility('2026-3', 'run-b', '2026-10-02T02:00:00.000Z', 2)),
    ).rejects.toBeInstanceOf(TahapChangedError);
    const soon = new Date('2026-10-02T02:00:00.000Z');
    expect(mayRequestEligibility('DRAFT', tahap?.eligibility, soon)).toMatchObject({
      reason: 'RUN_IN_PROGRESS',
    });
    // A run queued an hour and more ago was abandoned (its message died in the DLQ): another may start.
    const later = new Date('2026-10-02T02:01:00.000Z');
    expect(mayRequestEligibility('DRAFT', tahap?.eligibility, later)).toEqual({ ok: true });
    await expect(
      tahaps.transact(tahaps.requestEligibility('2026-10', 'run-c', '2026-10-02T02:00:00.000Z', 7)),
    ).rejects.toBeInstanceOf(TahapChangedError);
    expect((await tahaps.get('2026-3'))?.eligibility?.runId).toBe('run-a');
  });

  it('never lets a stale run overwrite the current one', async () => {
    expect(await tahaps.markRun('2026-3', 'run-old', { status: 'COMPLETED' })).toBe(false);
    expect(await tahaps.markRun('2026-3', 'run-a', { status: 'COMPLETED' }, ['RUNNING'])).toBe(false);
    expect((await tahaps.get('2026-3'))?.eligibility?.status).toBe('QUEUED');
  });
});

describe('runEligibilityJob', () => {
  let direct: Awaited<ReturnType<typeof directRun>>;

  it('stores every verdict, with the counts of runEligibility run directly', async () => {
    direct = await directRun();
    await requestRun('2026-1', 'run-1');
    const outcome = await runEligibilityJob({ tahapId: '2026-1', runId: 'run-1' }, deps());
    const expectedEligible = [...direct.verdicts.values()].filter((v) => v.status === 'ELIGIBLE').length;
    expect(outcome).toMatchObject({
      outcome: 'COMPLETED',
      families: direct.outcome.families,
      eligible: expectedEligible,
      excluded: direct.outcome.families - expectedEligible,
    });
    const tahap = await tahaps.get('2026-1');
    expect(tahap?.eligibility).toMatchObject({
      runId: 'run-1',
      status: 'COMPLETED',
      families: direct.outcome.families,
      eligible: expectedEligible,
    });
    expect(tahap?.eligibility?.durationMs).toBeGreaterThanOrEqual(0);

    for (const region of [KAPUAS, PALANGKA_RAYA]) {
      const stored = await verdictsOf('2026-1', 'run-1', region);
      const expected = [...direct.verdicts.entries()].filter(([, verdict]) => verdict.region === region);
      expect(stored).toHaveLength(expected.length);
      expect(stored.length).toBe(direct.outcome.tally.of(region).families);
      for (const item of stored) expect(item.status).toBe(direct.verdicts.get(item.noKk)?.status);
    }
  });

  it('excludes a family on a list in force, naming the list and how it matched, and no NIK', async () => {
    const [pkh] = (await results.listDesa('2026-1', 'run-1', onPkh.desaCode, { limit: 500 })).items.filter(
      (item) => item.noKk === onPkh.noKk,
    );
    expect(pkh?.status).toBe('EXCLUDED');
    expect(pkh?.reasons).toEqual([
      {
        reason: 'DAFTAR_PENGECUALIAN',
        matchedBy: 'NO_KK',
        listId: 'pkh-2026-2',
        programme: 'PKH',
        source: 'Dinsos Provinsi',
        asOf: '2026-06-30',
      },
    ]);

    // Only on the older PKH list, which the newer one of the same programme and source replaced.
    const old = (await results.listDesa('2026-1', 'run-1', onOldPkh.desaCode, { limit: 500 })).items.find(
      (item) => item.noKk === onOldPkh.noKk,
    );
    expect(old?.status).toBe('ELIGIBLE');

    const bpnt = (await verdictsOf('2026-1', 'run-1', PALANGKA_RAYA)).find(
      (item) => item.noKk === bpntMember.noKk,
    );
    expect(bpnt?.status).toBe('EXCLUDED');
    expect(bpnt?.reasons).toEqual([
      expect.objectContaining({ reason: 'DAFTAR_PENGECUALIAN', matchedBy: 'NIK', listId: 'bpnt-2026-2' }),
    ]);
    expect(bpnt?.reasons[0]).toHaveProperty('member');
    expect(bpnt?.rank).toBeUndefined();
    // The member is named by position only.
    const stored = JSON.stringify(await verdictsOf('2026-1', 'run-1', PALANGKA_RAYA));
    expect(stored).not.toContain(bpntMember.nik);
    for (const member of people.get(PALANGKA_RAYA) ?? []) expect(stored).not.toContain(member.nik);
  });

  it('pages a desa with an opaque cursor, and filters it by status', async () => {
    // The busiest desa (Palangka Raya's 30 kelurahan hold ~13 families each here).
    const [summary] = await results.summary('2026-1', 'run-1', PALANGKA_RAYA);
    const [desa, counts] =
      Object.entries(summary?.desa ?? {}).sort((a, b) => b[1].families - a[1].families)[0] ?? [];
    if (!desa || !counts) throw new Error('no desa');
    expect(counts.families).toBeGreaterThan(7);
    const whole = await results.listDesa('2026-1', 'run-1', desa, { limit: 500 });
    expect(whole.cursor).toBeUndefined();
    expect(whole.items).toHaveLength(counts.families);

    const paged: EligibilityResult[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await results.listDesa('2026-1', 'run-1', desa, { limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      expect(page.items.length).toBeGreaterThan(0);
      if (page.cursor) expect(page.cursor).not.toMatch(/\d{16}/);
      paged.push(...page.items);
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(counts.families / 3));
    expect(paged.map((item) => item.noKk)).toEqual(whole.items.map((item) => item.noKk));
    expect([...paged.map((item) => item.noKk)].sort()).toEqual(paged.map((item) => item.noKk));

    for (const status of ['ELIGIBLE', 'EXCLUDED'] as const) {
      const filtered: EligibilityResult[] = [];
      cursor = undefined;
      do {
        const page = await results.listDesa('2026-1', 'run-1', desa, { status, limit: 2, cursor });
        filtered.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
      expect(filtered.every((item) => item.status === status)).toBe(true);
      expect(filtered).toHaveLength(status === 'ELIGIBLE' ? counts.eligible : counts.excluded);
    }
    await expect(
      results.listDesa('2026-1', 'run-1', desa, { limit: 3, cursor: 'bukan-penanda' }),
    ).rejects.toThrow('Penanda halaman');
  });

  it('sums up per kabupaten, kecamatan and desa', async () => {
    const summaries = await results.summary('2026-1', 'run-1');
    expect(summaries.map((summary) => summary.region)).toEqual([KAPUAS, PALANGKA_RAYA]);
    for (const summary of summaries) {
      const { counts } = summary;
      expect(counts).toEqual(direct.outcome.tally.of(summary.region));
      expect(counts.eligible + counts.excluded).toBe(counts.families);
      for (const level of [summary.kecamatan, summary.desa]) {
        const parts = Object.values(level);
        expect(parts.length).toBeGreaterThan(0);
        expect(parts.reduce((sum, part) => sum + part.families, 0)).toBe(counts.families);
        expect(parts.reduce((sum, part) => sum + part.eligible, 0)).toBe(counts.eligible);
        expect(parts.reduce((sum, part) => sum + (part.byReason.DAFTAR_PENGECUALIAN ?? 0), 0)).toBe(
          counts.byReason.DAFTAR_PENGECUALIAN ?? 0,
        );
      }
      for (const [code, part] of Object.entries(summary.desa)) {
        expect(part).toEqual(direct.outcome.tally.of(code));
        expect(code.startsWith(`${summary.region}.`)).toBe(true);
      }
    }
    expect(summaries[0]?.counts.byReason.DAFTAR_PENGECUALIAN).toBe(1);
    expect(summaries[0]?.quota).toBeUndefined();
  });

  it('ranks the eligible families of a kabupaten with a quota, the rest as cadangan', async () => {
    const [summary] = await results.summary('2026-1', 'run-1', PALANGKA_RAYA);
    const eligible = summary?.counts.eligible ?? 0;
    expect(eligible).toBeGreaterThan(QUOTA);
    expect(summary?.quota).toEqual({ quota: QUOTA, selected: QUOTA, reserve: eligible - QUOTA });

    const stored = (await verdictsOf('2026-1', 'run-1', PALANGKA_RAYA)).filter(
      (item) => item.status === 'ELIGIBLE',
    );
    const byRank = [...stored].sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
    expect(byRank.map((item) => item.rank)).toEqual(stored.map((_, index) => index + 1));
    for (const item of byRank) expect(item.reserve).toBe((item.rank ?? 0) > QUOTA);
    const expected = rankForQuota(
      [...direct.verdicts.entries()]
        .filter(([, verdict]) => verdict.region === PALANGKA_RAYA && verdict.status === 'ELIGIBLE')
        .map(([noKk, verdict]) => ({ noKk, desil: verdict.desil, memberCount: verdict.memberCount })),
      QUOTA,
      (text) => createHash('sha256').update(text).digest('hex'),
      '2026-1',
    );
    expect(byRank.map((item) => item.noKk)).toEqual(
      [...expected.selected, ...expected.reserve].map((family) => family.noKk),
    );
    // Kapuas has no quota: every eligible family is in, unranked.
    const kapuas = await verdictsOf('2026-1', 'run-1', KAPUAS);
    expect(kapuas.every((item) => item.rank === undefined && item.reserve === undefined)).toBe(true);
  });

  it('does nothing for the same message again, nor for a stale run', async () => {
    const before = await tahaps.get('2026-1');
    const items = await itemCount();
    expect(await runEligibilityJob({ tahapId: '2026-1', runId: 'run-1' }, deps())).toEqual({
      outcome: 'SKIPPED',
      why: 'FINISHED',
    });
    expect(await runEligibilityJob({ tahapId: '2026-1', runId: 'run-0' }, deps())).toEqual({
      outcome: 'SKIPPED',
      why: 'STALE_RUN',
    });
    expect(await tahaps.get('2026-1')).toEqual(before);
    expect(await itemCount()).toBe(items);
  });

  it('runs a run left RUNNING by a dead attempt again from scratch, onto the same keys', async () => {
    await requestRun('2026-1', 'run-2');
    // An attempt claimed it and died before finishing.
    expect(await tahaps.markRun('2026-1', 'run-2', { status: 'RUNNING' }, ['QUEUED'])).toBe(true);
    const items = await itemCount();
    const outcome = await runEligibilityJob({ tahapId: '2026-1', runId: 'run-2' }, deps());
    expect(outcome).toMatchObject({ outcome: 'COMPLETED', families: direct.outcome.families });
    const written = (await itemCount()) - items;
    // Every verdict under the new run's keys, plus one count item per kabupaten: nothing else.
    expect(written).toBe(direct.outcome.families + 2);
    const again = await runEligibilityJob({ tahapId: '2026-1', runId: 'run-2' }, deps());
    expect(again).toEqual({ outcome: 'SKIPPED', why: 'FINISHED' });
    // The earlier run's message is stale now.
    expect(await runEligibilityJob({ tahapId: '2026-1', runId: 'run-1' }, deps())).toMatchObject({
      why: 'STALE_RUN',
    });
  });

  it('fails, naming the kabupaten, when a snapshot is not READY', async () => {
    await tahaps.create(newTahap(2));
    await requestRun('2026-2', 'run-x');
    const outcome = await runEligibilityJob({ tahapId: '2026-2', runId: 'run-x' }, deps([PALANGKA_RAYA]));
    expect(outcome.outcome).toBe('FAILED');
    const tahap = await tahaps.get('2026-2');
    expect(tahap?.eligibility?.status).toBe('FAILED');
    expect(tahap?.eligibility?.error).toContain('Kota Palangka Raya');
    expect(tahap?.eligibility?.error).toContain(VERSION);
    expect(tahap?.eligibility?.error).not.toContain('Kapuas');
    expect(await results.summary('2026-2', 'run-x')).toEqual([]);
    // A failed run is over: its message again does nothing, and a new run may be asked for.
    expect(await runEligibilityJob({ tahapId: '2026-2', runId: 'run-x' }, deps())).toMatchObject({
      outcome: 'SKIPPED',
    });
    await requestRun('2026-2', 'run-y');
    expect((await tahaps.get('2026-2'))?.eligibility?.status).toBe('QUEUED');
  });
});
