/**
 * The automatic checks (pemeriksaan otomatis) that run on a submitted list, as plain rules: what each
 * finding (flag) means, how serious it is, and how it is found. The rules below are a BKK list's;
 * a KPM list's (a tahap's families, issue #14) are in `kpm-checks.ts`, with their codes here. A *blocking* flag keeps the list from
 * being VERIFIED until the region fixes it after a return, or a verifier waives it with a written
 * reason; a *warning* only asks a verifier to look.
 *
 * Three kinds of rule, by what they need to see:
 * - {@link localFlags}: one recipient on its own (NIK re-check, age, region of registration, account
 *   holder's name);
 * - {@link GroupCounter}: the whole list (one Damang and one Sekretaris Damang per kecamatan, one
 *   Ketua RT per RT);
 * - {@link crossFlags}: every current list of the period, through the registry (the same NIK or the
 *   same account in another region's list).
 *
 * Every `detail` is written for a verifier in Bahasa Indonesia and never quotes a NIK or an account
 * number (UU PDP No. 27/2022): it names regions, proposals, rows and roles instead.
 */

import { ageOn, nikRegion, parseNik } from './nik.ts';
import { MONTHS } from './period.ts';
import type { ProposalStatus } from './proposal.ts';
import { sameHolder } from './recipient-row.ts';
import { ROLES } from './roles.ts';
import { regionName } from './wilayah.ts';

export const FLAG_CODES = [
  // blocking
  'NIK_IN_OTHER_LIST',
  'NIK_TWO_ROLES',
  'ACCOUNT_SHARED',
  'NIK_INVALID',
  'UNDER_AGE',
  // blocking, KPM lists only
  'KPM_KK_IN_OTHER_LIST',
  'KPM_NIK_IN_OTHER_LIST',
  'KPM_NIK_TWO_FAMILIES',
  'KPM_PENERIMA_NOT_ADULT',
  'KPM_EXCLUDED_AFTER_RUN',
  // warning
  'NIK_OTHER_REGION',
  'ACCOUNT_NAME_MISMATCH',
  'DAMANG_MULTIPLE',
  'SEKRETARIS_DAMANG_MULTIPLE',
  'KETUA_RT_MULTIPLE',
] as const;

export type FlagCode = (typeof FLAG_CODES)[number];
export type FlagSeverity = 'blocking' | 'warning';

export interface FlagInfo {
  readonly severity: FlagSeverity;
  /** Short Indonesian label, for filters and summaries. */
  readonly label: string;
}

export const FLAGS: Readonly<Record<FlagCode, FlagInfo>> = {
  NIK_IN_OTHER_LIST: { severity: 'blocking', label: 'NIK ada di daftar kabupaten/kota lain' },
  NIK_TWO_ROLES: { severity: 'blocking', label: 'NIK memegang dua peran' },
  ACCOUNT_SHARED: { severity: 'blocking', label: 'Rekening dipakai NIK lain' },
  NIK_INVALID: { severity: 'blocking', label: 'NIK tidak sah' },
  UNDER_AGE: { severity: 'blocking', label: 'Usia di bawah 17 tahun' },
  KPM_KK_IN_OTHER_LIST: { severity: 'blocking', label: 'No KK ada di daftar KPM kabupaten/kota lain' },
  KPM_NIK_IN_OTHER_LIST: {
    severity: 'blocking',
    label: 'NIK anggota keluarga ada di daftar KPM kabupaten/kota lain',
  },
  KPM_NIK_TWO_FAMILIES: { severity: 'blocking', label: 'NIK anggota tercantum di dua keluarga' },
  KPM_PENERIMA_NOT_ADULT: { severity: 'blocking', label: 'Penerima bukan anggota dewasa KK' },
  KPM_EXCLUDED_AFTER_RUN: {
    severity: 'blocking',
    label: 'Keluarga ada di daftar pengecualian yang masuk setelah pemeriksaan kelayakan',
  },
  NIK_OTHER_REGION: { severity: 'warning', label: 'NIK terdaftar di kabupaten/kota lain' },
  ACCOUNT_NAME_MISMATCH: { severity: 'warning', label: 'Nama rekening berbeda dengan nama penerima' },
  DAMANG_MULTIPLE: { severity: 'warning', label: 'Lebih dari satu Damang di satu kecamatan' },
  SEKRETARIS_DAMANG_MULTIPLE: {
    severity: 'warning',
    label: 'Lebih dari satu Sekretaris Damang di satu kecamatan',
  },
  KETUA_RT_MULTIPLE: { severity: 'warning', label: 'Lebih dari satu Ketua RT di satu RT' },
};

