import { randomBytes } from 'node:crypto';

/**
 * Complaints (pengaduan, issue #15): the rules, with no AWS. A complaint has a category, the desa it
 * is about, a status moved by a table of transitions, a channel it came through, a public code (the
 * citizen's only key) and a service-level clock in working days (WIB). Who handles it follows from
 * its category: a complaint of illegal deductions (PUNGLI) goes to the province, never to the office
 * it may accuse; everything else to the kabupaten/kota of the desa.
 */

export const COMPLAINT_CATEGORIES = [
  'PENDATAAN',
  'SANGGAHAN',
  'KARTU',
  'TUNAI',
  'PANGAN',
  'PUNGLI',
  'LAINNYA',
] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export const COMPLAINT_CATEGORY_LABEL: Record<ComplaintCategory, string> = {
  PENDATAAN: 'Pendataan (tidak terdaftar atau salah terdaftar)',
  SANGGAHAN: 'Sanggahan atas daftar KPM yang diumumkan',
  KARTU: 'Kartu KHBS',
  TUNAI: 'Bantuan tunai (rekening Bank Kalteng)',
  PANGAN: 'Bantuan pangan (BULOG)',
  PUNGLI: 'Pungutan liar atau potongan bantuan',
  LAINNYA: 'Lainnya',
};

export const COMPLAINT_STATUSES = ['BARU', 'DITANGANI', 'SELESAI', 'DITOLAK'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const COMPLAINT_STATUS_LABEL: Record<ComplaintStatus, string> = {
  BARU: 'Baru diterima',
  DITANGANI: 'Sedang ditangani',
  SELESAI: 'Selesai',
  DITOLAK: 'Ditolak',
};

/** Still open: counted as open on the dashboards, and overdue once its due date has passed unanswered. */
export const isOpen = (status: ComplaintStatus): boolean => status === 'BARU' || status === 'DITANGANI';

export const COMPLAINT_CHANNELS = ['WEB', 'TELEPON', 'WHATSAPP', 'LANGSUNG', 'SURAT'] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];

export const COMPLAINT_CHANNEL_LABEL: Record<ComplaintChannel, string> = {
  WEB: 'Formulir daring',
  TELEPON: 'Telepon',
  WHATSAPP: 'WhatsApp',
  LANGSUNG: 'Datang langsung',
  SURAT: 'Surat',
};

/** What staff do to a complaint. */
export const COMPLAINT_ACTIONS = ['ASSIGN', 'ANSWER', 'CLOSE', 'REJECT'] as const;
export type ComplaintAction = (typeof COMPLAINT_ACTIONS)[number];

/**
 * The transitions, as a table: for each action, the statuses it may start from and where it leads.
 * Assigning again (to another person) and answering again (a corrected answer) keep DITANGANI;
 * closing needs the complaint taken up first; an unfounded or duplicate complaint may be rejected
 * from BARU or DITANGANI. SELESAI and DITOLAK are final.
 */
export const COMPLAINT_TRANSITIONS: Readonly<
  Record<ComplaintAction, { readonly from: readonly ComplaintStatus[]; readonly to: ComplaintStatus }>
> = {
  ASSIGN: { from: ['BARU', 'DITANGANI'], to: 'DITANGANI' },
  ANSWER: { from: ['DITANGANI'], to: 'DITANGANI' },
  CLOSE: { from: ['DITANGANI'], to: 'SELESAI' },
  REJECT: { from: ['BARU', 'DITANGANI'], to: 'DITOLAK' },
};

