/**
 * The eligibility benchmark's data, made the same way in the seeding process and in the case
 * process: families and members by index (no file), and the exclusion entries. Deterministic.
 */
import type { ExclusionHit } from '#shared/domain/family/eligibility.ts';
import type { ExclusionEntryRef } from '#shared/domain/family/eligibility-run.ts';
import type { StoredFamily, StoredMember } from '#shared/model.ts';

/** Exclusion entries of the run (the 100,000), matched by NIK; every 50th hits a member. */
export const EXCLUSIONS = Number(process.env.BENCH_ELIGIBILITY_EXCLUSIONS ?? 100_000);

export const EXCLUSION_LISTS: readonly ExclusionHit[] = [
  { listId: 'pkh-2026-09', programme: 'PKH', source: 'Kemensos', asOf: '2026-09-30' },
  { listId: 'bpnt-2026-09', programme: 'BPNT', source: 'Kemensos', asOf: '2026-09-30' },
];

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** The region's digits, then a kecamatan, a date and a serial: a valid-looking 16-digit number. */
export const noKkOf = (region: string, index: number) =>
  `${region.replace('.', '')}01${pad(1 + (index % 28), 2)}0315${pad(index % 10_000, 4)}`.slice(0, 10) +
  pad(index, 6);

/** The region's digits, a kecamatan, the family's index and the member's place: unique per member. */
export const nikOf = (region: string, family: number, member: number) =>
  `${region.replace('.', '')}${pad(1 + (family % 28), 2)}${pad(family, 9)}${member}`;

/** Members of family `index`: 1–6, about 3.7 on average (the province's 300,000 / 1.1 million). */
export const memberCount = (index: number) =>
  1 + ((index * 7919) % 6) + (index % 3 === 0 ? 1 : 0) - (index % 5 === 0 ? 1 : 0);

export function familyOf(region: string, index: number): StoredFamily {
  return {
    noKk: noKkOf(region, index),
    kkValid: true,
    kecamatanCode: `${region}.01`,
    desaCode: `${region}.01.${pad(2001 + (index % 20), 4)}`,
    desil: 1 + (index % 7),
    sourceRow: index + 2,
  };
}

export function membersOf(region: string, index: number): StoredMember[] {
  const count = Math.max(1, Math.min(8, memberCount(index)));
  return Array.from({ length: count }, (_, member) => ({
    noKk: noKkOf(region, index),
    nik: nikOf(region, index, member),
    nikValid: true,
    nama: `Warga ${index} ${member}`,
    tanggalLahir: '1985-01-01',
    hubungan: member === 0 ? 'KEPALA_KELUARGA' : member === 1 ? 'ISTRI' : 'ANAK',
    sourceRow: index * 8 + member + 2,
  }));
}

/** 100,000 entries: every 50th of the first region's heads, the rest numbers of no one. */
export async function* exclusionEntries(region = '62.03'): AsyncGenerator<ExclusionEntryRef> {
  for (let i = 0; i < EXCLUSIONS; i++) {
    yield i % 2 === 0 ? { list: 0, nik: nikOf(region, i * 25, 0) } : { list: 1, nik: `94${pad(i, 14)}` };
  }
}
