import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type EntitlementStatus, entitlementRef } from '#shared/domain/family/distribution.ts';
import {
  BAST_LAYOUT,
  type BastFacts,
  type BastLine,
  BastLineSchema,
  type BastMember,
  bastLineKey,
  DISTRIBUTION_COLUMN_LABELS,
  DISTRIBUTION_COLUMNS,
  type DistributionInput,
  distributionCells,
  distributionRow,
  FoodPackageSchema,
  FoodReconciliation,
  judgeBastLine,
  packageLabel,
  parseDegrees,
  parseReason,
  validateBastLine,
} from '#shared/domain/family/food.ts';
import { readCsvRecords } from '#shared/import/csv-records.ts';
import { toRows } from '#shared/import/rows.ts';

async function rowsOf(text: string) {
  const rows = [];
  for await (const row of toRows(readCsvRecords(Readable.from([Buffer.from(text)])), BAST_LAYOUT)) {
    rows.push(row);
  }
  return rows;
}

const PKG = FoodPackageSchema.parse({
  items: [
    { name: 'beras premium', quantity: 5, unit: 'kg' },
    { name: 'minyak goreng', quantity: 1, unit: 'L' },
    { name: 'gula pasir', quantity: 0.5, unit: 'kg' },
  ],
  price: 150_000,
});

const NO_KK = '6203011203150001';
const PENERIMA = '6203011203800001'; // head, born 1980
const WIFE = '6203015505850002'; // born 1985
const CHILD = '6203010101150003'; // born 2015: a minor in 2026
const ADULT_CHILD = '6203010101030004'; // born 2003
const OTHER_KK_MEMBER = '6203021010900005';
const PROXY = '6271031212700006';
const FAMILY_ID = 'KEL-ABCDEFGHJKMN';
const REF = entitlementRef('2026-1', 'PANGAN', FAMILY_ID);
const TODAY = '2026-03-20';

const MEMBERS: BastMember[] = [
  { nik: PENERIMA, hubungan: 'KEPALA_KELUARGA', tanggalLahir: '1980-03-12' },
  { nik: WIFE, hubungan: 'ISTRI', tanggalLahir: '1985-05-15' },
  { nik: CHILD, hubungan: 'ANAK', tanggalLahir: '2015-01-01' },
  { nik: ADULT_CHILD, hubungan: 'ANAK', tanggalLahir: '2003-01-01' },
];

const ALL_PERSONAL = [NO_KK, PENERIMA, WIFE, CHILD, ADULT_CHILD, OTHER_KK_MEMBER, PROXY];
const NAMES = /Budi|Siti|Ani|Rahmat/;

function expectNothingPersonal(texts: readonly string[]) {
  for (const text of texts) {
    for (const number of ALL_PERSONAL) expect(text).not.toContain(number);
    expect(text).not.toMatch(NAMES);
  }
}

const line = (overrides: Partial<BastLine> = {}): BastLine => ({
  noKk: NO_KK,
  kkValid: true,
  status: 'DITERIMA',
  tanggal: '2026-03-02',
  receiverNik: PENERIMA,
  receiverName: 'Budi Santoso',
  hubungan: 'KPM',
  ...overrides,
});

const facts = (
  status: EntitlementStatus,
  extra: { received?: { tanggal: string; receiverNik?: string }; seen?: string[] } = {},
): BastFacts => ({
  entitlement: {
    ref: REF,
    status,
    penerimaNik: PENERIMA,
    members: MEMBERS,
    ...(extra.received ? { received: extra.received } : {}),
  },
  seen: new Set(extra.seen ?? []),
});

