import { beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  auditor,
  type CallOptions,
  type Claims,
  callRoute,
  type ErrorBody,
  operator,
  type RouteId,
} from '../support/api.ts';
import { resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * A tahap through its routes (issue #14): two kabupaten's READY snapshots, built family by family so
 * that each exclusion reason appears exactly where it was planted, a PKH list, then `POST /tahap`,
 * `POST /tahap/{id}/eligibility`, the run (the families worker's job, called directly: its queue
 * wiring has tests of its own), the summary and a desa's families, the audit chain, and who may do
 * which of it.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const env = useEmulatorEnv();
const { FamiliesRepository } = await import('#shared/adapters/families-repo.ts');
const { SnapshotsRepository } = await import('#shared/adapters/snapshots-repo.ts');
const { ExclusionsRepository } = await import('#shared/adapters/exclusions-repo.ts');
const { DESA, KAPUAS, KOTIM, TAHAP, TAHAP_BODY, VERSION, kk, seedProgramme } = await import(
  '../support/families.ts'
);
const TABLE = () => env.TABLE_NAME as string;
const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
const { EligibilityRepository } = await import('#shared/adapters/eligibility-repo.ts');
const { OutboxRepository } = await import('#shared/adapters/outbox.ts');
const { runEligibilityJob } = await import('../../functions/families/run-eligibility.ts');

const call = <T = Record<string, unknown>>(route: RouteId, claims: Claims, options: CallOptions = {}) =>
  callRoute<T>(route, { claims, ...options });
const tahapParams = { pathParameters: { tahapId: TAHAP } };

interface FamilyRow {
  noKk: string;
  status: string;
  reasons: { reason: string; listId?: string; matchedBy?: string; otherRegions?: string[] }[];
}

beforeAll(async () => {
  await resetTable();
  await seedProgramme();
}, 60_000);

describe('a tahap from READY snapshots to a desa’s verdicts', () => {
  it('is created by the province only, once, and only over READY snapshots, which it then fixes', async () => {
    const refused = await call<ErrorBody>('CreateTahap', operator(KAPUAS), { body: TAHAP_BODY });
    expect(refused.status).toBe(403);

    const missing = await call<ErrorBody>('CreateTahap', admin(), {
      body: { ...TAHAP_BODY, number: 2, snapshots: { ...TAHAP_BODY.snapshots, '62.04': VERSION } },
    });
    expect(missing.status).toBe(409);
    expect(missing.body.error.message).toMatch(/tidak ditemukan/);
    expect(missing.body.error.details).toMatchObject({ reason: 'SNAPSHOT_NOT_READY', region: '62.04' });

    const created = await call<{ tahapId: string; status: string; label: string }>('CreateTahap', admin(), {
      body: TAHAP_BODY,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tahapId: TAHAP, status: 'DRAFT', label: 'Tahap 1 Tahun 2026' });

    const again = await call<ErrorBody>('CreateTahap', admin(), { body: TAHAP_BODY });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toMatchObject({ reason: 'TAHAP_EXISTS' });

    const snapshot = await new SnapshotsRepository(TABLE()).get(KAPUAS, VERSION);
    expect(snapshot?.usedBy).toEqual([TAHAP]);
    // And an import for that snapshot is refused before a byte is sent.
    const late = await call<ErrorBody>('CreateImport', operator(KAPUAS), {
      body: { kind: 'DTSEN_ANGGOTA', filename: 'anggota.csv', versionDate: VERSION },
    });
    expect(late.status).toBe(409);
    expect(late.body.error.details).toMatchObject({ reason: 'SNAPSHOT_IN_USE' });
  });

  it('shows a regional role only its own kabupaten’s settings', async () => {
    const own = await call<{ snapshots: Record<string, string> }>('GetTahap', operator(KOTIM), tahapParams);
    expect(own.status).toBe(200);
    expect(own.body.snapshots).toEqual({ [KOTIM]: VERSION });
    expect(own.body).not.toHaveProperty('quotas');
    const all = await call<{ items: { snapshots: Record<string, string> }[] }>('ListTahap', admin());
    expect(all.body.items[0]?.snapshots).toEqual(TAHAP_BODY.snapshots);
  });

  it('queues one run at a time, with its message in the outbox, and records who asked', async () => {
    expect((await call('RequestEligibility', operator(KAPUAS), tahapParams)).status).toBe(403);
    const asked = await call<{ runId: string; status: string }>('RequestEligibility', admin(), tahapParams);
    expect(asked.status).toBe(202);
    expect(asked.body.status).toBe('QUEUED');
    const pending = await new OutboxRepository(TABLE()).pending(
      new Date(Date.now() + 60_000).toISOString(),
      50,
    );
    const messages = pending.filter((item) => item.queue === 'families').map((item) => item.message);
    expect(messages).toEqual([
      expect.objectContaining({ type: 'eligibility.requested', tahapId: TAHAP, runId: asked.body.runId }),
    ]);

    const second = await call<ErrorBody>('RequestEligibility', admin(), tahapParams);
    expect(second.status).toBe(409);
    expect(second.body.error.details).toMatchObject({ reason: 'RUN_IN_PROGRESS' });

    const outcome = await runEligibilityJob(
      { tahapId: TAHAP, runId: asked.body.runId },
      {
        tahap: new TahapRepository(TABLE()),
        results: new EligibilityRepository(TABLE()),
        families: new FamiliesRepository(TABLE()),
        snapshots: new SnapshotsRepository(TABLE()),
        exclusions: new ExclusionsRepository(TABLE()),
      },
    );
    expect(outcome).toMatchObject({ outcome: 'COMPLETED', families: 11, eligible: 3 });
    // The province's totals are the admin's; an operator reads their own in the summary.
    const seen = await call<{ eligibility: Record<string, unknown> }>(
      'GetTahap',
      operator(KAPUAS),
      tahapParams,
    );
    expect(seen.body.eligibility).toMatchObject({ status: 'COMPLETED' });
    expect(seen.body.eligibility).not.toHaveProperty('families');
    const all = await call<{ eligibility: Record<string, unknown> }>('GetTahap', admin(), tahapParams);
    expect(all.body.eligibility).toMatchObject({ families: 11, eligible: 3, excluded: 8 });

    const audit = await call<{ chain: { valid: boolean; length: number }; records: { action: string }[] }>(
      'GetAudit',
      auditor(),
      { query: { entityId: `TAHAP-${TAHAP}` } },
    );
    expect(audit.status).toBe(200);
    expect(audit.body.chain).toEqual({ valid: true, length: 2 });
    expect(audit.body.records.map((record) => record.action)).toEqual([
      'TAHAP_CREATED',
      'ELIGIBILITY_REQUESTED',
    ]);
    expect((await call('GetAudit', operator(KAPUAS), { query: { entityId: `TAHAP-${TAHAP}` } })).status).toBe(
      403,
    );
  });

  it('counts every reason per kabupaten, kecamatan and desa', async () => {
    const summary = await call<{
      run: { status: string };
      items: {
        region: string;
        counts: { families: number; eligible: number; byReason: Record<string, number> };
      }[];
    }>('GetTahapSummary', operator(KAPUAS), tahapParams);
    expect(summary.status).toBe(200);
    expect(summary.body.run.status).toBe('COMPLETED');
    expect(summary.body.items.map((item) => item.region)).toEqual([KAPUAS]);
    expect(summary.body.items[0]?.counts).toEqual({
      families: 9,
      eligible: 2,
      excluded: 7,
      byReason: {
        DESIL_DI_LUAR_RENTANG: 1,
        DAFTAR_PENGECUALIAN: 1,
        NO_KK_TIDAK_SAH: 1,
        ANGGOTA_DI_KELUARGA_LAIN: 2,
        KK_DI_DUA_KABUPATEN: 1,
        TANPA_KEPALA_KELUARGA: 1,
      },
    });
    expect(
      (await call('GetTahapSummary', operator(KAPUAS), { ...tahapParams, query: { region: KOTIM } })).status,
    ).toBe(403);
    const kecamatan = await call<{ items: { desa: Record<string, unknown> }[] }>('GetTahapSummary', admin(), {
      ...tahapParams,
      query: { kecamatan: `${KAPUAS}.01` },
    });
    expect(Object.keys(kecamatan.body.items[0]?.desa ?? {})).toEqual([DESA]);
  });

  it('lists a desa’s families with every reason, a page at a time, No KK masked for auditors', async () => {
    const excluded: FamilyRow[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await call<{ items: FamilyRow[]; nextCursor?: string }>(
        'SearchTahapFamilies',
        operator(KAPUAS),
        {
          ...tahapParams,
          body: { desa: DESA, status: 'EXCLUDED', limit: 3, ...(cursor ? { cursor } : {}) },
        },
      );
      expect(page.status).toBe(200);
      excluded.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(excluded).toHaveLength(7);
    const byKk = new Map(excluded.map((row) => [row.noKk, row]));
    expect(byKk.get(kk(KAPUAS, 3))?.reasons).toEqual([
      expect.objectContaining({ reason: 'DAFTAR_PENGECUALIAN', listId: 'pkh-kemensos', matchedBy: 'NIK' }),
    ]);
    expect(byKk.get(kk(KAPUAS, 7))?.reasons).toEqual([
      expect.objectContaining({ reason: 'KK_DI_DUA_KABUPATEN', otherRegions: [KOTIM] }),
    ]);
    expect(byKk.has(kk(KAPUAS, 1))).toBe(false); // eligible

    const masked = await call<{ items: FamilyRow[] }>('SearchTahapFamilies', auditor(), {
      ...tahapParams,
      body: { desa: DESA },
    });
    expect(masked.body.items).toHaveLength(9);
    for (const row of masked.body.items) expect(row.noKk).toMatch(/^\d{6}\*{6}\d{4}$/);

    const other = await call<ErrorBody>('SearchTahapFamilies', operator(KOTIM), {
      ...tahapParams,
      body: { desa: DESA },
    });
    expect(other.status).toBe(403);
    const bad = await call<ErrorBody>('SearchTahapFamilies', operator(KAPUAS), {
      ...tahapParams,
      body: { desa: DESA, cursor: 'bukan-penanda' },
    });
    expect(bad.status).toBe(400);
  });
});
