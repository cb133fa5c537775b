import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_ANSWER_LAYOUT,
  ACCOUNT_REQUEST_COLUMNS,
  type AccountAnswer,
  accountAnswerReportRow,
  accountRequestRow,
  activeAccount,
  answerOutsideRegion,
  decideAccount,
  needsAccountRequest,
  type PenerimaForAccount,
  type RecordedAccount,
  validateAccountAnswerRow,
} from '#shared/domain/family/accounts.ts';

const NIK = '6203014101900001';
const OTHER_NIK = '6203011203850002';
const ACCOUNT = '0123456789012';

const penerima = (extra: Partial<PenerimaForAccount> = {}): PenerimaForAccount => ({
  nik: NIK,
  nama: 'Siti Aminah',
  tanggalLahir: '1990-01-01',
  jenisKelamin: 'P',
  tempatLahir: 'Kuala Kapuas',
  namaIbuKandung: 'Rusmini',
  noKk: '6203010101200003',
  alamat: 'Jl. Tambun Bungai RT 02',
  desaCode: '62.03.01.1001',
  desaName: 'Selat Hilir',
  kecamatanName: 'Selat',
  kabupatenName: 'Kapuas',
  ...extra,
});

const cellsOf = (row: ReturnType<typeof accountRequestRow>) => {
  if (!row.ok) throw new Error(row.message);
  return Object.fromEntries(ACCOUNT_REQUEST_COLUMNS.map((column, index) => [column, row.cells[index]]));
};

describe('account-opening request', () => {
  it('turns a penerima into a row with every KYC field verval captured', () => {
    const row = accountRequestRow(7, penerima());
    expect(row.ok && row.incomplete).toEqual([]);
    expect(cellsOf(row)).toEqual({
      no: '7',
      nik: NIK,
      nama: 'Siti Aminah',
      tempat_lahir: 'Kuala Kapuas',
      tanggal_lahir: '01-01-1990',
      jenis_kelamin: 'P',
      nama_ibu_kandung: 'Rusmini',
      alamat: 'Jl. Tambun Bungai RT 02',
      no_kk: '6203010101200003',
      kode_desa: '62.03.01.1001',
      desa: 'Selat Hilir',
      kecamatan: 'Selat',
      kabupaten: 'Kapuas',
      data_dilengkapi_bank: '',
    });
  });

  it('sends a penerima without birth place or mother’s name, naming them for the bank to complete from Dukcapil', () => {
    const row = accountRequestRow(1, penerima({ tempatLahir: undefined, namaIbuKandung: '  ', alamat: '' }));
    expect(row.ok && row.incomplete).toEqual(['tempat_lahir', 'nama_ibu_kandung']);
    const cells = cellsOf(row);
    expect(cells.tempat_lahir).toBe('');
    expect(cells.data_dilengkapi_bank).toBe('Tempat Lahir, Nama Ibu Kandung');
    // No street address: the desa stands for it.
    expect(cells.alamat).toBe('Desa/Kel. Selat Hilir');
  });

  it('refuses a penerima without what KYC requires, naming the fields, never the NIK whole', () => {
    const row = accountRequestRow(1, penerima({ tanggalLahir: '', noKk: '12' }));
    expect(row.ok).toBe(false);
    if (row.ok) return;
    expect(row.code).toBe('DATA_KYC_KURANG');
    expect(row.message).toContain('tanggal lahir');
    expect(row.message).toContain('No KK');
    expect(row.message).not.toContain(NIK);
    expect(row.message).toContain('620301******0001');
  });

  it('keeps formula starts and line breaks out of the cells', () => {
    const cells = cellsOf(accountRequestRow(1, penerima({ nama: '=HYPERLINK("x")', alamat: 'Jl. A\nRT 1' })));
    expect(cells.nama).toBe('\'=HYPERLINK("x")');
    expect(cells.alamat).toBe('Jl. A RT 1');
  });
});

