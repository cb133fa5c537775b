import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PAYMENT_SHARDS, paymentKey, paymentShard } from '#shared/adapters/keys.ts';
import { bankErrorReportKey, parseBankReportKey } from '#shared/adapters/storage-keys.ts';
import {
  BANK_COLUMN_LABELS,
  BANK_LAYOUT,
  type BankIssue,
  bankColumnForHeader,
  bankReportRow,
  compareWithRecorded,
  detectBankHeader,
  parseAccount,
  parseAmount,
  parseBankRef,
  parseDecreeNumber,
  parseStatus,
  parseTransactionDate,
  type RecordedLine,
  rowErrorLine,
  statusMove,
  statusSources,
  validateBankRow,
} from '#shared/domain/bank-report.ts';
import { REPORT_COLUMNS } from '#shared/domain/report.ts';
import { readCsvRecords } from '#shared/import/csv-records.ts';
import { toRows } from '#shared/import/rows.ts';

const NIK = '6201011203850001';
const ACCOUNT = '1002003004';

describe('bank report columns', () => {
  it.each([
    ['No Rekening', 'no_rekening'],
    ['Nomor Rekening', 'no_rekening'],
    ['Rekening', 'no_rekening'],
    ['No. Rek', 'no_rekening'],
    ['Rekening Tujuan', 'no_rekening'],
    ['NIK', 'nik'],
    ['No NIK', 'nik'],
    ['Nama', 'nama'],
    ['Nama Penerima', 'nama'],
    ['Nama Rekening', 'nama'],
    ['Atas Nama', 'nama'],
    ['Jumlah', 'jumlah'],
    ['Nominal', 'jumlah'],
    ['Jumlah (Rp)', 'jumlah'],
    ['Amount', 'jumlah'],
    ['Status', 'status'],
    ['Keterangan Status', 'status'],
    ['Tanggal Transaksi', 'tanggal_transaksi'],
    ['Tanggal', 'tanggal_transaksi'],
    ['Tgl Transaksi', 'tanggal_transaksi'],
    ['No Referensi', 'no_referensi'],
    ['Nomor Referensi', 'no_referensi'],
    ['Referensi', 'no_referensi'],
    ['Ref', 'no_referensi'],
    ['Kode Transaksi', 'no_referensi'],
    ['Nomor SK', 'nomor_sk'],
    ['No SK', 'nomor_sk'],
    ['SK', 'nomor_sk'],
  ])('reads the header %j as %s', (header, column) => {
    expect(bankColumnForHeader(header)).toBe(column);
    expect(bankColumnForHeader(`  ${header.toUpperCase()} `)).toBe(column);
    expect(bankColumnForHeader(header.toLowerCase().replace(/ /g, '  '))).toBe(column);
  });

  it('finds the header row and names what it lacks; title and data rows are not headers', () => {
    expect(detectBankHeader(['LAPORAN PENYALURAN BKK KHBS', '', ''])).toBeUndefined();
    expect(detectBankHeader(['1', 'REF1', ACCOUNT, 'Budi'])).toBeUndefined();
    const full = detectBankHeader([
      'No',
      'Tgl Transaksi',
      'No. Ref',
      'Rekening Tujuan',
      'Atas Nama',
      'Nominal (Rp)',
      'Keterangan Status',
      'Catatan',
    ]);
    expect(full?.missing).toEqual([]);
    expect([...(full?.columns.entries() ?? [])]).toEqual([
      [1, 'tanggal_transaksi'],
      [2, 'no_referensi'],
      [3, 'no_rekening'],
      [4, 'nama'],
      [5, 'jumlah'],
      [6, 'status'],
    ]);
    expect(full?.unknown).toEqual(['No', 'Catatan']);
    expect(detectBankHeader(['Rekening', 'Nama', 'Jumlah'])?.missing).toEqual([
      'status',
      'tanggal_transaksi',
      'no_referensi',
    ]);
  });

  it('reads rows below title rows with a ; delimiter and a BOM, skipping blank lines', async () => {
    const text =
      '\uFEFFLAPORAN PENYALURAN BKK;;;\r\nBank Kalteng;;;\r\n;;;\r\n' +
      'Referensi;No Rekening;Nama;Jumlah;Status;Tanggal\r\n' +
      `R1;${ACCOUNT};Budi;1.250.000;BERHASIL;29/11/2026\r\n;;;;;\r\nR2;${ACCOUNT};Sari;Rp 500.000,00;gagal;2026-11-30\r\n`;
    const rows = [];
    for await (const row of toRows(readCsvRecords(Readable.from([Buffer.from(text)])), BANK_LAYOUT))
      rows.push(row);
    expect(rows).toEqual([
      {
        sourceRow: 5,
        raw: {
          no_referensi: 'R1',
          no_rekening: ACCOUNT,
          nama: 'Budi',
          jumlah: '1.250.000',
          status: 'BERHASIL',
          tanggal_transaksi: '29/11/2026',
        },
      },
      {
        sourceRow: 7,
        raw: {
          no_referensi: 'R2',
          no_rekening: ACCOUNT,
          nama: 'Sari',
          jumlah: 'Rp 500.000,00',
          status: 'gagal',
          tanggal_transaksi: '2026-11-30',
        },
      },
    ]);
  });

  it('refuses a report without a header, with missing columns, or empty', async () => {
    const read = async (text: string) => {
      for await (const _ of toRows(readCsvRecords(Readable.from([Buffer.from(text)])), BANK_LAYOUT)) {
        // drain
      }
    };
    await expect(read('a;b;c\r\n1;2;3\r\n')).rejects.toMatchObject({ code: 'HEADER_NOT_FOUND' });
    await expect(read('Referensi;Nama;Jumlah\r\nR1;Budi;1000\r\n')).rejects.toMatchObject({
      code: 'COLUMNS_MISSING',
      message: expect.stringMatching(/No Rekening, Status, Tanggal Transaksi/),
    });
    await expect(read('')).rejects.toMatchObject({ code: 'EMPTY_FILE' });
  });
});

