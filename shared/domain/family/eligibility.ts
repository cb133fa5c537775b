/**
 * Who is in and who is out of a tahap, and why: the eligibility rules of KHBS, pure (no AWS, no
 * I/O), applied to one family at a time with what the run knows of the rest of the programme
 * (exclusion lists, members and KKs seen in other families). Every reason that applies is kept, not
 * only the first: an operator explaining an exclusion at the village meeting needs all of them.
 *
 * The rules (families.md, issue #14):
 * - desil outside the tahap's range (desil 1–5 today; configuration, never code);
 * - on an exclusion list (PKH, BPNT, BLT-DD or another named programme), matched by the No KK or by
 *   a member's NIK — which list, and which member;
 * - a No KK or a member's NIK that is not a valid number;
 * - a member who also belongs to another family of the programme (one person, one family);
 * - the same No KK in two kabupaten's snapshots.
 * The last two exclude *both* families until the verval settles which one is right.
 */
import type { Relationship } from './hubungan.ts';

export const EXCLUSION_REASONS = [
  'DESIL_DI_LUAR_RENTANG',
  'DAFTAR_PENGECUALIAN',
  'NO_KK_TIDAK_SAH',
  'NIK_TIDAK_SAH',
  'ANGGOTA_DI_KELUARGA_LAIN',
  'KK_DI_DUA_KABUPATEN',
  'TANPA_KEPALA_KELUARGA',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export const EXCLUSION_REASON_LABEL: Readonly<Record<ExclusionReason, string>> = {
  DESIL_DI_LUAR_RENTANG: 'Desil di luar rentang tahap',
  DAFTAR_PENGECUALIAN: 'Tercantum dalam daftar penerima program lain',
  NO_KK_TIDAK_SAH: 'Nomor KK tidak sah',
  NIK_TIDAK_SAH: 'NIK anggota tidak sah',
  ANGGOTA_DI_KELUARGA_LAIN: 'Anggota juga tercatat di KK lain dalam program',
  KK_DI_DUA_KABUPATEN: 'Nomor KK tercatat di dua kabupaten/kota',
  TANPA_KEPALA_KELUARGA: 'Keluarga tanpa kepala keluarga',
};

/** A family as eligibility reads it (from the snapshot the tahap uses). */
export interface FamilyFacts {
  readonly noKk: string;
  readonly region: string;
  readonly desil: number | undefined;
  readonly kkValid: boolean;
  readonly members: readonly {
    readonly nik: string;
    readonly nikValid: boolean;
    readonly head: boolean;
    /** How the member relates to the head: named in reasons, since a position means nothing to people. */
    readonly hubungan?: Relationship;
  }[];
}

/** One entry of an exclusion list that matched. */
export interface ExclusionHit {
  readonly listId: string;
  readonly programme: string;
  readonly source: string;
  readonly asOf: string;
}

/** What the run knows of the rest of the programme, asked per family. */
export interface ProgrammeView {
  readonly desil: { readonly min: number; readonly max: number };
  /** Exclusion entries for a No KK, and for a NIK. */
  exclusionsOfKk(noKk: string): readonly ExclusionHit[];
  exclusionsOfNik(nik: string): readonly ExclusionHit[];
  /** The other No KKs of the programme a NIK belongs to (empty when only this one). */
  otherFamiliesOf(nik: string, noKk: string): readonly string[];
  /** The other regions whose snapshot holds this No KK. */
  otherRegionsOf(noKk: string, region: string): readonly string[];
}

export type ReasonDetail =
  | { readonly reason: 'DESIL_DI_LUAR_RENTANG'; readonly desil: number | null }
  | ({
      readonly reason: 'DAFTAR_PENGECUALIAN';
      readonly matchedBy: 'NO_KK' | 'NIK';
      /** Position of the matched member in the family (0-based), when matched by NIK. */
      readonly member?: number;
      readonly hubungan?: Relationship;
    } & ExclusionHit)
  | { readonly reason: 'NO_KK_TIDAK_SAH' }
  | { readonly reason: 'NIK_TIDAK_SAH'; readonly member: number; readonly hubungan?: Relationship }
  | {
      readonly reason: 'ANGGOTA_DI_KELUARGA_LAIN';
      readonly member: number;
      readonly hubungan?: Relationship;
      readonly otherNoKk: readonly string[];
    }
  | { readonly reason: 'KK_DI_DUA_KABUPATEN'; readonly otherRegions: readonly string[] }
  | { readonly reason: 'TANPA_KEPALA_KELUARGA' };

export type Verdict =
  | { readonly status: 'ELIGIBLE' }
  | { readonly status: 'EXCLUDED'; readonly reasons: readonly ReasonDetail[] };

export function judgeFamily(family: FamilyFacts, view: ProgrammeView): Verdict {
  const reasons: ReasonDetail[] = [];
  const { desil } = family;
  const relationOf = (index: number) => {
    const hubungan = family.members[index]?.hubungan;
    return hubungan ? { hubungan } : {};
  };
  if (desil === undefined || desil < view.desil.min || desil > view.desil.max) {
    reasons.push({ reason: 'DESIL_DI_LUAR_RENTANG', desil: desil ?? null });
  }
  if (!family.kkValid) reasons.push({ reason: 'NO_KK_TIDAK_SAH' });
  if (!family.members.some((member) => member.head)) reasons.push({ reason: 'TANPA_KEPALA_KELUARGA' });

  // One reason per list: a list that names the KK and three members is one exclusion, not four.
  const listed = new Set<string>();
  const onList = (hit: ExclusionHit, matchedBy: 'NO_KK' | 'NIK', member?: number) => {
    if (listed.has(hit.listId)) return;
    listed.add(hit.listId);
    reasons.push({
      reason: 'DAFTAR_PENGECUALIAN',
      matchedBy,
      ...(member !== undefined ? { member, ...relationOf(member) } : {}),
      ...hit,
    });
  };
  for (const hit of view.exclusionsOfKk(family.noKk)) onList(hit, 'NO_KK');
  family.members.forEach((member, index) => {
    if (!member.nikValid) {
      reasons.push({ reason: 'NIK_TIDAK_SAH', member: index, ...relationOf(index) });
      return;
    }
    for (const hit of view.exclusionsOfNik(member.nik)) onList(hit, 'NIK', index);
    const others = view.otherFamiliesOf(member.nik, family.noKk);
    if (others.length > 0)
      reasons.push({
        reason: 'ANGGOTA_DI_KELUARGA_LAIN',
        member: index,
        ...relationOf(index),
        otherNoKk: others,
      });
  });
  const otherRegions = view.otherRegionsOf(family.noKk, family.region);
  if (otherRegions.length > 0) reasons.push({ reason: 'KK_DI_DUA_KABUPATEN', otherRegions });

  return reasons.length === 0 ? { status: 'ELIGIBLE' } : { status: 'EXCLUDED', reasons };
}

/** An eligible family as the quota ranks it. */
export interface Ranked {
  readonly noKk: string;
  readonly desil: number;
  readonly memberCount: number;
}

/**
 * Where a kabupaten has a quota, which eligible families are in (`selected`, in rank order) and
 * which wait on the reserve list (`reserve`, in the order replacements are drawn). The rank:
 * 1. the lower desil first (the poorer);
 * 2. then the larger family (more mouths on the same means);
 * 3. then a draw that no one can steer: the SHA-256 of `tahapId:noKk`, so neither the order of
 *    the file nor the numbering of KKs favours anyone, and the same tahap always ranks the same.
 * `digest` is that hash (hex), given by the caller so this module stays free of crypto imports.
 */
export function rankForQuota<T extends Ranked>(
  families: readonly T[],
  quota: number | undefined,
  digest: (text: string) => string,
  tahapId: string,
): { readonly selected: readonly T[]; readonly reserve: readonly T[] } {
  const keyed = families.map((family) => ({ family, draw: digest(`${tahapId}:${family.noKk}`) }));
  keyed.sort(
    (a, b) =>
      a.family.desil - b.family.desil ||
      b.family.memberCount - a.family.memberCount ||
      (a.draw < b.draw ? -1 : a.draw > b.draw ? 1 : 0),
  );
  const ranked = keyed.map((entry) => entry.family);
  if (quota === undefined || quota >= ranked.length) return { selected: ranked, reserve: [] };
  return { selected: ranked.slice(0, quota), reserve: ranked.slice(quota) };
}