const CODE_ORDER: ReadonlyMap<string, number> = new Map(FLAG_CODES.map((code, index) => [code, index]));

export const isFlagCode = (value: string): value is FlagCode => CODE_ORDER.has(value);

/** One finding on one recipient. A recipient carries at most one flag per code. */
export interface Flag {
  readonly code: FlagCode;
  readonly severity: FlagSeverity;
  /** Why, for a verifier, in Bahasa Indonesia; never a NIK or an account number. */
  readonly detail?: string;
}

/** A flag of `code`, with its catalogue severity. */
export const flag = (code: FlagCode, detail: string): Flag => ({
  code,
  severity: FLAGS[code].severity,
  detail,
});

/** The fields of a stored recipient that the checks read (`StoredRecipient` has them all). */
export interface CheckedRecipient {
  /** `<listId>.<row>`. */
  readonly recipientId: string;
  /** 16 digits, as the import accepted them. */
  readonly nik: string;
  readonly nama: string;
  /** Role code (`KETUA_RT`…). */
  readonly peran: string;
  readonly kecamatanCode: string;
  readonly kecamatan: string;
  readonly desaCode?: string;
  readonly desa?: string;
  readonly rt?: string;
  readonly noRekening: string;
  readonly namaRekening?: string;
}

/** Youngest age, in completed years on the first day of the period, at which someone may receive BKK. */
export const MIN_AGE = 17;

/**
 * First day of a period (UTC midnight): `2026` and `2026-S1` → 1 Jan 2026, `2026-S2` → 1 Jul,
 * `2026-T3` → 1 Jul, `2026-03` → 1 Mar.
 *
 * @throws RangeError for a value that is not a period (`shared/domain/period.ts`).
 */
export function periodStart(period: string): Date {
  const match = /^(\d{4})(?:-(\d{2})|-S([12])|-T([1-4]))?$/.exec(period);
  if (!match) throw new RangeError(`not a period: ${period}`);
  const year = Number(match[1]);
  let month = 1;
  if (match[2]) month = Number(match[2]);
  else if (match[3]) month = match[3] === '1' ? 1 : 7;
  else if (match[4]) month = (Number(match[4]) - 1) * 3 + 1;
  if (month < 1 || month > 12) throw new RangeError(`not a period: ${period}`);
  return new Date(Date.UTC(year, month - 1, 1));
}

