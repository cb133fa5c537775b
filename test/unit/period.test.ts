import { describe, expect, it } from 'vitest';
import { PeriodSchema, periodLabel } from '#shared/domain/period.ts';

describe('PeriodSchema', () => {
  it.each(['2026', '2020', '2100', '2026-01', '2026-12', '2026-S1', '2026-S2', '2026-T1', '2026-T4'])(
    'accepts %s',
    (value) => {
      expect(PeriodSchema.safeParse(value).success).toBe(true);
    },
  );

  it.each([
    '2019',
    '2101',
    '2026-00',
    '2026-13',
    '2026-1',
    '2026-S3',
    '2026-T5',
    '2026-T0',
    '2026-s1',
    '26',
    '2026-03-01',
    ' 2026',
  ])('rejects %s with an Indonesian message', (value) => {
    const result = PeriodSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/Periode harus/);
  });
});

describe('periodLabel', () => {
  it('names the period in words', () => {
    expect(periodLabel('2026')).toBe('Tahun 2026');
    expect(periodLabel('2026-03')).toBe('Maret 2026');
    expect(periodLabel('2026-S2')).toBe('Semester II Tahun 2026');
    expect(periodLabel('2026-T3')).toBe('Triwulan III Tahun 2026');
    expect(periodLabel('2026-13')).toBeUndefined();
  });
});