describe('the food package and the distribution list', () => {
  it('describes the configured package in Indonesian, with a decimal comma', () => {
    expect(packageLabel(PKG)).toBe('5 kg beras premium, 1 L minyak goreng, 0,5 kg gula pasir');
    expect(FoodPackageSchema.safeParse({ items: [], price: 150_000 }).success).toBe(false);
    expect(FoodPackageSchema.safeParse({ ...PKG, price: 150_000.5 }).success).toBe(false);
  });

  const input = (overrides: Partial<DistributionInput> = {}): DistributionInput => ({
    no: 1,
    entitlement: { ref: REF, component: 'PANGAN', amount: 150_000, status: 'DITETAPKAN' },
    card: { number: 'HB-6203-0000123-4', status: 'DIBAGIKAN' },
    family: { noKk: NO_KK, penerimaNik: PENERIMA, penerimaNama: 'Budi Santoso' },
    place: { kabupaten: 'Kapuas', kecamatan: 'Selat', desa: 'Selat Hilir' },
    nomorSk: '188.44/12/2026',
    pkg: PKG,
    ...overrides,
  });

  it('builds a row: the reference, the card, the No KK whole, the NIK masked, the package and the SK', () => {
    const result = distributionRow(input());
    expect(result).toEqual({
      ok: true,
      row: {
        no: 1,
        referensi: 'KHBS-2026-1-P-ABCDEFGHJKMN',
        noKartu: 'HB-6203-0000123-4',
        noKk: NO_KK,
        namaKpm: 'Budi Santoso',
        nikKpm: '620301******0001',
        paket: '5 kg beras premium, 1 L minyak goreng, 0,5 kg gula pasir',
        jumlah: 150_000,
        nomorSk: '188.44/12/2026',
        kabupaten: 'Kapuas',
        kecamatan: 'Selat',
        desa: 'Selat Hilir',
        keterangan: '',
      },
    });
    if (!result.ok) throw new Error('unreachable');
    const cells = distributionCells(result.row);
    expect(cells).toHaveLength(DISTRIBUTION_COLUMNS.length);
    expect(cells.join('|')).not.toContain(PENERIMA);
  });

  it('does not print a blocked card, and tells the officer to hand over on KTP and KK', () => {
    const result = distributionRow(input({ card: { number: 'HB-6203-0000123-4', status: 'DIBLOKIR' } }));
    expect(result.ok && result.row.noKartu).toBe('');
    expect(result.ok && result.row.keterangan).toContain('KTP dan KK');
    const noCard = distributionRow(input({ card: undefined }));
    expect(noCard.ok && noCard.row.keterangan).toContain('belum diterbitkan');
  });

  it('lists DIKIRIM and DIULANG again, never a TUNAI, received or failed-not-yet-repeated entitlement', () => {
    expect(distributionRow(input({ entitlement: { ...input().entitlement, status: 'DIKIRIM' } })).ok).toBe(
      true,
    );
    const again = distributionRow(input({ entitlement: { ...input().entitlement, status: 'DIULANG' } }));
    expect(again.ok && again.row.keterangan).toContain('Penyaluran ulang');
    const refused = (status: 'DITERIMA' | 'GAGAL') =>
      distributionRow(input({ entitlement: { ...input().entitlement, status } }));
    expect(refused('DITERIMA')).toMatchObject({ ok: false, code: 'SUDAH_DITERIMA' });
    expect(refused('GAGAL')).toMatchObject({ ok: false, code: 'GAGAL_BELUM_DIULANG' });
    expect(
      distributionRow(input({ entitlement: { ...input().entitlement, component: 'TUNAI' } })),
    ).toMatchObject({
      ok: false,
      code: 'BUKAN_PANGAN',
    });
  });

  it("keeps the masked NIK's header out of the BAST's aliases, and names No KK and Referensi as the BAST does", () => {
    const read = DISTRIBUTION_COLUMNS.flatMap((column) => {
      const bast = BAST_LAYOUT.header.columnFor(DISTRIBUTION_COLUMN_LABELS[column]);
      return bast ? [[column, bast]] : [];
    });
    // Nothing else of the list (the masked NIK, the officer's notes) is read back as a BAST column.
    expect(read).toEqual([
      ['referensi', 'referensi'],
      ['no_kk', 'no_kk'],
    ]);
  });
});