const dateLabel = (date: Date) =>
  `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;

/** `Kabupaten Kapuas`; a code outside the province reads as such. */
function placeOfRegistration(region: string): string {
  if (!region.startsWith('62.')) return `luar Kalimantan Tengah (kode provinsi ${region.slice(0, 2)})`;
  const name = regionName(region);
  return name ? `${name} (${region})` : `wilayah berkode ${region}`;
}

export const regionLabel = (region: string) => regionName(region) ?? `wilayah ${region}`;

const ROLE_LABELS: ReadonlyMap<string, string> = new Map(
  Object.values(ROLES).map((role) => [role.code, role.label]),
);
/** `Ketua RT` for `KETUA_RT`; an unknown code as it is. */
export const roleLabel = (code: string): string => ROLE_LABELS.get(code) ?? code;

export interface LocalContext {
  /** Kemendagri code of the region whose list this is. */
  readonly region: string;
  /** First day of the period ({@link periodStart}): the day the age limit applies. */
  readonly periodStart: Date;
}

/**
 * Checks that need only the recipient: NIK_INVALID (the NIK fails today's rules, e.g. an item
 * written under older rules or altered since), UNDER_AGE (from the birth date in the NIK),
 * NIK_OTHER_REGION (first four digits name another kabupaten/kota) and ACCOUNT_NAME_MISMATCH (same
 * rule as the import's warning). A NIK that fails the re-check gets neither an age nor a region
 * flag: its parts cannot be trusted, and the one blocking flag says what to fix.
 */
export function localFlags(recipient: CheckedRecipient, context: LocalContext): Flag[] {
  const flags: Flag[] = [];
  const parsed = parseNik(recipient.nik);
  if (!parsed.ok) {
    flags.push(flag('NIK_INVALID', `NIK tidak lolos pemeriksaan ulang. ${parsed.message}`));
  } else {
    const age = ageOn(parsed.nik, context.periodStart);
    if (age < MIN_AGE) {
      flags.push(
        flag(
          'UNDER_AGE',
          `Menurut tanggal lahir pada NIK, penerima berumur ${age} tahun pada ${dateLabel(context.periodStart)} ` +
            `(awal periode), di bawah batas ${MIN_AGE} tahun. Periksa NIK sesuai KTP/KK.`,
        ),
      );
    }
    const registered = nikRegion(parsed.nik);
    if (registered !== context.region) {
      flags.push(
        flag(
          'NIK_OTHER_REGION',
          `NIK ini pertama kali terdaftar di ${placeOfRegistration(registered)}, bukan di ${regionLabel(context.region)}. ` +
            'Hal ini boleh (misalnya penerima pindah domisili atau tugas), tetapi pastikan penerima memang bertugas di wilayah ini.',
        ),
      );
    }
  }
  if (recipient.namaRekening && !sameHolder(recipient.nama, recipient.namaRekening)) {
    flags.push(
      flag(
        'ACCOUNT_NAME_MISMATCH',
        'Nama pemilik rekening berbeda dengan nama penerima. Pastikan rekening ini milik penerima sendiri.',
      ),
    );
  }
  return flags;
}

// ---------------------------------------------------------------------------------------------
// Counts over the whole list

interface Group {
  readonly code: 'DAMANG_MULTIPLE' | 'SEKRETARIS_DAMANG_MULTIPLE' | 'KETUA_RT_MULTIPLE';
  readonly key: string;
}

/** The one-per-place group a recipient's role belongs to, if its role has one. */
function groupOf(recipient: CheckedRecipient): Group | undefined {
  switch (recipient.peran) {
    case 'DAMANG':
      return { code: 'DAMANG_MULTIPLE', key: `D#${recipient.kecamatanCode}` };
    case 'SEKRETARIS_DAMANG':
      return { code: 'SEKRETARIS_DAMANG_MULTIPLE', key: `S#${recipient.kecamatanCode}` };
    case 'KETUA_RT':
      // The import requires both for a Ketua RT; without them there is no RT to count.
      return recipient.desaCode && recipient.rt
        ? { code: 'KETUA_RT_MULTIPLE', key: `R#${recipient.desaCode}#${recipient.rt}` }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Counts, over a whole list, the roles there should be only one of per place: Damang and Sekretaris
 * Damang per kecamatan, Ketua RT per RT of a desa. Feed every recipient to {@link add} first, then
 * ask {@link flags} for each. Memory: one counter per place, not per recipient.
 */
export class GroupCounter {
  private readonly counts = new Map<string, number>();

  add(recipient: CheckedRecipient): void {
    const group = groupOf(recipient);
    if (group) this.counts.set(group.key, (this.counts.get(group.key) ?? 0) + 1);
  }