describe('amounts', () => {
  it.each([
    ['1250000', 1_250_000],
    ['1.250.000', 1_250_000],
    ['Rp1.250.000', 1_250_000],
    ['Rp 1.250.000,00', 1_250_000],
    ['rp. 1.250.000,-', 1_250_000],
    ['1,250,000.00', 1_250_000],
    ['1,250,000', 1_250_000],
    ['IDR 1,250,000.00', 1_250_000],
    ['1250000,00', 1_250_000],
    ['1250000.0', 1_250_000],
    ['1.250', 1_250],
    ['1 250 000', 1_250_000],
    ['\u00A01.250.000\u00A0', 1_250_000],
  ])('reads %j as %d', (text, amount) => {
    expect(parseAmount(text)).toEqual({ ok: true, value: amount });
  });

  it.each([
    ['', 'AMOUNT_REQUIRED', /wajib diisi/],
    ['Rp 1.250.000,50', 'AMOUNT_FRACTION', /memuat sen \(50 sen\).*Rupiah utuh/],
    ['1,250,000.05', 'AMOUNT_FRACTION', /05 sen/],
    ['1250000.5', 'AMOUNT_FRACTION', /50 sen/],
    ['satu juta', 'AMOUNT_INVALID', /"satu juta" tidak dapat dibaca sebagai nominal Rupiah/],
    ['1.25.000', 'AMOUNT_INVALID', /tidak dapat dibaca/],
    ['1.250.000.00', 'AMOUNT_INVALID', /tidak dapat dibaca/],
    ['1,250.000,00', 'AMOUNT_INVALID', /tidak dapat dibaca/],
    ['1.25E+06', 'AMOUNT_INVALID', /tidak dapat dibaca/],
    ['-1.250.000', 'AMOUNT_INVALID', /negatif/],
    ['Rp-1.250.000', 'AMOUNT_INVALID', /negatif/],
    ['(1.250.000)', 'AMOUNT_INVALID', /negatif/],
    ['0', 'AMOUNT_INVALID', /Rp0/],
    ['Rp0,00', 'AMOUNT_INVALID', /Rp0/],
    ['1000000000000', 'AMOUNT_INVALID', /terlalu besar/],
  ])('refuses %j with %s', (text, code, message) => {
    const result = parseAmount(text);
    expect(result).toMatchObject({ ok: false, code });
    expect(!result.ok && result.message).toMatch(message);
  });
});

