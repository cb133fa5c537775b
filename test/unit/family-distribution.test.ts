import { describe, expect, it } from 'vitest';
import {
  cardMayMove,
  cardNumber,
  cardVerifyUrl,
  entitlementMayMove,
  entitlementRef,
  entitlementsOf,
  handoverDecision,
  instructionRef,
  isCardActive,
  normalizeCardNumber,
  parseInstructionRef,
  regionOfCard,
} from '#shared/domain/family/distribution.ts';

const FAMILY = 'KEL-ABCDEFGHJKMN';

describe('the province’s card number', () => {
  it('is HB, the kabupaten, a serial and a Luhn digit, and reads back whatever the spelling', () => {
    const number = cardNumber('62.03', 123);
    expect(number).toMatch(/^HB-6203-0000123-\d$/);
    expect(regionOfCard(number)).toBe('62.03');
    expect(normalizeCardNumber(number.toLowerCase().replaceAll('-', ' '))).toBe(number);
    expect(normalizeCardNumber(number.replaceAll('-', ''))).toBe(number);
  });

  it('refuses a typing slip (any one digit changed), a bank card number and other shapes', () => {
    const number = cardNumber('62.71', 4_567_890);
    for (let index = 3; index < number.length; index++) {
      const digit = number.charAt(index);
      if (!/\d/.test(digit)) continue;
      const slip = `${number.slice(0, index)}${(Number(digit) + 1) % 10}${number.slice(index + 1)}`;
      expect(normalizeCardNumber(slip), slip).toBeUndefined();
    }
    expect(normalizeCardNumber('4111111111111111')).toBeUndefined();
    expect(normalizeCardNumber('HB-6203-123-4')).toBeUndefined();
    expect(() => cardNumber('62.03', 0)).toThrow();
    expect(() => cardNumber('6203x', 1)).toThrow();
  });

  it('has its verification beside the decrees’, one address per code', () => {
    expect(cardVerifyUrl('https://khbs.kalteng.go.id/verify/', 'ABCD-EFGH-JKMN')).toBe(
      'https://khbs.kalteng.go.id/verify/card/ABCD-EFGH-JKMN',
    );
  });
});

describe('entitlement references', () => {
  it('name the tahap, the component and the family’s opaque id, never a NIK or No KK', () => {
    expect(entitlementRef('2026-1', 'TUNAI', FAMILY)).toBe('KHBS-2026-1-T-ABCDEFGHJKMN');
    expect(entitlementRef('2026-12', 'PANGAN', FAMILY)).toBe('KHBS-2026-12-P-ABCDEFGHJKMN');
    expect(() => entitlementRef('2026-1', 'TUNAI', '6203010101200001')).toThrow();
  });

  it('carry the attempt on an instruction line, and parse back in any case or padding', () => {
    const ref = instructionRef(entitlementRef('2026-1', 'TUNAI', FAMILY), 2);
    expect(ref).toBe('KHBS-2026-1-T-ABCDEFGHJKMN-2');
    expect(parseInstructionRef(`  ${ref.toLowerCase()} `)).toEqual({
      tahapId: '2026-1',
      component: 'TUNAI',
      familyId: FAMILY,
      entitlementRef: 'KHBS-2026-1-T-ABCDEFGHJKMN',
      attempt: 2,
    });
    expect(parseInstructionRef('KHBS-2026-1-X-ABCDEFGHJKMN-1')).toBeUndefined();
    expect(parseInstructionRef('TRX-0001')).toBeUndefined();
    expect(() => instructionRef('KHBS-2026-1-T-ABCDEFGHJKMN', 0)).toThrow();
  });

  it('are one per family and component of the tahap', () => {
    const family = {
      noKk: '6203010101200001',
      familyId: FAMILY,
      penerimaNik: '6203011508850010',
      penerimaNama: 'Siti',
      kecamatanCode: '62.03.01',
      desaCode: '62.03.01.2001',
    };
    const made = entitlementsOf(
      '2026-1',
      [
        { component: 'TUNAI', amount: 250_000 },
        { component: 'PANGAN', amount: 150_000 },
      ],
      [family, { ...family, noKk: '6203010101200002', familyId: 'KEL-ABCDEFGHJKMP' }],
    );
    expect(made.map((entitlement) => entitlement.ref)).toEqual([
      'KHBS-2026-1-T-ABCDEFGHJKMN',
      'KHBS-2026-1-T-ABCDEFGHJKMP',
      'KHBS-2026-1-P-ABCDEFGHJKMN',
      'KHBS-2026-1-P-ABCDEFGHJKMP',
    ]);
  });
});

describe('status moves', () => {
  it('never take a received entitlement back to sent, and a failed one only to a new attempt or paid', () => {
    expect(entitlementMayMove('DITETAPKAN', 'DIKIRIM')).toBe(true);
    expect(entitlementMayMove('DITETAPKAN', 'DITERIMA')).toBe(false);
    expect(entitlementMayMove('DITERIMA', 'DIKIRIM')).toBe(false);
    expect(entitlementMayMove('GAGAL', 'DIULANG')).toBe(true);
    expect(entitlementMayMove('DIULANG', 'DITETAPKAN')).toBe(false);
  });

  it('end a card when it is blocked or replaced', () => {
    expect(isCardActive('TERDAFTAR')).toBe(true);
    expect(isCardActive('DIBAGIKAN')).toBe(true);
    expect(isCardActive('DIBLOKIR')).toBe(false);
    expect(isCardActive('DIGANTI')).toBe(false);
    expect(cardMayMove('DIBLOKIR', 'DIBAGIKAN')).toBe(false);
    expect(cardMayMove('DIBLOKIR', 'DIGANTI')).toBe(true);
    expect(cardMayMove('DIGANTI', 'DIBLOKIR')).toBe(false);
  });
});

describe('a card handed over in the field', () => {
  const card = { cardNumber: cardNumber('62.03', 1), status: 'DICETAK' as const };

  it('is recorded once: a record sent again is unchanged', () => {
    expect(handoverDecision(card, undefined)).toEqual({ kind: 'record' });
    expect(handoverDecision({ ...card, status: 'TERDAFTAR' }, card.cardNumber)).toEqual({ kind: 'record' });
    expect(handoverDecision({ ...card, status: 'DIBAGIKAN' }, undefined).kind).toBe('unchanged');
  });

  it('is refused for a family without a card, an ended card, or another card’s number', () => {
    expect(handoverDecision(undefined, undefined)).toMatchObject({
      kind: 'refused',
      code: 'KARTU_BELUM_ADA',
    });
    expect(handoverDecision({ ...card, status: 'DIBLOKIR' }, undefined)).toMatchObject({
      code: 'KARTU_TIDAK_AKTIF',
    });
    expect(handoverDecision(card, cardNumber('62.03', 2))).toMatchObject({ code: 'KARTU_BERBEDA' });
  });
});
