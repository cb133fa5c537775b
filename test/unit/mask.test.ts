import { describe, expect, it } from 'vitest';
import { maskAccount, maskName, maskNik } from '#shared/domain/mask.ts';

describe('masks', () => {
  it('maskNik keeps the first 6 and last 4 digits', () => {
    expect(maskNik('6203014101900001')).toBe('620301******0001');
    expect(maskNik('123')).toBe('***');
  });

  it('maskAccount keeps the last 4 digits only', () => {
    expect(maskAccount('0012345678901')).toBe('*********8901');
    expect(maskAccount('1234')).toBe('****');
    expect(maskAccount('')).toBe('');
  });

  it('maskName keeps initials with a fixed number of stars', () => {
    expect(maskName('Budi Santoso')).toBe('B*** S***');
    expect(maskName('  Drs. H. Ahmad, S.Pd. ')).toBe('D*** H*** A*** S*** P***');
    expect(maskName('Ñoman')).toBe('Ñ***');
    expect(maskName('')).toBe('');
  });
});