describe('transaction dates', () => {
  it.each([
    ['2026-11-29', '2026-11-29'],
    ['29/11/2026', '2026-11-29'],
    ['29-11-2026', '2026-11-29'],
    ['29.11.2026', '2026-11-29'],
    ['1/2/2026', '2026-02-01'],
    ['29/02/2028', '2028-02-29'],
    ['29/11/2026 10:15:00', '2026-11-29'],
    ['2026-11-29T10:15', '2026-11-29'],
    [' 29/11/2026 ', '2026-11-29'],
  ])('reads %j as %s', (text, iso) => {
    expect(parseTransactionDate(text)).toEqual({ ok: true, value: iso });
  });

  it.each([
    ['', 'DATE_REQUIRED', /wajib diisi/],
    ['31/02/2026', 'DATE_INVALID', /tidak ada di kalender: bulan 2 tahun 2026 hanya 28 hari/],
    ['29/02/2026', 'DATE_INVALID', /hanya 28 hari/],
    ['11/29/2026', 'DATE_INVALID', /bulan 29.*hari\/bulan\/tahun/],
    ['29-11-26', 'DATE_INVALID', /tidak dapat dibaca/],
    ['kemarin', 'DATE_INVALID', /"kemarin" tidak dapat dibaca/],
    ['29/11/1926', 'DATE_INVALID', /tahun 1926/],
    ['29/11-2026', 'DATE_INVALID', /tidak dapat dibaca/],
  ])('refuses %j with %s', (text, code, message) => {
    const result = parseTransactionDate(text);
    expect(result).toMatchObject({ ok: false, code });
    expect(!result.ok && result.message).toMatch(message);
  });
});

describe('statuses', () => {
  it.each([
    ['BERHASIL', 'BERHASIL'],
    ['Berhasil', 'BERHASIL'],
    ['SUKSES', 'BERHASIL'],
    ['success', 'BERHASIL'],
    [' SUCCESS ', 'BERHASIL'],
    ['GAGAL', 'GAGAL'],
    ['Ditolak', 'GAGAL'],
    ['FAILED', 'GAGAL'],
    ['RETUR', 'RETUR'],
    ['Retur', 'RETUR'],
    ['DIKEMBALIKAN', 'RETUR'],
    ['dikembalikan', 'RETUR'],
    ['Returned', 'RETUR'],
  ])('reads %j as %s', (text, status) => {
    expect(parseStatus(text)).toEqual({ ok: true, value: status });
  });

  it('refuses anything else, and an empty status', () => {
    expect(parseStatus('PENDING')).toMatchObject({
      ok: false,
      code: 'STATUS_UNKNOWN',
      message: expect.stringMatching(/Status "PENDING" tidak dikenali\. Gunakan BERHASIL.*RETUR/),
    });
    expect(parseStatus('')).toMatchObject({ ok: false, code: 'STATUS_REQUIRED' });
  });
});

describe('accounts, references, decree numbers', () => {
  it('cleans account numbers and refuses damaged ones without quoting them', () => {
    expect(parseAccount(" '100-200-300-4 ")).toEqual({ ok: true, value: ACCOUNT });
    expect(parseAccount('')).toMatchObject({ ok: false, code: 'ACCOUNT_REQUIRED' });
    expect(parseAccount('1.002E+09')).toMatchObject({
      ok: false,
      code: 'ACCOUNT_INVALID',
      message: expect.stringMatching(/angka ilmiah/),
    });
    expect(parseAccount('10020O3004')).toMatchObject({
      ok: false,
      code: 'ACCOUNT_INVALID',
      message: expect.stringMatching(/"O"/),
    });
    expect(parseAccount('12345')).toMatchObject({
      ok: false,
      code: 'ACCOUNT_INVALID',
      message: expect.stringMatching(/5 angka/),
    });
    const result = parseAccount('12345678901234567890123');
    expect(!result.ok && result.message).not.toContain('1234567890');
  });

  it('keeps a reference as written and refuses an unusable one', () => {
    expect(parseBankRef(" 'FT26333ABC/001 ")).toEqual({ ok: true, value: 'FT26333ABC/001' });
    expect(parseBankRef('')).toMatchObject({ ok: false, code: 'REF_REQUIRED' });
    expect(parseBankRef('2.0261E+11')).toMatchObject({
      ok: false,
      code: 'REF_INVALID',
      message: expect.stringMatching(/angka ilmiah/),
    });
    expect(parseBankRef('FT 123')).toMatchObject({ ok: false, code: 'REF_INVALID' });
    expect(parseBankRef('=cmd|x')).toMatchObject({ ok: false, code: 'REF_INVALID' });
    expect(parseBankRef('A'.repeat(65))).toMatchObject({ ok: false, code: 'REF_INVALID' });
  });

  it('reads an optional decree number', () => {
    expect(parseDecreeNumber(' 188.44/3/2026 ')).toEqual({ ok: true, value: '188.44/3/2026' });
    expect(parseDecreeNumber('')).toEqual({ ok: true, value: undefined });
    expect(parseDecreeNumber('???')).toMatchObject({ ok: false, code: 'SK_INVALID' });
  });
});

