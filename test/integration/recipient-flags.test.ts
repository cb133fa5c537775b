import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { callRoute, type ErrorBody, importFile, moveTo, verifier } from '../support/api.ts';
import { recreateTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * Filtering a list by a warning or flag code through the flag index (security issue #9, OWASP API4):
 * a filtered page is full until the last, costs a bounded number of DynamoDB calls however rare the
 * code, and follows the checks when they remove a flag. The list is imported and checked for real.
 */

const env = useEmulatorEnv();
// Modules that create SDK clients at import time come after the environment is set.
const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } = await import(
  '@aws-sdk/lib-dynamodb'
);
const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
const { RecipientsRepository } = await import('#shared/adapters/recipients-repo.ts');
const { RegistryRepository } = await import('#shared/adapters/registry-repo.ts');
const { flagIndexKey, flagIndexPrefix, LIST_SHARDS, listPartition, shardOf } = await import(
  '#shared/adapters/keys.ts'
);
const { runChecks } = await import('../../functions/checks/run-checks.ts');
const { WaiverReader } = await import('../../functions/checks/waivers.ts');
type StoredRecipient = import('#shared/model.ts').StoredRecipient;
type RecipientPage = import('#shared/adapters/recipients-repo.ts').RecipientPage;

const TABLE = env.TABLE_NAME as string;
const PERIOD = '2027-S1';
const KOBAR = '62.01';
const KAPUAS = '62.03';

/** Rows of Kotawaringin Barat's list. */
const ROWS = 2_400;
/** A blocking flag of the checks on 1 % of the rows: their NIKs are in Kapuas's list too. */
const RARE = 'NIK_IN_OTHER_LIST';
const rare = (i: number) => i % 100 === 0;
/** An import warning on 30 % of the rows: a NIK typed with dots. */
const COMMON = 'NIK_CLEANED';
const common = (i: number) => i % 10 === 0 || i % 10 === 3 || i % 10 === 6;
/** A known code that no recipient carries. */
const ABSENT = 'UNDER_AGE';

/** NIK of data row i: registered in Kumai (62.01.01), born 12-03-1985, serial i. */
const nik = (i: number) => `620101120385${String(i).padStart(4, '0')}`;
const dotted = (value: string) =>
  `${value.slice(0, 4)}.${value.slice(4, 8)}.${value.slice(8, 12)}.${value.slice(12)}`;
const name = (i: number) =>
  `Warga ${[...i.toString(26)].map((d) => String.fromCharCode(97 + Number.parseInt(d, 26))).join('')}`;

function kobarCsv(): string {
  const lines = ['No;NIK;Nama Lengkap;Jabatan;Kecamatan;Desa/Kelurahan;RT;No Rekening;Atas Nama'];
  for (let i = 1; i <= ROWS; i++) {
    const value = common(i) ? dotted(nik(i)) : nik(i);
    lines.push(`${i};${value};${name(i)};Babinsa;Kumai;Candi;;${1_000_000_000 + i};${name(i)}`);
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Kapuas's list: the NIKs of Kotawaringin Barat's rare rows, each with its own account. */
function kapuasCsv(): string {
  const lines = ['No;NIK;Nama Lengkap;Jabatan;Kecamatan;Desa/Kelurahan;RT;No Rekening;Atas Nama'];
  for (let i = 1; i <= ROWS; i++) {
    if (rare(i))
      lines.push(`${i};${nik(i)};${name(i)};Babinsa;Selat;Murung Keramat;;${2_000_000_000 + i};${name(i)}`);
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Imports a region's list for the period; resolves with the region's proposal. */
async function importCsv(region: string, body: string): Promise<string> {
  const { outcome, proposalId } = await importFile(region, PERIOD, body);
  expect(outcome).toMatchObject({ kind: 'completed', record: { counts: { rejected: 0 } } });
  return proposalId;
}

/** The real checks worker's run on a region's current list (re-check requests are dropped). */
async function check(region: string, runId: string) {
  const proposal = await new ProposalsRepository(TABLE).getCurrent(region, PERIOD);
  if (!proposal?.currentListId) throw new Error(`no list for ${region}`);
  const outcome = await runChecks(
    {
      type: 'checks.requested',
      proposalId: proposal.proposalId,
      listId: proposal.currentListId,
      trigger: proposal.checks ? 'recheck' : 'submit',
      requestedAt: new Date().toISOString(),
    },
    runId,
    {
      proposals: new ProposalsRepository(TABLE),
      recipients: new RecipientsRepository(TABLE),
      registry: new RegistryRepository(TABLE),
      waivers: new WaiverReader(TABLE),
      tableName: TABLE,
    },
  );
  if (outcome.kind !== 'completed') throw new Error(`checks skipped: ${outcome.reason}`);
  return outcome;
}

/** The repository under test, on a client whose `send` is spied on (counted, passed through). */
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: env.AWS_ENDPOINT_URL_DYNAMODB }), {
  marshallOptions: { removeUndefinedValues: true },
});
const send = vi.spyOn(client, 'send');
const repo = new RecipientsRepository(TABLE, client);

interface CountedPage extends RecipientPage {
  readonly calls: Readonly<Record<string, number>>;
}

async function countedPage(limit: number, cursor?: string, filter?: string): Promise<CountedPage> {
  const before = send.mock.calls.length;
  const page = await repo.page(listId, limit, cursor, filter);
  const calls: Record<string, number> = {};
  for (const [command] of send.mock.calls.slice(before)) {
    const operation = command.constructor.name.replace(/Command$/, '');
    calls[operation] = (calls[operation] ?? 0) + 1;
  }
  return { ...page, calls };
}

async function allPages(limit: number, filter?: string): Promise<CountedPage[]> {
  const pages: CountedPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await countedPage(limit, cursor, filter);
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > ROWS) throw new Error('paging does not end');
  } while (cursor);
  return pages;
}

