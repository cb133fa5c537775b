import { randomInt } from 'node:crypto';
import { monthsIn } from './amounts.ts';
import { MONTHS, periodLabel } from './period.ts';
import type { ProposalKind } from './proposal.ts';
import { ROLES, type RoleCode, roleLabel } from './roles.ts';
import { isKelurahan, regionName } from './wilayah.ts';

/**
 * The decree (SK Gubernur) as plain rules: its number, its verification code, Rupiah in figures and
 * in words, and the lampiran grouped by kecamatan and desa. The PDF renderer
 * (`functions/decree/render-pdf.ts`) only lays out what {@link decreeDocument} returns.
 */

/** Decree states: numbered in one transaction, ISSUED once its PDF is stored, REVOKED for good. */
export const DECREE_STATUSES = ['ISSUING', 'ISSUED', 'REVOKED'] as const;
export type DecreeStatus = (typeof DECREE_STATUSES)[number];

/** Indonesian labels for API responses and the public verification page. */
export const DECREE_STATUS_LABEL: Record<DecreeStatus, string> = {
  ISSUING: 'sedang diterbitkan',
  ISSUED: 'berlaku',
  REVOKED: 'dicabut',
};

/** The decree of a proposal: one per proposal, so a redelivered request finds the same one. */
export const decreeIdFor = (proposalId: string): string => `SK-${proposalId}`;

export const DEFAULT_NUMBER_PATTERN = '188.44/{seq}/{year}';

/**
 * The printed number: `188.44/{seq}/{year}` → `188.44/12/2026`. The pattern must name `{seq}` and
 * `{year}` exactly once each (checked by {@link parseNumberPattern}), so two decrees never print
 * the same number.
 */
export function formatDecreeNumber(pattern: string, seq: number, year: number): string {
  return pattern.replace('{seq}', String(seq)).replace('{year}', String(year));
}

export function parseNumberPattern(pattern: string): string {
  const count = (token: string) => pattern.split(token).length - 1;
  if (count('{seq}') !== 1 || count('{year}') !== 1) {
    throw new Error(`decree number pattern must contain {seq} and {year} once each: "${pattern}"`);
  }
  return pattern;
}

/**
 * Verification codes: 12 characters of Crockford base32 (no I, L, O, U: nothing to misread on
 * paper), printed as `XXXX-XXXX-XXXX`; 60 random bits, so codes cannot be guessed or enumerated.
 */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const VERIFY_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