describe('validateBankRow', () => {
  const raw = {
    no_referensi: 'FT001',
    no_rekening: ACCOUNT,
    nik: NIK,
    nama: '  Budi   Santoso ',
    jumlah: 'Rp 1.250.000,00',
    status: 'SUKSES',
    tanggal_transaksi: '29/11/2026',
    nomor_sk: '188.44/3/2026',
  };

  it('turns a clean line into a payment', () => {
    expect(validateBankRow(raw)).toEqual({
      payment: {
        bankRef: 'FT001',
        noRekening: ACCOUNT,
        nik: NIK,
        nama: 'Budi Santoso',
        amount: 1_250_000,
        status: 'BERHASIL',
        transactionDate: '2026-11-29',
        nomorSk: '188.44/3/2026',
      },
      errors: [],
      warnings: [],
    });
    const { nik: _nik, nomor_sk: _sk, ...required } = raw;
    expect(validateBankRow(required).payment).not.toHaveProperty('nik');
  });

  it('keeps the payment but drops a bad NIK or decree number, with warnings', () => {
    const result = validateBankRow({ ...raw, nik: '6.20101E+15', nomor_sk: '!!' });
    expect(result.payment).toBeDefined();
    expect(result.payment).not.toHaveProperty('nik');
    expect(result.payment).not.toHaveProperty('nomorSk');
    expect(result.warnings.map((issue) => [issue.column, issue.code, issue.severity])).toEqual([
      ['nik', 'NIK_INVALID', 'warning'],
      ['nomor_sk', 'SK_INVALID', 'warning'],
    ]);
    expect(result.warnings[0]?.message).toMatch(/NIK tidak disimpan.*tetap dicatat/);
  });

  it('reports every error in column order, summarised in one report line', () => {
    const result = validateBankRow({
      ...raw,
      no_referensi: undefined,
      jumlah: '1.250.000,50',
      status: 'PENDING',
    });
    expect(result.payment).toBeUndefined();
    expect(result.errors.map((issue) => [issue.column, issue.code])).toEqual([
      ['no_referensi', 'REF_REQUIRED'],
      ['jumlah', 'AMOUNT_FRACTION'],
      ['status', 'STATUS_UNKNOWN'],
    ]);
    const line = rowErrorLine(result.errors);
    expect(line).toMatchObject({ column: 'no_referensi', code: 'REF_REQUIRED', severity: 'error' });
    expect(line?.message).toMatch(/Baris ini juga bermasalah pada kolom: Jumlah, Status\.$/);
    expect(rowErrorLine([])).toBeUndefined();
  });

  it('never puts a NIK, an account number or a name in a message', () => {
    const result = validateBankRow({ ...raw, no_rekening: `${ACCOUNT}X`, nik: `${NIK}9`, nama: '' });
    const text = [...result.errors, ...result.warnings].map((issue) => issue.message).join(' ');
    expect(text).not.toContain(ACCOUNT);
    expect(text).not.toContain(NIK);
  });
});

describe('the error report lines', () => {
  it('use the import report columns, the bank column labels, and formula-safe cells', () => {
    expect(REPORT_COLUMNS).toEqual(['baris', 'kolom', 'kode', 'tingkat', 'pesan']);
    const issue: BankIssue = {
      column: 'jumlah',
      code: 'AMOUNT_INVALID',
      severity: 'error',
      message: 'Jumlah salah.',
    };
    expect(bankReportRow(12, issue)).toEqual(['12', 'Jumlah', 'AMOUNT_INVALID', 'galat', 'Jumlah salah.']);
    expect(bankReportRow(null, { ...issue, column: null })).toEqual([
      '',
      '',
      'AMOUNT_INVALID',
      'galat',
      'Jumlah salah.',
    ]);
    for (const message of ['=HYPERLINK("http://x")', '+62', '-1', '@SUM(A1)', '\t=1', ' =1']) {
      const cells = bankReportRow(3, { ...issue, severity: 'warning', message });
      expect(cells[4]).toBe(`'${message}`);
      expect(cells[3]).toBe('peringatan');
    }
    expect(BANK_COLUMN_LABELS.no_referensi).toBe('No Referensi');
  });
});