/** Every page but the last has `limit` items and a cursor; the last has no cursor. */
function expectFullUntilTheLast(pages: readonly CountedPage[], limit: number): void {
  pages.forEach((page, index) => {
    const last = index === pages.length - 1;
    if (last) {
      expect(page.nextCursor, `page ${index + 1} is the last`).toBeUndefined();
      expect(page.items.length).toBeLessThanOrEqual(limit);
    } else {
      expect(page.items, `page ${index + 1} of ${pages.length}`).toHaveLength(limit);
      expect(page.nextCursor).toEqual(expect.any(String));
    }
  });
}

/** A list's order: shard by shard, rows ascending in each. */
const listOrder = (a: StoredRecipient, b: StoredRecipient) =>
  shardOf(a.row) - shardOf(b.row) || a.row - b.row;

const carrying = (code: string) =>
  everyone.filter((recipient) => recipient.warnings.includes(code) || recipient.flagCodes?.includes(code));

/** Flag index entries of `code` in the list's partitions, read directly. */
async function indexEntries(code: string): Promise<number[]> {
  const rows: number[] = [];
  for (let shard = 0; shard < LIST_SHARDS; shard++) {
    const out = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': listPartition(listId, shard), ':prefix': flagIndexPrefix(code) },
      }),
    );
    for (const item of out.Items ?? []) rows.push(Number(String(item.sk).slice(-7)));
  }
  return rows.sort((a, b) => a - b);
}

let kobarProposal = '';
let kapuasProposal = '';
let listId = '';
/** Every recipient of the list as `stream()` reads it, in list order. */
let everyone: StoredRecipient[] = [];

async function readEveryone(): Promise<StoredRecipient[]> {
  const all: StoredRecipient[] = [];
  for await (const { recipient } of new RecipientsRepository(TABLE).stream(listId)) all.push(recipient);
  return all;
}

