import { beforeAll, describe, expect, it } from 'vitest';
import { admin, type CallOptions, type Claims, callRoute, operator, type RouteId } from '../support/api.ts';
import { resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * A kabupaten's KPM list (issue #14): composed from the eligibility run and the verval, it becomes
 * the DRAFT of the region's KPM proposal — an id and keys of its own, never a BKK list's — and is
 * recomposed while a draft, but not once submitted.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const env = useEmulatorEnv();
const { KpmRepository } = await import('#shared/adapters/kpm-repo.ts');
const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
const { RecipientsRepository } = await import('#shared/adapters/recipients-repo.ts');
const { composeKpm } = await import('../../functions/families/compose-kpm.ts');
const {
  KAPUAS,
  KOTIM,
  TAHAP,
  composeThroughRoute,
  familyJobDeps,
  kk,
  recordVisit: visit,
  seedProgramme,
  tahapWithRun,
} = await import('../support/families.ts');

const TABLE = env.TABLE_NAME as string;
const tahapParams = { pathParameters: { tahapId: TAHAP } };
const call = <T = Record<string, unknown>>(route: RouteId, claims: Claims, options: CallOptions = {}) =>
  callRoute<T>(route, { claims, ...options });

interface KpmView {
  compose?: {
    composeId: string;
    status: string;
    requestedAt: string;
    counts?: Record<string, unknown>;
    error?: string;
  };
  proposal?: { proposalId: string; status: string; recipientCount: number };
}

/** A composition asked for and done, and the kabupaten's composition as the operator then reads it. */
async function compose() {
  const outcome = await composeThroughRoute();
  const view = await call<KpmView>('GetKpm', operator(KAPUAS), {
    ...tahapParams,
    query: { region: KAPUAS },
  });
  return { outcome, view: view.body };
}

beforeAll(async () => {
  await resetTable();
  await seedProgramme();
  await tahapWithRun();
}, 60_000);

describe('composing a KPM list', () => {
  it('lists the families found LAYAK, as the draft of a KPM proposal of their own', async () => {
    await visit(1, 'LAYAK'); // eligible, visited: listed
    await visit(9, 'MAMPU'); // eligible, found well off: dropped
    await visit(5, 'LAYAK'); // excluded for a shared member only: the visit settles it
    await visit(3, 'LAYAK'); // on the PKH list: no visit brings it in

    const { outcome, view } = await compose();
    expect(outcome.kind).toBe('composed');
    expect(view.compose?.status).toBe('COMPLETED');
    expect(view.compose?.counts).toMatchObject({
      listed: 2,
      selected: 1,
      settled: 1,
      droppedByResult: { MAMPU: 1 },
    });
    expect(view.proposal).toEqual({
      proposalId: `KPM-${KAPUAS}-${TAHAP}`,
      status: 'DRAFT',
      recipientCount: 2,
    });

    const rows = await call<{ items: { nik: string; peran: string; family?: { noKk: string } }[] }>(
      'ListRecipients',
      operator(KAPUAS),
      { pathParameters: { proposalId: `KPM-${KAPUAS}-${TAHAP}` } },
    );
    expect(rows.status).toBe(200);
    expect(rows.body.items.map((row) => row.family?.noKk).sort()).toEqual(
      [kk(KAPUAS, 1), kk(KAPUAS, 5)].sort(),
    );
    expect(rows.body.items.every((row) => row.peran === 'KPM')).toBe(true);
  });

  it('keeps KPM proposals out of the BKK listing and lists them with kind=KPM', async () => {
    const bkk = await call<{ items: { proposalId: string }[] }>('ListProposals', operator(KAPUAS));
    expect(bkk.body.items).toEqual([]);
    const kpm = await call<{ items: { proposalId: string; kind: string }[] }>(
      'ListProposals',
      operator(KAPUAS),
      {
        query: { kind: 'KPM' },
      },
    );
    expect(kpm.body.items).toEqual([
      expect.objectContaining({ proposalId: `KPM-${KAPUAS}-${TAHAP}`, kind: 'KPM' }),
    ]);
  });

  it('recomposes a draft in place: same proposal, the new list, the old list gone', async () => {
    const before = await new ProposalsRepository(TABLE).get(`KPM-${KAPUAS}-${TAHAP}`);
    await visit(9, 'LAYAK');
    const { view } = await compose();
    expect(view.proposal).toEqual({
      proposalId: `KPM-${KAPUAS}-${TAHAP}`,
      status: 'DRAFT',
      recipientCount: 3,
    });
    const after = await new ProposalsRepository(TABLE).get(`KPM-${KAPUAS}-${TAHAP}`);
    expect(after?.currentListId).not.toBe(before?.currentListId);
    const old = await new RecipientsRepository(TABLE).page(before?.currentListId ?? '', 10);
    expect(old.items).toEqual([]);
  });

  it('shows in a listed family’s history, and not in a dropped one’s', async () => {
    const historyOf = async (serial: number) => {
      const found = await call<{ items: { familyId: string }[] }>('SearchFamilies', operator(KAPUAS), {
        body: { noKk: kk(KAPUAS, serial) },
      });
      const familyId = found.body.items[0]?.familyId ?? '';
      return (
        await call<{ proposals: { proposalId: string; status: string }[] }>('GetFamily', operator(KAPUAS), {
          pathParameters: { familyId },
        })
      ).body;
    };
    expect((await historyOf(1)).proposals).toEqual([
      { proposalId: `KPM-${KAPUAS}-${TAHAP}`, status: 'DRAFT', tahapId: TAHAP, region: KAPUAS },
    ]);
    expect((await historyOf(2)).proposals).toEqual([]); // desil out of range: never listed
  });

  it('does nothing for a redelivered message of a finished composition', async () => {
    const record = await new KpmRepository(TABLE).get(TAHAP, KAPUAS);
    if (!record) throw new Error('no composition');
    const again = await composeKpm(
      {
        type: 'kpm.compose.requested',
        tahapId: TAHAP,
        region: KAPUAS,
        composeId: record.composeId,
        requestedAt: record.requestedAt,
      },
      familyJobDeps(),
    );
    expect(again).toEqual({ kind: 'skipped', reason: 'done' });
  });

  it('refuses another kabupaten’s operator, a relawan, and a region outside the tahap', async () => {
    const other = await call('ComposeKpm', operator(KOTIM), { ...tahapParams, body: { region: KAPUAS } });
    expect(other.status).toBe(403);
    const relawan = await call(
      'ComposeKpm',
      { ...operator(KAPUAS), groups: '[relawan]' },
      {
        ...tahapParams,
        body: { region: KAPUAS },
      },
    );
    expect(relawan.status).toBe(403);
    const outside = await call<{ reason?: string }>('ComposeKpm', admin(), {
      ...tahapParams,
      body: { region: '62.71' },
    });
    expect(outside.status).toBe(409);
    const bad = await call('ComposeKpm', operator(KAPUAS), { ...tahapParams, body: { region: 'Kapuas' } });
    expect(bad.status).toBe(400);
  });

  it('is not recomposed once submitted', async () => {
    const submitted = await call('SubmitProposal', operator(KAPUAS), {
      pathParameters: { proposalId: `KPM-${KAPUAS}-${TAHAP}` },
      body: {},
    });
    expect(submitted.status).toBe(200);
    const proposal = await new ProposalsRepository(TABLE).get(`KPM-${KAPUAS}-${TAHAP}`);
    expect(proposal?.requiredAgencies).toEqual(['DINSOS', 'DISDUKCAPIL']);
    const again = await call<{ reason?: string }>('ComposeKpm', operator(KAPUAS), {
      ...tahapParams,
      body: { region: KAPUAS },
    });
    expect(again.status).toBe(409);
  });
});
