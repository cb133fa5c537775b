/**
 * Bank Kalteng disbursement reports as the bank delivers them (`;`-separated CSV with a BOM, dates
 * `dd/mm/yyyy`, amounts `1.800.000`): for the demo and the tests, built from what decrees say should
 * be paid, with discrepancies planted on purpose.
 */

export interface BankLine {
  readonly bankRef: string;
  readonly noRekening: string;
  readonly nik?: string | undefined;
  readonly nama: string;
  readonly amount: number;
  /** RETUR: the money came back (a later line with the same reference, or a line of its own). */
  readonly status: 'BERHASIL' | 'GAGAL' | 'RETUR';
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly nomorSk?: string | undefined;
}

const HEADER = [
  'No',
  'No Referensi',
  'Tanggal Transaksi',
  'No Rekening',
  'Nama Penerima',
  'NIK',
  'Jumlah',
  'Status',
  'Nomor SK',
];

const bankDate = (iso: string) => iso.split('-').reverse().join('/');
const bankAmount = (amount: number) => String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

/** The report's CSV text, with the bank's title rows above the header. */
export function bankReportCsv(lines: readonly BankLine[], title = 'LAPORAN PENYALURAN BKK KHBS'): string {
  const rows = [
    [title],
    ['PT Bank Pembangunan Daerah Kalimantan Tengah'],
    [],
    HEADER,
    ...lines.map((line, index) => [
      String(index + 1),
      line.bankRef,
      bankDate(line.date),
      line.noRekening,
      line.nama,
      line.nik ?? '',
      bankAmount(line.amount),
      line.status,
      line.nomorSk ?? '',
    ]),
  ];
  return `\uFEFF${rows.map((row) => row.map(cell).join(';')).join('\r\n')}\r\n`;
}

const cell = (value: string) => (/[;"\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** One recipient as a decree says they are paid. */
export interface Payee {
  readonly noRekening: string;
  readonly nik: string;
  readonly nama: string;
  readonly amount: number;
}

/** What {@link plantDiscrepancies} put in, by kind, to check a reconciliation against. */
export interface Planted {
  readonly notPaid: Payee;
  readonly failed: Payee;
  readonly amountDiffers: Payee;
  readonly paidTwice: Payee;
  readonly unknownPayee: BankLine;
  readonly underRevoked: Payee | undefined;
}

/**
 * Payment lines for a decree's payees, everyone paid once in full, except: the first is not paid at
 * all, the second fails at the bank, the third is paid Rp100.000 short, the fourth is paid twice; plus
 * one payment to an account in no decree and, if given, one to a payee of a revoked decree.
 */
export function plantDiscrepancies(
  payees: readonly Payee[],
  options: {
    refPrefix: string;
    date: string;
    nomorSk?: string;
    revokedPayee?: Payee | undefined;
    /** The revoked decree's number, printed on that payee's line (as a bank paying under the old SK would). */
    revokedNomorSk?: string | undefined;
  },
): { lines: BankLine[]; planted: Planted } {
  const [notPaid, failed, amountDiffers, paidTwice] = payees;
  if (!notPaid || !failed || !amountDiffers || !paidTwice) throw new Error('need at least four payees');
  let serial = 0;
  const ref = () => `${options.refPrefix}${String(++serial).padStart(7, '0')}`;
  const line = (payee: Payee, extra: Partial<BankLine> = {}): BankLine => ({
    bankRef: ref(),
    noRekening: payee.noRekening,
    nik: payee.nik,
    nama: payee.nama,
    amount: payee.amount,
    status: 'BERHASIL',
    date: options.date,
    nomorSk: options.nomorSk,
    ...extra,
  });
  const lines: BankLine[] = [];
  for (const payee of payees) {
    if (payee === notPaid) continue;
    if (payee === failed) lines.push(line(payee, { status: 'GAGAL' }));
    else if (payee === amountDiffers) lines.push(line(payee, { amount: payee.amount - 100_000 }));
    else if (payee === paidTwice) lines.push(line(payee), line(payee));
    else lines.push(line(payee));
  }
  const unknownPayee = line(
    { noRekening: '9990001112', nik: '6203019999990001', nama: 'Tidak Terdaftar', amount: 1_800_000 },
    { nomorSk: undefined },
  );
  lines.push(unknownPayee);
  if (options.revokedPayee) lines.push(line(options.revokedPayee, { nomorSk: options.revokedNomorSk }));
  return {
    lines,
    planted: { notPaid, failed, amountDiffers, paidTwice, unknownPayee, underRevoked: options.revokedPayee },
  };
}
