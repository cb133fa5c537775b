/**
 * The automatic checks of a KPM list (a kabupaten's families for a tahap, issue #14), as plain
 * rules; the BKK rules and every flag code are in `checks.ts`. All findings are blocking (a
 * verifier may waive one with a written reason):
 * - KPM_KK_IN_OTHER_LIST: the family's No KK is in another kabupaten's KPM list for the tahap;
 * - KPM_NIK_IN_OTHER_LIST: a member's NIK (any member, not only the penerima) is in another
 *   family of another kabupaten's KPM list for the tahap (the same family there is the No KK flag);
 * - KPM_NIK_TWO_FAMILIES: a member's NIK is in another family of the same list;
 * - KPM_PENERIMA_NOT_ADULT: the penerima is not a member of the KK, or is under {@link ADULT_AGE} on
 *   the verval date and not married (`memberOn`/`isAdult` in `family/verval.ts`: the verval's own
 *   definition);
 * - KPM_EXCLUDED_AFTER_RUN: a member or the No KK is on an exclusion list that came in after the
 *   eligibility run started (the run excluded everyone on the lists it saw).
 *
 * A KPM list's registry entries are one per member, with the No KK where a BKK entry has the account
 * (`registry-index.ts`), in the tahap's own scope (`listScope('KPM', tahapId)`): KPM and BKK lists
 * never meet. Every `detail` names places, rows, relationships and programmes, never a NIK or a No KK.
 */

import type { KpmFamily } from '../model.ts';
import { type Flag, flag, joinPlaces, listLabel, type NikHit, type RegistryHits } from './checks.ts';
import { PROGRAMME_LABEL } from './family/exclusions.ts';
import { RELATIONSHIP_LABEL } from './family/hubungan.ts';
import { ADULT_AGE, isAdult, memberOn } from './family/verval.ts';
import { MONTHS } from './period.ts';
import type { RegistryRow } from './registry-index.ts';

/** The fields of a KPM list's row that its checks read (`StoredRecipient` has them all). */
export interface KpmCheckedRecipient {
  /** `<listId>.<row>`. */
  readonly recipientId: string;
  readonly row: number;
  /** The penerima's NIK. */
  readonly nik: string;
  readonly peran: string;
  readonly family?: KpmFamily | undefined;
}

/** The `peran` of every KPM registry entry. */
const KPM_ROLE = 'KPM';

/**
 * What a family puts in the registry: one entry per member (NIK, No KK, row), and one for the
 * penerima should they not be a member (their flag says so; their NIK is still looked for). A row
 * without its family registers nothing: {@link penerimaFlags} blocks it.
 */
export function kpmRegistryRows(recipient: KpmCheckedRecipient): RegistryRow[] {
  const family = recipient.family;
  if (!family || family.noKk === '') return [];
  const niks = new Set(family.members.map((member) => member.nik));
  niks.add(recipient.nik);
  return [...niks]
    .filter((nik) => nik !== '')
    .map((nik) => ({ nik, noRekening: family.noKk, row: recipient.row, peran: KPM_ROLE }));
}

/** `3 Oktober 2026` for `2026-10-03`; anything else as written. */
function dayLabel(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
  return match && month ? `${Number(match[3])} ${month} ${match[1]}` : date;
}

/** `kepala keluarga`, `anak`, … for a member of the family; `penerima` for the penerima. */
function whoIs(recipient: KpmCheckedRecipient, nik: string): string {
  if (nik === recipient.nik) return 'penerima';
  const member = recipient.family?.members.find((candidate) => candidate.nik === nik);
  return member ? RELATIONSHIP_LABEL[member.hubungan].toLowerCase() : 'anggota keluarga';
}

/** The NIKs a family is checked under: its members', and the penerima's. */
function niksOf(recipient: KpmCheckedRecipient): string[] {
  const niks = new Set((recipient.family?.members ?? []).map((member) => member.nik));
  niks.add(recipient.nik);
  return [...niks].filter((nik) => nik !== '');
}

/**
 * KPM_PENERIMA_NOT_ADULT: the penerima must be a member of the KK, and an adult on the verval date
 * (at least {@link ADULT_AGE}, or married: the head, a spouse or a menantu). A row without its family
 * data gets the flag too: nothing shows the penerima belongs to a family.
 */
