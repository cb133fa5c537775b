import { describe, expect, it } from 'vitest';
import type { ColumnName } from '#shared/domain/columns.ts';
import type { Issue } from '#shared/domain/issues.ts';
import {
  FileDuplicateTracker,
  nameWords,
  parsePhone,
  parseRt,
  type Recipient,
  RecipientSchema,
  sameHolder,
  validateRow,
} from '#shared/domain/recipient-row.ts';

/** Region 62.01, Kotawaringin Barat: kecamatan Kumai (62.01.01), desa Candi (62.01.01.1011). */
const REGION = '62.01';
const NIK = '6201014101900001';
const ACCOUNT = '0012345678';

type Raw = Partial<Record<ColumnName, string>>;

const ketuaRt: Raw = {
  nik: NIK,
  nama: 'Siti Aminah',
  peran: 'Ketua RT',
  kecamatan: 'Kumai',
  desa: 'Candi',
  rt: '3',
  no_rekening: ACCOUNT,
};

const codes = (issues: readonly Issue[]) => issues.map((issue) => issue.code);

function accepted(raw: Raw, region = REGION): Recipient {
  const result = validateRow(raw, region);
  expect(result.errors).toEqual([]);
  if (!result.recipient) throw new Error('row was not accepted');
  return result.recipient;
}

function rejected(raw: Raw, region = REGION) {
  const result = validateRow(raw, region);
  expect(result.recipient).toBeUndefined();
  expect(result.errors.length).toBeGreaterThan(0);
  return result;
}

describe('validateRow: accepted rows', () => {
  it('resolves a Ketua RT row to official codes and names', () => {
    const result = validateRow(ketuaRt, REGION);
    expect(result).toEqual({
      recipient: {
        nik: NIK,
        nama: 'Siti Aminah',
        peran: 'KETUA_RT',
        kecamatanCode: '62.01.01',
        kecamatan: 'Kumai',
        desaCode: '62.01.01.1011',
        desa: 'Candi',
        rt: '003',
        noRekening: ACCOUNT,
      },
      errors: [],
      warnings: [],
    });
    expect(RecipientSchema.parse(result.recipient)).toEqual(result.recipient);
  });

  it('trims and folds whitespace in every cell and accepts free spellings', () => {
    const recipient = accepted({
      nik: ` ${NIK} `,
      nama: '  Siti\u00a0  Aminah ',
      peran: ' mantir  adat desa ',
      kecamatan: 'KEC.  KUMAI',
      desa: 'Ds. Candi',
      no_rekening: ` ${ACCOUNT}`,
      nama_rekening: ' SITI   AMINAH ',
      no_hp: '+62 812-3456-7890',
      kabupaten: 'Kab. Kotawaringin Barat',
    });
    expect(recipient).toMatchObject({
      nama: 'Siti Aminah',
      peran: 'MANTIR_DESA',
      kecamatan: 'Kumai',
      desa: 'Candi',
      namaRekening: 'SITI AMINAH',
      noHp: '081234567890',
    });
  });

  it('accepts a kecamatan-level role without desa, and keeps a valid desa if given', () => {
    const damang = accepted({
      nik: NIK,
      nama: 'Drs. H. Ahmad, S.Pd.',
      peran: 'Damang',
      kecamatan: 'Kumai',
      no_rekening: ACCOUNT,
    });
    expect(damang.desaCode).toBeUndefined();
    expect(damang.nama).toBe('Drs. H. Ahmad, S.Pd.');
    const withDesa = accepted({ ...ketuaRt, peran: 'Sekretaris Damang', rt: '' });
    expect(withDesa).toMatchObject({ peran: 'SEKRETARIS_DAMANG', desaCode: '62.01.01.1011' });
    expect(withDesa.rt).toBeUndefined();
  });

  it.each(['3', '003', '03', 'RT 03', 'RT.003', 'rt3', 'RT 3/RW 2', '003/002'])(
    'normalises RT %j to 003',
    (rt) => {
      expect(accepted({ ...ketuaRt, rt }).rt).toBe('003');
    },
  );

  it.each(["'001 234 567 8", '001.234.567.8', '001-234-5678'])('cleans account %j', (account) => {
    expect(accepted({ ...ketuaRt, no_rekening: account }).noRekening).toBe(ACCOUNT);
  });

  it.each([
    'Budi',
    "Ma'ruf Amin",
    'I Gede Ngurah-Putra',
    'Drs. H. Ahmad, S.Pd.',
    'Hj. Siti Nur’aini',
    'Ñoman Étienne',
  ])('accepts the name %j', (nama) => {
    expect(accepted({ ...ketuaRt, nama }).nama).toBe(nama);
  });
});

