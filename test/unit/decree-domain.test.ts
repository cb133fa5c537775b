import { describe, expect, it } from 'vitest';
import { RATE_TABLE } from '#shared/config/rates.ts';
import {
  amountProblems,
  amountsForPeriod,
  buildLampiran,
  type DecreeRecipient,
  decreeDocument,
  decreeSettingsProblems,
  formatDateId,
  formatDecreeNumber,
  formatRupiah,
  maskNikFor,
  newVerifyCode,
  normalizeVerifyCode,
  parseNumberPattern,
  recipientProblem,
  retentionProblems,
  rupiahInWords,
  terbilang,
  VERIFY_CODE_PATTERN,
  wibDate,
} from '#shared/domain/decree.ts';

describe('terbilang: amounts in Indonesian words', () => {
  it.each([
    [0, 'nol'],
    [1, 'satu'],
    [10, 'sepuluh'],
    [11, 'sebelas'],
    [12, 'dua belas'],
    [19, 'sembilan belas'],
    [20, 'dua puluh'],
    [21, 'dua puluh satu'],
    [100, 'seratus'],
    [101, 'seratus satu'],
    [111, 'seratus sebelas'],
    [215, 'dua ratus lima belas'],
    [1_000, 'seribu'],
    [1_001, 'seribu satu'],
    [1_500, 'seribu lima ratus'],
    [2_000, 'dua ribu'],
    [11_000, 'sebelas ribu'],
    [100_000, 'seratus ribu'],
    [101_000, 'seratus satu ribu'],
    [1_000_000, 'satu juta'],
    [1_250_000, 'satu juta dua ratus lima puluh ribu'],
    [3_001_000, 'tiga juta seribu'],
    [1_000_000_000, 'satu miliar'],
    [
      12_345_678_900,
      'dua belas miliar tiga ratus empat puluh lima juta enam ratus tujuh puluh delapan ribu sembilan ratus',
    ],
    [2_000_000_000_000, 'dua triliun'],
  ])('%i → %s', (value, words) => {
    expect(terbilang(value)).toBe(words);
  });

  it('adds "rupiah", and refuses what is not a whole non-negative amount', () => {
    expect(rupiahInWords(1_250_000)).toBe('satu juta dua ratus lima puluh ribu rupiah');
    expect(() => terbilang(-1)).toThrow();
    expect(() => terbilang(1.5)).toThrow();
  });
});

describe('Rupiah in figures', () => {
  it.each([
    [0, 'Rp0'],
    [500, 'Rp500'],
    [1_000, 'Rp1.000'],
    [1_250_000, 'Rp1.250.000'],
    [4_500_000_000, 'Rp4.500.000.000'],
  ])('%i → %s', (amount, text) => expect(formatRupiah(amount)).toBe(text));
});

describe('decree numbers and dates', () => {
  it('fills the configured pattern', () => {
    expect(formatDecreeNumber('188.44/{seq}/{year}', 7, 2026)).toBe('188.44/7/2026');
    expect(formatDecreeNumber('100.3.3.2/{seq}/KHBS/{year}', 12, 2027)).toBe('100.3.3.2/12/KHBS/2027');
  });

  it('refuses a pattern that could print the same number twice', () => {
    expect(() => parseNumberPattern('188.44/{year}')).toThrow(/\{seq\}/);
    expect(() => parseNumberPattern('188.44/{seq}')).toThrow(/\{year\}/);
    expect(() => parseNumberPattern('{seq}/{seq}/{year}')).toThrow();
    expect(parseNumberPattern('188.44/{seq}/{year}')).toBe('188.44/{seq}/{year}');
  });

  it('dates a decree in WIB (UTC+7): 31 December 20:00 UTC is already next year in Palangka Raya', () => {
    expect(wibDate(new Date('2026-12-31T16:59:59Z'))).toMatchObject({ year: 2026, iso: '2026-12-31' });
    expect(wibDate(new Date('2026-12-31T17:00:00Z'))).toMatchObject({ year: 2027, iso: '2027-01-01' });
    expect(formatDateId('2026-11-29')).toBe('29 November 2026');
    expect(formatDateId('2027-01-01')).toBe('1 Januari 2027');
  });
});

describe('verification codes', () => {
  it('are 12 unambiguous characters in three groups, different each time', () => {
    const codes = new Set(Array.from({ length: 1_000 }, () => newVerifyCode()));
    expect(codes.size).toBe(1_000);
    for (const code of codes) expect(code).toMatch(VERIFY_CODE_PATTERN);
    expect([...codes].join('')).not.toMatch(/[ILOU]/);
  });

  it('accept what a reader types: lower case, spaces, no dashes, O for 0, I or L for 1', () => {
    expect(normalizeVerifyCode('abcd-efgh-jkmn')).toBe('ABCD-EFGH-JKMN');
    expect(normalizeVerifyCode(' ABCD EFGH JKMN ')).toBe('ABCD-EFGH-JKMN');
    expect(normalizeVerifyCode('ABCDEFGHJKMN')).toBe('ABCD-EFGH-JKMN');
    expect(normalizeVerifyCode('0O1I-L234-5678')).toBe('0011-1234-5678');
    expect(normalizeVerifyCode('ABCD-EFGH-JKM')).toBeUndefined();
    expect(normalizeVerifyCode('ABCD-EFGH-JKMU')).toBeUndefined();
    expect(normalizeVerifyCode("'; DROP TABLE--")).toBeUndefined();
  });
});