export function penerimaFlags(recipient: KpmCheckedRecipient): Flag[] {
  const family = recipient.family;
  if (!family) {
    return [
      flag(
        'KPM_PENERIMA_NOT_ADULT',
        'Baris ini tidak membawa data keluarga (KK dan anggotanya), sehingga tidak dapat dipastikan penerima ' +
          'adalah anggota dewasa KK. Susun ulang daftar KPM dari hasil verval.',
      ),
    ];
  }
  const member = family.members.find((candidate) => candidate.nik === recipient.nik);
  if (!member) {
    return [
      flag(
        'KPM_PENERIMA_NOT_ADULT',
        'Penerima bukan anggota KK ini menurut data keluarga DTSEN. Penerima harus anggota keluarga dewasa ' +
          'yang tercantum di KK: periksa kembali hasil verval.',
      ),
    ];
  }
  const asOf = family.verval.tanggal;
  const read = memberOn(member, asOf);
  if (isAdult(read)) return [];
  const label = RELATIONSHIP_LABEL[member.hubungan].toLowerCase();
  return [
    flag(
      'KPM_PENERIMA_NOT_ADULT',
      read.age < 0
        ? `Tanggal lahir penerima (${label}) tidak terbaca, sehingga tidak dapat dipastikan penerima berusia ` +
            `minimal ${ADULT_AGE} tahun. Penerima harus anggota keluarga dewasa: periksa KK dan hasil verval.`
        : `Penerima (${label}) berumur ${read.age} tahun pada tanggal verval ${dayLabel(asOf)}, di bawah ` +
            `${ADULT_AGE} tahun, dan tidak tercatat menikah. Penerima harus anggota keluarga yang berusia minimal ` +
            `${ADULT_AGE} tahun atau sudah menikah.`,
    ),
  ];
}

/** What the KPM cross checks look up: the tahap's live lists (this one's included) in memory. */
export interface KpmLookup {
  /** The live registry hits of a NIK and a No KK (`RegistryIndex.hits` through `liveHits`). */
  hits(nik: string, noKk: string): RegistryHits;
  /** The rows of this list holding the NIK (`RegistryIndex.rowsOf`). */
  rowsOf(nik: string): readonly number[];
}

/** A hit's row in its list, from its recipient id (`<listId>.<row>`). */
const rowOfHit = (hit: { recipientId: string }) =>
  hit.recipientId.slice(hit.recipientId.lastIndexOf('.') + 1);

/**
 * KPM_KK_IN_OTHER_LIST, KPM_NIK_IN_OTHER_LIST and KPM_NIK_TWO_FAMILIES for one family of `region`'s
 * list, and the other kabupaten's proposals it conflicts with (a first run asks them to re-check,
 * so both lists carry the flag).
 */
export function kpmCrossFlags(
  recipient: KpmCheckedRecipient,
  region: string,
  lookup: KpmLookup,
): { flags: Flag[]; conflicts: string[] } {
  const family = recipient.family;
  if (!family) return { flags: [], conflicts: [] };
  const flags: Flag[] = [];
  const conflicts = new Set<string>();

  // The same No KK in another kabupaten's list: one place per family there.
  const kkFamilies = new Map<string, { region: string; proposalId: string; recipientId: string }>();
  for (const hit of lookup.hits(recipient.nik, family.noKk).accounts) {
    if (hit.region === region || kkFamilies.has(hit.recipientId)) continue;
    kkFamilies.set(hit.recipientId, hit);
    conflicts.add(hit.proposalId);
  }
  if (kkFamilies.size > 0) {
    const places = [...kkFamilies.values()].map((hit) => `${listLabel(hit)} baris ${rowOfHit(hit)}`);
    flags.push(
      flag(
        'KPM_KK_IN_OTHER_LIST',
        `No KK keluarga ini juga ada di ${joinPlaces(places)}. Satu keluarga hanya boleh menerima bantuan dari ` +
          'satu kabupaten/kota dalam satu tahap: pastikan dengan kabupaten/kota tersebut di mana keluarga ini berdomisili.',
      ),
    );
  }

  // A member in another family: of another kabupaten's list, or of this list.
  const elsewhere: { who: string; hit: NikHit }[] = [];
  const twice: { who: string; row: number }[] = [];
  for (const nik of niksOf(recipient)) {
    const who = whoIs(recipient, nik);
    for (const hit of lookup.hits(nik, family.noKk).niks) {
      if (hit.region === region || kkFamilies.has(hit.recipientId)) continue;
      elsewhere.push({ who, hit });
      conflicts.add(hit.proposalId);
    }
    for (const row of new Set(lookup.rowsOf(nik))) if (row !== recipient.row) twice.push({ who, row });
  }
  if (elsewhere.length > 0) {
    const members = [...new Set(elsewhere.map((entry) => entry.who))];
    const places = elsewhere.map(({ hit }) => `${listLabel(hit)} baris ${rowOfHit(hit)}`);
    flags.push(
      flag(
        'KPM_NIK_IN_OTHER_LIST',
        `NIK anggota keluarga ini (${members.join(', ')}) juga tercantum dalam keluarga lain di ${joinPlaces(places)}. ` +
          'Seseorang hanya boleh tercantum dalam satu keluarga penerima dalam satu tahap: pastikan KK mana yang berlaku.',
      ),
    );
  }
  if (twice.length > 0) {
    const members = [...new Set(twice.map((entry) => entry.who))];
    const rows = [...new Set(twice.map((entry) => entry.row))].sort((a, b) => a - b);
    flags.push(
      flag(
        'KPM_NIK_TWO_FAMILIES',
        `NIK anggota keluarga ini (${members.join(', ')}) juga tercantum dalam keluarga lain di daftar ini ` +
          `(${joinPlaces(rows.map((row) => `baris ${row}`))}). Seseorang hanya boleh tercantum dalam satu keluarga: ` +
          'pastikan KK mana yang berlaku.',
      ),
    );
  }
  return { flags, conflicts: [...conflicts].sort() };
}

