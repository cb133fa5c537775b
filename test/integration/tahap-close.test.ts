import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, approver, auditor, callRoute, type ErrorBody, operator } from '../support/api.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * A tahap's lifecycle after its decrees (issue #15): the first kabupaten's distribution that opens
 * moves the tahap to PENYALURAN (audited, once: a redelivered opening changes nothing); the KPM cash
 * reconciliation of the reconcile worker runs for PENYALURAN tahap only; the approver closes it
 * (SELESAI) with a reason, refused (409 in Bahasa Indonesia) while cash awaits the bank's report;
 * after that no payment instruction, account request or food list is accepted, and the money view
 * treats the tahap as closed.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const emulator = useEmulatorEnv();
const { documentClient } = await import('#shared/adapters/clients/dynamodb.ts');
const { DecreesRepository } = await import('#shared/adapters/decrees-repo.ts');
const { DistributionRepository } = await import('#shared/adapters/distribution-repo.ts');
const { FamilyDirectoryRepository } = await import('#shared/adapters/family-directory-repo.ts');
const { RecipientsRepository } = await import('#shared/adapters/recipients-repo.ts');
const { TahapRepository } = await import('#shared/adapters/tahap-repo.ts');
const { DashboardRepository } = await import('#shared/adapters/dashboard-repo.ts');
const { entitlementKey } = await import('#shared/adapters/keys.ts');
const { openDistribution } = await import('../../functions/families/open-distribution.ts');
const { kpmCashTahap, reconcileKpmTahap } = await import('../../functions/reconcile/handler.ts');
const { KAPUAS, KOTIM, TAHAP, distributionHandoff, openedKapuas, freshTahap } = await import(
  '../support/families.ts'
);

const TABLE = emulator.TABLE_NAME as string;
const tahapRepo = new TahapRepository(TABLE);
const distribution = new DistributionRepository(TABLE);
const REASON = 'Seluruh penyaluran tahap ini telah dilaporkan dan direkonsiliasi.';

/** The tahap ids the worker would reconcile now (the per-tahap run replaced by a recorder). */
async function reconciledNow(runId: string): Promise<string[]> {
  const seen: string[] = [];
  const ran = await reconcileKpmTahap(runId, async (tahapId) => {
    seen.push(tahapId);
    return {
      findings: 0,
      entitlements: 0,
      closed: { DITERIMA: 0, GAGAL: 0, unchanged: 0, moved: 0 },
      ignoredLines: 0,
    };
  });
  expect(ran).toEqual(seen);
  return seen;
}

async function auditActions(): Promise<{ action: string; reason?: string }[]> {
  const trail = await callRoute<{
    records: { action: string; reason?: string }[];
    chain: { valid: boolean };
  }>('GetAudit', { claims: auditor(), query: { entityId: `TAHAP-${TAHAP}` } });
  expect(trail.status, JSON.stringify(trail.body)).toBe(200);
  expect(trail.body.chain.valid).toBe(true);
  return trail.body.records;
}

async function setStatus(noKk: string, component: 'TUNAI' | 'PANGAN', status: string): Promise<void> {
  await documentClient.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: entitlementKey(TAHAP, KAPUAS, component, noKk),
      UpdateExpression: 'SET #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': status },
    }),
  );
}

let decreeId: string;
let firstKk: string;

beforeAll(async () => {
  await freshTahap();
}, 90_000);