const person = (
  nama: string,
  peran: string,
  kecamatan: [string, string],
  desa?: [string, string],
  rt?: string,
  nik = '6203011203850001',
): DecreeRecipient => ({
  nama,
  nik,
  peran,
  kecamatanCode: kecamatan[0],
  kecamatan: kecamatan[1],
  desaCode: desa?.[0],
  desa: desa?.[1],
  rt,
});

describe('the lampiran', () => {
  const selat: [string, string] = ['62.03.01', 'Selat'];
  const kapuasHilir: [string, string] = ['62.03.02', 'Kapuas Hilir'];
  const recipients = [
    person('Yanti', 'KETUA_RT', selat, ['62.03.01.1001', 'Selat Hilir'], '002'),
    person('Budi', 'DAMANG', selat),
    person('Agus', 'KETUA_RT', selat, ['62.03.01.1001', 'Selat Hilir'], '001'),
    person('Citra', 'PEMUKA_AGAMA', kapuasHilir, ['62.03.02.2003', 'Barimba']),
    person('Dewi', 'MANTIR_DESA', selat, ['62.03.01.1001', 'Selat Hilir']),
  ];
  const lampiran = buildLampiran(recipients, amountsForPeriod(RATE_TABLE.monthly, '2026-S1'), {
    head: 6,
    tail: 4,
  });

  it('groups by kecamatan (by name), kecamatan-level roles first, then desa; roles in order, then RT', () => {
    expect(lampiran.groups.map((group) => [group.kecamatan, group.desa])).toEqual([
      ['Kapuas Hilir', 'Barimba'],
      ['Selat', undefined],
      ['Selat', 'Selat Hilir'],
    ]);
    // Desa or kelurahan from the official code (the 10th character: 2 desa, 1 kelurahan).
    expect(lampiran.groups.map((group) => group.heading)).toEqual([
      'Kecamatan Kapuas Hilir — Desa Barimba',
      'Kecamatan Selat — Tingkat Kecamatan',
      'Kecamatan Selat — Kelurahan Selat Hilir',
    ]);
    expect(lampiran.groups[2]?.lines.map((line) => [line.no, line.nama, line.peran])).toEqual([
      [3, 'Dewi', 'Mantir Adat Desa/Kelurahan'],
      [4, 'Agus', 'Ketua RT 001'],
      [5, 'Yanti', 'Ketua RT 002'],
    ]);
  });

  it('pays each role its monthly rate × the months of the period, with subtotals and total', () => {
    const six = (role: keyof typeof RATE_TABLE.monthly) => RATE_TABLE.monthly[role] * 6;
    expect(lampiran.groups[1]?.subtotal).toBe(six('DAMANG'));
    const expected = six('KETUA_RT') * 2 + six('DAMANG') + six('PEMUKA_AGAMA') + six('MANTIR_DESA');
    expect(lampiran.total).toBe(expected);
    expect(lampiran.groups.reduce((sum, group) => sum + group.subtotal, 0)).toBe(expected);
    expect(lampiran.totalInWords).toBe(rupiahInWords(expected));
    expect(lampiran.byRole.map((row) => [row.peran, row.count])).toEqual([
      ['Damang Kepala Adat', 1],
      ['Mantir Adat Desa/Kelurahan', 1],
      ['Ketua RT', 2],
      ['Pemuka Agama', 1],
    ]);
  });

  it('prints NIKs masked to the configured head and tail', () => {
    expect(lampiran.groups[0]?.lines[0]?.nikMasked).toBe('620301******0001');
    expect(maskNikFor('6203011203850001', { head: 4, tail: 2 })).toBe('6203**********01');
    expect(maskNikFor('123', { head: 6, tail: 4 })).toBe('***');
  });
});

/** Decree settings as a deployment would set them (the text tests and the pre-flight share them). */
const settings = {
  numberPattern: '188.44/{seq}/{year}',
  place: 'Palangka Raya',
  signerTitle: 'GUBERNUR KALIMANTAN TENGAH',
  signerName: 'AGUSTIAR SABRAN',
  verifyBaseUrl: 'https://khbs.example.go.id/verify/',
  nikMask: { head: 6, tail: 4 },
  menimbang: ['bahwa …;'],
  mengingat: ['Undang-Undang …;'],
};