describe('the bank’s answer', () => {
  it('finds the header under title rows, with aliases', () => {
    const header = ACCOUNT_ANSWER_LAYOUT.header.detect([
      'No',
      'NIK Nasabah',
      'Nomor Rekening',
      'Status Pembukaan',
      'Keterangan',
    ]);
    expect(header?.missing).toEqual([]);
    expect([...(header?.columns.values() ?? [])]).toEqual(['nik', 'no_rekening', 'status', 'alasan']);
    expect(ACCOUNT_ANSWER_LAYOUT.header.detect(['JAWABAN PEMBUKAAN REKENING KOLEKTIF KHBS'])).toBeUndefined();
  });

  it.each(['BERHASIL', 'dibuka', 'Sukses', ' SUCCESS '])('reads %s as opened', (status) => {
    const { value, errors } = validateAccountAnswerRow({ nik: NIK, no_rekening: `'${ACCOUNT}`, status });
    expect(errors).toEqual([]);
    expect(value).toEqual({ nik: NIK, status: 'DIBUKA', noRekening: ACCOUNT });
  });

  it.each(['GAGAL', 'ditolak', 'Tidak Berhasil'])('reads %s as failed, with the reason', (status) => {
    const { value } = validateAccountAnswerRow({ nik: NIK, status, alasan: 'Data tidak sesuai Dukcapil' });
    expect(value).toEqual({ nik: NIK, status: 'GAGAL', alasan: 'Data tidak sesuai Dukcapil' });
  });

  it('reads account numbers with dots and spaces as the bank report does, and refuses Excel’s damage', () => {
    expect(
      validateAccountAnswerRow({ nik: NIK, no_rekening: '012.345.678 9012', status: 'BERHASIL' }).value
        ?.noRekening,
    ).toBe(ACCOUNT);
    const damaged = validateAccountAnswerRow({ nik: NIK, no_rekening: '1.23457E+12', status: 'BERHASIL' });
    expect(damaged.value).toBeUndefined();
    expect(damaged.errors.map((e) => e.code)).toEqual(['ACCOUNT_INVALID']);
  });

  it('a success without an account, an unknown status and a bad NIK are errors, all reported, none quoting the NIK', () => {
    const missing = validateAccountAnswerRow({ nik: NIK, status: 'BERHASIL' });
    expect(missing.errors.map((e) => [e.column, e.code])).toEqual([['no_rekening', 'ACCOUNT_REQUIRED']]);
    const bad = validateAccountAnswerRow({ nik: '62030141019000', status: 'MUNGKIN' });
    expect(bad.errors.map((e) => [e.column, e.code])).toEqual([
      ['nik', 'NIK_LENGTH'],
      ['status', 'STATUS_UNKNOWN'],
    ]);
    for (const e of [...missing.errors, ...bad.errors]) expect(e.message).not.toContain('62030141019000');
    const [first] = bad.errors;
    if (!first) throw new Error('no error');
    expect(accountAnswerReportRow(12, first)).toEqual([
      '12',
      'NIK',
      'NIK_LENGTH',
      'galat',
      expect.stringContaining('16 angka'),
    ]);
  });

  it('a failure without a reason, or with an account number, passes with warnings', () => {
    const { value, warnings } = validateAccountAnswerRow({ nik: NIK, status: 'GAGAL', no_rekening: ACCOUNT });
    expect(value).toEqual({ nik: NIK, status: 'GAGAL', alasan: 'tanpa alasan dari bank' });
    expect(warnings.map((w) => w.code)).toEqual(['ALASAN_KOSONG', 'REKENING_DIABAIKAN']);
    for (const w of warnings) expect(w.message).not.toContain(ACCOUNT);
  });
});

