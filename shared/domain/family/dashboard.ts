/**
 * The distribution dashboards (issue #15): per tahap and desa, counters that the writers move in the
 * same transaction as the rows they count (decreed families, cards handed out, accounts opened, cash
 * paid and failed, food delivered), summed at read time into kecamatan and kabupaten rows. Pure:
 * the deltas a move makes, their sum per desa for one batch, and the table a level reads.
 */
import { desaName, kecamatanName, kecamatanOfDesa, regionName, regionOfPlace } from '../wilayah.ts';
import type { CardStatus, EntitlementStatus } from './distribution.ts';

/** The counters kept per desa (complaints come from the complaints' own counters). */
export const DASHBOARD_COUNTERS = [
  'decreed',
  'cardsDistributed',
  'accountsOpened',
  'cashPaid',
  'cashFailed',
  'foodDelivered',
] as const;
export type DashboardCounter = (typeof DASHBOARD_COUNTERS)[number];

export type DashboardDelta = Partial<Record<DashboardCounter, number>>;
export type DashboardCounts = Readonly<
  Record<DashboardCounter | 'complaintsOpen' | 'complaintsOverdue', number>
>;

export const DASHBOARD_LEVELS = ['kabupaten', 'kecamatan', 'desa'] as const;
export type DashboardLevel = (typeof DASHBOARD_LEVELS)[number];

/** A card handed out: counted once, when it first becomes DIBAGIKAN. */
export function cardDelta(from: CardStatus, to: CardStatus): DashboardDelta {
  return to === 'DIBAGIKAN' && from !== 'DIBAGIKAN' ? { cardsDistributed: 1 } : {};
}

/**
 * A TUNAI entitlement closed by reconciliation. `cashPaid` counts entitlements DITERIMA;
 * `cashFailed` those whose payment failed and that are not paid since: a first failure (DIKIRIM →
 * GAGAL) counts one, a failed follow-up (DIULANG → GAGAL) was counted already, and a payment after a
 * failure (DIULANG or GAGAL → DITERIMA) takes it off.
 */
export function cashDelta(from: EntitlementStatus, to: EntitlementStatus | undefined): DashboardDelta {
  if (to === undefined || to === from) return {};
  const failedBefore = from === 'GAGAL' || from === 'DIULANG';
  if (to === 'DITERIMA') return failedBefore ? { cashPaid: 1, cashFailed: -1 } : { cashPaid: 1 };
  if (to === 'GAGAL' && !failedBefore) return { cashFailed: 1 };
  return {};
}

/** A PANGAN entitlement moved by a BAST line: delivered once, when it first becomes DITERIMA. */
export function foodDelta(from: EntitlementStatus, to: EntitlementStatus): DashboardDelta {
  return to === 'DITERIMA' && from !== 'DITERIMA' ? { foodDelivered: 1 } : {};
}

/** A penerima's account recorded from the bank's answer: opened once, when it becomes AKTIF. */
export function accountDelta(from: string | undefined, to: string): DashboardDelta {
  return to === 'AKTIF' && from !== 'AKTIF' ? { accountsOpened: 1 } : {};
}

export const isEmptyDelta = (delta: DashboardDelta): boolean =>
  DASHBOARD_COUNTERS.every((counter) => (delta[counter] ?? 0) === 0);

/** One batch's moves summed per tahap and desa: one counter update each, empty sums left out. */
export function deltasByDesa(
  moves: readonly { readonly tahapId: string; readonly desaCode: string; readonly delta: DashboardDelta }[],
): { tahapId: string; desaCode: string; delta: DashboardDelta }[] {
  const sums = new Map<string, { tahapId: string; desaCode: string; delta: Record<string, number> }>();
  for (const move of moves) {
    if (isEmptyDelta(move.delta)) continue;
    const key = `${move.tahapId}#${move.desaCode}`;
    let sum = sums.get(key);
    if (!sum) {
      sum = { tahapId: move.tahapId, desaCode: move.desaCode, delta: {} };
      sums.set(key, sum);
    }
    for (const counter of DASHBOARD_COUNTERS) {
      const value = move.delta[counter] ?? 0;
      if (value !== 0) sum.delta[counter] = (sum.delta[counter] ?? 0) + value;
    }
  }
  // Moves that cancel out (a failure, then its payment) leave no counter to touch.
  return [...sums.values()].flatMap((sum) => {
    const delta = Object.fromEntries(Object.entries(sum.delta).filter(([, value]) => value !== 0));
    return isEmptyDelta(delta) ? [] : [{ ...sum, delta }];
  });
}