/** Where `action` takes a complaint in `status`, or why it may not (in Bahasa Indonesia). */
export function transition(
  status: ComplaintStatus,
  action: ComplaintAction,
): { readonly ok: true; readonly to: ComplaintStatus } | { readonly ok: false; readonly message: string } {
  const rule = COMPLAINT_TRANSITIONS[action];
  if (rule.from.includes(status)) return { ok: true, to: rule.to };
  const what: Record<ComplaintAction, string> = {
    ASSIGN: 'ditugaskan',
    ANSWER: 'dijawab',
    CLOSE: 'diselesaikan',
    REJECT: 'ditolak',
  };
  const hint =
    action === 'ANSWER' || action === 'CLOSE' ? ' Tugaskan petugas lebih dahulu (status DITANGANI).' : '';
  return {
    ok: false,
    message: `Pengaduan berstatus ${COMPLAINT_STATUS_LABEL[status]} tidak dapat ${what[action]}.${hint}`,
  };
}

/** The province's queue: complaints no kabupaten office may see. */
export const PROVINCE_UNIT = 'PROVINSI';
export type HandlingUnit = string;

/**
 * Who handles a complaint: PUNGLI always the province (whatever the desa: the kabupaten office may
 * be the one accused), anything else the kabupaten/kota of the desa (`62.03.01.2001` → `62.03`).
 */
export function handlingUnit(category: ComplaintCategory, desaCode: string): HandlingUnit {
  return category === 'PUNGLI' ? PROVINCE_UNIT : desaCode.slice(0, 5);
}

/**
 * Whether a caller bound to `regions` may see a complaint handled by `unit`: a regional role sees
 * its own kabupaten's queue and never the province's (so never a PUNGLI complaint, even about its
 * own kabupaten); a province-wide role sees every queue.
 */
export function visibleTo(regions: 'all' | readonly [string], unit: HandlingUnit): boolean {
  return regions === 'all' || (unit !== PROVINCE_UNIT && regions[0] === unit);
}

// ─── Codes and ids ─────────────────────────────────────────────────────────────────────────────

/** Crockford-like base32 without the letters people confuse (I, L, O, U): 32 symbols, 5 bits each. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_GROUPS = 3;
const CODE_GROUP_LENGTH = 4;
/** Random bits of a public code (12 symbols × 5 bits). */
export const COMPLAINT_CODE_BITS = CODE_GROUPS * CODE_GROUP_LENGTH * 5;

function randomSymbols(count: number, alphabet: string, random: (size: number) => Uint8Array): string {
  // 32 symbols: the low 5 bits of a random byte are uniform.
  return [...random(count)].map((byte) => alphabet[byte & 31]).join('');
}

/**
 * A new public code, `ADU-XXXX-XXXX-XXXX` (60 random bits): the only key the citizen holds, so it
 * must not be guessable; 2^60 codes against a few hundred thousand complaints make a guess hit one
 * about once in 10^12 tries, and the public route is throttled besides.
 */
export function newComplaintCode(random: (size: number) => Uint8Array = randomBytes): string {
  const symbols = randomSymbols(CODE_GROUPS * CODE_GROUP_LENGTH, CODE_ALPHABET, random);
  const groups: string[] = [];
  for (let i = 0; i < CODE_GROUPS; i++)
    groups.push(symbols.slice(i * CODE_GROUP_LENGTH, (i + 1) * CODE_GROUP_LENGTH));
  return `ADU-${groups.join('-')}`;
}

/**
 * A code as a person types it (any case, spaces or dashes, `O` for 0, `I`/`L` for 1), in its
 * canonical form; undefined when it cannot be one.
 */