beforeAll(async () => {
  await recreateTable();
  // Kapuas submits first and is checked: its NIKs are in the period's registry.
  kapuasProposal = await importCsv(KAPUAS, kapuasCsv());
  await moveTo(kapuasProposal, 'SUBMITTED');
  await check(KAPUAS, 'run-kapuas');
  kobarProposal = await importCsv(KOBAR, kobarCsv());
  await moveTo(kobarProposal, 'SUBMITTED');
  const outcome = await check(KOBAR, 'run-kobar-1');
  expect(outcome.counts.byCode[RARE]).toBe(ROWS / 100);
  listId = (await new ProposalsRepository(TABLE).get(kobarProposal))?.currentListId ?? '';
  everyone = await readEveryone();
}, 120_000);

afterAll(async () => {
  await recreateTable();
});

describe('a list filtered by a warning or flag code', () => {
  it('has the rare flag and the common warning on the rows planted, and an index entry for each', async () => {
    expect(everyone).toHaveLength(ROWS);
    expect(carrying(RARE).map((recipient) => recipient.row)).toEqual(
      // Data row i of the file is source row i + 1 (one header line).
      everyone.filter((recipient) => rare(recipient.row - 1)).map((recipient) => recipient.row),
    );
    expect(carrying(COMMON)).toHaveLength((ROWS * 3) / 10);
    expect(carrying(ABSENT)).toEqual([]);
    const sorted = (list: StoredRecipient[]) => list.map((recipient) => recipient.row).sort((a, b) => a - b);
    expect(await indexEntries(RARE)).toEqual(sorted(carrying(RARE)));
    expect(await indexEntries(COMMON)).toEqual(sorted(carrying(COMMON)));
  });

  it.each([
    [RARE, 5],
    [RARE, 24],
    [RARE, 500],
    [COMMON, 100],
    [COMMON, 120],
    [COMMON, 500],
  ])(
    '%s, limit %i: pages full until the last, together exactly the recipients carrying it',
    async (code, limit) => {
      const pages = await allPages(limit, code);
      expectFullUntilTheLast(pages, limit);
      const expected = carrying(code).sort(listOrder);
      expect(pages).toHaveLength(Math.max(1, Math.ceil(expected.length / limit)));
      expect(pages.flatMap((page) => page.items.map((recipient) => recipient.recipientId))).toEqual(
        expected.map((recipient) => recipient.recipientId),
      );
      for (const page of pages) {
        // Bounded: one Query per shard at most, and BatchGetItem for limit + 1 keys.
        expect(Object.keys(page.calls).sort()).toEqual(['BatchGet', 'Query']);
        expect(page.calls.Query).toBeLessThanOrEqual(LIST_SHARDS);
        expect(page.calls.BatchGet).toBeLessThanOrEqual(Math.ceil((limit + 1) / 100));
      }
    },
  );

  it('an absent code answers no items and no cursor with one Query per shard', async () => {
    const page = await countedPage(500, undefined, ABSENT);
    expect(page).toEqual({ items: [], nextCursor: undefined, calls: { Query: LIST_SHARDS } });

    const reply = await callRoute<{ items: unknown[]; nextCursor: string | null }>('ListRecipients', {
      claims: verifier('DINSOS'),
      pathParameters: { proposalId: kobarProposal },
      query: { flag: ABSENT, limit: '1' },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ items: [], nextCursor: null });
  });

  it('the API refuses a code that is neither a warning nor a flag, with a 400 that says so', async () => {
    const reply = await callRoute<ErrorBody>('ListRecipients', {
      claims: verifier('DINSOS'),
      pathParameters: { proposalId: kobarProposal },
      query: { flag: 'ZZZ_NONE', limit: '1' },
    });
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body.error.details)).toContain('Kode tidak dikenal');
    const page = await callRoute<{ items: { flagCodes?: string[] }[]; nextCursor: string | null }>(
      'ListRecipients',
      {
        claims: verifier('DINSOS'),
        pathParameters: { proposalId: kobarProposal },
        query: { flag: RARE, limit: '10' },
      },
    );
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(10);
    for (const item of page.body.items) expect(item.flagCodes).toContain(RARE);
  });

  it.each([250, 300, 2_400, 500])(
    'unfiltered, limit %i: every recipient exactly once, in list order, and no index entry',
    async (limit) => {
      const pages = await allPages(limit);
      expectFullUntilTheLast(pages, limit);
      expect(pages).toHaveLength(Math.ceil(ROWS / limit));
      const ids = pages.flatMap((page) => page.items.map((recipient) => recipient.recipientId));
      expect(ids).toEqual(everyone.map((recipient) => recipient.recipientId));
      for (const page of pages) {
        expect(Object.keys(page.calls)).toEqual(['Query']);
        expect(page.calls.Query).toBeLessThanOrEqual(LIST_SHARDS);
        for (const recipient of page.items) expect(recipient.nik).toMatch(/^\d{16}$/);
      }
    },
  );

  it('skips an index entry whose recipient does not carry the code, and still fills the page', async () => {
    const plain = everyone.find((recipient) => !recipient.warnings.includes(COMMON));
    if (!plain) throw new Error('no recipient without the warning');
    const stale = flagIndexKey(listId, COMMON, plain.row);
    await client.send(new PutCommand({ TableName: TABLE, Item: stale }));
    try {
      const pages = await allPages(100, COMMON);
      expectFullUntilTheLast(pages, 100);
      expect(pages.flatMap((page) => page.items.map((recipient) => recipient.row))).toEqual(
        carrying(COMMON)
          .sort(listOrder)
          .map((recipient) => recipient.row),
      );
    } finally {
      await client.send(new DeleteCommand({ TableName: TABLE, Key: stale }));
    }
  });

  it('a checks run that removes a flag removes it from the filtered pages, keeping the warnings', async () => {
    // Kapuas's list is rejected: it no longer counts against anyone.
    await moveTo(kapuasProposal, 'REJECTED');
    const outcome = await check(KOBAR, 'run-kobar-2');
    expect(outcome).toMatchObject({ written: ROWS / 100, flagIndexWrites: ROWS / 100 });
    expect(outcome.counts.byCode[RARE]).toBe(0);

    expect(await countedPage(500, undefined, RARE)).toMatchObject({ items: [], nextCursor: undefined });
    expect(await indexEntries(RARE)).toEqual([]);
    everyone = await readEveryone();
    expect(carrying(RARE)).toEqual([]);
    const warned = await allPages(500, COMMON);
    expect(warned.flatMap((page) => page.items)).toHaveLength((ROWS * 3) / 10);
  });

  it('a checks run puts back a missing entry and deletes a left-over one', async () => {
    const warned = carrying(COMMON)[0];
    const plain = everyone.find((recipient) => !recipient.warnings.includes(COMMON));
    if (!warned || !plain) throw new Error('fixture');
    // As a crash between an item and its entries would leave them.
    await client.send(new DeleteCommand({ TableName: TABLE, Key: flagIndexKey(listId, COMMON, warned.row) }));
    await client.send(new PutCommand({ TableName: TABLE, Item: flagIndexKey(listId, COMMON, plain.row) }));
    const outcome = await check(KOBAR, 'run-kobar-3');
    expect(outcome).toMatchObject({ written: 0, flagIndexWrites: 2 });
    expect(await indexEntries(COMMON)).toEqual(
      carrying(COMMON)
        .map((recipient) => recipient.row)
        .sort((a, b) => a - b),
    );
    // Nothing left to put right: the next run writes nothing.
    expect(await check(KOBAR, 'run-kobar-4')).toMatchObject({ written: 0, flagIndexWrites: 0 });
  });

  it('deleting the list deletes its index entries too', async () => {
    const deleted = await repo.deleteList(listId);
    expect(deleted).toBe(ROWS + (ROWS * 3) / 10);
    expect(await indexEntries(COMMON)).toEqual([]);
    expect(await countedPage(10)).toMatchObject({ items: [], nextCursor: undefined });
  });
});
