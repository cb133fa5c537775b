/**
 * The cross-check of a DTSEN snapshot, once both of its files are imported (issue #14): what no
 * single row could show. A snapshot becomes visible only when this has run, so eligibility never
 * reads a family whose members are half there. Pure: it judges one family's group at a time, as the
 * families repository streams them.
 */
import type { StoredFamily, StoredMember } from '../../model.ts';

/** A family and its members as stored together (the family absent when only members came). */
export interface FamilyGroup {
  readonly noKk: string;
  readonly family: StoredFamily | undefined;
  readonly members: readonly StoredMember[];
}

export const SNAPSHOT_PROBLEMS = [
  'ANGGOTA_TANPA_KELUARGA',
  'KELUARGA_TANPA_KEPALA',
  'KEPALA_GANDA',
  'KELUARGA_TANPA_ANGGOTA',
] as const;
export type SnapshotProblem = (typeof SNAPSHOT_PROBLEMS)[number];

export interface GroupProblem {
  readonly code: SnapshotProblem;
  /** Where the operator finds it: which file, which rows (never a NIK or a name). */
  readonly file: 'keluarga' | 'anggota';
  readonly rows: readonly number[];
  readonly message: string;
}

/** The problems of one group; none for a family with exactly one head. */
export function checkGroup(group: FamilyGroup): GroupProblem[] {
  const { family, members } = group;
  if (!family) {
    return [
      {
        code: 'ANGGOTA_TANPA_KELUARGA',
        file: 'anggota',
        rows: members.map((member) => member.sourceRow),
        message: `${members.length} anggota memakai No KK yang tidak ada di berkas keluarga. Periksa No KK-nya, atau tambahkan keluarganya ke berkas keluarga.`,
      },
    ];
  }
  if (members.length === 0) {
    return [
      {
        code: 'KELUARGA_TANPA_ANGGOTA',
        file: 'keluarga',
        rows: [family.sourceRow],
        message: 'Keluarga ini tidak memiliki anggota di berkas anggota.',
      },
    ];
  }
  const heads = members.filter((member) => member.hubungan === 'KEPALA_KELUARGA');
  if (heads.length === 0) {
    return [
      {
        code: 'KELUARGA_TANPA_KEPALA',
        file: 'keluarga',
        rows: [family.sourceRow],
        message:
          'Tidak ada anggota dengan hubungan Kepala Keluarga di KK ini. Keluarga tidak dapat menerima bantuan sampai kepala keluarganya tercatat.',
      },
    ];
  }
  if (heads.length > 1) {
    return [
      {
        code: 'KEPALA_GANDA',
        file: 'anggota',
        rows: heads.map((member) => member.sourceRow),
        message: `${heads.length} anggota tercatat sebagai Kepala Keluarga pada KK yang sama. Satu KK hanya memiliki satu kepala keluarga.`,
      },
    ];
  }
  return [];
}
