import { describe, expect, it } from 'vitest';
import { ageOn, nikBirthDate, nikKecamatan, nikRegion, parseNik } from '#shared/domain/nik.ts';

/** Kapuas (62.03), kecamatan Selat (01), woman born 1 January 1990 (41 = 1 + 40), serial 0001. */
const NIK = '6203014101900001';

const failure = (raw: string) => {
  const result = parseNik(raw);
  if (result.ok) throw new Error(`expected ${raw} to be refused`);
  return result;
};

describe('parseNik: accepted', () => {
  it('accepts 16 clean digits as they are', () => {
    expect(parseNik(NIK)).toEqual({ ok: true, nik: NIK, cleaned: false });
    expect(parseNik(`  ${NIK}  `)).toEqual({ ok: true, nik: NIK, cleaned: false });
  });

  it.each([
    [`'${NIK}`, 'leading apostrophe (Excel text marker)'],
    [`’${NIK}`, 'typographic apostrophe'],
    ['6203 0141 0190 0001', 'spaces'],
    ['6203\u00a00141\u00a00190\u00a00001', 'non-breaking spaces'],
    ['62.03.01.410190.0001', 'dots'],
    ['6203-0141-0190-0001', 'dashes'],
    ["'62 03 01-410190.0001", 'everything at once'],
  ])('cleans %j (%s) and says so', (raw) => {
    expect(parseNik(raw)).toEqual({ ok: true, nik: NIK, cleaned: true });
  });

  it('accepts men (day 01–31), women (41–71), 29 February and the last day of a month', () => {
    for (const nik of [
      '6203017006850002',
      '6203013112850002',
      '6203017112850002',
      '6203012902010003',
      '6203016902010003',
      '6203013004900004',
    ]) {
      expect(parseNik(nik).ok).toBe(true);
    }
  });
});

describe('parseNik: refused', () => {
  it('NIK_REQUIRED for an empty cell', () => {
    expect(failure('').code).toBe('NIK_REQUIRED');
    expect(failure(" ' ").code).toBe('NIK_REQUIRED');
  });

  it.each(['6.2031E+15', '6,2031E+15', '6.20301410190E+15', '6.2031e15', "'6.2031E+15"])(
    'NIK_SCIENTIFIC for Excel scientific notation %j, explaining the lost digits and the Text format',
    (raw) => {
      const { code, message } = failure(raw);
      expect(code).toBe('NIK_SCIENTIFIC');
      expect(message).toMatch(/hilang/);
      expect(message).toMatch(/Format Cells > Text/);
    },
  );

  it('NIK_LENGTH for 15 digits, naming Excel', () => {
    const { code, message } = failure(NIK.slice(0, 15));
    expect(code).toBe('NIK_LENGTH');
    expect(message).toMatch(/15 angka/);
    expect(message).toMatch(/Excel/);
  });

  it('NIK_LENGTH for other lengths, giving the count', () => {
    expect(failure(`${NIK}1`)).toMatchObject({
      code: 'NIK_LENGTH',
      message: expect.stringMatching(/17 angka/),
    });
    expect(failure('62030141').message).toMatch(/8 angka/);
  });

  it('NIK_INVALID_CHARS quoting the offending characters, not the NIK', () => {
    const { code, message } = failure('62O301410190000l');
    expect(code).toBe('NIK_INVALID_CHARS');
    expect(message).toContain('"O"');
    expect(message).toContain('"l"');
    expect(message).toMatch(/angka 0 dan 1/);
    expect(message).not.toContain('6203');
  });

  it('NIK_PROVINCE for a province code that does not exist, or kabupaten/kecamatan 00', () => {
    expect(failure('0003014101900001').code).toBe('NIK_PROVINCE');
    expect(failure('9903014101900001').code).toBe('NIK_PROVINCE');
    expect(failure('2003014101900001').code).toBe('NIK_PROVINCE');
    expect(failure('6200014101900001').code).toBe('NIK_PROVINCE');
    expect(failure('6203004101900001').code).toBe('NIK_PROVINCE');
  });

  it.each([
    ['6203010001900001', 'day 00'],
    ['6203013201900001', 'day 32'],
    ['6203014001900001', 'day 40'],
    ['6203017201900001', 'day 72'],
    ['6203019901900001', 'day 99'],
    ['6203011500900001', 'month 00'],
    ['6203011513900001', 'month 13'],
    ['6203013104900001', '31 April'],
    ['6203017104900001', '31 April (woman)'],
    ['6203013002900001', '30 February'],
    ['6203017106900001', '31 June (woman: 71)'],
  ])('NIK_DATE for %s (%s)', (nik) => {
    expect(failure(nik).code).toBe('NIK_DATE');
  });

  it('NIK_SERIAL for serial 0000', () => {
    expect(failure('6203014101900000').code).toBe('NIK_SERIAL');
  });

  it('never puts the NIK into a message', () => {
    for (const raw of ['6203014101900000', '6203013104900001', '0003014101900001', '620301410190001']) {
      expect(failure(raw).message).not.toContain(raw);
    }
  });
});

describe('what a NIK encodes', () => {
  it('gives the region and kecamatan of first registration', () => {
    expect(nikRegion(NIK)).toBe('62.03');
    expect(nikKecamatan(NIK)).toBe('62.03.01');
  });

  it('gives the birth date and sex, choosing the century that is not in the future', () => {
    const today = new Date('2026-03-01T00:00:00Z');
    expect(nikBirthDate(NIK, today)).toEqual({ year: 1990, month: 1, day: 1, female: true });
    expect(nikBirthDate('6203011503250001', today)).toEqual({ year: 2025, month: 3, day: 15, female: false });
    // 1 March '26 is today: still this century. 2 March '26 would be tomorrow: last century.
    expect(nikBirthDate('6203010103260001', today).year).toBe(2026);
    expect(nikBirthDate('6203010203260001', today).year).toBe(1926);
  });

  it('computes the age in completed years', () => {
    expect(ageOn(NIK, new Date('2026-01-01T00:00:00Z'))).toBe(36);
    expect(ageOn(NIK, new Date('2025-12-31T00:00:00Z'))).toBe(35);
    expect(ageOn('6203011503250001', new Date('2026-03-14T00:00:00Z'))).toBe(0);
    expect(ageOn('6203011503250001', new Date('2026-03-15T00:00:00Z'))).toBe(1);
  });

  it('refuses to read a value that is not 16 digits', () => {
    expect(() => nikBirthDate('6203', new Date())).toThrow(RangeError);
  });
});
