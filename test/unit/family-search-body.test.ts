import { describe, expect, it } from 'vitest';
import { decodeReadsCursor, newFamilyId } from '#shared/adapters/family-directory-repo.ts';
import { familiesByDesaIndexKey, familyLookup, memberLookup } from '#shared/adapters/keys.ts';
import { FamilyParamsSchema, SearchFamiliesBodySchema } from '#shared/contract/requests.ts';
import { BadRequestError } from '#shared/errors.ts';
import { ageOn } from '../../functions/api/family-lookup.ts';
import '#shared/http/zod-messages.ts';

const NIK = '6203011508850010';
const KK = '6203010101200001';
const DESA = '62.03.01.2001';

/** The messages of a refused body, joined. */
function refusal(body: unknown): string {
  const parsed = SearchFamiliesBodySchema.safeParse(body);
  expect(parsed.success, JSON.stringify(body)).toBe(false);
  return parsed.success ? '' : parsed.error.issues.map((issue) => issue.message).join(' | ');
}

describe('POST /families/search: the body', () => {
  it('takes exactly one kind of search', () => {
    expect(SearchFamiliesBodySchema.parse({ nik: NIK })).toEqual({ nik: NIK });
    expect(SearchFamiliesBodySchema.parse({ noKk: KK })).toEqual({ noKk: KK });
    expect(SearchFamiliesBodySchema.parse({ name: '  Budi ', desaCode: DESA })).toEqual({
      name: 'Budi',
      desaCode: DESA,
    });
    expect(SearchFamiliesBodySchema.parse({ noKk: KK, purpose: 'Pengaduan nomor 17' })).toEqual({
      noKk: KK,
      purpose: 'Pengaduan nomor 17',
    });
  });

  it('refuses none, two, or a desa without a name, saying how to search in Bahasa Indonesia', () => {
    expect(refusal({})).toMatch(/tepat satu cara/);
    expect(refusal({ nik: NIK, noKk: KK })).toMatch(/tepat satu cara/);
    expect(refusal({ nik: NIK, name: 'Budi', desaCode: DESA })).toMatch(/tepat satu cara/);
    expect(refusal({ name: 'Budi' })).toMatch(/memerlukan kode desa/);
    expect(refusal({ desaCode: DESA })).toMatch(/tepat satu cara/);
    expect(refusal({ noKk: KK, desaCode: DESA })).toMatch(/hanya dipakai bersama nama/);
  });

  it('checks the numbers are 16 digits, the name has 3 letters, the desa code its shape', () => {
    for (const nik of ['123', `${NIK}0`, '62030115088500a0', ' 6203011508850010', 6203011508850010]) {
      expect(refusal({ nik })).toMatch(/NIK|16 angka|string|teks/i);
    }
    expect(refusal({ noKk: '620301010120000' })).toMatch(/Nomor KK terdiri atas 16 angka/);
    expect(refusal({ name: 'ab', desaCode: DESA })).toMatch(/paling sedikit 3 huruf/);
    // Punctuation does not count as letters.
    expect(refusal({ name: "a.'b", desaCode: DESA })).toMatch(/paling sedikit 3 huruf/);
    expect(refusal({ name: 'x'.repeat(61), desaCode: DESA })).toMatch(/Paling panjang 60/);
    expect(refusal({ name: 'bu\u202Edi', desaCode: DESA })).toMatch(/karakter kendali/);
    expect(refusal({ name: 'Budi', desaCode: '62.03.01' })).toMatch(/Kode desa ditulis seperti/);
    expect(refusal({ noKk: KK, q: 'budi' })).not.toBe('');
  });
});

describe('family ids, lookup keys and the read log cursor', () => {
  it('gives ids of KEL- and 12 base32 characters that the path accepts, and never a number', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newFamilyId()));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(id).toMatch(/^KEL-[A-Z2-7]{12}$/);
      expect(FamilyParamsSchema.safeParse({ familyId: id }).success).toBe(true);
    }
    for (const familyId of [NIK, KK, 'KEL-abcdefghijkl', 'KEL-AAAAAAAAAAA1', 'KEL-AAAAAAAAAAAAA']) {
      expect(FamilyParamsSchema.safeParse({ familyId }).success, familyId).toBe(false);
    }
  });

  it('indexes a family by No KK and by desa + normalised head name, a member by NIK', () => {
    expect(familyLookup('imp-1', { noKk: KK, desaCode: DESA, namaKepalaKeluarga: 'Sítì  Nur’aini' })).toEqual(
      {
        gsi1pk: `FAMKK#${KK}`,
        gsi1sk: 'imp-1',
        gsi2pk: familiesByDesaIndexKey(DESA),
        gsi2sk: `siti nuraini#${KK}#imp-1`,
      },
    );
    // No head's name: no name index entry.
    expect(familyLookup('imp-1', { noKk: KK, desaCode: DESA })).toEqual({
      gsi1pk: `FAMKK#${KK}`,
      gsi1sk: 'imp-1',
    });
    expect(memberLookup('imp-2', { noKk: KK, nik: NIK })).toEqual({
      gsi1pk: `FAMNIK#${NIK}`,
      gsi1sk: `imp-2#${KK}`,
    });
  });

  it('reads back only a cursor naming a read log sort key', () => {
    const sk = '2026-12-06T10:11:12.345Z#0123456789abcdef';
    const cursor = Buffer.from(JSON.stringify({ s: sk })).toString('base64url');
    expect(decodeReadsCursor(cursor)).toBe(sk);
    const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      'garbage',
      forge({ s: `KK#${KK}` }),
      forge({ s: sk, pk: 'READLOG#KEL-AAAAAAAAAAAA' }),
      forge({ k: KK }),
      forge([sk]),
    ]) {
      expect(() => decodeReadsCursor(bad), bad).toThrow(BadRequestError);
    }
  });

  it('counts age in whole years, the day before a birthday still the year before', () => {
    const today = new Date('2026-08-14T12:00:00Z');
    expect(ageOn('1985-08-15', today)).toBe(40);
    expect(ageOn('1985-08-14', today)).toBe(41);
    expect(ageOn('2026-08-15', today)).toBeUndefined();
    expect(ageOn('15-08-1985', today)).toBeUndefined();
  });
});