describe('one account per penerima', () => {
  const opened: AccountAnswer = { nik: NIK, status: 'DIBUKA', noRekening: ACCOUNT };
  const failed: AccountAnswer = { nik: NIK, status: 'GAGAL', alasan: 'KTP tidak terbaca' };
  const active: RecordedAccount = { nik: NIK, status: 'AKTIF', noRekening: ACCOUNT };
  const at = '2026-03-01T02:00:00.000Z';

  it('a first account is recorded AKTIF', () => {
    const decision = decideAccount(
      { nik: NIK, status: 'DIAJUKAN', requestedAt: '2026-02-20T00:00:00Z' },
      opened,
      at,
    );
    expect(decision).toEqual({
      kind: 'OPENED',
      record: {
        nik: NIK,
        status: 'AKTIF',
        noRekening: ACCOUNT,
        requestedAt: '2026-02-20T00:00:00Z',
        answeredAt: at,
      },
    });
    expect(decision.kind === 'OPENED' && activeAccount(decision.record)).toBe(ACCOUNT);
  });

  it('the same account again is a no-op (a re-sent answer)', () => {
    expect(decideAccount(active, opened, at)).toEqual({ kind: 'SAME' });
  });

  it('a second account for a NIK that has one is refused, the message masking both numbers', () => {
    const decision = decideAccount(active, { ...opened, noRekening: '9876543210' }, at);
    expect(decision.kind).toBe('REFUSED');
    if (decision.kind !== 'REFUSED') return;
    expect(decision.problem).toMatchObject({
      code: 'REKENING_KEDUA',
      severity: 'error',
      column: 'no_rekening',
    });
    expect(decision.problem.message).toContain('*********9012');
    expect(decision.problem.message).toContain('******3210');
    expect(decision.problem.message).not.toContain(ACCOUNT);
    expect(decision.problem.message).not.toContain('9876543210');
  });

  it('an account already held by another penerima is refused', () => {
    const decision = decideAccount(undefined, opened, at, OTHER_NIK);
    expect(decision.kind === 'REFUSED' && decision.problem.code).toBe('REKENING_MILIK_LAIN');
    expect(decideAccount(undefined, opened, at, NIK).kind).toBe('OPENED');
  });

  it('a failure after a success is ignored with a warning; the account stands', () => {
    const decision = decideAccount(active, failed, at);
    expect(decision.kind === 'IGNORED' && decision.problem.severity).toBe('warning');
  });

  it('a failure is recorded with its reason and puts the penerima on the next request', () => {
    const decision = decideAccount(undefined, failed, at);
    expect(decision).toEqual({
      kind: 'FAILED',
      record: { nik: NIK, status: 'GAGAL', alasan: 'KTP tidak terbaca', answeredAt: at },
    });
    expect(decision.kind === 'FAILED' && needsAccountRequest(decision.record, at)).toBe(true);
    // A success after a failure opens the account.
    expect(decideAccount({ nik: NIK, status: 'GAGAL' }, opened, at).kind).toBe('OPENED');
  });

  it('who goes on the next request: nothing recorded, a failure, a request unanswered for 14 days', () => {
    const now = '2026-03-15T00:00:00Z';
    expect(needsAccountRequest(undefined, now)).toBe(true);
    expect(needsAccountRequest(active, now)).toBe(false);
    expect(
      needsAccountRequest({ nik: NIK, status: 'DIAJUKAN', requestedAt: '2026-03-10T00:00:00Z' }, now),
    ).toBe(false);
    expect(
      needsAccountRequest({ nik: NIK, status: 'DIAJUKAN', requestedAt: '2026-03-01T00:00:00Z' }, now),
    ).toBe(true);
    expect(activeAccount({ nik: NIK, status: 'GAGAL' })).toBeUndefined();
  });
});

describe("a kabupaten's answer file", () => {
  it('takes a penerima of its own kabupaten only, and names the other kabupaten (never the NIK)', () => {
    expect(answerOutsideRegion('62.03', ['62.03'])).toBeUndefined();
    expect(answerOutsideRegion('62.03', ['62.02', '62.03'])).toBeUndefined();
    const other = answerOutsideRegion('62.02', ['62.03']);
    expect(other).toMatchObject({ column: 'nik', code: 'PENERIMA_KABUPATEN_LAIN', severity: 'error' });
    expect(other?.message).toContain('62.03');
    expect(answerOutsideRegion('62.02', [])).toMatchObject({ code: 'PENERIMA_KABUPATEN_LAIN' });
  });
});
