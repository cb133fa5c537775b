import type { SnapshotView } from '#shared/contract/responses.ts';
import { EXCLUSION_REASON_LABEL, type ExclusionReason } from '#shared/domain/family/eligibility.ts';
import { RELATIONSHIP_LABEL, type Relationship } from '#shared/domain/family/hubungan.ts';
import { VERVAL_RESULT_LABEL, VERVAL_RESULTS, type VervalResult } from '#shared/domain/family/verval.ts';
import { REGIONS } from '#shared/domain/regions.ts';
import type { ImportKind } from '#shared/model.ts';

/**
 * The family programme in words, for the console's screens (pure: unit-tested in
 * `family-words.test.ts`): what a file is, where a DTSEN snapshot stands, and why a family is
 * excluded from a tahap, as an operator would explain it at the village meeting.
 */

export const IMPORT_KIND_LABEL: Readonly<Record<ImportKind, string>> = {
  DTSEN_KELUARGA: 'Ekstrak keluarga (DTSEN)',
  DTSEN_ANGGOTA: 'Ekstrak anggota (DTSEN)',
  PENGECUALIAN: 'Daftar pengecualian',
  HASIL_VERVAL: 'Hasil verifikasi dan validasi lapangan',
  STATUS_KARTU: 'Status kartu (cetak atau dibagikan)',
  BAST: 'BAST serah terima pangan (Perum BULOG)',
  EDC: 'Transaksi EDC (Bank Kalteng)',
  JAWABAN_REKENING: 'Jawaban pembukaan rekening (Bank Kalteng)',
};

/** The cross-check's findings (`SNAPSHOT_PROBLEMS` of `snapshot-check.ts`), in words. */
export const SNAPSHOT_FINDING_LABEL: Readonly<Record<string, string>> = {
  ANGGOTA_TANPA_KELUARGA: 'Anggota dengan No KK yang tidak ada di berkas keluarga',
  KELUARGA_TANPA_KEPALA: 'Keluarga tanpa kepala keluarga',
  KEPALA_GANDA: 'Keluarga dengan lebih dari satu kepala keluarga',
  KELUARGA_TANPA_ANGGOTA: 'Keluarga tanpa anggota di berkas anggota',
};

export const findingLabel = (code: string): string => SNAPSHOT_FINDING_LABEL[code] ?? code;

export const reasonLabel = (reason: string): string =>
  EXCLUSION_REASON_LABEL[reason as ExclusionReason] ?? reason;

/** `2026-09-30` → `30-09-2026`, as the lists themselves write dates. */
export function dayMonthYear(isoDay: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDay);
  return match ? `${match[3]}-${match[2]}-${match[1]}` : isoDay;
}

/** `2026-1` → `Tahap 1 Tahun 2026`. */
export function tahapName(tahapId: string): string {
  const match = /^(\d{4})-(\d{1,2})$/.exec(tahapId);
  return match ? `Tahap ${match[2]} Tahun ${match[1]}` : tahapId;
}

export const regionLabel = (code: string | undefined): string =>
  code === undefined ? 'Seluruh provinsi' : (REGIONS.find((region) => region.code === code)?.name ?? code);

export type SnapshotTone = 'good' | 'neutral' | 'bad';

/**
 * Where a snapshot stands, in plain words: which file is still missing, being cross-checked, ready,
 * or taken by a tahap (and so fixed).
 */
export function snapshotState(snapshot: Pick<SnapshotView, 'status' | 'families' | 'members' | 'usedBy'>): {
  readonly words: string;
  readonly tone: SnapshotTone;
} {
  if (snapshot.status === 'READY') {
    const used = snapshot.usedBy ?? [];
    return used.length > 0
      ? { words: `Dipakai ${used.map(tahapName).join(', ')}`, tone: 'good' }
      : { words: 'Siap dipakai', tone: 'good' };
  }
  if (snapshot.families && !snapshot.members) {
    return { words: 'Berkas keluarga sudah, menunggu berkas anggota', tone: 'neutral' };
  }
  if (!snapshot.families && snapshot.members) {
    return { words: 'Berkas anggota sudah, menunggu berkas keluarga', tone: 'neutral' };
  }
  if (snapshot.families && snapshot.members) {
    return { words: 'Kedua berkas sudah, sedang diperiksa silang', tone: 'neutral' };
  }
  return { words: 'Menunggu berkas keluarga dan anggota', tone: 'neutral' };
}

/**
 * A family member as people know them: by relationship (`Istri`, `Anak`), which the API names; by
 * position (`anggota ke-2`, 0-based in the API) only when it does not.
 */
const memberAt = (index: number, hubungan?: Relationship): string =>
  hubungan ? `anggota (${RELATIONSHIP_LABEL[hubungan]})` : `anggota ke-${index + 1}`;

/** One reason of an exclusion, in a sentence (the shape of `ReasonDetailSchema`). */
export type ReasonDetail =
  | { readonly reason: 'DESIL_DI_LUAR_RENTANG'; readonly desil: number | null }
  | {
      readonly reason: 'DAFTAR_PENGECUALIAN';
      readonly matchedBy: 'NO_KK' | 'NIK';
      readonly member?: number | undefined;
      readonly hubungan?: Relationship | undefined;
      readonly listId: string;
      readonly programme: string;
      readonly source: string;
      readonly asOf: string;
    }
  | { readonly reason: 'NO_KK_TIDAK_SAH' }
  | {
      readonly reason: 'NIK_TIDAK_SAH';
      readonly member: number;
      readonly hubungan?: Relationship | undefined;
    }
  | {
      readonly reason: 'ANGGOTA_DI_KELUARGA_LAIN';
      readonly member: number;
      readonly hubungan?: Relationship | undefined;
      readonly otherNoKk: readonly string[];
    }
  | { readonly reason: 'KK_DI_DUA_KABUPATEN'; readonly otherRegions: readonly string[] }
  | { readonly reason: 'TANPA_KEPALA_KELUARGA' };

