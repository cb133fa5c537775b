import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, dynamoClient } from '#shared/adapters/clients.ts';
import type { LocalStack } from '../../local/stack.ts';
import { nameOf, nik } from '../support/api.ts';
import { OWN, type ProbeRequest, send, startProbeStack, tokenFor, uploadList } from './support.ts';

/**
 * The worst request per list route, priced in DynamoDB calls (not in seconds: a count does not
 * depend on the machine). A signed-in reader must not be able to make one request cost a call per
 * row: before the flag index, `?flag=<absent>&limit=1` on this list made one Query per row (3,000),
 * and on a 100,000-row list ran into the API's 30 s timeout. The handlers run in this process, so a
 * middleware on the shared DynamoDB client counts every call they make.
 */

const ROWS = 3_000;
/** Calls one page may cost, whatever the list's size: 32 shard Queries + BatchGets + the proposal. */
const PAGE_BUDGET = 45;

let stack: LocalStack;
let proposalId: string;
let calls = 0;

function countCalls(): void {
  const stacks = new Set([dynamoClient.middlewareStack, documentClient.middlewareStack]);
  for (const middleware of stacks) {
    middleware.add(
      (next) => async (args) => {
        calls++;
        return next(args);
      },
      { step: 'initialize', name: 'probeCallCounter', override: true },
    );
  }
}

/** A list of {@link ROWS} Ketua RT, every third with an account in another name (a warning). */
function bigList(): string {
  const lines = ['No;NIK;Nama Lengkap;Jabatan;Kecamatan;Desa/Kelurahan;RT;No Rekening;Atas Nama'];
  for (let i = 1; i <= ROWS; i++) {
    const holder = i % 3 === 0 ? 'Pemilik Lain' : nameOf(i);
    lines.push(
      `${i};${nik(i, '6201')};${nameOf(i)};Ketua RT;Kec. Kumai;Desa Candi;${(i % 40) + 1};${2000000000 + i};${holder}`,
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

beforeAll(async () => {
  stack = await startProbeStack();
  ({ proposalId } = await uploadList(stack, OWN, '2026-S1', ROWS, bigList()));
  countCalls();
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

async function costOf(request: ProbeRequest, token: string) {
  await stack.whenIdle();
  const before = calls;
  const reply = await send(stack, request, token);
  return { reply, calls: calls - before };
}

describe('the worst request per list route costs a bounded number of reads', () => {
  it('counts the handlers’ calls (the counter is wired to the clients they use)', async () => {
    const { reply, calls: used } = await costOf(
      { method: 'GET', path: `/proposals/${proposalId}` },
      await tokenFor({ groups: ['auditor'] }),
    );
    expect(reply.status).toBe(200);
    expect(used).toBeGreaterThan(0);
  });

  it('recipients filtered by a code nobody has: an empty last page, not a call per row', async () => {
    const token = await tokenFor({ groups: ['verifier'], opd: 'DINSOS' });
    const { reply, calls: used } = await costOf(
      { method: 'GET', path: `/proposals/${proposalId}/recipients?flag=UNDER_AGE&limit=1` },
      token,
    );
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ items: [], nextCursor: null });
    expect(used).toBeLessThanOrEqual(PAGE_BUDGET);
  });

  it('recipients filtered by a common code: a full page of 500 within the same budget', async () => {
    const token = await tokenFor({ groups: ['verifier'], opd: 'DINSOS' });
    const { reply, calls: used } = await costOf(
      { method: 'GET', path: `/proposals/${proposalId}/recipients?flag=ACCOUNT_NAME_MISMATCH&limit=500` },
      token,
    );
    expect(reply.status).toBe(200);
    const page = reply.json as { items: { warnings?: string[] }[]; nextCursor: string | null };
    expect(page.items).toHaveLength(500);
    for (const item of page.items) expect(item.warnings).toContain('ACCOUNT_NAME_MISMATCH');
    expect(page.nextCursor).not.toBeNull();
    expect(used).toBeLessThanOrEqual(PAGE_BUDGET);
  });

  it('every page of the whole list, filtered or not, stays within the budget and comes back full', async () => {
    const token = await tokenFor({ groups: ['auditor'] });
    for (const flag of [undefined, 'ACCOUNT_NAME_MISMATCH']) {
      let cursor: string | null = null;
      let seen = 0;
      do {
        const query = new URLSearchParams({
          limit: '500',
          ...(flag ? { flag } : {}),
          ...(cursor ? { cursor } : {}),
        });
        const { reply, calls: used } = await costOf(
          { method: 'GET', path: `/proposals/${proposalId}/recipients?${query}` },
          token,
        );
        expect(reply.status, reply.text).toBe(200);
        const page = reply.json as { items: unknown[]; nextCursor: string | null };
        if (page.nextCursor !== null) expect(page.items).toHaveLength(500);
        seen += page.items.length;
        cursor = page.nextCursor;
        expect(used, `${flag ?? 'unfiltered'} page after ${seen}`).toBeLessThanOrEqual(PAGE_BUDGET);
      } while (cursor !== null);
      expect(seen).toBe(flag ? ROWS / 3 : ROWS);
    }
  });

  it('the other list routes cost a handful of calls', async () => {
    const auditor = await tokenFor({ groups: ['auditor'] });
    for (const path of [
      '/proposals',
      '/decrees',
      '/reconciliations?limit=100',
      `/audit?entityId=${proposalId}`,
    ]) {
      const { reply, calls: used } = await costOf({ method: 'GET', path }, auditor);
      expect(reply.status, `${path}: ${reply.text}`).toBe(200);
      // GET /proposals reads one index partition per region (14).
      expect(used, path).toBeLessThanOrEqual(20);
    }
  });
});