describe('PENYALURAN: the first distribution that opens', () => {
  it('leaves the KPM cash reconciliation alone while the tahap is before its distribution', async () => {
    expect((await tahapRepo.get(TAHAP))?.status).toBe('DRAFT');
    expect(await reconciledNow('run-sebelum')).toEqual([]);
    expect(kpmCashTahap([{ status: 'DRAFT' }, { status: 'PENYALURAN' }, { status: 'SELESAI' }])).toEqual([
      { status: 'PENYALURAN' },
    ]);
  });

  it('moves the tahap to PENYALURAN once, audited; a redelivered opening changes nothing', async () => {
    const decree = await openedKapuas();
    decreeId = decree.decreeId;
    const tahap = await tahapRepo.get(TAHAP);
    expect(tahap?.status).toBe('PENYALURAN');
    const actions = (await auditActions()).map((record) => record.action);
    expect(actions.filter((action) => action === 'TAHAP_DISTRIBUTION_STARTED')).toHaveLength(1);

    const again = await openDistribution(await distributionHandoff(decreeId), {
      decrees: new DecreesRepository(TABLE),
      recipients: new RecipientsRepository(TABLE),
      directory: new FamilyDirectoryRepository(TABLE),
      distribution,
      tahap: tahapRepo,
      dashboard: new DashboardRepository(TABLE),
    });
    expect(again).toEqual({ kind: 'skipped', reason: 'already open' });
    expect((await tahapRepo.get(TAHAP))?.version).toBe(tahap?.version);
    expect((await auditActions()).map((record) => record.action)).toEqual(actions);
    const view = await callRoute('GetTahap', { claims: admin(), pathParameters: { tahapId: TAHAP } });
    expect(view.body).toMatchObject({ status: 'PENYALURAN' });
  });

  it('a tahap already in PENYALURAN is not moved again', async () => {
    expect(
      await tahapRepo.startDistribution(
        TAHAP,
        new Date().toISOString(),
        {
          sub: 'system:test',
          name: 'Uji',
          role: 'system',
        },
        { region: KAPUAS },
      ),
    ).toBe(false);
  });

  it('still takes relawan assignments in PENYALURAN (another kabupaten may still be in verval)', async () => {
    const assigned = await callRoute('AssignRelawan', {
      claims: operator(KOTIM),
      pathParameters: { tahapId: TAHAP },
      body: { desa: `${KOTIM}.01.2001`, relawan: { sub: 'relawan-kotim', name: 'Relawan Kotim' } },
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
  });

  it('the reconcile worker reconciles the tahap in PENYALURAN', async () => {
    expect(await reconciledNow('run-penyaluran')).toEqual([TAHAP]);
  });
});

describe('SELESAI: the approver closes the tahap', () => {
  it('is refused while cash awaits the bank, naming the kabupaten and the count', async () => {
    const tunai = [];
    for await (const entitlement of distribution.entitlements(TAHAP, KAPUAS, 'TUNAI'))
      tunai.push(entitlement);
    firstKk = tunai[0]?.noKk ?? '';
    expect(firstKk).toMatch(/^\d{16}$/);
    await setStatus(firstKk, 'TUNAI', 'DIKIRIM');
    const refused = await callRoute<ErrorBody>('CloseTahap', {
      claims: approver(),
      pathParameters: { tahapId: TAHAP },
      body: { reason: REASON },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toMatchObject({ reason: 'DISTRIBUTION_IN_FLIGHT', regions: [KAPUAS] });
    expect(refused.body.error.message).toContain('1 pembayaran tunai menunggu laporan bank');
    expect((await tahapRepo.get(TAHAP))?.status).toBe('PENYALURAN');

    // Food out with BULOG without its BAST holds it too.
    await setStatus(firstKk, 'TUNAI', 'GAGAL');
    await setStatus(firstKk, 'PANGAN', 'DIULANG');
    const food = await callRoute<ErrorBody>('CloseTahap', {
      claims: approver(),
      pathParameters: { tahapId: TAHAP },
      body: { reason: REASON },
    });
    expect(food.status).toBe(409);
    expect(food.body.error.message).toContain('1 paket pangan menunggu BAST BULOG');
    await setStatus(firstKk, 'PANGAN', 'GAGAL');
  });

  it('needs a written reason', async () => {
    const bare = await callRoute('CloseTahap', {
      claims: approver(),
      pathParameters: { tahapId: TAHAP },
      body: { reason: 'selesai' },
    });
    expect(bare.status).toBe(400);
  });

  it('closes once nothing is in flight (a failed payment is given up), audited with the reason', async () => {
    const closed = await callRoute('CloseTahap', {
      claims: approver(),
      pathParameters: { tahapId: TAHAP },
      body: { reason: REASON },
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'SELESAI',
      closed: { reason: REASON, by: { name: expect.any(String) } },
    });
    expect((await tahapRepo.get(TAHAP))?.status).toBe('SELESAI');
    const last = (await auditActions()).at(-1);
    expect(last).toMatchObject({ action: 'TAHAP_CLOSED', reason: REASON });

    const twice = await callRoute<ErrorBody>('CloseTahap', {
      claims: approver(),
      pathParameters: { tahapId: TAHAP },
      body: { reason: REASON },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.error.details).toMatchObject({ reason: 'TAHAP_TRANSITION' });
  });

  it('after SELESAI: no instruction, follow-up, account request or food list (409), and no cash reconciliation', async () => {
    for (const [route, claims, body] of [
      ['InstructPayments', admin(), { region: KAPUAS }],
      ['InstructPayments', admin(), { region: KAPUAS, followUp: true }],
      ['RequestAccounts', operator(KAPUAS), { region: KAPUAS }],
      ['CreateFoodLists', operator(KAPUAS), { region: KAPUAS }],
    ] as const) {
      const refused = await callRoute<ErrorBody>(route, {
        claims,
        pathParameters: { tahapId: TAHAP },
        body,
      });
      expect(refused.status, `${route} ${JSON.stringify(refused.body)}`).toBe(409);
      expect(refused.body.error.details).toMatchObject({ reason: 'TAHAP_CLOSED' });
      expect(refused.body.error.message).toMatch(/sudah selesai/);
    }
    expect(await reconciledNow('run-sesudah')).toEqual([]);
    const relawan = await callRoute<ErrorBody>('AssignRelawan', {
      claims: operator(KOTIM),
      pathParameters: { tahapId: TAHAP },
      body: { desa: `${KOTIM}.01.2001`, relawan: { sub: 'relawan-kotim-2', name: 'Relawan Dua' } },
    });
    expect(relawan.status).toBe(409);
    const money = await callRoute('GetFinance', {
      claims: auditor(),
      pathParameters: { tahapId: TAHAP },
      query: { region: KAPUAS },
    });
    expect(money.status).toBe(200);
    expect(money.body).toMatchObject({ distributionClosed: true });
  });
});