describe('the BAST file', () => {
  const FILE = [
    '\uFEFFBERITA ACARA SERAH TERIMA BANTUAN PANGAN KHBS;;;;',
    'Titik bagi: Desa Selat Hilir, Kecamatan Selat;;;;',
    'No;No. KK;NIK Yang Menerima;Diterima Oleh;Penerima Adalah;Tgl Serah Terima;Status Penyaluran;Keterangan;No Surat Kuasa;Foto Bukti;Lintang;Bujur;Ref',
    `1;${NO_KK};${PENERIMA};Budi Santoso;KPM;02-03-2026;Diterima;;;IMG_0001.jpg;-2,9912;114,3012;${REF}`,
    `2;'${NO_KK};${WIFE};Siti Aminah;Istri;2026-03-02;sudah terima;;;https://bulog.example/f/2;-2.99;114.30;`,
    `3;${NO_KK};${PROXY};Rahmat;Kuasa;02/03/2026;Diterima;;;IMG_0003.jpg;;;`,
    `4;${NO_KK};;;;46083;Tidak Diterima;Tidak hadir - sakit;;;;;`,
    `5;${NO_KK};;;;03-03-2026;tdk terima;;;;;;`,
    `6;${NO_KK};${OTHER_KK_MEMBER};Ani;Anggota;04-03-2026;Diterima;;;IMG 6.jpg;1,5;113;`,
    `7;${NO_KK};${PENERIMA};Budi Santoso;;05-03-2026;ya;;;;113.9;-2.2;`,
  ].join('\n');

  it('finds the header below title rows and a BOM, with aliases, and reads every line', async () => {
    const rows = await rowsOf(FILE);
    expect(rows.map((row) => row.sourceRow)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    const checked = rows.map((row) => validateBastLine(row.raw, { today: TODAY }));

    // 4: the penerima, comma decimals, the entitlement's reference.
    expect(checked[0]?.value).toEqual({
      noKk: NO_KK,
      kkValid: true,
      status: 'DITERIMA',
      tanggal: '2026-03-02',
      receiverNik: PENERIMA,
      receiverName: 'Budi Santoso',
      hubungan: 'KPM',
      foto: 'IMG_0001.jpg',
      latitude: -2.9912,
      longitude: 114.3012,
      referensi: REF,
    });
    expect(checked[0]?.warnings).toEqual([]);
    // 5: a relationship word is a family member; ISO date; a URL-ish photo.
    expect(checked[1]?.value).toMatchObject({
      hubungan: 'ANGGOTA_KELUARGA',
      foto: 'https://bulog.example/f/2',
    });
    // 6: a proxy without the power of attorney's number is refused.
    expect(checked[2]?.value).toBeUndefined();
    expect(checked[2]?.errors.map((problem) => problem.code)).toEqual(['SURAT_KUASA_WAJIB']);
    // 7: not received, an Excel serial date, a known reason with free text.
    expect(checked[3]?.value).toMatchObject({
      status: 'TIDAK_DITERIMA',
      tanggal: '2026-03-02',
      alasan: 'TIDAK_HADIR',
      alasanTeks: 'Tidak hadir - sakit',
    });
    // 8: not received without a reason.
    expect(checked[4]?.errors.map((problem) => problem.code)).toEqual(['ALASAN_WAJIB']);
    // 9: a member of another KK is a valid line (the judgement finds it); a point north of Kalteng is a warning.
    expect(checked[5]?.value).toMatchObject({ hubungan: 'ANGGOTA_KELUARGA', latitude: 1.5, longitude: 113 });
    expect(checked[5]?.warnings.map((problem) => problem.code)).toEqual(['KOORDINAT_DI_LUAR_KALTENG']);
    // 10: empty relationship (the KK decides), no photo, coordinates swapped.
    expect(checked[6]?.value).toMatchObject({ status: 'DITERIMA', receiverNik: PENERIMA });
    expect(checked[6]?.value?.hubungan).toBeUndefined();
    expect(checked[6]?.value?.latitude).toBeUndefined();
    expect(checked[6]?.warnings.map((problem) => problem.code)).toEqual([
      'HUBUNGAN_KOSONG',
      'FOTO_KOSONG',
      'KOORDINAT_TIDAK_SAH',
    ]);
    expect(checked[6]?.warnings[2]?.message).toContain('tertukar');

    for (const result of checked)
      if (result.value) expect(BastLineSchema.parse(result.value)).toEqual(result.value);
    expectNothingPersonal(
      checked.flatMap((result) => [...result.errors, ...result.warnings].map((p) => p.message)),
    );
  });

  it('refuses a file without the status column, naming what is missing', async () => {
    await expect(
      rowsOf(`No KK;NIK Penerima;Nama Penerima;Hubungan;Tanggal\n${NO_KK};1;2;3;4\n`),
    ).rejects.toMatchObject({
      code: 'HEADER_NOT_FOUND',
    });
    await expect(rowsOf('No KK;NIK Penerima;Status;Alasan\n1;2;3;4\n')).rejects.toMatchObject({
      code: 'COLUMNS_MISSING',
    });
  });

  const valid = (raw: Record<string, string>) =>
    validateBastLine(
      {
        no_kk: NO_KK,
        nik_penerima: PENERIMA,
        nama_penerima: 'Budi Santoso',
        hubungan: 'KPM',
        tanggal: '02-03-2026',
        status: 'DITERIMA',
        foto: 'IMG_1.jpg',
        ...raw,
      },
      { today: TODAY },
    );

  it('reads the spellings of status, relationship and reason', () => {
    for (const status of ['Diterima', 'SUDAH DITERIMA', 'tersalur', 'Berhasil']) {
      expect(valid({ status }).value?.status, status).toBe('DITERIMA');
    }
    for (const status of ['TIDAK_DITERIMA', 'Tidak Diterima', 'belum terima', 'Gagal']) {
      expect(valid({ status, alasan: 'pindah' }).value?.status, status).toBe('TIDAK_DITERIMA');
    }
    const receivers: [string, string][] = [
      ['KPM', 'KPM'],
      ['yang bersangkutan', 'KPM'],
      ['Penerima', 'KPM'],
      ['anggota keluarga', 'ANGGOTA_KELUARGA'],
      ['ANGGOTA_KELUARGA', 'ANGGOTA_KELUARGA'],
      ['Anak', 'ANGGOTA_KELUARGA'],
      ['Penerima Kuasa', 'KUASA'],
      ['dikuasakan', 'KUASA'],
    ];
    for (const [hubungan, value] of receivers) {
      expect(valid({ hubungan, nomor_surat_kuasa: 'SK/01/2026' }).value?.hubungan, hubungan).toBe(value);
    }
    expect(valid({ hubungan: 'tetangga' }).errors.map((problem) => problem.code)).toEqual([
      'HUBUNGAN_TIDAK_DIKENAL',
    ]);
    expect(valid({ status: 'mungkin' }).errors.map((problem) => problem.code)).toEqual([
      'STATUS_TIDAK_DIKENAL',
    ]);

    expect(parseReason('Meninggal dunia')).toEqual({ reason: 'MENINGGAL', known: true });
    expect(parseReason('pindah ke Sampit')).toEqual({
      reason: 'PINDAH',
      known: true,
      teks: 'pindah ke Sampit',
    });
    expect(parseReason('Tidak membawa KTP')).toMatchObject({ reason: 'DOKUMEN_TIDAK_LENGKAP', known: true });
    expect(parseReason('rumah kosong')).toEqual({ reason: 'LAINNYA', known: false, teks: 'rumah kosong' });
    const other = valid({ status: 'tidak diterima', alasan: 'rumah kosong' });
    expect(other.value).toMatchObject({ alasan: 'LAINNYA', alasanTeks: 'rumah kosong' });
    expect(other.warnings.map((problem) => problem.code)).toEqual(['ALASAN_LAINNYA']);
  });

  it('refuses a masked NIK, a missing name, a future date; the receiver is ignored when not received', () => {
    expect(valid({ nik_penerima: '620301******0001' }).errors.map((problem) => problem.code)).toEqual([
      'NIK_TERSAMAR',
    ]);
    expect(valid({ nama_penerima: '' }).errors.map((problem) => problem.code)).toEqual(['NAME_REQUIRED']);
    expect(valid({ tanggal: '21-03-2026' }).errors.map((problem) => problem.code)).toEqual(['DATE_INVALID']);
    expect(valid({ tanggal: '31-02-2026' }).errors.map((problem) => problem.code)).toEqual(['DATE_INVALID']);
    const notReceived = valid({ status: 'tidak diterima', alasan: 'menolak', nik_penerima: 'x' });
    expect(notReceived.errors).toEqual([]);
    expect(notReceived.value?.receiverNik).toBeUndefined();
  });

  it('checks the photo reference and the coordinates as evidence: warnings, never errors', () => {
    const bad = [
      'javascript:alert(1)',
      'data:image/png;base64,AAAA',
      '=HYPERLINK("x")',
      `${'a'.repeat(201)}.jpg`,
    ];
    for (const foto of bad) {
      const result = valid({ foto });
      expect(result.value?.foto, foto).toBeUndefined();
      expect(
        result.warnings.map((problem) => problem.code),
        foto,
      ).toEqual(['FOTO_TIDAK_SAH']);
    }
    expect(valid({ foto: 'bast/2026/03/IMG 0001 (2).jpg' }).value?.foto).toBe(
      'bast/2026/03/IMG 0001 (2).jpg',
    );

    expect(parseDegrees('-2,2136')).toBe(-2.2136);
    expect(parseDegrees(' 113.9213 ')).toBe(113.9213);
    expect(parseDegrees("2°12'S")).toBeUndefined();
    expect(parseDegrees('-2,213,6')).toBeUndefined();
    expect(valid({ latitude: '-1,5', longitude: '113,2' }).value).toMatchObject({
      latitude: -1.5,
      longitude: 113.2,
    });
    expect(valid({ latitude: '-1,5' }).warnings.map((problem) => problem.code)).toEqual([
      'KOORDINAT_TIDAK_LENGKAP',
    ]);
    expect(valid({ latitude: '0', longitude: '0' }).warnings.map((problem) => problem.code)).toEqual([
      'KOORDINAT_TIDAK_SAH',
    ]);
    // Jakarta: kept, with a warning.
    const far = valid({ latitude: '-6,2', longitude: '106,8' });
    expect(far.value).toMatchObject({ latitude: -6.2, longitude: 106.8 });
    expect(far.warnings.map((problem) => problem.code)).toEqual(['KOORDINAT_DI_LUAR_KALTENG']);
  });

  it("takes only a PANGAN entitlement's reference", () => {
    expect(valid({ referensi: REF.toLowerCase() }).value?.referensi).toBe(REF);
    const tunai = valid({ referensi: entitlementRef('2026-1', 'TUNAI', FAMILY_ID) });
    expect(tunai.value?.referensi).toBeUndefined();
    expect(tunai.warnings.map((problem) => problem.code)).toEqual(['REFERENSI_TIDAK_SAH']);
  });
});

describe('judgeBastLine', () => {
  it('moves a sent entitlement to DITERIMA for the penerima, an adult member or a proxy with a letter', () => {
    expect(judgeBastLine(line(), facts('DIKIRIM'))).toEqual({
      kind: 'RECORDED',
      lineKey: `D#2026-03-02#${PENERIMA}`,
      from: 'DIKIRIM',
      to: 'DITERIMA',
      path: ['DITERIMA'],
      receiver: 'KPM',
      redelivery: false,
      warnings: [],
    });
    expect(
      judgeBastLine(line({ receiverNik: WIFE, hubungan: 'ANGGOTA_KELUARGA' }), facts('DIKIRIM')),
    ).toMatchObject({ kind: 'RECORDED', receiver: 'ANGGOTA_KELUARGA' });
    expect(
      judgeBastLine(line({ receiverNik: ADULT_CHILD, hubungan: 'ANGGOTA_KELUARGA' }), facts('DIULANG')),
    ).toMatchObject({ kind: 'RECORDED', from: 'DIULANG', to: 'DITERIMA', receiver: 'ANGGOTA_KELUARGA' });
    expect(
      judgeBastLine(
        line({ receiverNik: PROXY, hubungan: 'KUASA', nomorSuratKuasa: '01/SK/III/2026' }),
        facts('DIKIRIM'),
      ),
    ).toMatchObject({ kind: 'RECORDED', receiver: 'KUASA' });
  });

  it('corrects the stated relationship from the KK, with a warning', () => {
    const judged = judgeBastLine(line({ receiverNik: WIFE, hubungan: 'KPM' }), facts('DIKIRIM'));
    expect(judged).toMatchObject({ kind: 'RECORDED', receiver: 'ANGGOTA_KELUARGA' });
    expect(judged.kind === 'RECORDED' && judged.warnings.map((problem) => problem.code)).toEqual([
      'HUBUNGAN_DIKOREKSI',
    ]);
    // A member written as a proxy is a member: no letter needed.
    expect(judgeBastLine(line({ receiverNik: WIFE, hubungan: undefined }), facts('DIKIRIM'))).toMatchObject({
      receiver: 'ANGGOTA_KELUARGA',
      warnings: [],
    });
  });

  it('finds a receiver who is neither in the KK nor a proxy: a member of another KK, a minor member', () => {
    const other = judgeBastLine(
      line({ receiverNik: OTHER_KK_MEMBER, hubungan: 'ANGGOTA_KELUARGA' }),
      facts('DIKIRIM'),
    );
    expect(other).toMatchObject({ kind: 'FINDING', finding: { code: 'PENERIMA_TIDAK_BERHAK' } });
    expect(other.kind === 'FINDING' && other.finding.detail).toContain('620302******0005');
    // Kuasa without the letter's number (a line the validator would refuse, judged anyway): a finding.
    expect(judgeBastLine(line({ receiverNik: PROXY, hubungan: 'KUASA' }), facts('DIKIRIM'))).toMatchObject({
      kind: 'FINDING',
      finding: { code: 'PENERIMA_TIDAK_BERHAK' },
    });
    expect(
      judgeBastLine(line({ receiverNik: CHILD, hubungan: 'ANGGOTA_KELUARGA' }), facts('DIKIRIM')),
    ).toMatchObject({ kind: 'FINDING', finding: { code: 'PENERIMA_BELUM_DEWASA' } });
  });

  it('finds a BAST for a family not in the decree, a wrong reference, a family never sent to BULOG', () => {
    expect(judgeBastLine(line(), { seen: new Set() })).toMatchObject({
      kind: 'FINDING',
      finding: { code: 'BUKAN_KPM', label: expect.stringContaining('tidak tercantum dalam SK') },
    });
    const otherRef = entitlementRef('2026-1', 'PANGAN', 'KEL-ZZZZZZZZZZZZ');
    expect(judgeBastLine(line({ referensi: otherRef }), facts('DIKIRIM'))).toMatchObject({
      finding: { code: 'REFERENSI_TIDAK_COCOK' },
    });
    expect(judgeBastLine(line({ referensi: REF }), facts('DIKIRIM'))).toMatchObject({ kind: 'RECORDED' });
    expect(judgeBastLine(line(), facts('DITETAPKAN'))).toMatchObject({ finding: { code: 'BELUM_DIKIRIM' } });
  });

  it('the same BAST line twice is a no-op; a second handover is a finding', () => {
    const first = judgeBastLine(line(), facts('DIKIRIM'));
    const after = facts('DITERIMA', {
      received: { tanggal: '2026-03-02', receiverNik: PENERIMA },
      seen: [first.lineKey],
    });
    // The same line again, even with another photo or coordinates.
    expect(judgeBastLine(line({ foto: 'other.jpg', latitude: -2, longitude: 114 }), after)).toEqual({
      kind: 'DUPLICATE',
      lineKey: first.lineKey,
    });
    // Another day, or another receiver: a second handover.
    const second = judgeBastLine(line({ tanggal: '2026-03-09', receiverNik: WIFE }), after);
    expect(second).toMatchObject({ kind: 'FINDING', finding: { code: 'SERAH_TERIMA_KEDUA' } });
    expect(second.kind === 'FINDING' && second.finding.detail).toContain('2026-03-02');
    expect(judgeBastLine(line({ receiverNik: WIFE }), after)).toMatchObject({
      finding: { code: 'SERAH_TERIMA_KEDUA' },
    });
    // That finding line again is a duplicate of it, not a second finding.
    const seenBoth = { ...after, seen: new Set([first.lineKey, second.lineKey]) };
    expect(judgeBastLine(line({ tanggal: '2026-03-09', receiverNik: WIFE }), seenBoth).kind).toBe(
      'DUPLICATE',
    );
  });

  it('a handover after a failed one is a re-delivery (GAGAL → DIULANG → DITERIMA), not a finding', () => {
    const failed = judgeBastLine(
      line({ status: 'TIDAK_DITERIMA', receiverNik: undefined, hubungan: undefined, alasan: 'TIDAK_HADIR' }),
      facts('DIKIRIM'),
    );
    expect(failed).toMatchObject({
      kind: 'RECORDED',
      from: 'DIKIRIM',
      to: 'GAGAL',
      path: ['GAGAL'],
      reason: 'TIDAK_HADIR',
    });
    const later = judgeBastLine(line({ tanggal: '2026-03-10' }), facts('GAGAL', { seen: [failed.lineKey] }));
    expect(later).toMatchObject({
      kind: 'RECORDED',
      from: 'GAGAL',
      to: 'DITERIMA',
      path: ['DIULANG', 'DITERIMA'],
      redelivery: true,
    });
    // Another failed attempt after a failed one is recorded; the status stays.
    expect(
      judgeBastLine(
        line({ status: 'TIDAK_DITERIMA', tanggal: '2026-03-05', alasan: 'PINDAH' }),
        facts('GAGAL'),
      ),
    ).toMatchObject({ kind: 'RECORDED', from: 'GAGAL', to: 'GAGAL', path: [], reason: 'PINDAH' });
  });

  it('a failed line after a receipt: an earlier attempt when dated before it, else a contradiction', () => {
    const received = facts('DITERIMA', { received: { tanggal: '2026-03-05', receiverNik: PENERIMA } });
    const notReceived = (tanggal: string) =>
      line({ status: 'TIDAK_DITERIMA', tanggal, receiverNik: undefined, alasan: 'TIDAK_HADIR' });
    expect(judgeBastLine(notReceived('2026-03-02'), received)).toMatchObject({
      kind: 'RECORDED',
      from: 'DITERIMA',
      to: 'DITERIMA',
      path: [],
    });
    expect(judgeBastLine(notReceived('2026-03-06'), received)).toMatchObject({
      finding: { code: 'BAST_BERTENTANGAN' },
    });
  });

  it('keys a line by date and receiver (received) or date and reason (not received)', () => {
    expect(bastLineKey(line())).toBe(`D#2026-03-02#${PENERIMA}`);
    expect(bastLineKey(line({ status: 'TIDAK_DITERIMA', alasan: 'PINDAH' }))).toBe('T#2026-03-02#PINDAH');
  });

  it('says nothing personal in findings and warnings beyond masked NIKs', () => {
    const judgements = [
      judgeBastLine(line({ receiverNik: OTHER_KK_MEMBER }), facts('DIKIRIM')),
      judgeBastLine(line({ receiverNik: CHILD }), facts('DIKIRIM')),
      judgeBastLine(line(), { seen: new Set() }),
      judgeBastLine(
        line({ tanggal: '2026-03-09', receiverNik: WIFE }),
        facts('DITERIMA', { received: { tanggal: '2026-03-02', receiverNik: PENERIMA } }),
      ),
      judgeBastLine(line({ receiverNik: WIFE, hubungan: 'KPM' }), facts('DIKIRIM')),
    ];
    expectNothingPersonal(
      judgements.flatMap((judged) =>
        judged.kind === 'FINDING'
          ? [judged.finding.detail, judged.finding.label]
          : judged.kind === 'RECORDED'
            ? judged.warnings.map((problem) => problem.message)
            : [],
      ),
    );
  });
});

describe('FoodReconciliation', () => {
  it('folds entitlements per titik bagi and bills BULOG for packages delivered, not entitled', () => {
    const reconciliation = new FoodReconciliation(PKG);
    const desaA = '62.03.01.2001';
    const desaB = '62.03.01.2002';
    const desaC = '62.01.02.1001';
    const amount = 150_000;
    reconciliation.add({ desaCode: desaA, status: 'DITERIMA', amount, receiver: 'KPM', withPhoto: true });
    reconciliation.add({
      desaCode: desaA,
      status: 'DITERIMA',
      amount,
      receiver: 'ANGGOTA_KELUARGA',
      withPhoto: false,
    });
    reconciliation.add({ desaCode: desaA, status: 'DITERIMA', amount, receiver: 'KUASA', withPhoto: true });
    reconciliation.add({ desaCode: desaA, status: 'GAGAL', amount, reason: 'MENINGGAL' });
    reconciliation.add({ desaCode: desaA, status: 'GAGAL', amount, reason: 'TIDAK_HADIR' });
    reconciliation.add({ desaCode: desaA, status: 'GAGAL', amount, reason: 'TIDAK_HADIR' });
    reconciliation.add({ desaCode: desaB, status: 'DIKIRIM', amount });
    reconciliation.add({ desaCode: desaB, status: 'DIULANG', amount });
    reconciliation.add({ desaCode: desaC, status: 'DITERIMA', amount, receiver: 'KPM', withPhoto: true });
    reconciliation.addFinding('SERAH_TERIMA_KEDUA', { desaCode: desaA, region: '62.03' });
    reconciliation.addFinding('BUKAN_KPM', { region: '62.03' });

    const [first, second, third] = reconciliation.titikBagi();
    expect(first?.desaCode).toBe(desaC);
    expect(second).toEqual({
      desaCode: desaA,
      entitled: { families: 6, packages: 6, rupiah: 900_000 },
      delivered: { packages: 3, byReceiver: { KPM: 1, ANGGOTA_KELUARGA: 1, KUASA: 1 }, withoutPhoto: 1 },
      notReceived: { packages: 3, byReason: { MENINGGAL: 1, TIDAK_HADIR: 2 } },
      notReported: 0,
      findings: { total: 1, byCode: { SERAH_TERIMA_KEDUA: 1 } },
    });
    expect(third).toMatchObject({ desaCode: desaB, notReported: 2, delivered: { packages: 0 } });

    expect(reconciliation.invoice()).toEqual([
      {
        region: '62.01',
        titikBagi: 1,
        packagesEntitled: 1,
        packagesDelivered: 1,
        packagesNotReceived: 0,
        packagesNotReported: 0,
        findings: 0,
        price: 150_000,
        total: 150_000,
        totalLabel: 'Rp150.000',
      },
      {
        region: '62.03',
        titikBagi: 2,
        packagesEntitled: 8,
        packagesDelivered: 3,
        packagesNotReceived: 3,
        packagesNotReported: 2,
        findings: 2,
        price: 150_000,
        total: 450_000,
        totalLabel: 'Rp450.000',
      },
    ]);
  });
});

describe('a BAST import as the adapters will stream it', () => {
  it('keeps only per-family state: the same file twice changes nothing, and the invoice counts packages delivered', async () => {
    const OTHER_KK = '6203011203150002';
    const OTHER_PENERIMA = '6203014101900007';
    const NOT_IN_DECREE = '6203011203150003';
    // The families' facts, as the import would look them up by No KK.
    const state = new Map([
      [
        NO_KK,
        {
          ref: REF,
          desaCode: '62.03.01.2001',
          status: 'DIKIRIM' as EntitlementStatus,
          penerimaNik: PENERIMA,
          members: MEMBERS,
          received: undefined as { tanggal: string; receiverNik?: string } | undefined,
          seen: new Set<string>(),
          reason: undefined as string | undefined,
        },
      ],
      [
        OTHER_KK,
        {
          ref: entitlementRef('2026-1', 'PANGAN', 'KEL-QQQQQQQQQQQQ'),
          desaCode: '62.03.01.2001',
          status: 'DIKIRIM' as EntitlementStatus,
          penerimaNik: OTHER_PENERIMA,
          members: [
            { nik: OTHER_PENERIMA, hubungan: 'KEPALA_KELUARGA' as const, tanggalLahir: '1990-01-01' },
          ],
          received: undefined as { tanggal: string; receiverNik?: string } | undefined,
          seen: new Set<string>(),
          reason: undefined as string | undefined,
        },
      ],
    ]);
    const file = [
      'No KK;NIK Penerima;Nama Penerima;Hubungan;Tanggal;Status;Alasan;Foto',
      `${NO_KK};;;;01-03-2026;Tidak diterima;Tidak hadir;`,
      `${NO_KK};${WIFE};Siti Aminah;Istri;08-03-2026;Diterima;;a.jpg`,
      `${NO_KK};${ADULT_CHILD};Rahmat;Anak;09-03-2026;Diterima;;b.jpg`,
      `${OTHER_KK};${WIFE};Siti Aminah;Anggota Keluarga;02-03-2026;Diterima;;c.jpg`,
      `${NOT_IN_DECREE};${PROXY};Ani;KPM;02-03-2026;Diterima;;d.jpg`,
    ].join('\n');
    const findings = new Set<string>();
    const counts = { recorded: 0, duplicates: 0, findings: 0 };
    const importOnce = async () => {
      for (const row of await rowsOf(file)) {
        const checked = validateBastLine(row.raw, { today: TODAY });
        if (!checked.value) continue;
        const family = state.get(checked.value.noKk);
        const judged = judgeBastLine(checked.value, {
          entitlement: family && {
            ref: family.ref,
            status: family.status,
            penerimaNik: family.penerimaNik,
            members: family.members,
            received: family.received,
          },
          seen: family?.seen ?? new Set(),
        });
        if (judged.kind === 'DUPLICATE') {
          counts.duplicates++;
          continue;
        }
        family?.seen.add(judged.lineKey);
        if (judged.kind === 'FINDING') {
          // Stored under the No KK and the line's key: the same finding again is not a new one.
          const key = `${checked.value.noKk}#${judged.lineKey}`;
          if (!findings.has(key)) counts.findings++;
          findings.add(key);
          continue;
        }
        counts.recorded++;
        if (family) {
          family.status = judged.to;
          if (judged.to === 'DITERIMA' && judged.path.length > 0) {
            family.received = {
              tanggal: checked.value.tanggal,
              receiverNik: checked.value.receiverNik ?? '',
            };
          }
          if (judged.reason) family.reason = judged.reason;
        }
      }
    };
    await importOnce();
    expect(counts).toEqual({ recorded: 2, duplicates: 0, findings: 3 });
    expect(state.get(NO_KK)?.status).toBe('DITERIMA');
    expect(state.get(OTHER_KK)?.status).toBe('DIKIRIM');
    await importOnce();
    // Four lines are duplicates of their family's lines; the family not in the decree has no state
    // of its own, and its finding is recognised by the findings' key instead.
    expect(counts).toEqual({ recorded: 2, duplicates: 4, findings: 3 });

    const reconciliation = new FoodReconciliation(PKG);
    for (const family of state.values()) {
      reconciliation.add({
        desaCode: family.desaCode,
        status: family.status,
        amount: 150_000,
        receiver: 'ANGGOTA_KELUARGA',
      });
    }
    for (const key of findings) {
      const noKk = key.slice(0, 16);
      reconciliation.addFinding('SERAH_TERIMA_KEDUA', {
        desaCode: state.get(noKk)?.desaCode,
        region: '62.03',
      });
    }
    expect(reconciliation.invoice()).toMatchObject([
      {
        region: '62.03',
        packagesEntitled: 2,
        packagesDelivered: 1,
        packagesNotReported: 1,
        findings: 3,
        total: 150_000,
      },
    ]);
  });
});
