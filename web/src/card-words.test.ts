import { describe, expect, it } from 'vitest';
import { cardNumber } from '#shared/domain/family/distribution.ts';
import {
  cardActionInput,
  cardCodeFromInput,
  cardRefusalTitle,
  cardVerdict,
  componentTotals,
} from './card-words.ts';

describe('cardCodeFromInput', () => {
  it('reads a code as people type it, in its printed form', () => {
    expect(cardCodeFromInput('ABCD-EFGH-JKMN')).toBe('ABCD-EFGH-JKMN');
    expect(cardCodeFromInput(' abcd efgh jkmn ')).toBe('ABCD-EFGH-JKMN');
    expect(cardCodeFromInput('abcdefghjkmn')).toBe('ABCD-EFGH-JKMN');
    // O for zero, I and L for one, as the API reads them.
    expect(cardCodeFromInput('OOOO-IIII-LLLL')).toBe('0000-1111-1111');
  });

  it('refuses what cannot be a code', () => {
    expect(cardCodeFromInput('')).toBeUndefined();
    expect(cardCodeFromInput('ABCD-EFGH')).toBeUndefined();
    expect(cardCodeFromInput('ABCD-EFGH-JKMNP')).toBeUndefined();
    // U is not in the alphabet.
    expect(cardCodeFromInput('UUUU-EFGH-JKMN')).toBeUndefined();
    // A card number is not its verification code.
    expect(cardCodeFromInput('HB-6203-0000123-4')).toBeUndefined();
  });
});

describe('cardVerdict', () => {
  it('says genuine and active, blocked, replaced, or unknown', () => {
    expect(cardVerdict({ kind: 'known', status: 'DIBAGIKAN', active: true })).toEqual({
      tone: 'good',
      title: 'Kartu asli dan aktif',
    });
    expect(cardVerdict({ kind: 'known', status: 'DIBLOKIR', active: false })).toEqual({
      tone: 'bad',
      title: 'Kartu asli, tetapi diblokir',
    });
    expect(cardVerdict({ kind: 'known', status: 'DIGANTI', active: false }).title).toBe(
      'Kartu asli, tetapi sudah diganti dengan kartu baru',
    );
    expect(cardVerdict({ kind: 'unknown' })).toEqual({ tone: 'bad', title: 'Kartu tidak dikenal' });
  });
});

describe('cardActionInput', () => {
  const number = cardNumber('62.03', 123);

  it('gives the number in its printed form and the trimmed reason', () => {
    expect(cardActionInput(` ${number.toLowerCase().replace(/-/g, '')} `, '  Kartu hilang  ')).toEqual({
      ok: true,
      cardNumber: number,
      reason: 'Kartu hilang',
    });
  });

  it('catches an empty or mistyped number (its check digit) and a short or long reason', () => {
    expect(cardActionInput('', 'Kartu hilang')).toEqual({ ok: false, problem: 'Tuliskan nomor kartu.' });
    const wrongCheck = `${number.slice(0, -1)}${(Number(number.slice(-1)) + 1) % 10}`;
    const typo = cardActionInput(wrongCheck, 'Kartu hilang');
    expect(typo.ok).toBe(false);
    expect(!typo.ok && typo.problem).toContain('HB-6203-0000123-4');
    expect(cardActionInput(number, 'rus')).toEqual({
      ok: false,
      problem: 'Tuliskan alasannya (paling sedikit 5 karakter).',
    });
    expect(cardActionInput(number, 'x'.repeat(501))).toEqual({
      ok: false,
      problem: 'Alasan paling banyak 500 karakter.',
    });
  });
});

describe('cardRefusalTitle', () => {
  it('names the API’s refusals in words', () => {
    expect(cardRefusalTitle(404)).toBe('Kartu tidak tercatat');
    expect(cardRefusalTitle(409)).toBe('Status kartu tidak memungkinkan tindakan ini');
    expect(cardRefusalTitle(400)).toBe('Isian belum benar');
    expect(cardRefusalTitle(500)).toBe('Tindakan ditolak');
  });
});

describe('componentTotals', () => {
  it('adds a distribution’s entitlements per component and their total', () => {
    expect(
      componentTotals([
        { component: 'TUNAI', count: 3, amount: 900_000 },
        { component: 'PANGAN', count: 3, amount: 450_000 },
      ]),
    ).toEqual({
      byComponent: { TUNAI: { count: 3, amount: 900_000 }, PANGAN: { count: 3, amount: 450_000 } },
      total: 1_350_000,
    });
  });

  it('is empty while the distribution is still opening', () => {
    expect(componentTotals(undefined)).toEqual({ byComponent: {}, total: 0 });
  });
});
