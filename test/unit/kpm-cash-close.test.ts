import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CountedMove, DashboardRepository } from '#shared/adapters/dashboard-repo.ts';
import type { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import { entitlementRef, instructionRef } from '#shared/domain/family/distribution.ts';
import type { ObservedPayment } from '#shared/domain/reconciliation.ts';
import type { DecreeRecord, Entitlement } from '#shared/model.ts';
import { reconcileKpmCash } from '../../functions/reconcile/reconcile-kpm-cash.ts';

/**
 * The KPM cash reconciliation's closing (issue #15) without a second read of each entitlement:
 * every write is conditional on what the run read at its start, so an entitlement moved meanwhile
 * (the write refused) is counted as moved and left for the next run, one found as it was costs no
 * write, and many are closed at once.
 */
const TAHAP = '2026-1';
const REGION = '62.03';
const DECREE: DecreeRecord = {
  decreeId: 'SK-KPM-62.03-2026-1',
  kind: 'KPM',
  proposalId: 'KPM-62.03-2026-1',
  region: REGION,
  period: TAHAP,
  tahapId: TAHAP,
  listId: 'list',
  year: 2026,
  seq: 1,
  number: '188.44/1/KPM/2026',
  status: 'ISSUED',
  verifyCode: 'ABCD-EFGH-JKMN',
  decreeDate: '2026-11-01',
  numberedAt: '2026-11-01T00:00:00.000Z',
  recipientCount: 40,
  signer: { title: 'GUBERNUR', name: 'Uji' },
  approvedBy: { sub: 'approver', name: 'Uji' },
};

const CODES = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function entitlement(serial: number, extra: Partial<Entitlement> = {}): Entitlement {
  const familyId = `KEL-AAAAAAAAAA${CODES[Math.floor(serial / 32)]}${CODES[serial % 32]}`;
  return {
    ref: entitlementRef(TAHAP, 'TUNAI', familyId),
    tahapId: TAHAP,
    region: REGION,
    component: 'TUNAI',
    amount: 250_000,
    noKk: `62030101012000${String(serial).padStart(2, '0')}`,
    familyId,
    penerimaNik: `62030115088500${String(serial).padStart(2, '0')}`,
    penerimaNama: 'Warga Uji',
    kecamatanCode: '62.03.01',
    desaCode: '62.03.01.2001',
    decreeId: DECREE.decreeId,
    decreeNumber: DECREE.number,
    status: 'DIKIRIM',
    attempts: 1,
    instructions: [
      { attempt: 1, noRekening: `12345678${String(serial).padStart(2, '0')}`, fileId: 'F1', at: '' },
    ],
    lastAttempt: { attempt: 1 },
    createdAt: '2026-11-01T00:00:00.000Z',
    ...extra,
  };
}

function run(entitlements: Entitlement[], refuse: (noKk: string) => boolean) {
  /** Each close as the transaction would write it: conditional on what the run read. */
  const writes: { noKk: string; status: string; attempts: number; to?: string }[] = [];
  let reads = 0;
  let transactions = 0;
  const distribution: Pick<
    DistributionRepository,
    'list' | 'entitlements' | 'entitlement' | 'closeAttemptItem'
  > = {
    list: async () => [
      {
        tahapId: TAHAP,
        region: REGION,
        decreeId: DECREE.decreeId,
        decreeNumber: DECREE.number,
        status: 'OPEN',
        requestedAt: '',
      },
    ],
    entitlements: async function* () {
      yield* entitlements;
    },
    // A batch that lost its condition reads its entitlements again: here, as moved to DITERIMA.
    entitlement: async (_tahap, _region, _component, noKk) => {
      reads++;
      const read = entitlements.find((item) => item.noKk === noKk);
      return (
        read && {
          ...read,
          status: 'DITERIMA',
          paidAmount: read.amount,
          returnedAmount: 0,
          lastAttempt: { attempt: 1, outcome: 'BERHASIL' },
        }
      );
    },
    closeAttemptItem: (read, outcome) => {
      writes.push({
        noKk: read.noKk,
        status: read.status,
        attempts: read.attempts,
        ...(outcome.status ? { to: outcome.status } : {}),
      });
      return { ConditionCheck: { TableName: 't', Key: { noKk: read.noKk }, ConditionExpression: 'x' } };
    },
  };
  const dashboard: Pick<DashboardRepository, 'commit'> = {
    commit: async <T>(moves: readonly CountedMove<T>[]) => {
      transactions++;
      const lost = moves.filter((move) => refuse(move.key.split('-').at(-1) ?? ''));
      return { committed: moves.filter((move) => !lost.includes(move)), lost };
    },
  };
  const lines: ObservedPayment[] = entitlements.map((item) => ({
    bankRef: instructionRef(item.ref, 1),
    noRekening: item.instructions?.[0]?.noRekening ?? '',
    nama: item.penerimaNama,
    amount: item.amount,
    status: 'BERHASIL',
    transactionDate: '2026-12-01',
  }));
  const result = reconcileKpmCash(TAHAP, 'run-uji', {
    decrees: { get: async () => DECREE },
    distribution,
    dashboard,
    payments: {
      stream: async function* () {
        yield* lines;
      },
    },
    objects: {
      openWrite: () => {
        const stream = new PassThrough();
        stream.resume();
        return { stream, done: async () => undefined };
      },
    },
    documentsBucket: 'documents',
  });
  return { result, writes, reads: () => reads, transactions: () => transactions };
}

describe('closing KPM cash entitlements', () => {
  it('writes each conditional on what the run read (no second read), a batch per transaction, and reads again only what lost its condition', async () => {
    const items = Array.from({ length: 40 }, (_, serial) => entitlement(serial));
    const moved = items[7]?.ref.split('-').at(-1);
    const { result, writes, reads, transactions } = run(items, (key) => key === moved);
    const closed = (await result).closed;
    // 39 closed by this run; the one that moved meanwhile was found DITERIMA on its second read.
    expect(closed.DITERIMA + closed.unchanged).toBe(40);
    expect(closed.DITERIMA).toBe(39);
    expect(reads()).toBe(1);
    expect(transactions()).toBe(1);
    // Conditional on the status and attempts read at the start.
    const first = writes.slice(0, 40);
    expect(
      first.every((write) => write.status === 'DIKIRIM' && write.attempts === 1 && write.to === 'DITERIMA'),
    ).toBe(true);
  });

  it('makes no write for an entitlement already closed as the bank reports it', async () => {
    const items = [
      entitlement(1, {
        status: 'DITERIMA',
        paidAmount: 250_000,
        returnedAmount: 0,
        lastAttempt: { attempt: 1, outcome: 'BERHASIL' },
      }),
      entitlement(2),
    ];
    const { result, writes, reads } = run(items, () => false);
    expect((await result).closed).toMatchObject({ DITERIMA: 1, GAGAL: 0, unchanged: 1 });
    expect(writes.map((write) => write.noKk)).toEqual([items[1]?.noKk]);
    expect(reads()).toBe(0);
  });
});
