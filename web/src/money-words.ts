import type { ApiSuccess } from '#shared/contract/client.ts';
import type { BANK_FILE_STATUSES } from '#shared/model.ts';

/**
 * The words of a kabupaten's cash and food on the distribution page: the state of a file made for
 * Bank Kalteng or BULOG, a payment instruction's title, and the lines of the BKAD money view. Pure,
 * so the unit tests read them without a browser.
 */

type FileStatus = (typeof BANK_FILE_STATUSES)[number];

export const FILE_STATUS_WORDS: Readonly<Record<FileStatus, string>> = {
  QUEUED: 'Menunggu giliran',
  RUNNING: 'Sedang dibuat',
  COMPLETED: 'Selesai',
  FAILED: 'Gagal',
};

/** Whether a job is still to be followed (the page asks again until it is not). */
export const isPending = (status: FileStatus | undefined): boolean =>
  status === 'QUEUED' || status === 'RUNNING';

/** `Berkas ke-2 · susulan (pembayaran yang gagal)`: which file of the kabupaten's tahap, and why. */
export function instructionTitle(seq: number, kind: 'AWAL' | 'SUSULAN'): string {
  return `Berkas ke-${seq} · ${kind === 'AWAL' ? 'instruksi awal' : 'susulan (pembayaran yang gagal)'}`;
}

/** A SHA-256 in groups of eight, so people can read it aloud and compare it. */
export function groupedHash(sha256: string): string {
  return (sha256.match(/.{1,8}/g) ?? []).join(' ');
}

type FinanceView = ApiSuccess<'GetFinance'>['body'];

export interface FinanceLine {
  readonly key: string;
  readonly label: string;
  /** Entitlements (families); absent for a line that is money only. */
  readonly count?: number;
  readonly amount: number;
  /** A part of the line above it (shown indented). */
  readonly part?: boolean;
  /** The line the page is for: the balance to return. */
  readonly total?: boolean;
}

/**
 * The BKAD money view as lines, in the order the finance office reads them: what the families are
 * owed, what never left the RKUD, what went to the bank, what reached the families, what failed or
 * came back, what the bank still holds (with its three parts), an over-payment only when there is
 * one, and last the balance to return to the RKUD (instructed − paid net − held).
 */
export function financeLines(view: FinanceView): FinanceLine[] {
  const held = {
    count: view.inFlight.count + view.short.count + view.awaitingReinstruction.count,
    amount: view.inFlight.amount + view.short.amount + view.awaitingReinstruction.amount,
  };
  const lines: FinanceLine[] = [
    { key: 'hak', label: 'Hak bantuan tunai', ...view.entitlements },
    { key: 'belum', label: 'Belum diinstruksikan (tetap di RKUD)', ...view.notInstructed },
    { key: 'instruksi', label: 'Diinstruksikan ke Bank Kalteng', ...view.instructed },
    { key: 'dibayar', label: 'Dibayar bersih ke keluarga', ...view.paid },
    { key: 'gagal', label: 'Gagal', ...view.failed },
    { key: 'retur', label: 'Retur', ...view.returned },
    { key: 'ditahan', label: 'Ditahan di bank', ...held },
    { key: 'proses', label: 'sedang diproses bank', ...view.inFlight, part: true },
    { key: 'kurang', label: 'dibayar kurang, menunggu keputusan', ...view.short, part: true },
    {
      key: 'susulan',
      label: 'gagal, menunggu instruksi susulan',
      ...view.awaitingReinstruction,
      part: true,
    },
  ];
  if (view.overpaid.count > 0) lines.push({ key: 'lebih', label: 'Kelebihan bayar', ...view.overpaid });
  lines.push({
    key: 'saldo',
    label: 'Saldo dikembalikan ke RKUD',
    amount: view.balanceToReturn,
    total: true,
  });
  return lines;
}
