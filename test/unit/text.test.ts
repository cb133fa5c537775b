import { describe, expect, it } from 'vitest';
import { closest, compactKey, editDistance, foldSpaces, placeKey, words } from '#shared/domain/text.ts';

describe('text normalisation', () => {
  it('foldSpaces trims and folds every kind of whitespace', () => {
    expect(foldSpaces('  Siti\u00a0\u00a0Aminah\t')).toBe('Siti Aminah');
    expect(foldSpaces('Ku\u200Bmai')).toBe('Kumai');
    expect(foldSpaces('a\r\nb')).toBe('a b');
    expect(foldSpaces('Kumai Hulu')).toBe('Kumai Hulu');
  });

  it('words drops case, accents and punctuation', () => {
    expect(words('Kec. Kumai-Hulu')).toEqual(['kec', 'kumai', 'hulu']);
    expect(words('Étienne Ñoman')).toEqual(['etienne', 'noman']);
    expect(compactKey('Palangka Raya')).toBe(compactKey('PALANGKARAYA'));
  });

  it('placeKey removes prefixes (keeping at least one word) and expands abbreviations', () => {
    const prefixes = new Set(['kec', 'kecamatan']);
    expect(placeKey('Kecamatan Kumai', prefixes)).toBe('kumai');
    expect(placeKey('Kecamatan', prefixes)).toBe('kecamatan');
    expect(placeKey('Sei. Rungun')).toBe(placeKey('Sungai Rungun'));
    expect(placeKey('Tb. Jutuh')).toBe(placeKey('Tumbang Jutuh'));
    expect(placeKey('Patas II')).toBe(placeKey('Patas 2'));
  });

  it('editDistance counts edits and stops past the limit', () => {
    expect(editDistance('kumai', 'kumay')).toBe(1);
    expect(editDistance('candi', 'cande')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
  });

  it('closest picks the single nearest candidate, and nothing on a tie or when far', () => {
    const candidates: [string, string][] = [
      ['kumai', 'Kumai'],
      ['kumaihulu', 'Kumai Hulu'],
    ];
    expect(closest('kumay', candidates)).toBe('Kumai');
    expect(closest('jakarta', candidates)).toBeUndefined();
    expect(
      closest('abcd', [
        ['abce', 'A'],
        ['abcf', 'B'],
      ]),
    ).toBeUndefined();
    expect(closest('', candidates)).toBeUndefined();
  });
});