describe('validateRow: errors', () => {
  it('reports every problem of the row, not just the first', () => {
    const { errors } = rejected({
      nik: '6.2031E+15',
      nama: 'B0di',
      peran: 'Mantir',
      kecamatan: 'Kumay',
      no_rekening: '12a',
    });
    expect(codes(errors)).toEqual([
      'NIK_SCIENTIFIC',
      'NAME_INVALID',
      'ROLE_UNKNOWN',
      'KECAMATAN_UNKNOWN',
      'ACCOUNT_INVALID',
    ]);
    expect(errors.map((issue) => issue.column)).toEqual(['nik', 'nama', 'peran', 'kecamatan', 'no_rekening']);
  });

  it('reports each required column when empty', () => {
    const { errors } = rejected({});
    expect(codes(errors)).toEqual([
      'NIK_REQUIRED',
      'NAME_REQUIRED',
      'ROLE_REQUIRED',
      'KECAMATAN_REQUIRED',
      'ACCOUNT_REQUIRED',
    ]);
    expect(codes(rejected({ ...ketuaRt, nik: '   ' }).errors)).toEqual(['NIK_REQUIRED']);
  });

  it.each([
    ['6.2031E+15', 'NIK_SCIENTIFIC'],
    ['620101410190000', 'NIK_LENGTH'],
    ['62010141019OOOO1', 'NIK_INVALID_CHARS'],
    ['6201013204900001', 'NIK_DATE'],
    ['6201014101900000', 'NIK_SERIAL'],
    ['0001014101900001', 'NIK_PROVINCE'],
  ])('passes on the NIK damage of %j as %s', (nik, code) => {
    expect(codes(rejected({ ...ketuaRt, nik }).errors)).toEqual([code]);
  });

  it('explains a name with digits by quoting the characters, not the name', () => {
    const [issue] = rejected({ ...ketuaRt, nama: 'Siti 2' }).errors;
    expect(issue?.code).toBe('NAME_INVALID');
    expect(issue?.message).toContain('"2"');
    expect(issue?.message).not.toContain('Siti');
  });

  it('names the Mantir levels for a plain Mantir, and lists the roles for unknown text', () => {
    const [mantir] = rejected({ ...ketuaRt, peran: 'Mantir Adat' }).errors;
    expect(mantir?.message).toMatch(/Mantir Kecamatan.*Mantir Desa/);
    const [unknown] = rejected({ ...ketuaRt, peran: 'Kepala Desa' }).errors;
    expect(unknown?.code).toBe('ROLE_UNKNOWN');
    expect(unknown?.message).toContain('"Kepala Desa"');
    expect(unknown?.message).toContain('Bhabinkamtibmas');
  });

  it('suggests the closest kecamatan, or says which region a kecamatan belongs to', () => {
    const [typo] = rejected({ ...ketuaRt, kecamatan: 'Kumay' }).errors;
    expect(typo?.message).toContain('"Kumay"');
    expect(typo?.message).toContain('Maksud Anda: Kumai?');
    const [other] = rejected({ ...ketuaRt, kecamatan: 'Selat' }).errors;
    expect(other?.code).toBe('KECAMATAN_UNKNOWN');
    expect(other?.message).toContain('Kabupaten Kapuas');
  });

  it.each(['MANTIR_DESA', 'KETUA_RT', 'BABINSA', 'BHABINKAMTIBMAS', 'PEMUKA_AGAMA'])(
    'requires desa for %s',
    (peran) => {
      const errors = rejected({ ...ketuaRt, peran, desa: '' }).errors;
      expect(codes(errors)).toEqual(['DESA_REQUIRED']);
    },
  );

  it('matches the desa within the kecamatan, pointing to the right kecamatan or a close name', () => {
    const [elsewhere] = rejected({ ...ketuaRt, desa: 'Mendawai' }).errors;
    expect(elsewhere?.code).toBe('DESA_UNKNOWN');
    expect(elsewhere?.message).toContain('Kecamatan Kumai');
    expect(elsewhere?.message).toContain('Arut Selatan');
    const [typo] = rejected({ ...ketuaRt, desa: 'Desa Cande' }).errors;
    expect(typo?.message).toContain('Maksud Anda: Candi?');
  });

  it('validates a desa given for a kecamatan-level role', () => {
    expect(codes(rejected({ ...ketuaRt, peran: 'Damang', desa: 'Atlantis' }).errors)).toEqual([
      'DESA_UNKNOWN',
    ]);
  });

  it('does not check the desa when the kecamatan is unknown', () => {
    expect(codes(rejected({ ...ketuaRt, kecamatan: 'Atlantis', desa: 'Candi' }).errors)).toEqual([
      'KECAMATAN_UNKNOWN',
    ]);
  });

  it('requires a readable RT for Ketua RT', () => {
    expect(codes(rejected({ ...ketuaRt, rt: '' }).errors)).toEqual(['RT_REQUIRED']);
    for (const rt of ['0', '000', '1000', 'RW 2', 'tiga', 'RT 3 RW 2']) {
      expect(codes(rejected({ ...ketuaRt, rt }).errors), rt).toEqual(['RT_INVALID']);
    }
  });

  it('only warns about an unreadable RT for other roles, and does not keep it', () => {
    const result = validateRow({ ...ketuaRt, peran: 'Babinsa', rt: 'xx' }, REGION);
    expect(result.recipient?.rt).toBeUndefined();
    expect(codes(result.warnings)).toEqual(['RT_INVALID']);
  });

  it.each([
    ['2,0456E+12', /angka ilmiah/],
    ['12345678a0', /"a"/],
    ['123456789', /10–16 angka.*9 angka/],
    ['12345678901234567', /17 angka/],
    ['0000000000', /0 saja/],
  ])('refuses account %j without quoting it', (account, message) => {
    const [issue] = rejected({ ...ketuaRt, no_rekening: account }).errors;
    expect(issue?.code).toBe('ACCOUNT_INVALID');
    expect(issue?.message).toMatch(message);
    expect(issue?.message).not.toContain(account);
  });

  it('refuses a row whose kabupaten column names another region', () => {
    const [issue] = rejected({ ...ketuaRt, kabupaten: 'Kapuas' }).errors;
    expect(issue).toMatchObject({ column: 'kabupaten', code: 'REGION_MISMATCH' });
    expect(issue?.message).toContain('"Kapuas"');
    expect(issue?.message).toContain('Kabupaten Kotawaringin Barat');
  });

  it.each(['62.01', '6201', 'Kobar', 'KOTAWARINGIN BARAT'])('accepts kabupaten %j for 62.01', (kabupaten) => {
    accepted({ ...ketuaRt, kabupaten });
  });

  it('accepts a BPS code in the kabupaten column (Katingan is 62.06, BPS 62.09)', () => {
    const katingan = {
      ...ketuaRt,
      nik: '6206014101900001',
      kecamatan: '62.06.01',
      desa: '',
      peran: 'Damang',
    };
    accepted({ ...katingan, kabupaten: '62.09' }, '62.06');
    accepted({ ...katingan, kabupaten: '62.06' }, '62.06');
  });

  it('masks a NIK that landed in a quoted column', () => {
    const [issue] = rejected({ ...ketuaRt, kecamatan: NIK }).errors;
    expect(issue?.message).not.toContain(NIK);
    expect(issue?.message).toContain('0001');
  });
});

