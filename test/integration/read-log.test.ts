import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  auditor,
  type CallOptions,
  type Claims,
  callRoute,
  importList,
  operator,
  type RouteId,
} from '../support/api.ts';
import { resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The read log of bulk reads (issue #14, UU PDP): a desa's verval sheet, families and verval
 * progress, and a KPM list's pages and searches each write one read log item keyed by what was
 * read (`READLOG#DESA#<tahapId>#<desa>`, `READLOG#LIST#<listId>`), never one per family; a BKK
 * list's pages write none; a family's reads (`GET /families/{familyId}/reads`) show the bulk reads
 * that covered it; a read that cannot be logged is not served.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const env = useEmulatorEnv();
const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
const { documentClient: client } = await import('#shared/adapters/clients/dynamodb.ts');
const { FamilyDirectoryRepository } = await import('#shared/adapters/family-directory-repo.ts');
const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
const { DESA, KAPUAS, KOTIM, TAHAP, composeThroughRoute, kk, recordVisit, seedProgramme, tahapWithRun } =
  await import('../support/families.ts');

const TABLE = () => env.TABLE_NAME as string;
const KOTIM_DESA = `${KOTIM}.01.2001`;
const KPM = `KPM-${KAPUAS}-${TAHAP}`;
const call = <T = Record<string, unknown>>(route: RouteId, claims: Claims, options: CallOptions = {}) =>
  callRoute<T>(route, { claims, ...options });
/** An operator of `region` with a sub of its own, so that their reads can be listed apart. */
const reader = (sub: string, region = KAPUAS): Claims => ({
  ...operator(region),
  sub,
  name: `Petugas ${sub}`,
});
const tahapParams = { pathParameters: { tahapId: TAHAP } };

let bkkProposalId = '';

/** Every read log item one person wrote (gsi1 `READLOG#BY#<sub>`), with its keys. */
async function readsBy(sub: string): Promise<Record<string, unknown>[]> {
  const out = await client.send(
    new QueryCommand({
      TableName: TABLE(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `READLOG#BY#${sub}` },
    }),
  );
  return out.Items ?? [];
}

/** A log item carries no full NIK or No KK (16 digits) and no family member's name. */
function expectNoPersonalData(item: Record<string, unknown>): void {
  const text = JSON.stringify(item);
  expect(text).not.toMatch(/\d{16}/);
  expect(text).not.toContain('Warga');
}

async function expectOneBulkRead(sub: string, pk: string, route: string, read: Record<string, unknown>) {
  const items = await readsBy(sub);
  expect(items).toHaveLength(1);
  const item = items[0] ?? {};
  expect(item).toMatchObject({
    pk,
    route,
    who: { sub, name: `Petugas ${sub}`, role: 'operator', region: sub.startsWith('kotim') ? KOTIM : KAPUAS },
    read,
  });
  expect(String(item.sk)).toMatch(/^\d{4}-\d{2}-\d{2}T.+Z#[0-9a-f]{16}$/);
  expect(item.gsi1sk).toBe(item.at);
  expectNoPersonalData(item);
  return item;
}

beforeAll(async () => {
  await resetTable();
  await seedProgramme();
  await tahapWithRun();
  await recordVisit(1, 'LAYAK');
  await recordVisit(9, 'LAYAK');
  const composed = await composeThroughRoute();
  expect(composed.kind).toBe('composed');
  const bkk = await importList(KAPUAS, '2027-S2', 3);
  bkkProposalId = bkk.proposalId;
}, 120_000);

afterEach(() => {
  vi.restoreAllMocks();
});

async function kpmListId(): Promise<string> {
  const proposal = await new ProposalsRepository(TABLE()).get(KPM);
  if (!proposal?.currentListId) throw new Error('no KPM list');
  return proposal.currentListId;
}

describe('bulk reads of families', () => {
  it('a desa verval sheet download is one read log item naming who and what', async () => {
    const file = await call<{ families: number }>('GetTahapFile', reader('op-sheet'), {
      pathParameters: { tahapId: TAHAP, kind: 'verval' },
      query: { desa: DESA },
    });
    expect(file.status).toBe(200);
    await expectOneBulkRead('op-sheet', `READLOG#DESA#${TAHAP}#${DESA}`, 'GetTahapFile', {
      kind: 'DESA',
      tahapId: TAHAP,
      desaCode: DESA,
      families: file.body.families,
    });
  });

  it("a desa's families page is one item each, the next page's cursor logged masked", async () => {
    const who = reader('op-families');
    const first = await call<{ items: unknown[]; nextCursor?: string }>('SearchTahapFamilies', who, {
      ...tahapParams,
      body: { desa: DESA, limit: 2 },
    });
    expect(first.status).toBe(200);
    await expectOneBulkRead('op-families', `READLOG#DESA#${TAHAP}#${DESA}`, 'SearchTahapFamilies', {
      kind: 'DESA',
      tahapId: TAHAP,
      desaCode: DESA,
      families: 2,
    });
    expect(first.body.nextCursor).toBeDefined();
    const second = await call('SearchTahapFamilies', who, {
      ...tahapParams,
      body: { desa: DESA, limit: 2, cursor: first.body.nextCursor, status: 'EXCLUDED' },
    });
    expect(second.status).toBe(200);
    const items = await readsBy('op-families');
    expect(items).toHaveLength(2);
    const paged = items.find((item) => (item.read as { page?: string }).page !== undefined);
    expect(paged?.read).toMatchObject({ filter: 'EXCLUDED', page: expect.stringMatching(/\*/) });
    for (const item of items) expectNoPersonalData(item);
  });

  it("a desa's verval progress is one item", async () => {
    const progress = await call<{ toVisitKk: unknown[] }>('GetVervalProgress', reader('op-progress'), {
      ...tahapParams,
      query: { desa: DESA },
    });
    expect(progress.status).toBe(200);
    await expectOneBulkRead('op-progress', `READLOG#DESA#${TAHAP}#${DESA}`, 'GetVervalProgress', {
      kind: 'DESA',
      desaCode: DESA,
      families: progress.body.toVisitKk.length,
    });
  });

  it("a KPM list's page and a search of it are one item each, keyed by the list read", async () => {
    const listId = await kpmListId();
    const page = await call<{ items: unknown[] }>('ListRecipients', reader('op-list'), {
      pathParameters: { proposalId: KPM },
    });
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    await expectOneBulkRead('op-list', `READLOG#LIST#${listId}`, 'ListRecipients', {
      kind: 'LIST',
      proposalId: KPM,
      listId,
      families: page.body.items.length,
    });

    const found = await call<{ items: unknown[] }>('SearchRecipients', reader('op-list-search'), {
      pathParameters: { proposalId: KPM },
      body: { q: 'warga' },
    });
    expect(found.status).toBe(200);
    const item = await expectOneBulkRead('op-list-search', `READLOG#LIST#${listId}`, 'SearchRecipients', {
      kind: 'LIST',
      proposalId: KPM,
      listId,
      nameSearch: true,
      families: found.body.items.length,
    });
    // The name searched for is never logged.
    expect(JSON.stringify(item).toLowerCase()).not.toContain('warga');
  });

  it("a BKK list's pages are not family data: nothing is logged", async () => {
    const who = reader('op-bkk');
    const page = await call<{ items: unknown[] }>('ListRecipients', who, {
      pathParameters: { proposalId: bkkProposalId },
    });
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBe(3);
    const found = await call('SearchRecipients', who, {
      pathParameters: { proposalId: bkkProposalId },
      body: { q: 'ab' },
    });
    expect(found.status).toBe(200);
    expect(await readsBy('op-bkk')).toEqual([]);
  });

  it('a read that cannot be logged answers 500 and serves nothing', async () => {
    vi.spyOn(FamilyDirectoryRepository.prototype, 'logReads').mockRejectedValue(new Error('throttled'));
    const file = await call<Record<string, unknown>>('GetTahapFile', reader('op-fail'), {
      pathParameters: { tahapId: TAHAP, kind: 'verval' },
      query: { desa: DESA },
    });
    expect(file.status).toBe(500);
    expect(file.body).not.toHaveProperty('url');
    const page = await call<Record<string, unknown>>('ListRecipients', reader('op-fail'), {
      pathParameters: { proposalId: KPM },
    });
    expect(page.status).toBe(500);
    expect(page.body).not.toHaveProperty('items');
    const families = await call<Record<string, unknown>>('SearchTahapFamilies', reader('op-fail'), {
      ...tahapParams,
      body: { desa: DESA },
    });
    expect(families.status).toBe(500);
    expect(families.body).not.toHaveProperty('items');
    const progress = await call<Record<string, unknown>>('GetVervalProgress', reader('op-fail'), {
      ...tahapParams,
      query: { desa: DESA },
    });
    expect(progress.status).toBe(500);
    expect(progress.body).not.toHaveProperty('results');
  });
});

describe("a family's reads", () => {
  interface Reads {
    items: { route: string; who: { sub: string } }[];
    covering: { route: string; who: { sub: string }; read: Record<string, unknown> }[];
  }

  it('show the bulk reads that covered the family, and not reads of another desa', async () => {
    const coverer = reader('op-cover');
    const sheet = await call('GetTahapFile', coverer, {
      pathParameters: { tahapId: TAHAP, kind: 'verval' },
      query: { desa: DESA },
    });
    expect(sheet.status).toBe(200);
    expect((await call('ListRecipients', coverer, { pathParameters: { proposalId: KPM } })).status).toBe(200);
    const elsewhere = await call('GetTahapFile', reader('kotim-sheet', KOTIM), {
      pathParameters: { tahapId: TAHAP, kind: 'verval' },
      query: { desa: KOTIM_DESA },
    });
    expect(elsewhere.status).toBe(200);

    const found = await call<{ items: { familyId: string }[] }>('SearchFamilies', auditor(), {
      body: { noKk: kk(KAPUAS, 1) },
    });
    expect(found.status).toBe(200);
    const familyId = found.body.items[0]?.familyId ?? '';
    const reads = await call<Reads>('ListFamilyReads', auditor(), { pathParameters: { familyId } });
    expect(reads.status).toBe(200);
    // The direct reads stay as they were: the auditor's search.
    expect(reads.body.items).toEqual([expect.objectContaining({ route: 'SearchFamilies' })]);
    const listId = await kpmListId();
    const mine = reads.body.covering.filter((read) => read.who.sub === 'op-cover');
    expect(mine).toEqual([
      expect.objectContaining({
        route: 'ListRecipients',
        read: expect.objectContaining({ kind: 'LIST', listId }),
      }),
      expect.objectContaining({
        route: 'GetTahapFile',
        read: expect.objectContaining({ kind: 'DESA', tahapId: TAHAP, desaCode: DESA }),
      }),
    ]);
    expect(reads.body.covering.some((read) => read.who.sub === 'kotim-sheet')).toBe(false);
    expect(reads.body.covering.every((read) => read.read.desaCode !== KOTIM_DESA)).toBe(true);
    const ats = reads.body.covering.map((read) => (read as unknown as { at: string }).at);
    expect(ats).toEqual([...ats].sort().reverse());
    expect(reads.body.covering.length).toBeLessThanOrEqual(100);
  });
});
