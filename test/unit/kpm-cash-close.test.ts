import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
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
  const writes: { noKk: string; status: string; attempts: number; to?: string }[] = [];
  let inFlight = 0;
  let most = 0;
  const distribution: Pick<DistributionRepository, 'list' | 'entitlements' | 'closeAttempt'> = {
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
    closeAttempt: async (read, outcome) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      writes.push({
        noKk: read.noKk,
        status: read.status,
        attempts: read.attempts,
        ...(outcome.status ? { to: outcome.status } : {}),
      });
      return !refuse(read.noKk);
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
  return { result, writes, most: () => most };
}

describe('closing KPM cash entitlements', () => {
  it('writes each conditional on what it read, counts a refused write as moved, and closes several at once', async () => {
    const items = Array.from({ length: 40 }, (_, serial) => entitlement(serial));
    const moved = items[7]?.noKk;
    const { result, writes, most } = run(items, (noKk) => noKk === moved);
    expect((await result).closed).toEqual({ DITERIMA: 39, GAGAL: 0, unchanged: 0, moved: 1 });
    expect(writes).toHaveLength(40);
    // Conditional on the status and attempts read at the start.
    expect(
      writes.every((write) => write.status === 'DIKIRIM' && write.attempts === 1 && write.to === 'DITERIMA'),
    ).toBe(true);
    expect(most()).toBeGreaterThan(1);
    expect(most()).toBeLessThanOrEqual(16);
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
    const { result, writes } = run(items, () => false);
    expect((await result).closed).toEqual({ DITERIMA: 1, GAGAL: 0, unchanged: 1, moved: 0 });
    expect(writes.map((write) => write.noKk)).toEqual([items[1]?.noKk]);
  });
});