export function reasonWords(detail: ReasonDetail, desil?: { min: number; max: number }): string {
  const range = desil ? ` ${desil.min}–${desil.max}` : ' tahap';
  switch (detail.reason) {
    case 'DESIL_DI_LUAR_RENTANG':
      return detail.desil === null
        ? `Desil tidak tercatat, sedangkan rentang${range} wajib`
        : `Desil ${detail.desil} di luar rentang${range}`;
    case 'DAFTAR_PENGECUALIAN': {
      const how =
        detail.matchedBy === 'NO_KK' || detail.member === undefined
          ? 'cocok lewat No KK'
          : `cocok lewat NIK ${memberAt(detail.member, detail.hubungan)}`;
      return `Tercantum di daftar ${detail.programme} (${detail.source}, ${dayMonthYear(detail.asOf)}), ${how}`;
    }
    case 'NO_KK_TIDAK_SAH':
      return 'Nomor KK tidak sah (bukan 16 digit dengan kode wilayah dan tanggal yang benar)';
    case 'NIK_TIDAK_SAH':
      return `NIK ${memberAt(detail.member, detail.hubungan)} tidak sah`;
    case 'ANGGOTA_DI_KELUARGA_LAIN': {
      const others = detail.otherNoKk.length > 0 ? ` (No KK ${detail.otherNoKk.join(', ')})` : '';
      return `${capitalise(memberAt(detail.member, detail.hubungan))} juga tercatat di KK lain${others}`;
    }
    case 'KK_DI_DUA_KABUPATEN':
      return `Nomor KK yang sama juga tercatat di ${detail.otherRegions.map(regionLabel).join(', ')}`;
    case 'TANPA_KEPALA_KELUARGA':
      return 'Keluarga tanpa kepala keluarga';
  }
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** Counts of one place: how many families, eligible, excluded, and excluded per reason. */
export interface PlaceCounts {
  readonly families: number;
  readonly eligible: number;
  readonly excluded: number;
  readonly byReason: Readonly<Partial<Record<string, number>>>;
}

/** The reasons that occur in any of these counts, in the order the rules give them. */
export function reasonsIn(counts: readonly PlaceCounts[]): ExclusionReason[] {
  return (Object.keys(EXCLUSION_REASON_LABEL) as ExclusionReason[]).filter((reason) =>
    counts.some((count) => (count.byReason[reason] ?? 0) > 0),
  );
}

/** Counts added up (the province from its kabupaten). */
export function addCounts(counts: readonly PlaceCounts[]): PlaceCounts {
  const byReason: Record<string, number> = {};
  let families = 0;
  let eligible = 0;
  let excluded = 0;
  for (const count of counts) {
    families += count.families;
    eligible += count.eligible;
    excluded += count.excluded;
    for (const [reason, value] of Object.entries(count.byReason)) {
      byReason[reason] = (byReason[reason] ?? 0) + (value ?? 0);
    }
  }
  return { families, eligible, excluded, byReason };
}

/** A KPM list composition's counts (`KpmCompose.counts`). */
export interface KpmCountsLike {
  readonly listed: number;
  readonly selected: number;
  readonly settled: number;
  readonly replacements: number;
  readonly notVisited: number;
  readonly droppedByResult: Readonly<Partial<Record<VervalResult, number>>>;
  readonly beyondQuota: number;
}

/**
 * What a KPM list's composition did, line by line, as the operator reads it before submitting:
 * `Gugur saat verval: Sudah mampu 3, Pindah 1`. Each line has a key (for tests) and its words.
 */
export function kpmCountsWords(
  counts: KpmCountsLike,
): readonly { readonly key: string; readonly label: string; readonly value: string }[] {
  const number = (value: number) => new Intl.NumberFormat('id-ID').format(value);
  const dropped = VERVAL_RESULTS.flatMap((result) => {
    const value = counts.droppedByResult[result] ?? 0;
    return value > 0 ? [`${VERVAL_RESULT_LABEL[result]} ${number(value)}`] : [];
  });
  return [
    { key: 'listed', label: 'Tercantum', value: `${number(counts.listed)} keluarga` },
    { key: 'selected', label: 'Terpilih dan layak saat verval', value: number(counts.selected) },
    {
      key: 'settled',
      label: 'Masuk karena verval menuntaskan pengecualiannya',
      value: number(counts.settled),
    },
    { key: 'replacements', label: 'Cadangan yang masuk', value: number(counts.replacements) },
    { key: 'notVisited', label: 'Belum dikunjungi', value: number(counts.notVisited) },
    {
      key: 'dropped',
      label: 'Gugur saat verval',
      value: dropped.length > 0 ? dropped.join(', ') : 'tidak ada',
    },
    { key: 'beyondQuota', label: 'Layak tetapi di luar kuota', value: number(counts.beyondQuota) },
  ];
}