describe('a reference recorded before', () => {
  const line: RecordedLine = {
    bankRef: 'FT001',
    noRekening: ACCOUNT,
    amount: 1_250_000,
    status: 'BERHASIL',
    reportKey: 'disbursements/2026-11-30/mingguan.csv',
    sourceRow: 7,
  };
  const earlier: RecordedLine = { ...line, reportKey: 'disbursements/2026-11-29/harian.csv', sourceRow: 4 };

  const issueOf = (result: ReturnType<typeof compareWithRecorded>) =>
    'issue' in result ? result.issue.message : '';

  it('is this very line when an earlier attempt recorded it', () => {
    expect(compareWithRecorded(line, { ...line })).toEqual({ kind: 'own' });
  });

  it('is a duplicate with the same amount, account and status', () => {
    const result = compareWithRecorded(line, { ...earlier });
    expect(result).toMatchObject({
      kind: 'duplicate',
      issue: { code: 'REFERENSI_GANDA', severity: 'warning' },
    });
    expect(issueOf(result)).toMatch(
      /sudah tercatat pada laporan 2026-11-29\/harian\.csv \(baris 4\).*dihitung satu kali/,
    );
    const sameReport = compareWithRecorded(line, { ...line, sourceRow: 3 });
    expect(issueOf(sameReport)).toMatch(/pada baris 3 laporan ini/);
  });

  it('is a conflict otherwise, naming what differs with the account masked', () => {
    const result = compareWithRecorded(line, {
      ...earlier,
      amount: 1_500_000,
      noRekening: '9998887776',
      status: 'GAGAL',
    });
    expect(result).toMatchObject({
      kind: 'conflict',
      issue: { code: 'REFERENSI_BERBEDA', severity: 'error' },
    });
    const message = result.kind === 'conflict' ? result.issue.message : '';
    expect(message).toMatch(/jumlah Rp1\.500\.000 tercatat, Rp1\.250\.000 di baris ini/);
    expect(message).toMatch(/no rekening \*{6}7776 tercatat, \*{6}3004 di baris ini/);
    expect(message).toMatch(/status GAGAL tercatat, BERHASIL di baris ini/);
    expect(message).toMatch(/Data yang tercatat dipertahankan/);
    expect(message).not.toContain(ACCOUNT);
  });

  it('moves BERHASIL to RETUR and GAGAL to BERHASIL with the same amount and account', () => {
    expect(compareWithRecorded({ ...line, status: 'RETUR' }, earlier)).toEqual({
      kind: 'move',
      from: 'BERHASIL',
    });
    expect(compareWithRecorded(line, { ...earlier, status: 'GAGAL' })).toEqual({
      kind: 'move',
      from: 'GAGAL',
    });
  });

  it('refuses a move with another amount, naming the status too', () => {
    const result = compareWithRecorded({ ...line, status: 'RETUR', amount: 1_000_000 }, earlier);
    expect(result).toMatchObject({ kind: 'conflict', issue: { code: 'REFERENSI_BERBEDA' } });
    expect(issueOf(result)).toMatch(
      /jumlah Rp1\.250\.000 tercatat.*status BERHASIL tercatat, RETUR di baris ini/,
    );
  });

  it('refuses any other change of status, naming the moves allowed', () => {
    for (const [recorded, incoming] of [
      ['BERHASIL', 'GAGAL'],
      ['GAGAL', 'RETUR'],
      ['RETUR', 'BERHASIL'],
      ['RETUR', 'GAGAL'],
    ] as const) {
      const result = compareWithRecorded({ ...line, status: incoming }, { ...earlier, status: recorded });
      expect(result).toMatchObject({ kind: 'conflict', issue: { code: 'REFERENSI_BERBEDA' } });
      expect(issueOf(result)).toMatch(
        new RegExp(
          `status ${recorded} tercatat, ${incoming} di baris ini\\)\\. Status yang tercatat hanya dapat berubah`,
        ),
      );
    }
  });

  describe('once moved', () => {
    const mover = { reportKey: 'disbursements/2026-12-02/retur.csv', sourceRow: 9 };
    const returned: RecordedLine = {
      ...earlier,
      status: 'RETUR',
      moves: [{ status: 'BERHASIL', ...mover, transactionDate: '2026-12-02' }],
    };

    it('knows where each status came from', () => {
      expect(statusSources(returned)).toEqual([
        { status: 'BERHASIL', reportKey: earlier.reportKey, sourceRow: 4 },
        { status: 'RETUR', ...mover },
      ]);
      expect(statusSources(earlier)).toEqual([
        { status: 'BERHASIL', reportKey: earlier.reportKey, sourceRow: 4 },
      ]);
    });

    it('is the moving line itself when its report is read again (no second move)', () => {
      expect(compareWithRecorded({ ...line, ...mover, status: 'RETUR' }, returned)).toEqual({ kind: 'own' });
      // The first recording, read again by a retry of its own report after the move: its own too.
      expect(compareWithRecorded({ ...line, reportKey: earlier.reportKey, sourceRow: 4 }, returned)).toEqual({
        kind: 'own',
      });
    });

    it('is a duplicate of the same RETUR from another report, named by where RETUR came from', () => {
      const result = compareWithRecorded({ ...line, status: 'RETUR' }, returned);
      expect(result).toMatchObject({ kind: 'duplicate', issue: { code: 'REFERENSI_GANDA' } });
      expect(issueOf(result)).toMatch(/pada laporan 2026-12-02\/retur\.csv \(baris 9\)/);
    });

    it('refuses GAGAL or BERHASIL after RETUR', () => {
      for (const status of ['GAGAL', 'BERHASIL'] as const) {
        expect(compareWithRecorded({ ...line, status }, returned)).toMatchObject({
          kind: 'conflict',
          issue: { code: 'REFERENSI_BERBEDA', severity: 'error' },
        });
      }
    });
  });
});