describe('validateRow: warnings', () => {
  it('warns that the NIK was cleaned', () => {
    const result = validateRow({ ...ketuaRt, nik: `'${NIK}` }, REGION);
    expect(result.recipient?.nik).toBe(NIK);
    expect(codes(result.warnings)).toEqual(['NIK_CLEANED']);
  });

  it('warns about a NIK from another region, naming that region but not the NIK', () => {
    const result = validateRow({ ...ketuaRt, nik: '6203014101900001' }, REGION);
    expect(result.recipient).toBeDefined();
    const [issue] = result.warnings;
    expect(issue).toMatchObject({ column: 'nik', code: 'NIK_OTHER_REGION', severity: 'warning' });
    expect(issue?.message).toContain('Kabupaten Kapuas');
    expect(issue?.message).not.toContain('6203014101900001');
  });

  it('warns about a NIK from outside the province', () => {
    const [issue] = validateRow({ ...ketuaRt, nik: '6371014101900001' }, REGION).warnings;
    expect(issue?.code).toBe('NIK_OTHER_REGION');
    expect(issue?.message).toMatch(/luar Kalimantan Tengah.*63/);
  });

  it('warns when the account holder differs, ignoring titles, case and initials', () => {
    const mismatch = validateRow({ ...ketuaRt, nama_rekening: 'Budi Santoso' }, REGION);
    expect(mismatch.recipient).toBeDefined();
    expect(codes(mismatch.warnings)).toEqual(['ACCOUNT_NAME_MISMATCH']);
    expect(mismatch.warnings[0]?.message).not.toContain('Budi');
    const titled = validateRow(
      { ...ketuaRt, nama: 'Hj. Siti Aminah, S.Pd.', nama_rekening: 'SITI AMINAH' },
      REGION,
    );
    expect(titled.warnings).toEqual([]);
  });

  it('leaves out an account holder name that is not a name, with a warning', () => {
    const result = validateRow({ ...ketuaRt, nama_rekening: '=HYPERLINK("http://x")' }, REGION);
    expect(result.recipient).toBeDefined();
    expect(result.recipient?.namaRekening).toBeUndefined();
    expect(result.warnings).toEqual([
      expect.objectContaining({ column: 'nama_rekening', code: 'NAME_INVALID', severity: 'warning' }),
    ]);
  });

  it('warns about an implausible phone number and leaves it out', () => {
    const result = validateRow({ ...ketuaRt, no_hp: '12345' }, REGION);
    expect(result.recipient?.noHp).toBeUndefined();
    expect(codes(result.warnings)).toEqual(['PHONE_INVALID']);
  });
});