/** A desa's stored counters, and its complaints (open and overdue, from the complaints' counters). */
export interface DesaCounts {
  readonly desaCode: string;
  readonly counts: Partial<Record<DashboardCounter, number>>;
}

export interface DashboardRow {
  readonly code: string;
  readonly name: string;
  readonly counts: DashboardCounts;
}

const zero = (): Record<keyof DashboardCounts, number> => ({
  decreed: 0,
  cardsDistributed: 0,
  accountsOpened: 0,
  cashPaid: 0,
  cashFailed: 0,
  foodDelivered: 0,
  complaintsOpen: 0,
  complaintsOverdue: 0,
});

const codeAt = (desaCode: string, level: DashboardLevel): string =>
  level === 'kabupaten'
    ? regionOfPlace(desaCode)
    : level === 'kecamatan'
      ? kecamatanOfDesa(desaCode)
      : desaCode;

export const placeName = (code: string, level: DashboardLevel): string =>
  (level === 'kabupaten' ? regionName(code) : level === 'kecamatan' ? kecamatanName(code) : desaName(code)) ??
  code;

/**
 * The table of one level: the desa counters (and complaints per desa) summed per kabupaten,
 * kecamatan or desa, ordered by code, with their names from the wilayah data, and the totals.
 */
export function dashboardTable(
  desa: readonly DesaCounts[],
  complaints: ReadonlyMap<string, { readonly open: number; readonly overdue: number }>,
  level: DashboardLevel,
): { rows: DashboardRow[]; totals: DashboardCounts } {
  const rows = new Map<string, Record<keyof DashboardCounts, number>>();
  const totals = zero();
  const add = (desaCode: string, values: Partial<Record<keyof DashboardCounts, number>>) => {
    const code = codeAt(desaCode, level);
    let row = rows.get(code);
    if (!row) {
      row = zero();
      rows.set(code, row);
    }
    for (const [counter, value] of Object.entries(values) as [keyof DashboardCounts, number][]) {
      row[counter] += value;
      totals[counter] += value;
    }
  };
  for (const item of desa) add(item.desaCode, item.counts);
  for (const [desaCode, count] of complaints) {
    add(desaCode, { complaintsOpen: count.open, complaintsOverdue: count.overdue });
  }
  return {
    rows: [...rows.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, counts]) => ({ code, name: placeName(code, level), counts })),
    totals,
  };
}

/** The export's columns, in Bahasa Indonesia. */
export const DASHBOARD_COLUMN_LABELS: Readonly<Record<keyof DashboardCounts, string>> = {
  decreed: 'KPM Ditetapkan',
  cardsDistributed: 'Kartu Dibagikan',
  accountsOpened: 'Rekening Dibuka',
  cashPaid: 'Tunai Dibayar',
  cashFailed: 'Tunai Gagal',
  foodDelivered: 'Pangan Diterima',
  complaintsOpen: 'Pengaduan Terbuka',
  complaintsOverdue: 'Pengaduan Lewat Waktu',
};

export const DASHBOARD_LEVEL_LABEL: Readonly<Record<DashboardLevel, string>> = {
  kabupaten: 'Kabupaten/Kota',
  kecamatan: 'Kecamatan',
  desa: 'Desa/Kelurahan',
};

/** The export's rows: a header, one line per row, then the totals. */
export function dashboardSheet(
  table: { readonly rows: readonly DashboardRow[]; readonly totals: DashboardCounts },
  level: DashboardLevel,
): { header: string[]; rows: (string | number)[][] } {
  const counters = Object.keys(DASHBOARD_COLUMN_LABELS) as (keyof DashboardCounts)[];
  return {
    header: ['Kode', DASHBOARD_LEVEL_LABEL[level], ...counters.map((c) => DASHBOARD_COLUMN_LABELS[c])],
    rows: [
      ...table.rows.map((row) => [row.code, row.name, ...counters.map((c) => row.counts[c])]),
      ['', 'Jumlah', ...counters.map((c) => table.totals[c])],
    ],
  };
}
