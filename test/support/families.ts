/**
 * A small family programme for tests (issue #14): two kabupaten's READY DTSEN snapshots built
 * family by family, so that each exclusion reason appears exactly where it was planted, and a PKH
 * list. Kapuas (62.03), one desa: two eligible families (serials 1 and 9), desil 7 (2), on the PKH
 * list by the head's NIK (3), an impossible No KK (4), a child listed in two families (5 and 6), a No KK
 * also in Kotawaringin Timur's extract (7), no head (8). Kotawaringin Timur (62.02): that twin and one
 * eligible family. Import modules after `useEmulatorEnv()`.
 */
import { expect } from 'vitest';
import { AccountsRepository } from '#shared/adapters/accounts-repo.ts';
import { DashboardRepository } from '#shared/adapters/dashboard-repo.ts';
import { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import { EligibilityRepository } from '#shared/adapters/eligibility-repo.ts';
import { ExclusionsRepository } from '#shared/adapters/exclusions-repo.ts';
import { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import { FamilyDirectoryRepository } from '#shared/adapters/family-directory-repo.ts';
import { ImportsRepository } from '#shared/adapters/imports-repo.ts';
import { KpmRepository } from '#shared/adapters/kpm-repo.ts';
import { ObjectStore } from '#shared/adapters/object-store.ts';
import { OutboxRepository } from '#shared/adapters/outbox.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { transactWrite } from '#shared/adapters/transactions.ts';
import { VervalRepository } from '#shared/adapters/verval-repo.ts';
import { env } from '#shared/config/env.ts';
import {
  DecreeRequestedSchema,
  type DistributionOpenRequested,
  DistributionOpenRequestedSchema,
} from '#shared/messages.ts';
import type { StoredFamily, StoredMember } from '#shared/model.ts';
import { dependencies as decreeDependencies } from '../../functions/decree/handler.ts';
import { issueDecree } from '../../functions/decree/issue-decree.ts';
import { composeKpm } from '../../functions/families/compose-kpm.ts';
import { openDistribution } from '../../functions/families/open-distribution.ts';
import { runEligibilityJob } from '../../functions/families/run-eligibility.ts';
import { importFamilyFile } from '../../functions/family-import/import-family-file.ts';
import { admin, approver, type Claims, callRoute, completeChecks, operator, verifier } from './api.ts';
import { emptyBucket, resetTable } from './aws.ts';

const TABLE = () => env().tableName;
export const KAPUAS = '62.03';
export const KOTIM = '62.02';
export const VERSION = '2026-09-30';
export const DESA = `${KAPUAS}.01.2001`;
export const TAHAP = '2026-1';

/** A 16-digit number of the region's shape: `PPKKCC` + date + serial (a NIK or No KK). */
const number16 = (region: string, date: string, serial: number) =>
  `${region.replace('.', '')}01${date}${String(serial).padStart(4, '0')}`;
export const kk = (region: string, serial: number) => number16(region, '010120', serial);
export const nik = (region: string, serial: number) => number16(region, '150885', serial);

export interface Planted {
  readonly family: StoredFamily;
  readonly members: StoredMember[];
}

function family(
  region: string,
  serial: number,
  desil: number,
  overrides: Partial<StoredFamily> = {},
): StoredFamily {
  return {
    noKk: kk(region, serial),
    kkValid: true,
    kecamatanCode: `${region}.01`,
    desaCode: `${region}.01.2001`,
    desil,
    sourceRow: serial + 1,
    ...overrides,
  };
}

function member(
  noKk: string,
  nikValue: string,
  hubungan: StoredMember['hubungan'],
  row: number,
): StoredMember {
  return {
    noKk,
    nik: nikValue,
    nikValid: true,
    nama: 'Warga Uji',
    tanggalLahir: '1985-08-15',
    hubungan,
    sourceRow: row,
  };
}

/** `count` families of one desa, serials 1…count with desil = serial, each with only its head: all eligible. */
export function plainFamilies(region: string, count: number): Planted[] {
  return Array.from({ length: count }, (_, index) => {
    const f = family(region, index + 1, index + 1);
    return { family: f, members: [member(f.noKk, nik(region, index + 1), 'KEPALA_KELUARGA', index + 2)] };
  });
}

/** Kapuas: one family per reason, and two that pass. */
export function kapuasFamilies(): Planted[] {
  const plain = (serial: number, desil: number, extra: Partial<StoredFamily> = {}): Planted => {
    const f = family(KAPUAS, serial, desil, extra);
    return { family: f, members: [member(f.noKk, nik(KAPUAS, serial * 10), 'KEPALA_KELUARGA', serial * 10)] };
  };
  const shared = nik(KAPUAS, 9_999);
  const sharedA = family(KAPUAS, 5, 2);
  const sharedB = family(KAPUAS, 6, 2);
  const headless = family(KAPUAS, 8, 2);
  return [
    plain(1, 1),
    plain(2, 7), // desil out of range
    plain(3, 3), // its head is on the PKH list (by NIK)
    plain(4, 2, { kkValid: false }),
    {
      family: sharedA,
      members: [
        member(sharedA.noKk, nik(KAPUAS, 50), 'KEPALA_KELUARGA', 50),
        member(sharedA.noKk, shared, 'ANAK', 51),
      ],
    },
    {
      family: sharedB,
      members: [
        member(sharedB.noKk, nik(KAPUAS, 60), 'KEPALA_KELUARGA', 60),
        member(sharedB.noKk, shared, 'ANAK', 61),
      ],
    },
    plain(7, 4), // its No KK is in Kotawaringin Timur's extract too
    { family: headless, members: [member(headless.noKk, nik(KAPUAS, 80), 'ISTRI', 80)] },
    plain(9, 5),
  ];
}

export function kotimFamilies(): Planted[] {
  const twin = family(KOTIM, 1, 3, { noKk: kk(KAPUAS, 7) });
  return [
    { family: twin, members: [member(twin.noKk, nik(KOTIM, 10), 'KEPALA_KELUARGA', 10)] },
    (() => {
      const f = family(KOTIM, 2, 2);
      return { family: f, members: [member(f.noKk, nik(KOTIM, 20), 'KEPALA_KELUARGA', 20)] };
    })(),
  ];
}

/**
 * Writes a region's families and members as their two imports would, and makes the snapshot READY
 * (of {@link VERSION} unless another version date is given; its imports are then named after it).
 */
export async function readySnapshot(
  region: string,
  planted: readonly Planted[],
  versionDate: string = VERSION,
): Promise<void> {
  const families = new FamiliesRepository(TABLE());
  const snapshots = new SnapshotsRepository(TABLE());
  const suffix = versionDate === VERSION ? region : `${region}-${versionDate}`;
  const pair = { families: `kk-${suffix}`, members: `art-${suffix}` };
  const familyWriter = families.writer(pair.families);
  const memberWriter = families.writer(pair.members);
  for (const { family: f, members } of planted) {
    await familyWriter.putFamily(f);
    for (const m of members) await memberWriter.putMember(m);
  }
  await Promise.all([familyWriter.flush(), memberWriter.flush()]);
  const now = new Date().toISOString();
  const half = (importId: string) => ({
    importId,
    rows: planted.length,
    accepted: planted.length,
    importedAt: now,
  });
  const first = snapshots.halfChange(
    undefined,
    { region, versionDate },
    'families',
    half(pair.families),
    now,
  );
  await transactWrite([first.item]);
  const second = snapshots.halfChange(
    first.next,
    { region, versionDate },
    'members',
    half(pair.members),
    now,
  );
  await transactWrite([second.item]);
  const ready = await snapshots.markReady(
    region,
    versionDate,
    pair,
    {
      families: planted.length,
      members: planted.length,
      complete: planted.length,
      byCode: {},
      checkedAt: now,
    },
    now,
  );
  expect(ready).toBe(true);
}

export async function pkhList(): Promise<void> {
  const exclusions = new ExclusionsRepository(TABLE());
  const writer = exclusions.entryWriter('pkh-kemensos');
  await writer.put({ nik: nik(KAPUAS, 30) });
  await writer.flush();
  await transactWrite([
    exclusions.listItem({
      listId: 'pkh-kemensos',
      programme: 'PKH',
      source: 'Kemensos',
      asOf: '2026-09-30',
      entries: 1,
      uploadedAt: new Date().toISOString(),
    }),
  ]);
}

export const TAHAP_BODY = {
  year: 2026,
  number: 1,
  components: { TUNAI: 250_000, PANGAN: 150_000 },
  desil: { min: 1, max: 5 },
  snapshots: { [KAPUAS]: VERSION, [KOTIM]: VERSION },
};

/** Both snapshots READY and the PKH list stored. */
export async function seedProgramme(): Promise<void> {
  await readySnapshot(KAPUAS, kapuasFamilies());
  await readySnapshot(KOTIM, kotimFamilies());
  await pkhList();
}

/** The families worker's dependencies over the test table (each job takes the part it needs). */
export function familyJobDeps() {
  const table = TABLE();
  return {
    tahap: new TahapRepository(table),
    results: new EligibilityRepository(table),
    families: new FamiliesRepository(table),
    snapshots: new SnapshotsRepository(table),
    exclusions: new ExclusionsRepository(table),
    verval: new VervalRepository(table),
    kpm: new KpmRepository(table),
    proposals: new ProposalsRepository(table),
    recipients: new RecipientsRepository(table),
    distribution: new DistributionRepository(table),
    tableName: table,
  };
}

/** Runs a requested eligibility run as the families worker would; it must complete. */
export async function runEligibility(runId: string, tahapId = TAHAP): Promise<void> {
  const outcome = await runEligibilityJob({ tahapId, runId }, familyJobDeps());
  expect(outcome).toMatchObject({ outcome: 'COMPLETED' });
}

/**
 * A distribution file's starting point: the table and the documents bucket emptied,
 * {@link seedProgramme}, then {@link tahapWithRun} (each distribution file's `beforeAll`).
 */
export async function freshTahap(): Promise<void> {
  await resetTable();
  await emptyBucket(env().documentsBucket);
  await seedProgramme();
  await tahapWithRun();
}

/** {@link TAHAP_BODY} created through its route by an admin, and its eligibility run done. */
export async function tahapWithRun(): Promise<void> {
  expect((await callRoute('CreateTahap', { claims: admin(), body: TAHAP_BODY })).status).toBe(201);
  const asked = await callRoute<{ runId: string }>('RequestEligibility', {
    claims: admin(),
    pathParameters: { tahapId: TAHAP },
  });
  expect(asked.status).toBe(202);
  await runEligibility(asked.body.runId);
}

/** A Kapuas family's visit as the verval import records it: LAYAK with its head as penerima, or another result. */
export function recordVisit(
  serial: number,
  result: 'LAYAK' | 'MAMPU' = 'LAYAK',
  tanggal = '2026-10-01',
): Promise<boolean> {
  return new VervalRepository(TABLE()).record({
    tahapId: TAHAP,
    noKk: kk(KAPUAS, serial),
    region: KAPUAS,
    desaCode: DESA,
    result,
    inTahap: result === 'LAYAK',
    ...(result === 'LAYAK' ? { penerimaNik: nik(KAPUAS, serial * 10) } : {}),
    tanggal,
    relawan: 'Sari',
    nomorBeritaAcara: `BA/${serial}/2026`,
    importId: 'verval-uji',
    sourceRow: serial + 1,
    recordedAt: new Date().toISOString(),
  });
}

/**
 * Asks for the composition of `region`'s KPM list as `who` (202) and runs the job its message
 * starts, as the families worker would.
 */
export async function composeThroughRoute(who: Claims = operator(KAPUAS), region = KAPUAS) {
  const asked = await callRoute<{ compose?: { composeId: string; requestedAt: string } }>('ComposeKpm', {
    claims: who,
    pathParameters: { tahapId: TAHAP },
    body: { region },
  });
  expect(asked.status).toBe(202);
  const request = asked.body.compose;
  if (!request) throw new Error('no composition in the answer');
  return composeKpm(
    {
      type: 'kpm.compose.requested',
      tahapId: TAHAP,
      region,
      composeId: request.composeId,
      requestedAt: request.requestedAt,
    },
    familyJobDeps(),
  );
}

/**
 * Submit (operator), the checks (as the checks worker ends), DINSOS and DISDUKCAPIL sign off, the
 * approver approves: all through the routes but the checks. Returns the approval's answer.
 */
export async function approveKpmThroughRoutes(proposalId: string, region = KAPUAS) {
  const path = { pathParameters: { proposalId } };
  const submitted = await callRoute('SubmitProposal', { claims: operator(region), ...path, body: {} });
  expect(submitted.status).toBe(200);
  await completeChecks(proposalId);
  for (const opd of ['DINSOS', 'DISDUKCAPIL']) {
    const signed = await callRoute('ReviewProposal', {
      claims: verifier(opd),
      ...path,
      body: { decision: 'approve' },
    });
    expect(signed.status, opd).toBe(200);
  }
  const decided = await callRoute<{
    proposalId: string;
    status: string;
    kind: string;
    totals: {
      total: number;
      byComponent?: Record<string, { count: number; amount: number }>;
      ratesArePlaceholders: boolean;
    };
  }>('DecideProposal', {
    claims: approver(),
    ...path,
    body: { decision: 'approve', note: 'Disetujui untuk ditetapkan.' },
  });
  expect(decided.status).toBe(200);
  expect(decided.body.status).toBe('APPROVED');
  return decided.body;
}

/** The outbox items handed off to `queue` (as the relay would send them), oldest first. */
async function pendingOn(queue: string) {
  const pending = await new OutboxRepository(TABLE()).pending(
    new Date(Date.now() + 60_000).toISOString(),
    500,
  );
  return pending.filter((item) => item.queue === queue);
}

/** The decree request the approval of `proposalId` handed off. */
export async function decreeHandoff(proposalId: string) {
  const items = (await pendingOn('decree')).filter((item) => item.message.proposalId === proposalId);
  expect(items).toHaveLength(1);
  return DecreeRequestedSchema.parse(items[0]?.message);
}

/** The distribution opening that issuing `decreeId` handed off (issue #15). */
export async function distributionHandoff(decreeId: string): Promise<DistributionOpenRequested> {
  const items = (await pendingOn('families')).filter(
    (item) => item.message.type === 'distribution.open.requested' && item.message.decreeId === decreeId,
  );
  expect(items).toHaveLength(1);
  return DistributionOpenRequestedSchema.parse(items[0]?.message);
}

/**
 * Kapuas's KPM list of families 1, 5 and 9 (visited LAYAK) composed, approved through the routes and
 * decreed by the decree worker: what the distribution starts from. Expects {@link seedProgramme}
 * and {@link tahapWithRun} done.
 */
export async function decreedKapuas() {
  for (const serial of [1, 5, 9]) await recordVisit(serial);
  const outcome = await composeThroughRoute();
  if (outcome.kind !== 'composed') throw new Error(`not composed: ${JSON.stringify(outcome)}`);
  await approveKpmThroughRoutes(outcome.proposalId);
  const decree = await issueDecree(await decreeHandoff(outcome.proposalId), decreeDependencies());
  if (decree?.status !== 'ISSUED') throw new Error('the KPM decree was not issued');
  return decree;
}

/**
 * Runs the family file import of an upload whose file was PUT through its presigned URL, as the S3
 * trigger would (the object's size read back from the emulator).
 */
export async function importUploaded(importId: string): Promise<void> {
  const config = env();
  const record = await new ImportsRepository(TABLE()).get(importId);
  if (!record) throw new Error('no import record');
  const objects = new ObjectStore();
  let size = 0;
  for await (const chunk of await objects.read(config.uploadsBucket, record.s3Key))
    size += (chunk as Buffer).length;
  await importFamilyFile(
    {
      bucket: config.uploadsBucket,
      key: record.s3Key,
      etag: `etag-${importId}`,
      size,
      eventTime: new Date().toISOString(),
    },
    {
      ...familyJobDeps(),
      imports: new ImportsRepository(TABLE()),
      accounts: new AccountsRepository(TABLE()),
      directory: new FamilyDirectoryRepository(TABLE()),
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
}

/** {@link decreedKapuas}, and its distribution opened as the families worker would: cards and entitlements. */
export async function openedKapuas() {
  const decree = await decreedKapuas();
  const table = TABLE();
  const opened = await openDistribution(await distributionHandoff(decree.decreeId), {
    decrees: new DecreesRepository(table),
    recipients: new RecipientsRepository(table),
    directory: new FamilyDirectoryRepository(table),
    distribution: new DistributionRepository(table),
    dashboard: new DashboardRepository(table),
    tahap: new TahapRepository(table),
  });
  expect(opened.kind).toBe('opened');
  return decree;
}

/** A kabupaten's dashboard counters in a tahap, summed over its desa (as stored: no complaints). */
export async function dashboardTotals(region = KAPUAS, tahapId = TAHAP): Promise<Record<string, number>> {
  const totals: Record<string, number> = {};
  for (const { counts } of await new DashboardRepository(TABLE()).desaCounts(tahapId, region)) {
    for (const [counter, value] of Object.entries(counts))
      totals[counter] = (totals[counter] ?? 0) + (value ?? 0);
  }
  return totals;
}