describe('helpers', () => {
  it('parseRt', () => {
    expect(parseRt('RT. 12')).toBe('012');
    expect(parseRt('999')).toBe('999');
    expect(parseRt('')).toBeUndefined();
  });

  it.each([
    ['081234567890', '081234567890'],
    ['0812 3456 7890', '081234567890'],
    ['+62 812-3456-7890', '081234567890'],
    ['6281234567890', '081234567890'],
    ['81234567890', '081234567890'],
    ["'081234567890", '081234567890'],
    ['(0536) 322 1234', '05363221234'],
  ])('parsePhone(%j) = %s', (text, phone) => {
    expect(parsePhone(text)).toBe(phone);
  });

  it.each(['12345', '0812', '+1 202 555 0100', '0812345678901234', 'telp kantor'])(
    'parsePhone rejects %j',
    (text) => {
      expect(parsePhone(text)).toBeUndefined();
    },
  );

  it('nameWords and sameHolder ignore titles and accept initials', () => {
    expect(nameWords('Drs. H. Ahmad Yani, S.Pd., M.Si.')).toEqual(['ahmad', 'yani']);
    expect(nameWords('Ahmad Yani S.Pd')).toEqual(['ahmad', 'yani']);
    expect(sameHolder('M. Yani', 'Muhammad Yani')).toBe(true);
    expect(sameHolder('Nur Haliza', 'NURHALIZA')).toBe(true);
    expect(sameHolder('Ahmad Yani', 'Ahmad Yanto')).toBe(false);
  });
});

