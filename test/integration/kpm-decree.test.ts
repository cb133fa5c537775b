import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approver,
  type CallOptions,
  type Claims,
  callRoute,
  operator,
  type RouteId,
} from '../support/api.ts';
import { emptyBucket, resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The KPM decree (issue #14) end to end: a kabupaten's KPM list composed from a tahap, submitted,
 * checked, signed off by DINSOS and DISDUKCAPIL and approved through the routes; the decree worker
 * takes the message the approval handed off and issues "Penetapan Keluarga Penerima Manfaat …
 * Tahap 1 Tahun 2026 di Kabupaten Kapuas" on the year's one gapless sequence; the PDF's text, the
 * public verification, the decree views, the BKK reconciliation leaving it alone; revocation closes
 * the proposal, composing again makes revision 2, whose decree names the revoked one.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const emulator = useEmulatorEnv();
const { env } = await import('#shared/config/env.ts');
const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
const { DecreesRepository } = await import('#shared/adapters/decrees-repo.ts');
const { ObjectStore } = await import('#shared/adapters/object-store.ts');
const { wibDate } = await import('#shared/domain/decree.ts');
const { dependencies } = await import('../../functions/decree/handler.ts');
const { issueDecree } = await import('../../functions/decree/issue-decree.ts');
const { runReconciliation } = await import('../../functions/reconcile/run-reconciliation.ts');
const { dependencies: reconcileDependencies } = await import('../../functions/reconcile/handler.ts');
const {
  KAPUAS,
  TAHAP,
  approveKpmThroughRoutes,
  composeThroughRoute,
  decreeHandoff,
  kk,
  nik,
  recordVisit,
  seedProgramme,
  tahapWithRun,
} = await import('../support/families.ts');

const TABLE = emulator.TABLE_NAME as string;
const config = env();
const proposals = new ProposalsRepository(TABLE);
const decrees = new DecreesRepository(TABLE);
const objects = new ObjectStore();
const year = wibDate(new Date()).year;
const FIRST = `KPM-${KAPUAS}-${TAHAP}`;
const call = <T = Record<string, unknown>>(route: RouteId, claims: Claims, options: CallOptions = {}) =>
  callRoute<T>(route, { claims, ...options });
const run = promisify(execFile);
let dir: string;

/** Asks for Kapuas's composition and runs its job; the proposal it made. */
async function compose(): Promise<string> {
  const outcome = await composeThroughRoute();
  if (outcome.kind !== 'composed') throw new Error(`not composed: ${JSON.stringify(outcome)}`);
  return outcome.proposalId;
}

async function pdfText(key: string): Promise<string> {
  const file = join(dir, key.replaceAll('/', '_'));
  const chunks: Buffer[] = [];
  for await (const chunk of await objects.read(config.documentsBucket, key)) chunks.push(chunk as Buffer);
  await writeFile(file, Buffer.concat(chunks));
  const { stdout } = await run('pdftotext', ['-layout', file, '-']);
  return stdout;
}

beforeAll(async () => {
  await resetTable();
  await emptyBucket(config.documentsBucket);
  dir = await mkdtemp(join(tmpdir(), 'khbs-kpm-decree-'));
  await seedProgramme();
  await tahapWithRun();
  // Families 1 and 9 (one member each) and 5 (two members, settled by the visit).
  for (const serial of [1, 5, 9]) await recordVisit(serial);
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the decree of an approved KPM list', () => {
  let decree: Awaited<ReturnType<typeof issueDecree>>;

  it('goes through the same sign-off routes, its totals from the tahap’s components', async () => {
    expect(await compose()).toBe(FIRST);
    const decided = await approveKpmThroughRoutes(FIRST);
    expect(decided.kind).toBe('KPM');
    expect(decided.totals).toMatchObject({
      total: 3 * 400_000,
      byComponent: { TUNAI: { count: 3, amount: 750_000 }, PANGAN: { count: 3, amount: 450_000 } },
      ratesArePlaceholders: false,
    });
  });

  it('is issued by the decree worker from the handed-off request: numbered, stored, DECREED', async () => {
    const message = await decreeHandoff(FIRST);
    expect(message).toMatchObject({ kind: 'KPM', period: TAHAP, region: KAPUAS, recipientCount: 3 });
    decree = await issueDecree(message, dependencies());
    expect(decree).toMatchObject({
      decreeId: `SK-${FIRST}`,
      kind: 'KPM',
      tahapId: TAHAP,
      status: 'ISSUED',
      seq: 1,
      number: `188.44/1/${year}`,
      recipientCount: 3,
      memberCount: 4,
      total: 1_200_000,
      amountByComponent: { TUNAI: 250_000, PANGAN: 150_000 },
      byComponent: [
        { component: 'TUNAI', count: 3, amount: 750_000 },
        { component: 'PANGAN', count: 3, amount: 450_000 },
      ],
      ratesArePlaceholders: false,
    });
    expect(decree?.byRole).toBeUndefined();
    expect((await proposals.get(FIRST))?.status).toBe('DECREED');
    // Redelivered: the same decree, no second number.
    expect(await issueDecree(message, dependencies())).toEqual(decree);
    expect(await decrees.lastSeq(year)).toBe(1);
  });

  it('prints the title, the lampiran by kecamatan and desa, masked NIK and No KK, components and totals', async () => {
    const text = await pdfText(decree?.pdfKey ?? '');
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(`KEPUTUSAN GUBERNUR KALIMANTAN TENGAH NOMOR 188.44/1/${year}`);
    expect(flat).toContain(
      'TENTANG PENETAPAN KELUARGA PENERIMA MANFAAT KARTU HUMA BETANG SEJAHTERA TAHAP 1 TAHUN 2026 DI KABUPATEN KAPUAS',
    );
    expect(flat).toContain('Menetapkan 3 (tiga) Keluarga Penerima Manfaat');
    expect(flat).toContain('bantuan tunai sebesar Rp250.000');
    expect(flat).toContain('bantuan pangan sebesar Rp150.000');
    expect(flat).toContain('No Nama Penerima NIK No KK ART Tunai (Rp) Pangan (Rp)');
    expect(flat).toMatch(/Kecamatan \S+( \S+)? Desa /);
    expect(flat).toMatch(/Jumlah Desa [^:]+: 3 KPM 4 750\.000 450\.000/);
    expect(flat).toMatch(/Jumlah Kecamatan [^:]+: 3 KPM 4 750\.000 450\.000/);
    expect(flat).toContain('JUMLAH SELURUHNYA: 3 KPM 4 750.000 450.000');
    expect(flat).toContain('Jumlah seluruhnya Rp1.200.000');
    expect(flat).not.toContain('CONTOH');
    for (const serial of [1, 5, 9]) {
      const penerima = nik(KAPUAS, serial * 10);
      const noKk = kk(KAPUAS, serial);
      expect(text).toContain(`${penerima.slice(0, 6)}******${penerima.slice(-4)}`);
      expect(text).toContain(`${noKk.slice(0, 6)}******${noKk.slice(-4)}`);
      expect(text).not.toContain(penerima);
      expect(text).not.toContain(noKk);
    }
    expect(text).toContain(decree?.verifyCode ?? '-');
  });

  it('verifies publicly with its title, kabupaten, tahap, families and total, and no personal data', async () => {
    const verified = await callRoute('VerifyDecree', { pathParameters: { code: decree?.verifyCode ?? '' } });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      genuine: true,
      inForce: true,
      kind: 'KPM',
      number: `188.44/1/${year}`,
      title:
        'Penetapan Keluarga Penerima Manfaat Kartu Huma Betang Sejahtera Tahap 1 Tahun 2026 di Kabupaten Kapuas',
      regionName: 'Kabupaten Kapuas',
      periodLabel: 'Tahap 1 Tahun 2026',
      recipientCount: 3,
      total: 1_200_000,
    });
    expect(JSON.stringify(verified.body)).not.toMatch(/\d{16}|Warga Uji/);
  });

  it('is listed and shown to signed-in readers as a KPM decree; its region is checked', async () => {
    const listed = await call<{ items: { decreeId: string; kind: string; periodLabel?: string }[] }>(
      'ListDecrees',
      operator(KAPUAS),
    );
    expect(listed.body.items).toEqual([
      expect.objectContaining({ decreeId: `SK-${FIRST}`, kind: 'KPM', periodLabel: 'Tahap 1 Tahun 2026' }),
    ]);
    const shown = await call('GetDecree', operator(KAPUAS), { pathParameters: { decreeId: `SK-${FIRST}` } });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ tahapId: TAHAP, memberCount: 4, byComponent: decree?.byComponent });
    const other = await call('GetDecree', operator('62.02'), { pathParameters: { decreeId: `SK-${FIRST}` } });
    expect(other.status).toBe(403);
  });

  it('is left out of the BKK reconciliation: no finding, no expected payment', async () => {
    const result = await runReconciliation('kpm-decree-run', 'api', reconcileDependencies());
    expect(result?.status).toBe('COMPLETED');
    expect(result?.inputs).toMatchObject({ decrees: 0, expected: 0 });
    expect(Object.values(result?.counts ?? {}).every((count) => count === 0)).toBe(true);
    expect(result?.decrees ?? []).toEqual([]);
  });
});