  /** The warning for this recipient, when its group holds more than one recipient. */
  flags(recipient: CheckedRecipient): Flag[] {
    const group = groupOf(recipient);
    const count = group ? (this.counts.get(group.key) ?? 0) : 0;
    if (!group || count < 2) return [];
    switch (group.code) {
      case 'DAMANG_MULTIPLE':
        return [
          flag(
            group.code,
            `Ada ${count} Damang di Kecamatan ${recipient.kecamatan} dalam daftar ini, padahal setiap kecamatan ` +
              'biasanya hanya memiliki satu Damang. Pastikan tidak ada yang tercantum ganda atau salah peran.',
          ),
        ];
      case 'SEKRETARIS_DAMANG_MULTIPLE':
        return [
          flag(
            group.code,
            `Ada ${count} Sekretaris Damang di Kecamatan ${recipient.kecamatan} dalam daftar ini, padahal setiap ` +
              'kecamatan biasanya hanya memiliki satu. Pastikan tidak ada yang tercantum ganda atau salah peran.',
          ),
        ];
      case 'KETUA_RT_MULTIPLE':
        return [
          flag(
            group.code,
            `Ada ${count} Ketua RT untuk RT ${recipient.rt} Desa/Kelurahan ${recipient.desa ?? recipient.desaCode} ` +
              `(Kecamatan ${recipient.kecamatan}) dalam daftar ini, padahal setiap RT hanya memiliki satu Ketua RT. ` +
              'Pastikan nomor RT sudah benar.',
          ),
        ];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Across the period's lists (the registry)

/** The current list of one region for the period, as the proposal says. */
export interface CurrentList {
  readonly region: string;
  readonly proposalId: string;
  readonly listId: string;
  readonly status: ProposalStatus;
}

/**
 * Statuses whose list counts against other regions: the region has handed it to the governor. A
 * DRAFT may still change, and a REJECTED list will never be paid.
 */
export const COUNTED_STATUSES: ReadonlySet<ProposalStatus> = new Set([
  'SUBMITTED',
  'IN_REVIEW',
  'VERIFIED',
  'APPROVED',
  'DECREED',
  'DISBURSED',
]);

/** Statuses in which a proposal's checks can still be re-run (and so are worth a re-check). */
export const RECHECKABLE_STATUSES: ReadonlySet<ProposalStatus> = new Set(['SUBMITTED', 'IN_REVIEW']);

/** A registry entry for a NIK: this NIK is in `region`'s list `listId`. */
export interface NikHit {
  readonly region: string;
  readonly proposalId: string;
  readonly listId: string;
  readonly recipientId: string;
  readonly peran: string;
}

/** A registry entry for an account: the account is used by `nik` in `region`'s list `listId`. */
export interface AccountHit {
  readonly region: string;
  readonly proposalId: string;
  readonly listId: string;
  readonly recipientId: string;
  /** Row of the recipient in that list, when the recipientId says it. */
  readonly row?: number;
  /** The NIK holding the account there: compared, never shown. */
  readonly nik: string;
}

export interface RegistryHits {
  readonly niks: readonly NikHit[];
  readonly accounts: readonly AccountHit[];
}

/**
 * Whether an entry (or a whole list) counts now: the current list of its region's current
 * proposal, and that proposal past DRAFT. Lists of drafts and rejected proposals stay in the
 * registry, and a replaced list until its region's next run deletes it; the checks read only the
 * lists this accepts.
 */
export function isLive(
  entry: { readonly region: string; readonly listId: string },
  lists: ReadonlyMap<string, CurrentList>,
): boolean {
  const current = lists.get(entry.region);
  return current !== undefined && current.listId === entry.listId && COUNTED_STATUSES.has(current.status);
}

/** The hits that count ({@link isLive}). */
export function liveHits(hits: RegistryHits, lists: ReadonlyMap<string, CurrentList>): RegistryHits {
  return {
    niks: hits.niks.filter((hit) => isLive(hit, lists)),
    accounts: hits.accounts.filter((hit) => isLive(hit, lists)),
  };
}

/** Where a hit sits, for a detail: `daftar Kabupaten Kapuas (usulan 62.03-2026-S1)`. */
export const listLabel = (hit: { region: string; proposalId: string }) =>
  `daftar ${regionLabel(hit.region)} (usulan ${hit.proposalId})`;

/** At most this many places are named in one detail; the rest are counted. */
const MAX_PLACES = 5;

export function joinPlaces(places: readonly string[]): string {
  const unique = [...new Set(places)];
  if (unique.length <= MAX_PLACES) return unique.join('; ');
  return `${unique.slice(0, MAX_PLACES).join('; ')}; dan ${unique.length - MAX_PLACES} lainnya`;
}

/**
 * Turns the live registry hits for one recipient of `region`'s list into flags:
 * - NIK_IN_OTHER_LIST when the NIK is in another region's list (each region named);
 * - NIK_TWO_ROLES as well when it holds a different role there;
 * - ACCOUNT_SHARED when the account is used by a different NIK, in this list or another.
 * The recipient's own entries are among the hits and are not findings.
 */
export function crossFlags(recipient: CheckedRecipient, region: string, hits: RegistryHits): Flag[] {
  const flags: Flag[] = [];
  const elsewhere = hits.niks.filter(
    (hit) => hit.region !== region && hit.recipientId !== recipient.recipientId,
  );
  if (elsewhere.length > 0) {
    const places = elsewhere.map((hit) => `${listLabel(hit)} sebagai ${roleLabel(hit.peran)}`);
    flags.push(
      flag(
        'NIK_IN_OTHER_LIST',
        `NIK yang sama ada di ${joinPlaces(places)}. Seseorang hanya boleh menerima BKK dari satu ` +
          'kabupaten/kota dalam satu periode: pastikan dengan kabupaten/kota tersebut siapa yang berhak.',
      ),
    );
    const otherRoles = elsewhere.filter((hit) => hit.peran !== recipient.peran);
    if (otherRoles.length > 0) {
      const roles = otherRoles.map((hit) => `${roleLabel(hit.peran)} di ${listLabel(hit)}`);
      flags.push(
        flag(
          'NIK_TWO_ROLES',
          `NIK ini tercatat sebagai ${joinPlaces(roles)}, sedangkan di daftar ini sebagai ` +
            `${roleLabel(recipient.peran)}. Satu orang hanya boleh memegang satu peran penerima BKK.`,
        ),
      );
    }
  }
  const sharers = hits.accounts.filter(
    (hit) => hit.nik !== recipient.nik && hit.recipientId !== recipient.recipientId,
  );
  if (sharers.length > 0) {
    const places = sharers.map((hit) =>
      hit.region === region
        ? hit.row !== undefined
          ? `baris ${hit.row} daftar ini`
          : 'daftar ini'
        : listLabel(hit),
    );
    flags.push(
      flag(
        'ACCOUNT_SHARED',
        `No rekening yang sama dipakai ${sharers.length} penerima lain dengan NIK berbeda: ${joinPlaces(places)}. ` +
          'Setiap penerima harus memakai rekening atas namanya sendiri.',
      ),
    );
  }
  return flags;
}

/**
 * Proposals of other regions that a recipient conflicts with (same NIK, or same account under a
 * different NIK): the ones a first run asks to re-check, so that both sides see the conflict.
 */
export function conflictingProposals(
  recipient: CheckedRecipient,
  region: string,
  hits: RegistryHits,
): string[] {
  const ids = new Set<string>();
  for (const hit of hits.niks) if (hit.region !== region) ids.add(hit.proposalId);
  for (const hit of hits.accounts) {
    if (hit.region !== region && hit.nik !== recipient.nik) ids.add(hit.proposalId);
  }
  return [...ids];
}

// ---------------------------------------------------------------------------------------------
// Putting it together

/** Flags in a stable order (by {@link FLAG_CODES}), one per code. */
export function sortFlags(flags: readonly Flag[]): Flag[] {
  const byCode = new Map<FlagCode, Flag>();
  for (const item of flags) if (!byCode.has(item.code)) byCode.set(item.code, item);
  return [...byCode.values()].sort((a, b) => (CODE_ORDER.get(a.code) ?? 0) - (CODE_ORDER.get(b.code) ?? 0));
}

/** Whether a recipient's stored flags already say exactly this (then the item need not be rewritten). */
export function sameFlags(
  stored: readonly { code: string; severity: string; detail?: string | undefined }[] | undefined,
  computed: readonly Flag[],
): boolean {
  const before = stored ?? [];
  if (before.length !== computed.length) return false;
  return before.every((item, index) => {
    const other = computed[index];
    return (
      other !== undefined &&
      item.code === other.code &&
      item.severity === other.severity &&
      (item.detail ?? '') === (other.detail ?? '')
    );
  });
}

/** The waiver key of a flag on a recipient, as waivers are stored (`<recipientId>#<flag>`). */
export const waiverId = (recipientId: string, code: string): string => `${recipientId}#${code}`;