export function newVerifyCode(random: (max: number) => number = randomInt): string {
  const chars = Array.from({ length: 12 }, () => CODE_ALPHABET.charAt(random(CODE_ALPHABET.length)));
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

/**
 * What a reader typed or scanned, in the printed form: upper case, `O`→`0`, `I`/`L`→`1`, spaces
 * and missing dashes tolerated. Undefined when it cannot be a code.
 */
export function normalizeVerifyCode(input: string): string | undefined {
  const plain = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (plain.length !== 12) return undefined;
  const code = `${plain.slice(0, 4)}-${plain.slice(4, 8)}-${plain.slice(8)}`;
  return VERIFY_CODE_PATTERN.test(code) ? code : undefined;
}

// --- Rupiah --------------------------------------------------------------------------------------

/** `1250000` → `Rp1.250.000` (Indonesian grouping, no decimals, no space: the usual official form). */
export function formatRupiah(amount: number): string {
  if (!Number.isSafeInteger(amount)) throw new Error(`not a whole Rupiah amount: ${amount}`);
  const digits = String(Math.abs(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${amount < 0 ? '-' : ''}Rp${digits}`;
}

const ONES = [
  '',
  'satu',
  'dua',
  'tiga',
  'empat',
  'lima',
  'enam',
  'tujuh',
  'delapan',
  'sembilan',
  'sepuluh',
  'sebelas',
];

/** Below one thousand, in words: 115 → `seratus lima belas`. */
function hundreds(n: number): string {
  if (n < 12) return ONES[n] ?? '';
  if (n < 20) return `${ONES[n - 10]} belas`;
  if (n < 100) return [`${ONES[Math.floor(n / 10)]} puluh`, ONES[n % 10]].filter(Boolean).join(' ');
  const head = n < 200 ? 'seratus' : `${ONES[Math.floor(n / 100)]} ratus`;
  return [head, hundreds(n % 100)].filter(Boolean).join(' ');
}

const SCALES: readonly [number, string][] = [
  [1e12, 'triliun'],
  [1e9, 'miliar'],
  [1e6, 'juta'],
  [1e3, 'ribu'],
];

/**
 * A whole number in Indonesian words (terbilang), as written under totals in official documents:
 * 1250000 → `satu juta dua ratus lima puluh ribu`; 1000 → `seribu`; 0 → `nol`.
 */
export function terbilang(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`cannot write ${value} in words`);
  if (value === 0) return 'nol';
  const parts: string[] = [];
  let rest = value;
  for (const [size, name] of SCALES) {
    const count = Math.floor(rest / size);
    rest %= size;
    if (count === 0) continue;
    parts.push(size === 1e3 && count === 1 ? 'seribu' : `${terbilang(count)} ${name}`);
  }
  if (rest > 0) parts.push(hundreds(rest));
  return parts.join(' ');
}

/** The amount in words as a decree writes it: `satu juta dua ratus lima puluh ribu rupiah`. */
export const rupiahInWords = (amount: number): string => `${terbilang(amount)} rupiah`;

// --- Dates ---------------------------------------------------------------------------------------

/**
 * The decree's date in Palangka Raya (WIB, UTC+7, no daylight saving): the calendar day and year
 * there, whatever the server's zone. The year also picks the number sequence.
 */
export function wibDate(at: Date): { year: number; month: number; day: number; iso: string } {
  const local = new Date(at.getTime() + 7 * 3_600_000);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  return {
    year,
    month,
    day,
    iso: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
  };
}

/** `2026-11-29` → `29 November 2026`. */
export function formatDateId(isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number);
  return `${day} ${MONTHS[(month ?? 1) - 1]} ${year}`;
}

// --- The lampiran ----------------------------------------------------------------------------------

/** What the lampiran needs of one recipient (read from the approved list). */
export interface DecreeRecipient {
  readonly nama: string;
  readonly nik: string;
  readonly peran: string;
  readonly kecamatanCode: string;
  readonly kecamatan: string;
  readonly desaCode?: string | undefined;
  readonly desa?: string | undefined;
  readonly rt?: string | undefined;
  /** KPM: the family the penerima receives for (its No KK and how many members it has). */
  readonly family?: { readonly noKk: string; readonly members: number } | undefined;
}

export interface DecreeLine {
  /** Running number over the whole lampiran. */
  readonly no: number;
  readonly nama: string;
  readonly nikMasked: string;
  /** Role as written in decrees (`Ketua RT 003`, `Damang Kepala Adat`). */
  readonly peran: string;
  /** What the line receives: a BKK recipient's amount, a KPM family's components together. */
  readonly amount: number;
  /** KPM: the family's No KK, masked as the NIK is. */
  readonly noKkMasked?: string;
  /** KPM: how many members the family has. */
  readonly members?: number;
}

export interface DecreeGroup {
  readonly kecamatan: string;
  /** Undefined for the kecamatan-level roles (Damang, Mantir Kecamatan…): `Tingkat Kecamatan`. */
  readonly desa: string | undefined;
  /** As the lampiran prints it: `Kecamatan Selat — Kelurahan Selat Hilir`, `… — Tingkat Kecamatan`. */
  readonly heading: string;
  readonly lines: readonly DecreeLine[];
  readonly subtotal: number;
  /** KPM: the members of the group's families. */
  readonly members?: number;
  /** KPM: the kecamatan's own heading, on its first desa (`Kecamatan Selat`). */
  readonly kecamatanHeading?: string;
  /** KPM: the kecamatan's totals, on its last desa. */
  readonly kecamatanTotal?: KpmTotals;
}

/** Families, their members and what they receive, over a desa, a kecamatan or the whole decree. */
export interface KpmTotals {
  readonly families: number;
  readonly members: number;
  readonly amount: number;
}

/** One component of a tahap as a KPM decree prints it: what every family receives of it. */
export interface ComponentAmount {
  readonly component: string;
  /** The column's header and the diktum's words: `Tunai`, `Pangan`. */
  readonly label: string;
  readonly amount: number;
}

export interface Lampiran {
  /** BKK when absent. */
  readonly kind?: ProposalKind;
  readonly groups: readonly DecreeGroup[];
  readonly recipientCount: number;
  readonly total: number;
  readonly totalInWords: string;
  /** Per role, in `ROLE_CODES` order: the summary table of the diktum (empty for KPM). */
  readonly byRole: readonly { readonly peran: string; readonly count: number; readonly amount: number }[];
  /** KPM: the tahap's components, in the tahap's order, with what each family receives. */
  readonly components?: readonly ComponentAmount[];
  /** KPM: per component, the families and the Rupiah (the summary table, and the decree record). */
  readonly byComponent?: readonly {
    readonly component: string;
    readonly label: string;
    readonly count: number;
    readonly amount: number;
  }[];
  /** KPM: the members of every listed family together. */
  readonly memberCount?: number;
}

/** How much of a NIK the decree shows: the first `head` and last `tail` digits (6 and 4 by default). */
export interface NikMask {
  readonly head: number;
  readonly tail: number;
}

export function maskNikFor(nik: string, mask: NikMask): string {
  if (nik.length <= mask.head + mask.tail) return '*'.repeat(nik.length);
  return `${nik.slice(0, mask.head)}${'*'.repeat(nik.length - mask.head - mask.tail)}${nik.slice(nik.length - mask.tail)}`;
}

/**
 * Indonesian collation for the lampiran's order, made on first use: loading a locale's collation
 * takes ~7 ms, which every function that imports this module (most API routes) would pay at cold
 * start though only the decree sorts.
 */
let collator: Intl.Collator | undefined;
const collate = (a: string, b: string): number => {
  collator ??= new Intl.Collator('id', { sensitivity: 'base', numeric: true });
  return collator.compare(a, b);
};

/** What one recipient of each role is paid for the period: monthly rate × months (fixed on the decree when numbered). */
export function amountsForPeriod(
  monthlyRates: Readonly<Record<RoleCode, number>>,
  period: string,
): Record<RoleCode, number> {
  const months = monthsIn(period);
  return Object.fromEntries(
    Object.entries(monthlyRates).map(([role, rate]) => [role, rate * months]),
  ) as Record<RoleCode, number>;
}

/**
 * The recipients as the lampiran lists them: by kecamatan (official name), then kecamatan-level
 * roles before the desa, then desa by name; inside a group by role order, RT, then name. Each
 * recipient gets the amount the decree fixed for their role ({@link amountsForPeriod}).
 */
export function buildLampiran(
  recipients: readonly DecreeRecipient[],
  amountByRole: Readonly<Record<string, number>>,
  mask: NikMask,
): Lampiran {
  const roleOrder = new Map(Object.keys(ROLES).map((code, index) => [code, index]));
  const sorted = [...recipients].sort(
    (a, b) =>
      collate(a.kecamatan, b.kecamatan) ||
      a.kecamatanCode.localeCompare(b.kecamatanCode) ||
      Number(a.desa !== undefined) - Number(b.desa !== undefined) ||
      collate(a.desa ?? '', b.desa ?? '') ||
      (a.desaCode ?? '').localeCompare(b.desaCode ?? '') ||
      (roleOrder.get(a.peran) ?? 99) - (roleOrder.get(b.peran) ?? 99) ||
      collate(a.rt ?? '', b.rt ?? '') ||
      collate(a.nama, b.nama) ||
      a.nik.localeCompare(b.nik),
  );
  const groups: (Omit<DecreeGroup, 'lines' | 'subtotal'> & {
    key: string;
    lines: DecreeLine[];
    subtotal: number;
  })[] = [];
  const byRole = new Map<string, { count: number; amount: number }>();
  let total = 0;
  for (const [index, recipient] of sorted.entries()) {
    const role = ROLES[recipient.peran as RoleCode];
    const amount = amountByRole[recipient.peran] ?? 0;
    const key = `${recipient.kecamatanCode}|${recipient.desaCode ?? ''}`;
    let group = groups.at(-1);
    if (group?.key !== key) {
      const place = recipient.desa
        ? `${recipient.desaCode && isKelurahan(recipient.desaCode) ? 'Kelurahan' : 'Desa'} ${recipient.desa}`
        : 'Tingkat Kecamatan';
      group = {
        kecamatan: recipient.kecamatan,
        desa: recipient.desa,
        heading: `Kecamatan ${recipient.kecamatan} — ${place}`,
        key,
        lines: [],
        subtotal: 0,
      };
      groups.push(group);
    }
    const label = role?.label ?? recipient.peran;
    group.lines.push({
      no: index + 1,
      nama: recipient.nama,
      nikMasked: maskNikFor(recipient.nik, mask),
      peran: recipient.rt && recipient.peran === 'KETUA_RT' ? `${label} ${recipient.rt}` : label,
      amount,
    });
    group.subtotal += amount;
    total += amount;
    const sum = byRole.get(recipient.peran) ?? { count: 0, amount: 0 };
    sum.count += 1;
    sum.amount += amount;
    byRole.set(recipient.peran, sum);
  }
  return {
    groups: groups.map(({ key: _key, ...group }) => group),
    recipientCount: sorted.length,
    total,
    totalInWords: rupiahInWords(total),
    byRole: [...byRole.entries()]
      .sort(([a], [b]) => (roleOrder.get(a) ?? 99) - (roleOrder.get(b) ?? 99))
      .map(([code, sum]) => ({ peran: roleLabel(code), ...sum })),
  };
}

// --- The KPM lampiran ----------------------------------------------------------------------------

/** The components a KPM decree prints, in this order (the tahap's own: `shared/domain/family/tahap.ts`). */
const COMPONENT_ORDER = ['TUNAI', 'PANGAN'];

/** `TUNAI` → `Tunai`: a component as a column header and in the diktum. */
export const componentLabel = (component: string): string =>
  component.charAt(0).toUpperCase() + component.slice(1).toLowerCase();

/**
 * A tahap's components as a KPM decree fixes them: `{ TUNAI: 250000, PANGAN: 150000 }` → one entry
 * per component, in the tahap's order, with what every family receives of it.
 */
export function componentAmounts(components: Readonly<Record<string, number>>): ComponentAmount[] {
  const rank = (component: string) => {
    const index = COMPONENT_ORDER.indexOf(component);
    return index < 0 ? COMPONENT_ORDER.length : index;
  };
  return Object.entries(components)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([component, amount]) => ({ component, label: componentLabel(component), amount }));
}

/** What one family receives of every component together. */
export const perFamily = (components: readonly ComponentAmount[]): number =>
  components.reduce((sum, component) => sum + component.amount, 0);

/**
 * A KPM decree's lampiran: the families by kecamatan (official name), then desa/kelurahan by name,
 * then the penerima's name; a heading per kecamatan and per desa, a subtotal per desa and per
 * kecamatan (families, members, Rupiah), and the grand total. Every family receives each component's
 * amount; NIK and No KK are masked alike. The recipients are sorted in place (the caller's array,
 * which it drops afterwards), so no second copy of the list is made.
 */
export function buildKpmLampiran(
  recipients: DecreeRecipient[],
  components: readonly ComponentAmount[],
  mask: NikMask,
): Lampiran {
  recipients.sort(
    (a, b) =>
      collate(a.kecamatan, b.kecamatan) ||
      a.kecamatanCode.localeCompare(b.kecamatanCode) ||
      collate(a.desa ?? '', b.desa ?? '') ||
      (a.desaCode ?? '').localeCompare(b.desaCode ?? '') ||
      collate(a.nama, b.nama) ||
      (a.family?.noKk ?? '').localeCompare(b.family?.noKk ?? '') ||
      a.nik.localeCompare(b.nik),
  );
  const amount = perFamily(components);
  type Group = {
    -readonly [K in keyof DecreeGroup]: DecreeGroup[K];
  } & { key: string; lines: DecreeLine[]; members: number };
  const groups: Group[] = [];
  let kecamatan: { code: string; families: number; members: number; amount: number } | undefined;
  let members = 0;
  const closeKecamatan = () => {
    const last = groups.at(-1);
    if (last && kecamatan) {
      last.kecamatanTotal = {
        families: kecamatan.families,
        members: kecamatan.members,
        amount: kecamatan.amount,
      };
    }
  };
  for (const [index, recipient] of recipients.entries()) {
    const key = `${recipient.kecamatanCode}|${recipient.desaCode ?? ''}`;
    let group = groups.at(-1);
    if (group?.key !== key) {
      const newKecamatan = kecamatan?.code !== recipient.kecamatanCode;
      if (newKecamatan) {
        closeKecamatan();
        kecamatan = { code: recipient.kecamatanCode, families: 0, members: 0, amount: 0 };
      }
      const place = `${recipient.desaCode && isKelurahan(recipient.desaCode) ? 'Kelurahan' : 'Desa'} ${recipient.desa ?? ''}`;
      group = {
        kecamatan: recipient.kecamatan,
        desa: recipient.desa,
        heading: place,
        key,
        lines: [],
        subtotal: 0,
        members: 0,
        ...(newKecamatan ? { kecamatanHeading: `Kecamatan ${recipient.kecamatan}` } : {}),
      };
      groups.push(group);
    }
    const familyMembers = recipient.family?.members ?? 0;
    group.lines.push({
      no: index + 1,
      nama: recipient.nama,
      nikMasked: maskNikFor(recipient.nik, mask),
      peran: recipient.peran,
      amount,
      noKkMasked: maskNikFor(recipient.family?.noKk ?? '', mask),
      members: familyMembers,
    });
    group.subtotal += amount;
    group.members += familyMembers;
    members += familyMembers;
    if (kecamatan) {
      kecamatan.families += 1;
      kecamatan.members += familyMembers;
      kecamatan.amount += amount;
    }
  }
  closeKecamatan();
  const total = amount * recipients.length;
  return {
    kind: 'KPM',
    groups: groups.map(({ key: _key, ...group }) => group),
    recipientCount: recipients.length,
    total,
    totalInWords: rupiahInWords(total),
    byRole: [],
    components,
    byComponent: components.map((component) => ({
      component: component.component,
      label: component.label,
      count: recipients.length,
      amount: component.amount * recipients.length,
    })),
    memberCount: members,
  };
}

/** `2026-1` → `{ year: 2026, number: 1 }`; undefined for anything else. */
export function tahapOfId(tahapId: string): { year: number; number: number } | undefined {
  const match = /^(\d{4})-(\d{1,2})$/.exec(tahapId);
  return match ? { year: Number(match[1]), number: Number(match[2]) } : undefined;
}

/** `2026-1` → `Tahap 1 Tahun 2026` (as `tahapLabel` words a tahap). */
export const tahapIdLabel = (tahapId: string): string | undefined => {
  const tahap = tahapOfId(tahapId);
  return tahap ? `Tahap ${tahap.number} Tahun ${tahap.year}` : undefined;
};

/**
 * A decree's subject (after `tentang`), as its title and the public verification page say it:
 * `Penerima Bantuan Keuangan Khusus … di Kabupaten Kapuas Semester I Tahun 2026`, or
 * `Penetapan Keluarga Penerima Manfaat Kartu Huma Betang Sejahtera Tahap 1 Tahun 2026 di Kabupaten Kapuas`.
 */
export function decreeSubject(kind: ProposalKind, region: string, period: string): string {
  const place = regionName(region) ?? region;
  if (kind === 'KPM') {
    return (
      `Penetapan Keluarga Penerima Manfaat Kartu Huma Betang Sejahtera ${tahapIdLabel(period) ?? period} ` +
      `di ${place}`
    );
  }
  return (
    'Penerima Bantuan Keuangan Khusus bagi Unsur Pendukung Program Kartu Huma Betang Sejahtera ' +
    `di ${place} ${periodLabel(period) ?? period}`
  );
}

/** The period in words, per kind: `Semester I Tahun 2026`, `Tahap 1 Tahun 2026`. */
export const decreePeriodLabel = (kind: ProposalKind, period: string): string | undefined =>
  kind === 'KPM' ? tahapIdLabel(period) : periodLabel(period);

// --- The document ----------------------------------------------------------------------------------

/** Who signs and where: configuration (`shared/config/decree.ts`). */
export interface DecreeSettings {
  readonly numberPattern: string;
  readonly place: string;
  readonly signerTitle: string;
  readonly signerName: string;
  /** Base of the printed verification URL, e.g. `https://khbs.kalteng.go.id/verify`. */
  readonly verifyBaseUrl: string;
  readonly nikMask: NikMask;
  readonly menimbang: readonly string[];
  readonly mengingat: readonly string[];
  /** A KPM decree's considerations and legal bases ({@link DEFAULT_KPM_MENIMBANG} when absent). */
  readonly kpmMenimbang?: readonly string[];
  readonly kpmMengingat?: readonly string[];
}

/**
 * A KPM decree's considerations (menimbang), adapted from the BKK decree's: a DRAFT for the Biro
 * Hukum to confirm, printed as given (configuration may replace it: `DecreeSettings.kpmMenimbang`).
 */
export const DEFAULT_KPM_MENIMBANG: readonly string[] = [
  'bahwa dalam rangka menanggulangi kemiskinan dan meningkatkan kesejahteraan keluarga miskin dan rentan ' +
    'miskin di Kalimantan Tengah secara tepat sasaran, terintegrasi, akuntabel dan berkelanjutan, Pemerintah ' +
    'Provinsi Kalimantan Tengah melaksanakan Program Kartu Huma Betang Sejahtera berupa bantuan bagi keluarga ' +
    'penerima manfaat;',
  'bahwa keluarga penerima manfaat telah ditentukan dari Data Tunggal Sosial dan Ekonomi Nasional, ' +
    'diverifikasi dan divalidasi di lapangan, dan usulan pemerintah kabupaten/kota telah diverifikasi oleh ' +
    'perangkat daerah terkait;',
  'bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan ' +
    'Keputusan Gubernur tentang Penetapan Keluarga Penerima Manfaat Kartu Huma Betang Sejahtera;',
];

/** A KPM decree's legal bases (mengingat): the BKK decree's, with the laws on the poor and on DTSEN. DRAFT. */
export const DEFAULT_KPM_MENGINGAT: readonly string[] = [
  'Undang-Undang Nomor 21 Tahun 1958 tentang Penetapan Undang-Undang Darurat Nomor 10 Tahun 1957 tentang ' +
    'Pembentukan Daerah Swatantra Tingkat I Kalimantan Tengah dan Perubahan Undang-Undang Nomor 25 Tahun ' +
    '1956 tentang Pembentukan Daerah-Daerah Swatantra Tingkat I Kalimantan Barat, Kalimantan Selatan dan ' +
    'Kalimantan Timur sebagai Undang-Undang;',
  'Undang-Undang Nomor 13 Tahun 2011 tentang Penanganan Fakir Miskin;',
  'Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa kali diubah, ' +
    'terakhir dengan Undang-Undang Nomor 6 Tahun 2023;',
  'Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi;',
  'Peraturan Pemerintah Nomor 12 Tahun 2019 tentang Pengelolaan Keuangan Daerah;',
  'Instruksi Presiden Nomor 4 Tahun 2025 tentang Data Tunggal Sosial dan Ekonomi Nasional;',
];

/** The facts of one decree (the stored record) that its text is made of. */
export interface DecreeFacts {
  /** BKK when absent. */
  readonly kind?: ProposalKind;
  readonly number: string;
  readonly region: string;
  readonly period: string;
  /** `YYYY-MM-DD` in WIB. */
  readonly decreeDate: string;
  readonly verifyCode: string;
  readonly proposalId: string;
  /** The revoked decree this one replaces. */
  readonly replaces?: { readonly number: string; readonly revokedOn: string } | undefined;
  /** The amounts come from the placeholder rate table: the PDF says so on every page. */
  readonly ratesArePlaceholders?: boolean | undefined;
}

/** Printed on every page of a decree whose amounts are placeholders, so it cannot pass for a real one. */
export const PLACEHOLDER_NOTICE = 'CONTOH: besaran bantuan memakai tarif sementara yang belum ditetapkan.';

/** Everything the PDF prints, already worded in Bahasa Indonesia. */
export interface DecreeDocument {
  readonly heading: readonly string[];
  readonly number: string;
  /** `KEPUTUSAN GUBERNUR KALIMANTAN TENGAH` + `NOMOR …`. */
  readonly titleLines: readonly string[];
  /** `TENTANG` + the subject, upper case. */
  readonly subject: string;
  readonly menimbang: readonly string[];
  readonly mengingat: readonly string[];
  /** After `Menetapkan :`: `KEPUTUSAN GUBERNUR TENTANG …`. */
  readonly menetapkan: string;
  /** The diktum: `KESATU`…, each with its text. */
  readonly diktum: readonly { readonly label: string; readonly text: string }[];
  readonly place: string;
  readonly dateText: string;
  readonly signerTitle: string;
  readonly signerName: string;
  readonly verifyCode: string;
  readonly verifyUrl: string;
  /** Red warning in every page's footer ({@link PLACEHOLDER_NOTICE}), if any. */
  readonly draftNotice?: string | undefined;
  /** The block at the top right of the lampiran (`LAMPIRAN`, `KEPUTUSAN GUBERNUR …`, number, date). */
  readonly lampiranHeading: readonly string[];
  /** The lampiran's centred title: `DAFTAR PENERIMA …`. */
  readonly lampiranTitle: string;
  readonly lampiran: Lampiran;
}

export const verifyUrlFor = (baseUrl: string, code: string): string =>
  `${baseUrl.replace(/\/+$/, '')}/${code}`;

/** The decree's wording from its facts, its lampiran and the settings. */
export function decreeDocument(
  facts: DecreeFacts,
  lampiran: Lampiran,
  settings: DecreeSettings,
): DecreeDocument {
  if ((facts.kind ?? 'BKK') === 'KPM') return kpmDecreeDocument(facts, lampiran, settings);
  const region = regionName(facts.region) ?? facts.region;
  const period = periodLabel(facts.period) ?? facts.period;
  const subject =
    `PENERIMA BANTUAN KEUANGAN KHUSUS BAGI UNSUR PENDUKUNG PROGRAM KARTU HUMA BETANG SEJAHTERA ` +
    `DI ${region.toUpperCase()} ${period.toUpperCase()}`;
  const dateText = formatDateId(facts.decreeDate);
  const diktum = [
    {
      label: 'KESATU',
      text:
        `Menetapkan ${lampiran.recipientCount.toLocaleString('id-ID')} (${terbilang(lampiran.recipientCount)}) orang ` +
        `penerima Bantuan Keuangan Khusus bagi unsur pendukung Program Kartu Huma Betang Sejahtera di ${region} ` +
        `untuk ${period}, sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak terpisahkan dari ` +
        `Keputusan ini.`,
    },
    {
      label: 'KEDUA',
      text:
        `Besaran bantuan bagi setiap penerima sebagaimana dimaksud dalam Diktum KESATU ditetapkan menurut ` +
        `perannya, dengan jumlah keseluruhan sebesar ${formatRupiah(lampiran.total)} ` +
        `(${lampiran.totalInWords}).`,
    },
    {
      label: 'KETIGA',
      text:
        'Bantuan sebagaimana dimaksud dalam Diktum KEDUA disalurkan melalui rekening penerima pada PT Bank ' +
        'Pembangunan Daerah Kalimantan Tengah dan dibebankan pada Anggaran Pendapatan dan Belanja Daerah ' +
        'Provinsi Kalimantan Tengah.',
    },
    ...closingDiktum(facts, 3),
  ];
  return {
    ...decreeFrame(facts, settings, subject, dateText),
    menimbang: settings.menimbang,
    mengingat: settings.mengingat,
    diktum,
    ...(facts.ratesArePlaceholders ? { draftNotice: PLACEHOLDER_NOTICE } : {}),
    lampiranTitle: `DAFTAR ${subject}`,
    lampiran,
  };
}

/** What every decree has alike: heading, number, subject, place and date, signer, verification, lampiran heading. */
function decreeFrame(facts: DecreeFacts, settings: DecreeSettings, subject: string, dateText: string) {
  return {
    heading: ['GUBERNUR KALIMANTAN TENGAH'],
    number: facts.number,
    titleLines: ['KEPUTUSAN GUBERNUR KALIMANTAN TENGAH', `NOMOR ${facts.number}`],
    subject,
    menetapkan: `KEPUTUSAN GUBERNUR TENTANG ${subject}.`,
    place: settings.place,
    dateText,
    signerTitle: settings.signerTitle,
    signerName: settings.signerName,
    verifyCode: facts.verifyCode,
    verifyUrl: verifyUrlFor(settings.verifyBaseUrl, facts.verifyCode),
    lampiranHeading: [
      'LAMPIRAN',
      'KEPUTUSAN GUBERNUR KALIMANTAN TENGAH',
      `NOMOR ${facts.number}`,
      `TANGGAL ${dateText.toUpperCase()}`,
    ],
  };
}

/** The diktum's closing items: the decree it replaces, if any, then when it takes effect. */
function closingDiktum(facts: DecreeFacts, first: number): { label: string; text: string }[] {
  const labels = ['KESATU', 'KEDUA', 'KETIGA', 'KEEMPAT', 'KELIMA', 'KEENAM', 'KETUJUH'];
  const items = [
    ...(facts.replaces
      ? [
          `Keputusan ini menggantikan Keputusan Gubernur Kalimantan Tengah Nomor ${facts.replaces.number} ` +
            `yang telah dicabut pada tanggal ${formatDateId(facts.replaces.revokedOn)}.`,
        ]
      : []),
    'Keputusan ini mulai berlaku pada tanggal ditetapkan.',
  ];
  return items.map((text, index) => ({ label: labels[first + index] ?? `${first + index + 1}`, text }));
}

/** `a, b dan c`: a list as a sentence says it. */
const sentenceList = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} dan ${items.at(-1)}`;

/** How each component reaches the family, for the diktum. */
const CHANNEL: Readonly<Record<string, string>> = {
  TUNAI:
    'bantuan tunai disalurkan melalui rekening penerima pada PT Bank Pembangunan Daerah Kalimantan Tengah',
  PANGAN: 'bantuan pangan disalurkan melalui Perum BULOG',
};

/**
 * A KPM decree's wording: "Penetapan Keluarga Penerima Manfaat Kartu Huma Betang Sejahtera Tahap N
 * Tahun YYYY di Kabupaten X", the families counted in the diktum, what every family receives of
 * each component, the total, how each component is paid, and the lampiran by kecamatan and desa.
 */
function kpmDecreeDocument(facts: DecreeFacts, lampiran: Lampiran, settings: DecreeSettings): DecreeDocument {
  const region = regionName(facts.region) ?? facts.region;
  const tahap = tahapIdLabel(facts.period) ?? facts.period;
  const subject = decreeSubject('KPM', facts.region, facts.period).toUpperCase();
  const dateText = formatDateId(facts.decreeDate);
  const components = lampiran.components ?? [];
  const families = lampiran.recipientCount;
  const each = components.map(
    (component) =>
      `bantuan ${component.label.toLowerCase()} sebesar ${formatRupiah(component.amount)} ` +
      `(${rupiahInWords(component.amount)})`,
  );
  const channels = components.map(
    (component) =>
      CHANNEL[component.component] ?? `bantuan ${component.label.toLowerCase()} disalurkan sesuai ketentuan`,
  );
  const diktum = [
    {
      label: 'KESATU',
      text:
        `Menetapkan ${families.toLocaleString('id-ID')} (${terbilang(families)}) Keluarga Penerima Manfaat ` +
        `Program Kartu Huma Betang Sejahtera ${tahap} di ${region}, sebagaimana tercantum dalam Lampiran yang ` +
        'merupakan bagian tidak terpisahkan dari Keputusan ini.',
    },
    {
      label: 'KEDUA',
      text:
        'Setiap Keluarga Penerima Manfaat sebagaimana dimaksud dalam Diktum KESATU menerima ' +
        `${sentenceList(each)} untuk ${tahap}, yang diterima oleh penerima yang namanya tercantum dalam ` +
        `Lampiran, dengan jumlah keseluruhan sebesar ${formatRupiah(lampiran.total)} (${lampiran.totalInWords}).`,
    },
    {
      label: 'KETIGA',
      text:
        `Bantuan sebagaimana dimaksud dalam Diktum KEDUA: ${sentenceList(channels)}; dan dibebankan pada ` +
        'Anggaran Pendapatan dan Belanja Daerah Provinsi Kalimantan Tengah.',
    },
    ...closingDiktum(facts, 3),
  ];
  return {
    ...decreeFrame(facts, settings, subject, dateText),
    menimbang: settings.kpmMenimbang ?? DEFAULT_KPM_MENIMBANG,
    mengingat: settings.kpmMengingat ?? DEFAULT_KPM_MENGINGAT,
    diktum,
    lampiranTitle:
      `DAFTAR KELUARGA PENERIMA MANFAAT KARTU HUMA BETANG SEJAHTERA ${tahap.toUpperCase()} ` +
      `DI ${region.toUpperCase()}`,
    lampiran,
  };
}

// --- Pre-flight ------------------------------------------------------------------------------------

/**
 * What stops a decree before its number is taken: a code for machines, a sentence in Bahasa
 * Indonesia for the operator and the approver. Never personal data (row numbers, counts, codes).
 */
export interface PreflightProblem {
  readonly code:
    | 'CONFIG_INVALID'
    | 'RATES_INVALID'
    | 'LIST_UNREADABLE'
    | 'RECIPIENT_INVALID'
    | 'COUNT_MISMATCH'
    | 'TOTAL_MISMATCH'
    | 'RENDER_FAILED';
  readonly message: string;
  /** A technical detail for the logs only (an error's own text, in English): never in the audit trail. */
  readonly detail?: string;
}

/** Longest pre-flight reason kept on the audit trail; the logs have every problem in full. */
export const PREFLIGHT_REASON_MAX = 1_500;

/**
 * A failed pre-flight as the proposal's audit trail says it, in Bahasa Indonesia: that no number
 * was taken, and each problem's message (codes, row numbers and counts only, never personal data;
 * not the technical `detail`). The same problems always give the same text, so a redelivered
 * request that fails the same way is recognised.
 */
export function preflightFailureReason(problems: readonly PreflightProblem[]): string {
  const reason =
    'Pra-pemeriksaan SK gagal; nomor SK belum diambil dan usulan tetap berstatus disetujui. ' +
    problems.map((problem) => problem.message).join(' ');
  return reason.length > PREFLIGHT_REASON_MAX ? `${reason.slice(0, PREFLIGHT_REASON_MAX - 1)}…` : reason;
}

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
};

/** The settings a decree is printed with, checked: each problem as the operator reads it. */
export function decreeSettingsProblems(settings: DecreeSettings): PreflightProblem[] {
  const problems: string[] = [];
  try {
    parseNumberPattern(settings.numberPattern);
  } catch {
    problems.push(
      `pola nomor SK "${settings.numberPattern}" harus memuat {seq} dan {year} masing-masing sekali`,
    );
  }
  if (!settings.signerTitle.trim()) problems.push('jabatan penanda tangan kosong');
  if (!settings.signerName.trim()) problems.push('nama penanda tangan kosong');
  if (!settings.place.trim()) problems.push('tempat penetapan kosong');
  if (!isHttpUrl(settings.verifyBaseUrl)) {
    problems.push(`alamat verifikasi "${settings.verifyBaseUrl}" bukan URL http(s)`);
  }
  const { head, tail } = settings.nikMask;
  if (!Number.isInteger(head) || !Number.isInteger(tail) || head < 0 || tail < 0 || head + tail > 12) {
    problems.push(`masker NIK ${head},${tail} harus menyembunyikan sedikitnya 4 dari 16 digit`);
  }
  if (settings.menimbang.length === 0 || settings.mengingat.length === 0) {
    problems.push('menimbang dan mengingat tidak boleh kosong');
  }
  return problems.map((message) => ({ code: 'CONFIG_INVALID', message: `Konfigurasi SK: ${message}.` }));
}

/** Retention of the stored PDF (Object Lock), when there is one: whole days, at least one. */
export function retentionProblems(
  retention: { readonly mode: string; readonly days: number } | undefined,
): PreflightProblem[] {
  if (!retention) return [];
  const problems: string[] = [];
  if (retention.mode !== 'GOVERNANCE' && retention.mode !== 'COMPLIANCE') {
    problems.push(`mode retensi "${retention.mode}" tidak dikenal`);
  }
  if (!Number.isSafeInteger(retention.days) || retention.days < 1) {
    problems.push(`masa retensi ${retention.days} hari tidak sah`);
  }
  return problems.map((message) => ({ code: 'CONFIG_INVALID', message: `Konfigurasi SK: ${message}.` }));
}

/** The amounts of the period for every role: whole, positive Rupiah, so every total is exact. */
export function amountProblems(amountByRole: Readonly<Record<string, number>>): PreflightProblem[] {
  return Object.keys(ROLES)
    .filter((role) => {
      const amount = amountByRole[role];
      return amount === undefined || !Number.isSafeInteger(amount) || amount <= 0;
    })
    .map((role) => ({
      code: 'RATES_INVALID',
      message: `Tabel tarif: besaran untuk peran ${role} tidak dapat dihitung (${amountByRole[role]}).`,
    }));
}

/** One recipient of the approved list as the lampiran needs it; undefined when it can be printed. */
export function recipientProblem(recipient: DecreeRecipient): string | undefined {
  if (!/^\d{16}$/.test(recipient.nik)) return 'NIK bukan 16 digit';
  if (!recipient.nama.trim()) return 'nama kosong';
  if (!(recipient.peran in ROLES)) return `peran "${recipient.peran}" tidak dikenal`;
  if (!recipient.kecamatanCode.trim() || !recipient.kecamatan.trim()) return 'kecamatan kosong';
  if (recipient.desa !== undefined && !recipient.desa.trim()) return 'desa/kelurahan kosong';
  return undefined;
}

/** A tahap's components as a KPM decree fixes them: at least one, each whole positive Rupiah. */
export function componentProblems(components: readonly ComponentAmount[]): PreflightProblem[] {
  if (components.length === 0) {
    return [{ code: 'RATES_INVALID', message: 'Tahap: tidak ada komponen bantuan untuk ditetapkan.' }];
  }
  return components
    .filter(({ amount }) => !Number.isSafeInteger(amount) || amount <= 0)
    .map(({ component, amount }) => ({
      code: 'RATES_INVALID',
      message: `Tahap: besaran komponen ${component} tidak sah (${amount}).`,
    }));
}

/** One family of an approved KPM list as the lampiran needs it; undefined when it can be printed. */
export function kpmRecipientProblem(recipient: DecreeRecipient): string | undefined {
  if (!/^\d{16}$/.test(recipient.nik)) return 'NIK penerima bukan 16 digit';
  if (!recipient.nama.trim()) return 'nama penerima kosong';
  if (recipient.peran !== 'KPM') return `peran "${recipient.peran}" bukan KPM`;
  if (!recipient.family) return 'data keluarga tidak ada';
  if (!/^\d{16}$/.test(recipient.family.noKk)) return 'No KK bukan 16 digit';
  if (!Number.isInteger(recipient.family.members) || recipient.family.members < 1)
    return 'anggota keluarga kosong';
  if (!recipient.kecamatanCode.trim() || !recipient.kecamatan.trim()) return 'kecamatan kosong';
  if (!recipient.desaCode?.trim() || !recipient.desa?.trim()) return 'desa/kelurahan kosong';
  return undefined;
}