describe('revocation and replacement', () => {
  it('revokes the decree, closes the proposal, and the next composition is revision 2 whose decree replaces it', async () => {
    const revoked = await call('RevokeDecree', approver(), {
      pathParameters: { decreeId: `SK-${FIRST}` },
      body: { reason: 'Terdapat keluarga yang tidak memenuhi syarat.' },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'REVOKED', kind: 'KPM' });
    expect((await proposals.get(FIRST))?.status).toBe('REVOKED');

    const second = await compose();
    expect(second).toBe(`${FIRST}-r2`);
    await approveKpmThroughRoutes(second);
    const replacement = await issueDecree(await decreeHandoff(second), dependencies());
    expect(replacement).toMatchObject({
      decreeId: `SK-${FIRST}-r2`,
      kind: 'KPM',
      status: 'ISSUED',
      seq: 2,
      number: `188.44/2/${year}`,
      replaces: { decreeId: `SK-${FIRST}`, number: `188.44/1/${year}` },
    });
    const text = (await pdfText(replacement?.pdfKey ?? '')).replace(/\s+/g, ' ');
    expect(text).toContain(`menggantikan Keputusan Gubernur Kalimantan Tengah Nomor 188.44/1/${year}`);

    const old = await callRoute('VerifyDecree', {
      pathParameters: { code: (await decrees.get(`SK-${FIRST}`))?.verifyCode ?? '' },
    });
    expect(old.body).toMatchObject({ inForce: false, status: 'REVOKED', replacedBy: `188.44/2/${year}` });
    const fresh = await callRoute('VerifyDecree', {
      pathParameters: { code: replacement?.verifyCode ?? '' },
    });
    expect(fresh.body).toMatchObject({ inForce: true, replaces: `188.44/1/${year}` });
  }, 60_000);
});