describe('status moves', () => {
  it.each([
    ['BERHASIL', 'BERHASIL', 'same'],
    ['GAGAL', 'GAGAL', 'same'],
    ['RETUR', 'RETUR', 'same'],
    ['BERHASIL', 'RETUR', 'move'],
    ['GAGAL', 'BERHASIL', 'move'],
    ['BERHASIL', 'GAGAL', 'conflict'],
    ['GAGAL', 'RETUR', 'conflict'],
    ['RETUR', 'BERHASIL', 'conflict'],
    ['RETUR', 'GAGAL', 'conflict'],
  ] as const)('%s then %s is %s', (recorded, incoming, expected) => {
    expect(statusMove(recorded, incoming)).toBe(expected);
  });
});

describe('keys', () => {
  it('shards references evenly and stably over 32 partitions', () => {
    const counts = new Array<number>(PAYMENT_SHARDS).fill(0);
    for (let i = 0; i < 32_000; i++) {
      const shard = paymentShard(`FT26333${String(i).padStart(6, '0')}`);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(Math.max(...counts)).toBeLessThan(1_150);
    expect(paymentKey('FT001')).toEqual(paymentKey('FT001'));
    expect(paymentKey('FT001').pk).toMatch(/^PAYMENT#\d{2}$/);
    expect(paymentKey('FT001').sk).toBe('FT001');
  });

  it('reads bank report keys and names their error report', () => {
    const key = parseBankReportKey('disbursements/2026-11-29/Laporan Harian (1).csv');
    expect(key).toEqual({
      key: 'disbursements/2026-11-29/Laporan Harian (1).csv',
      reportDate: '2026-11-29',
      file: 'Laporan Harian (1).csv',
      extension: 'csv',
    });
    expect(key && bankErrorReportKey(key)).toBe('reports/disbursements/2026-11-29/Laporan Harian (1).csv');
    expect(parseBankReportKey('disbursements/2026-11-29/harian.XLSX')?.extension).toBe('xlsx');
    for (const bad of [
      'uploads/62.01/2026-S1/x.csv',
      'disbursements/harian.csv',
      'disbursements/2026-02-30/harian.csv',
      'disbursements/29-11-2026/harian.csv',
      'disbursements/2026-11-29/sub/harian.csv',
      'disbursements/2026-11-29/',
    ]) {
      expect(parseBankReportKey(bad)).toBeUndefined();
    }
  });
});
