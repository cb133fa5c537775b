import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditor, callRoute, type ErrorBody, importFile, nameOf, operator } from '../support/api.ts';
import { recreateTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * Searching a list by name (issue #13): `POST /proposals/{id}/recipients/search`, the name in the
 * body, never in a URL. Matches ignore case, accents and spacing, come from every shard in list
 * order, page by the list's own opaque cursor, respect a warning filter, are masked for auditors,
 * and each call reads a bounded number of items. The list is imported for real.
 */

const env = useEmulatorEnv();
const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
const { RecipientsRepository } = await import('#shared/adapters/recipients-repo.ts');
const { LIST_SHARDS, shardOf } = await import('#shared/adapters/keys.ts');
type StoredRecipient = import('#shared/model.ts').StoredRecipient;

const TABLE = env.TABLE_NAME as string;
const PERIOD = '2027-S2';
const KAPUAS = '62.03';
const KOBAR = '62.01';
const ROWS = 700;

/** Every 35th data row is a `Siti …`, written three ways; every other one of them has a dotted NIK. */
const planted = (i: number) => i % 35 === 7;
const sitiName = (i: number) => {
  const rest = nameOf(i).replace('Warga ', '');
  return [`Siti Aminah ${rest}`, `SITI  nur'aini ${rest}`, `Sití Rahma ${rest}`][i % 3] ?? '';
};
const dotted = (i: number) => planted(i) && i % 2 === 0;
const nik = (i: number) => `620301120385${String(i).padStart(4, '0')}`;
const withDots = (value: string) =>
  `${value.slice(0, 4)}.${value.slice(4, 8)}.${value.slice(8, 12)}.${value.slice(12)}`;

function kapuasCsv(): string {
  const lines = ['No;NIK;Nama Lengkap;Jabatan;Kecamatan;Desa/Kelurahan;RT;No Rekening;Atas Nama'];
  for (let i = 1; i <= ROWS; i++) {
    const name = planted(i) ? sitiName(i) : nameOf(i);
    const value = dotted(i) ? withDots(nik(i)) : nik(i);
    lines.push(`${i};${value};${name};Ketua RT;Kec. Selat;Murung Keramat;${i};${1_000_000_000 + i};${name}`);
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Data row i is source row i + 1 (after the header). */
const plantedRows = Array.from({ length: ROWS }, (_, index) => index + 1)
  .filter(planted)
  .map((i) => i + 1);
const listOrder = (a: number, b: number) => shardOf(a) - shardOf(b) || a - b;

interface SearchPage {
  readonly items: StoredRecipient[];
  readonly nextCursor: string | null;
  readonly examined: number;
}

let proposalId = '';
let listId = '';

async function search(body: Record<string, unknown>, claims = operator(KAPUAS)) {
  return callRoute<SearchPage>('SearchRecipients', { claims, pathParameters: { proposalId }, body });
}

/** Every page of a search through the route, following the cursors. */
async function allPages(body: Record<string, unknown>, claims = operator(KAPUAS)): Promise<SearchPage[]> {
  const pages: SearchPage[] = [];
  let cursor: string | undefined;
  do {
    const reply = await search({ ...body, ...(cursor ? { cursor } : {}) }, claims);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    pages.push(reply.body);
    cursor = reply.body.nextCursor ?? undefined;
    if (pages.length > ROWS) throw new Error('paging does not end');
  } while (cursor);
  return pages;
}

beforeAll(async () => {
  await recreateTable();
  const imported = await importFile(KAPUAS, PERIOD, kapuasCsv());
  expect(imported.outcome).toMatchObject({ kind: 'completed', record: { counts: { rejected: 0 } } });
  proposalId = imported.proposalId;
  listId = imported.listId ?? '';
}, 120_000);

afterAll(async () => {
  await recreateTable();
});

describe('searching a list by name', () => {
  it('plants the names in many shards', () => {
    expect(plantedRows).toHaveLength(20);
    expect(new Set(plantedRows.map(shardOf)).size).toBeGreaterThan(10);
  });

  it.each([
    ['siti', 2],
    ['SITI', 7],
    ['  sItI ', 50],
  ])(
    '"%s", limit %i: every Siti exactly once, across shards, in list order, pages full until the last',
    async (q, limit) => {
      const pages = await allPages({ q, limit });
      const rows = pages.flatMap((page) => page.items.map((item) => item.row));
      expect(rows).toEqual([...plantedRows].sort(listOrder));
      pages.forEach((page, index) => {
        const last = index === pages.length - 1;
        expect(page.nextCursor === null).toBe(last);
        if (!last) expect(page.items).toHaveLength(limit);
        // The whole list is under one call's read budget: each page reads at most the rest of it.
        expect(page.examined).toBeLessThanOrEqual(ROWS);
      });
      // The people who work the list read the NIK whole.
      for (const page of pages) for (const item of page.items) expect(item.nik).toMatch(/^\d{16}$/);
    },
  );

  it('ignores accents, apostrophes and doubled spaces; a fragment inside a name matches too', async () => {
    const [sitiAccented] = await allPages({ q: 'SÍTÍ', limit: 100 });
    expect(sitiAccented?.items).toHaveLength(20);
    const [nuraini] = await allPages({ q: 'Siti Nuraini', limit: 100 });
    expect(nuraini?.items.map((item) => item.nama)).toEqual(
      plantedRows
        .filter((row) => (row - 1) % 3 === 1)
        .sort(listOrder)
        // The import folds runs of spaces.
        .map((row) => sitiName(row - 1).replace(/\s+/g, ' ')),
    );
    const [rahma] = await allPages({ q: 'ahma', limit: 100 });
    expect(rahma?.items.every((item) => item.nama.startsWith('Sití Rahma'))).toBe(true);
    expect(rahma?.items).toHaveLength(plantedRows.filter((row) => (row - 1) % 3 === 2).length);
  });

  it('with a warning filter: only the Sitis whose NIK was typed with dots', async () => {
    const pages = await allPages({ q: 'siti', flag: 'NIK_CLEANED', limit: 3 });
    const items = pages.flatMap((page) => page.items);
    expect(items.map((item) => item.row)).toEqual(
      plantedRows.filter((row) => dotted(row - 1)).sort(listOrder),
    );
    for (const item of items) expect(item.warnings).toContain('NIK_CLEANED');
  });

  it('masks NIK and account number for an auditor', async () => {
    const [page] = await allPages({ q: 'siti', limit: 100 }, auditor());
    expect(page?.items).toHaveLength(20);
    for (const item of page?.items ?? []) {
      expect(item.nik).toMatch(/^620301\*{6}\d{4}$/);
      expect(item.noRekening).toMatch(/^\*+\d{4}$/);
    }
  });

  it("refuses another region's operator (403), a name under 2 letters and a name in the query (400)", async () => {
    const other = await search({ q: 'siti' }, operator(KOBAR));
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(JSON.stringify(other.body)).not.toContain('Siti');

    for (const q of ['s', "'-", ' ']) {
      const short = await callRoute<ErrorBody>('SearchRecipients', {
        claims: operator(KAPUAS),
        pathParameters: { proposalId },
        body: { q },
      });
      expect(short.status, q).toBe(400);
    }
    const unknownCode = await search({ q: 'siti', flag: 'ZZZ_NONE' });
    expect(unknownCode.status).toBe(400);
    const forged = await search({ q: 'siti', cursor: 'eyJzaGFyZCI6OTl9' });
    expect(forged.status).toBe(400);
    const extra = await search({ q: 'siti', nik: nik(7) });
    expect(extra.status).toBe(400);
  });

  it('bounds the work of one call: at most `budget` items read, short pages carry a cursor', async () => {
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: env.AWS_ENDPOINT_URL_DYNAMODB }),
    );
    const send = vi.spyOn(client, 'send');
    const repo = new RecipientsRepository(TABLE, client);
    const BUDGET = 60;
    const found: number[] = [];
    let cursor: string | undefined;
    let calls = 0;
    let empty = 0;
    do {
      const before = send.mock.calls.length;
      const page = await repo.search(listId, { query: 'rahma', limit: 5, cursor, budget: BUDGET });
      calls++;
      expect(page.examined).toBeLessThanOrEqual(BUDGET);
      // One Query per shard at most, however few matches it finds.
      expect(send.mock.calls.length - before).toBeLessThanOrEqual(LIST_SHARDS);
      if (page.items.length === 0 && page.nextCursor) empty++;
      found.push(...page.items.map((item) => item.row));
      cursor = page.nextCursor;
    } while (cursor && calls < 100);
    expect(found).toEqual(plantedRows.filter((row) => (row - 1) % 3 === 2).sort(listOrder));
    // 700 rows at 60 a call: at least 12 calls, some of them with no match yet but a cursor.
    expect(calls).toBeGreaterThanOrEqual(Math.ceil(ROWS / BUDGET));
    expect(empty).toBeGreaterThan(0);
  });
});
