import { describe, expect, it } from 'vitest';
import { FinanceFold, financeRows, financeTotal, type PaymentFact } from '#shared/domain/family/finance.ts';

const fact = (extra: Partial<PaymentFact>): PaymentFact => ({
  tahapId: '2026-1',
  region: '62.03',
  component: 'TUNAI',
  amount: 250_000,
  status: 'DIKIRIM',
  attempts: 1,
  paidAmount: 0,
  returnedAmount: 0,
  ...extra,
});

const facts: PaymentFact[] = [
  fact({ status: 'DITERIMA', lastOutcome: 'BERHASIL', paidAmount: 250_000 }),
  // Paid twice: the family received 500,000.
  fact({ status: 'DITERIMA', attempts: 2, lastOutcome: 'BERHASIL', paidAmount: 500_000 }),
  // Failed, to be re-instructed.
  fact({ status: 'GAGAL', lastOutcome: 'GAGAL' }),
  // Returned after success, given up: its money goes back to the RKUD.
  fact({ status: 'GAGAL', lastOutcome: 'RETUR', returnedAmount: 250_000, givenUp: true }),
  // At the bank.
  fact({ status: 'DIKIRIM' }),
  fact({ status: 'DIULANG', attempts: 2 }),
  // Paid short.
  fact({ status: 'DIKIRIM', lastOutcome: 'BERHASIL', paidAmount: 200_000 }),
  // Never instructed (waiting for an account).
  fact({ status: 'DITETAPKAN', attempts: 0 }),
  // Food is BULOG's, not the bank's.
  fact({ component: 'PANGAN', amount: 150_000, status: 'DITERIMA' }),
  // Another kabupaten, listed first by code order.
  fact({ region: '62.01', status: 'DITERIMA', lastOutcome: 'BERHASIL', paidAmount: 250_000 }),
];

describe('BKAD money view per tahap × kabupaten', () => {
  it('instructed, paid net, failed, returned, held, and the balance to return to the RKUD', () => {
    const rows = financeRows(facts);
    expect(rows.map((row) => row.region)).toEqual(['62.01', '62.03']);
    expect(rows[1]).toEqual({
      tahapId: '2026-1',
      region: '62.03',
      entitlements: { count: 8, amount: 2_000_000 },
      notInstructed: { count: 1, amount: 250_000 },
      instructed: { count: 7, amount: 1_750_000 },
      paid: { count: 2, amount: 950_000 },
      failed: { count: 1, amount: 250_000 },
      returned: { count: 1, amount: 250_000 },
      returnedTotal: 250_000,
      inFlight: { count: 2, amount: 500_000 },
      short: { count: 1, amount: 50_000 },
      awaitingReinstruction: { count: 1, amount: 250_000 },
      overpaid: { count: 1, amount: 250_000 },
      // 1,750,000 − 950,000 − (500,000 + 50,000 + 250,000): the given-up 250,000 less the 250,000
      // over-paid (which left the bank and is to be recovered from the family).
      balanceToReturn: 0,
    });
    expect(rows[0]).toMatchObject({ instructed: { count: 1, amount: 250_000 }, balanceToReturn: 0 });
  });

  it('once the distribution is closed every failed remainder is to be returned', () => {
    const closed = financeRows(facts, { distributionClosed: (tahap) => tahap === '2026-1' });
    expect(closed[1]).toMatchObject({
      awaitingReinstruction: { count: 0, amount: 0 },
      balanceToReturn: 250_000,
    });
  });

  it('the balance is instructed − paid net − held, for any order of facts', () => {
    const fold = new FinanceFold();
    for (const f of [...facts].reverse()) fold.add(f);
    for (const row of fold.rows()) {
      const held = row.inFlight.amount + row.short.amount + row.awaitingReinstruction.amount;
      expect(row.balanceToReturn).toBe(row.instructed.amount - row.paid.amount - held);
    }
    expect(fold.rows()).toEqual(financeRows(facts));
  });

  it('sums the province', () => {
    const total = financeTotal(financeRows(facts));
    expect(total).toMatchObject({
      entitlements: { count: 9, amount: 2_250_000 },
      instructed: { count: 8, amount: 2_000_000 },
      paid: { count: 3, amount: 1_200_000 },
      balanceToReturn: 0,
    });
  });
});