/** An exclusion list as the KPM checks read it (`ExclusionListRecord` has these fields). */
export interface ExclusionListInfo {
  readonly listId: string;
  readonly programme: string;
  readonly source: string;
  readonly asOf: string;
  readonly uploadedAt: string;
}

/**
 * Whether an exclusion list counts against a family whose eligibility run started at `runStartedAt`:
 * it came in after the run started. When the run's start is not known (the row names a run that is
 * no longer the tahap's), every list in force counts: the run excluded the families on the lists it
 * saw, so a family on the list now can only have been put there since.
 */
export const cameAfter = (list: ExclusionListInfo, runStartedAt: string | undefined): boolean =>
  runStartedAt === undefined || list.uploadedAt > runStartedAt;

/**
 * The exclusion lists (in force) that came in after an eligibility run, with their entries, by NIK
 * and by No KK. Add the lists' entries with {@link add}; ask {@link flags} per family. Memory: one
 * small set per number on those lists (lists uploaded during a tahap are small).
 */
export class LaterExclusions {
  private readonly lists = new Map<string, ExclusionListInfo>();
  private readonly byNik = new Map<string, Set<string>>();
  private readonly byKk = new Map<string, Set<string>>();

  constructor(lists: readonly ExclusionListInfo[]) {
    for (const list of lists) this.lists.set(list.listId, list);
  }

  /** Lists held. */
  get size(): number {
    return this.lists.size;
  }

  add(
    listId: string,
    entry: { readonly nik?: string | undefined; readonly noKk?: string | undefined },
  ): void {
    if (!this.lists.has(listId)) return;
    if (entry.nik) addTo(this.byNik, entry.nik, listId);
    if (entry.noKk) addTo(this.byKk, entry.noKk, listId);
  }

  /**
   * KPM_EXCLUDED_AFTER_RUN when the family's No KK or a member's NIK (the penerima's included) is on
   * a list that came in after `runStartedAt` ({@link cameAfter}). The detail names the programmes,
   * sources and dates of the lists, and who matched by relationship; never a number.
   */
  flags(recipient: KpmCheckedRecipient, runStartedAt: string | undefined): Flag[] {
    const family = recipient.family;
    if (!family) return [];
    const matches = new Map<string, Set<string>>();
    const match = (ids: Set<string> | undefined, who: string) => {
      for (const id of ids ?? []) {
        const list = this.lists.get(id);
        if (!list || !cameAfter(list, runStartedAt)) continue;
        const whos = matches.get(id) ?? new Set<string>();
        whos.add(who);
        matches.set(id, whos);
      }
    };
    match(this.byKk.get(family.noKk), 'No KK');
    for (const nik of niksOf(recipient)) match(this.byNik.get(nik), whoIs(recipient, nik));
    if (matches.size === 0) return [];
    const places = [...matches.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, whos]) => {
        const list = this.lists.get(id) as ExclusionListInfo;
        return `${programmeLabel(list.programme)} (sumber: ${list.source}, per ${dayLabel(list.asOf)}; cocok: ${[...whos].join(', ')})`;
      });
    return [
      flag(
        'KPM_EXCLUDED_AFTER_RUN',
        `Keluarga ini ada di daftar pengecualian ${joinPlaces(places)}, yang masuk setelah pemeriksaan kelayakan ` +
          'tahap ini dimulai. Keluarga yang sudah dilayani program tersebut tidak boleh menerima dua kali: ' +
          'keluarkan dari daftar, atau jelaskan mengapa tetap berhak.',
      ),
    ];
  }
}

const programmeLabel = (programme: string) =>
  (PROGRAMME_LABEL as Readonly<Record<string, string>>)[programme] ?? programme;

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
