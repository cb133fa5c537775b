import { describe, expect, it } from 'vitest';
import { financeLines, groupedHash, instructionTitle, isPending } from './money-words.ts';

const money = (count: number, amount: number) => ({ count, amount });
const view = {
  tahapId: '2026-1',
  region: '62.03',
  distributionClosed: false,
  entitlements: money(10, 3_000_000),
  notInstructed: money(2, 600_000),
  instructed: money(8, 2_400_000),
  paid: money(5, 1_500_000),
  failed: money(1, 300_000),
  returned: money(1, 300_000),
  returnedTotal: 300_000,
  inFlight: money(1, 300_000),
  short: money(0, 0),
  awaitingReinstruction: money(2, 600_000),
  overpaid: money(0, 0),
  balanceToReturn: 0,
};

describe('financeLines', () => {
  it('sums what the bank holds from its three parts, and ends on the balance to return', () => {
    const lines = financeLines(view);
    const byKey = new Map(lines.map((line) => [line.key, line]));
    expect(byKey.get('ditahan')).toMatchObject({ count: 3, amount: 900_000 });
    expect(lines.filter((line) => line.part).map((line) => line.key)).toEqual([
      'proses',
      'kurang',
      'susulan',
    ]);
    expect(lines.at(-1)).toEqual({
      key: 'saldo',
      label: 'Saldo dikembalikan ke RKUD',
      amount: 0,
      total: true,
    });
    expect(byKey.get('instruksi')).toMatchObject({ label: 'Diinstruksikan ke Bank Kalteng', count: 8 });
  });

  it('shows an over-payment only when there is one', () => {
    expect(financeLines(view).some((line) => line.key === 'lebih')).toBe(false);
    const over = financeLines({ ...view, overpaid: money(1, 50_000), balanceToReturn: -50_000 });
    expect(over.find((line) => line.key === 'lebih')).toMatchObject({ count: 1, amount: 50_000 });
    expect(over.at(-1)?.amount).toBe(-50_000);
  });
});

describe('the files’ words', () => {
  it('names a payment instruction file by its number and kind', () => {
    expect(instructionTitle(1, 'AWAL')).toBe('Berkas ke-1 · instruksi awal');
    expect(instructionTitle(3, 'SUSULAN')).toBe('Berkas ke-3 · susulan (pembayaran yang gagal)');
  });

  it('follows a job only while it is queued or running', () => {
    expect(isPending('QUEUED')).toBe(true);
    expect(isPending('RUNNING')).toBe(true);
    expect(isPending('COMPLETED')).toBe(false);
    expect(isPending(undefined)).toBe(false);
  });

  it('groups a SHA-256 by eight characters', () => {
    const sha = 'a'.repeat(8) + 'b'.repeat(8) + 'c'.repeat(48);
    expect(groupedHash(sha).split(' ')).toHaveLength(8);
    expect(groupedHash(sha).startsWith('aaaaaaaa bbbbbbbb ')).toBe(true);
    expect(groupedHash('')).toBe('');
  });
});