describe('the decree text', () => {
  const lampiran = buildLampiran(
    [person('Budi', 'DAMANG', ['62.03.01', 'Selat'])],
    amountsForPeriod(RATE_TABLE.monthly, '2026-S1'),
    { head: 6, tail: 4 },
  );
  const facts = {
    number: '188.44/3/2026',
    region: '62.03',
    period: '2026-S1',
    decreeDate: '2026-11-29',
    verifyCode: 'ABCD-EFGH-JKMN',
    proposalId: '62.03-2026-S1',
  };

  it('names the number, region, period, total and the verification URL', () => {
    const doc = decreeDocument(facts, lampiran, settings);
    expect(doc.titleLines).toEqual(['KEPUTUSAN GUBERNUR KALIMANTAN TENGAH', 'NOMOR 188.44/3/2026']);
    expect(doc.subject).toContain('KABUPATEN KAPUAS');
    expect(doc.subject).toContain('SEMESTER I TAHUN 2026');
    expect(doc.verifyUrl).toBe('https://khbs.example.go.id/verify/ABCD-EFGH-JKMN');
    expect(doc.dateText).toBe('29 November 2026');
    expect(doc.diktum.map((item) => item.label)).toEqual(['KESATU', 'KEDUA', 'KETIGA', 'KEEMPAT']);
    expect(doc.diktum[1]?.text).toContain(formatRupiah(lampiran.total));
    expect(doc.diktum[1]?.text).toContain(lampiran.totalInWords);
  });

  it('says which revoked decree a replacement replaces', () => {
    const doc = decreeDocument(
      { ...facts, replaces: { number: '188.44/1/2026', revokedOn: '2026-11-20' } },
      lampiran,
      settings,
    );
    expect(doc.diktum.map((item) => item.label)).toEqual(['KESATU', 'KEDUA', 'KETIGA', 'KEEMPAT', 'KELIMA']);
    expect(doc.diktum[3]?.text).toBe(
      'Keputusan ini menggantikan Keputusan Gubernur Kalimantan Tengah Nomor 188.44/1/2026 yang telah dicabut pada tanggal 20 November 2026.',
    );
  });
});

describe('pre-flight checks of a decree, before its number is taken', () => {
  it('accepts the default settings and names every invalid one', () => {
    expect(decreeSettingsProblems(settings)).toEqual([]);
    const problems = decreeSettingsProblems({
      ...settings,
      numberPattern: '188.44/{seq}/{seq}',
      signerName: '  ',
      verifyBaseUrl: 'khbs.kalteng.go.id/verify',
      nikMask: { head: 8, tail: 8 },
    });
    expect(problems.map((problem) => problem.code)).toEqual([
      'CONFIG_INVALID',
      'CONFIG_INVALID',
      'CONFIG_INVALID',
      'CONFIG_INVALID',
    ]);
    expect(problems.map((problem) => problem.message).join(' ')).toMatch(
      /pola nomor.*penanda tangan.*alamat verifikasi.*masker NIK/,
    );
    expect(decreeSettingsProblems({ ...settings, verifyBaseUrl: 'ftp://x.example/verify' })).toHaveLength(1);
  });

  it('checks retention only when there is one', () => {
    expect(retentionProblems(undefined)).toEqual([]);
    expect(retentionProblems({ mode: 'COMPLIANCE', days: 3650 })).toEqual([]);
    expect(retentionProblems({ mode: 'COMPLIANCE', days: 0 })).toHaveLength(1);
    expect(retentionProblems({ mode: 'LEGAL_HOLD', days: 1.5 })).toHaveLength(2);
  });

  it('wants a whole, positive amount for every role', () => {
    expect(amountProblems(amountsForPeriod(RATE_TABLE.monthly, '2026-S1'))).toEqual([]);
    const { KETUA_RT: _dropped, ...withoutRt } = amountsForPeriod(RATE_TABLE.monthly, '2026');
    expect(amountProblems({ ...withoutRt, DAMANG: 1.5 }).map((problem) => problem.message)).toEqual([
      expect.stringContaining('DAMANG'),
      expect.stringContaining('KETUA_RT'),
    ]);
  });

  it('finds a recipient the lampiran cannot print', () => {
    const good: DecreeRecipient = {
      nama: 'Warga Satu',
      nik: '6203011203850001',
      peran: 'KETUA_RT',
      kecamatanCode: '62.03.01',
      kecamatan: 'Selat',
      desaCode: '62.03.01.1001',
      desa: 'Selat Hilir',
      rt: '003',
    };
    expect(recipientProblem(good)).toBeUndefined();
    expect(recipientProblem({ ...good, nik: '620301******0001' })).toMatch(/NIK/);
    expect(recipientProblem({ ...good, nama: ' ' })).toMatch(/nama/);
    expect(recipientProblem({ ...good, peran: 'BUPATI' })).toMatch(/peran/);
    expect(recipientProblem({ ...good, kecamatan: '' })).toMatch(/kecamatan/);
  });
});