describe('FileDuplicateTracker', () => {
  const recipient = (nik: string, noRekening: string): Recipient => ({
    nik,
    nama: 'Siti Aminah',
    peran: 'KETUA_RT',
    kecamatanCode: '62.01.01',
    kecamatan: 'Kumai',
    noRekening,
  });

  it('reports a repeated NIK as an error naming the first row', () => {
    const tracker = new FileDuplicateTracker();
    expect(tracker.check(recipient(NIK, '0012345678'), 12)).toEqual([]);
    const issues = tracker.check(recipient(NIK, '0099999999'), 40);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ column: 'nik', code: 'NIK_DUPLICATE', severity: 'error' });
    expect(issues[0]?.message).toContain('NIK sudah ada di baris 12');
    expect(issues[0]?.message).not.toContain(NIK);
    // Still the first row, however many repeats follow.
    expect(tracker.check(recipient(NIK, '0012345678'), 41)[0]?.message).toContain('baris 12');
  });

  it('warns about an account shared by another NIK, naming the first row', () => {
    const tracker = new FileDuplicateTracker();
    tracker.check(recipient(NIK, '0012345678'), 5);
    const issues = tracker.check(recipient('6201014101900002', '0012345678'), 9);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      column: 'no_rekening',
      code: 'ACCOUNT_DUPLICATE',
      severity: 'warning',
    });
    expect(issues[0]?.message).toContain('baris 5');
    expect(issues[0]?.message).not.toContain('0012345678');
  });

  it('tells accounts apart by leading zeros and length', () => {
    const tracker = new FileDuplicateTracker();
    expect(tracker.check(recipient(NIK, '0012345678'), 2)).toEqual([]);
    expect(tracker.check(recipient('6201014101900002', '00012345678'), 3)).toEqual([]);
    expect(tracker.check(recipient('6201014101900003', '12345678000'), 4)).toEqual([]);
  });

  it('handles NIKs and accounts too large for an exact number (Papua, 16-digit accounts)', () => {
    const tracker = new FileDuplicateTracker();
    const papua = '9471014101900001';
    expect(tracker.check(recipient(papua, '1234567890123456'), 2)).toEqual([]);
    expect(codes(tracker.check(recipient(papua, '1111111111'), 3))).toEqual(['NIK_DUPLICATE']);
    expect(codes(tracker.check(recipient(NIK, '1234567890123456'), 4))).toEqual(['ACCOUNT_DUPLICATE']);
    // Neighbours of a large NIK do not collide with it.
    expect(tracker.check(recipient('9471014101900002', '2222222222'), 5)).toEqual([]);
  });

  it('finds every duplicate among many rows (growth of its tables)', () => {
    const tracker = new FileDuplicateTracker();
    const rows = 50_000;
    const nikOf = (i: number) =>
      `6201${String(10 + (i % 80)).padStart(2, '0')}0101${String(Math.floor(i / 80) % 100).padStart(2, '0')}${String(Math.floor(i / 8000) + 1).padStart(4, '0')}`;
    const seen = new Set<string>();
    let issues = 0;
    for (let i = 0; i < rows; i++) {
      const nik = nikOf(i);
      seen.add(nik);
      issues += tracker.check(recipient(nik, String(1_000_000_000 + i)), i + 2).length;
    }
    expect(seen.size).toBe(rows); // the generated NIKs are distinct…
    expect(issues).toBe(0); // …and none was taken for a duplicate
    // Every NIK again, in reverse: each one a duplicate of its own first row.
    for (let i = rows - 1; i >= 0; i -= 997) {
      const [issue] = tracker.check(recipient(nikOf(i), '5555555555'), rows + 10 + i);
      expect(issue?.message).toContain(`baris ${i + 2}.`);
    }
  });
});
