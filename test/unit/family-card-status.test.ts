import { describe, expect, it } from 'vitest';
import { cardStatusDecision, validateCardStatusRow } from '#shared/domain/family/card-status.ts';
import { cardNumber } from '#shared/domain/family/distribution.ts';

const TODAY = '2026-12-06';
const CARD = cardNumber('62.03', 7);

describe('a card status row', () => {
  it('reads the card number as people write it, the status in its spellings, and the date', () => {
    const checked = validateCardStatusRow(
      { no_kartu: CARD.replaceAll('-', ' ').toLowerCase(), status: 'Sudah dicetak', tanggal: '05/12/2026' },
      TODAY,
    );
    expect(checked.errors).toEqual([]);
    expect(checked.value).toEqual({ cardNumber: CARD, status: 'DICETAK', tanggal: '2026-12-05' });
    expect(
      validateCardStatusRow({ no_kartu: CARD, status: 'diserahkan', tanggal: '2026-12-01' }, TODAY).value
        ?.status,
    ).toBe('DIBAGIKAN');
  });

  it('refuses a bank card number without repeating it, a block by file, a slip and a future date', () => {
    const pan = validateCardStatusRow(
      { no_kartu: '4111 1111 1111 1111', status: 'DICETAK', tanggal: TODAY },
      TODAY,
    );
    expect(pan.errors.map((problem) => problem.code)).toEqual(['BUKAN_NOMOR_KHBS']);
    expect(JSON.stringify(pan.errors)).not.toContain('4111');
    const blocked = validateCardStatusRow({ no_kartu: CARD, status: 'DIBLOKIR', tanggal: TODAY }, TODAY);
    expect(blocked.errors.map((problem) => problem.code)).toEqual(['STATUS_TIDAK_DIKENAL']);
    const slip = validateCardStatusRow(
      {
        no_kartu: `${CARD.slice(0, -1)}${(Number(CARD.slice(-1)) + 1) % 10}`,
        status: 'DICETAK',
        tanggal: TODAY,
      },
      TODAY,
    );
    expect(slip.errors.map((problem) => problem.code)).toEqual(['NOMOR_KARTU_SALAH']);
    const later = validateCardStatusRow({ no_kartu: CARD, status: 'DICETAK', tanggal: '2026-12-07' }, TODAY);
    expect(later.errors.map((problem) => problem.code)).toEqual(['TANGGAL_SALAH']);
  });
});

describe('what a row does to the card', () => {
  const card = (status: 'TERDAFTAR' | 'DICETAK' | 'DIBAGIKAN' | 'DIBLOKIR', region = '62.03') => ({
    status,
    region,
  });

  it('moves it forward once; the same row again, or printed after handed out, is unchanged', () => {
    expect(cardStatusDecision(card('TERDAFTAR'), { status: 'DICETAK' }, '62.03')).toEqual({ kind: 'move' });
    expect(cardStatusDecision(card('TERDAFTAR'), { status: 'DIBAGIKAN' }, '62.03')).toEqual({ kind: 'move' });
    expect(cardStatusDecision(card('DICETAK'), { status: 'DICETAK' }, '62.03').kind).toBe('unchanged');
    expect(cardStatusDecision(card('DIBAGIKAN'), { status: 'DICETAK' }, '62.03').kind).toBe('unchanged');
  });

  it('refuses an ended card and, as unknown, a card of another kabupaten than the file’s', () => {
    expect(cardStatusDecision(card('DIBLOKIR'), { status: 'DICETAK' }, '62.03')).toMatchObject({
      code: 'KARTU_TIDAK_AKTIF',
    });
    expect(cardStatusDecision(card('DICETAK', '62.02'), { status: 'DIBAGIKAN' }, '62.03')).toMatchObject({
      code: 'KARTU_TIDAK_TERCATAT',
    });
    expect(cardStatusDecision(undefined, { status: 'DICETAK' }, '62.03')).toMatchObject({
      code: 'KARTU_TIDAK_TERCATAT',
    });
  });
});
