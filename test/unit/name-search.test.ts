import { describe, expect, it } from 'vitest';
import { nameKey } from '#shared/adapters/recipients-repo.ts';
import { SearchRecipientsBodySchema } from '#shared/contract/requests.ts';

/** How a name search compares names (`POST …/recipients/search`), and what it accepts as a query. */
describe('name search', () => {
  it.each([
    ['Siti Nur’aini', 'siti nuraini'],
    ["SITI  nur'aini", 'siti nuraini'],
    ['Sití Rahmá', 'siti rahma'],
    ['  Drs. H. Ahmad,  S.Pd ', 'drs h ahmad s pd'],
    ['Yohanes-Paulus', 'yohanes paulus'],
  ])('reads %j as %j', (name, key) => {
    expect(nameKey(name)).toBe(key);
  });

  it('matches a fragment whatever its case, accents or spacing', () => {
    const stored = nameKey('Sití  Nur’aini Rahmawati');
    for (const typed of ['siti', 'NURAINI', 'nuraini', 'aini rahma', 'Síti nur']) {
      expect(stored.includes(nameKey(typed)), typed).toBe(true);
    }
    expect(stored.includes(nameKey('budi'))).toBe(false);
  });

  it('takes 2–60 characters, a known code and a page of 1–500; nothing else in the body', () => {
    expect(SearchRecipientsBodySchema.parse({ q: ' si ' })).toEqual({ q: 'si', limit: 50 });
    for (const body of [
      { q: 's' },
      { q: 'x'.repeat(61) },
      { q: 'si\u202Eti' },
      { q: 'siti', limit: 0 },
      { q: 'siti', limit: 501 },
      { q: 'siti', flag: 'ZZZ_NONE' },
      { q: 'siti', nik: '6203011203850001' },
    ]) {
      expect(SearchRecipientsBodySchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
    expect(SearchRecipientsBodySchema.parse({ q: 'siti', flag: 'NIK_CLEANED', limit: 10 })).toMatchObject({
      flag: 'NIK_CLEANED',
    });
  });
});