export function normalizeComplaintCode(input: string): string | undefined {
  if (input.length > 40) return undefined;
  let text = input.toUpperCase().replace(/[\s-]/g, '');
  if (text.startsWith('ADU')) text = text.slice(3);
  text = text.replace(/O/g, '0').replace(/[IL]/g, '1');
  const length = CODE_GROUPS * CODE_GROUP_LENGTH;
  if (text.length !== length) return undefined;
  for (const char of text) if (!CODE_ALPHABET.includes(char)) return undefined;
  const groups: string[] = [];
  for (let i = 0; i < CODE_GROUPS; i++)
    groups.push(text.slice(i * CODE_GROUP_LENGTH, (i + 1) * CODE_GROUP_LENGTH));
  return `ADU-${groups.join('-')}`;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Staff's opaque id of a complaint (`PGD-` + 12 base32): never the citizen's code, never a NIK. */
export const COMPLAINT_ID_PATTERN = /^PGD-[A-Z2-7]{12}$/;

export function newComplaintId(random: (size: number) => Uint8Array = randomBytes): string {
  return `PGD-${randomSymbols(12, ID_ALPHABET, random)}`;
}

// ─── The service-level clock ───────────────────────────────────────────────────────────────────

/** WIB (Waktu Indonesia Barat, UTC+7): Kalimantan Tengah's time zone, with no daylight saving. */
const WIB_OFFSET_MS = 7 * 3600 * 1000;

/** The calendar day (`YYYY-MM-DD`) it is in WIB at `instant`. */
export function wibDate(instant: Date): string {
  return new Date(instant.getTime() + WIB_OFFSET_MS).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus `days` calendar days. */
function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * Whether `day` is a working day: Monday to Friday, and not one of the holidays. A holiday is a full
 * date (`2026-03-20`) or a yearly one (`--08-17`: every 17 August).
 */
export function isWorkingDay(day: string, holidays: ReadonlySet<string>): boolean {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !holidays.has(day) && !holidays.has(`--${day.slice(5)}`);
}

/**
 * The answer's due date: the `days`-th working day after the day the complaint arrived (in WIB; the
 * day of arrival does not count, whatever the hour). A complaint lodged on Friday evening with
 * 5 days is due the next Friday; one lodged on Saturday, the Friday after.
 */
export function dueDate(lodgedAt: Date, days: number, holidays: ReadonlySet<string>): string {
  let day = wibDate(lodgedAt);
  let left = days;
  // Bounded: a year of holidays cannot hold a complaint's clock forever.
  for (let guard = 0; left > 0 && guard < 400; guard++) {
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) left--;
  }
  return day;
}

/** Overdue: still open, no answer yet, and the due date (WIB) has passed. */
export function isOverdue(
  complaint: { readonly status: ComplaintStatus; readonly dueDate: string; readonly answeredAt?: string },
  now: Date,
): boolean {
  return isOpen(complaint.status) && complaint.answeredAt === undefined && wibDate(now) > complaint.dueDate;
}

/** Holidays always kept (fixed dates): New Year, Labour Day, Pancasila Day, Independence Day, Christmas. */
export const FIXED_NATIONAL_HOLIDAYS: readonly string[] = [
  '--01-01',
  '--05-01',
  '--06-01',
  '--08-17',
  '--12-25',
];

// ─── Publication of a desa's KPM list, for objections (sanggahan) ──────────────────────────────

/** `PUB-` + 12 base32: a published list's id, printed on the notice in the desa. */
export const PUBLICATION_ID_PATTERN = /^PUB-[A-Z2-7]{12}$/;

export function newPublicationId(random: (size: number) => Uint8Array = randomBytes): string {
  return `PUB-${randomSymbols(12, ID_ALPHABET, random)}`;
}

/** The longest objection window, in calendar days from today (WIB). */
export const MAX_PUBLICATION_DAYS = 30;

/** Why an objection window ending on `until` (WIB, inclusive) cannot be opened today; undefined when it can. */
export function publicationWindowProblem(until: string, now: Date): string | undefined {
  const today = wibDate(now);
  if (until < today) return 'Batas sanggahan tidak boleh sebelum hari ini.';
  if (until > addDays(today, MAX_PUBLICATION_DAYS)) {
    return `Masa sanggahan paling lama ${MAX_PUBLICATION_DAYS} hari sejak hari ini.`;
  }
  return undefined;
}

/** A published list takes objections through the last day of its window (WIB). */
export const publicationOpen = (until: string, now: Date): boolean => wibDate(now) <= until;
