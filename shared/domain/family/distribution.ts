/**
 * The distribution of a decreed tahap (issue #15, families.md "Objects"): what each family of a KPM
 * decree is owed (one **entitlement** per family × tahap × component), the **card** that names the
 * family (1 KK 1 kartu), and the references that tie a bank line or a BULOG handover back to
 * exactly one entitlement, so nothing is paid or handed over twice.
 *
 * Pure: no AWS, no I/O. Messages for people in Bahasa Indonesia.
 */
import { COMPONENTS, type Component } from './tahap.ts';

// --- Entitlements --------------------------------------------------------------------------------

/**
 * Where an entitlement stands:
 * - `DITETAPKAN`: fixed by the decree, not sent yet;
 * - `DIKIRIM`: on a payment instruction sent to the bank (TUNAI) or a distribution list sent to
 *   BULOG (PANGAN);
 * - `DITERIMA`: the bank reports it paid (BERHASIL) / BULOG's BAST says the family received it;
 * - `GAGAL`: the bank reports it failed or returned (RETUR), or the BAST says not received;
 * - `DIULANG`: a failed one put on a follow-up instruction (a new attempt, a new line reference).
 */
export const ENTITLEMENT_STATUSES = ['DITETAPKAN', 'DIKIRIM', 'DITERIMA', 'GAGAL', 'DIULANG'] as const;
export type EntitlementStatus = (typeof ENTITLEMENT_STATUSES)[number];

export const ENTITLEMENT_STATUS_LABEL: Readonly<Record<EntitlementStatus, string>> = {
  DITETAPKAN: 'ditetapkan, belum dikirim',
  DIKIRIM: 'dikirim ke penyalur',
  DITERIMA: 'diterima keluarga',
  GAGAL: 'gagal',
  DIULANG: 'dikirim ulang',
};

/**
 * Where an entitlement may go from each status. A RETUR after a success moves DITERIMA back to
 * GAGAL (the money came back); a failure the bank later reports paid after all (its line moved
 * GAGAL → BERHASIL) moves GAGAL to DITERIMA; nothing else goes backwards.
 */
const ENTITLEMENT_NEXT: Readonly<Record<EntitlementStatus, readonly EntitlementStatus[]>> = {
  DITETAPKAN: ['DIKIRIM'],
  DIKIRIM: ['DITERIMA', 'GAGAL'],
  DITERIMA: ['GAGAL'],
  GAGAL: ['DIULANG', 'DITERIMA'],
  DIULANG: ['DITERIMA', 'GAGAL'],
};

export const entitlementMayMove = (from: EntitlementStatus, to: EntitlementStatus): boolean =>
  ENTITLEMENT_NEXT[from].includes(to);

const COMPONENT_LETTER: Readonly<Record<Component, 'T' | 'P'>> = { TUNAI: 'T', PANGAN: 'P' };

/** A family id is `KEL-` and 12 base32 characters (`shared/adapters/family-directory-repo.ts`). */
const FAMILY_CODE = /^KEL-([A-Z2-7]{12})$/;

/**
 * The entitlement's reference: `KHBS-2026-1-T-ABCDEFGHJKMN` (tahap, component, the family's opaque
 * id without `KEL-`). It names no person (no NIK, no No KK) yet is unique per family × tahap ×
 * component, so the bank and BULOG can quote it back. It fits the bank report's reference column
 * (letters, digits and `-`, at most 64 characters).
 */
export function entitlementRef(tahapId: string, component: Component, familyId: string): string {
  const code = FAMILY_CODE.exec(familyId)?.[1];
  if (!code) throw new Error(`not a family id: ${familyId}`);
  return `KHBS-${tahapId}-${COMPONENT_LETTER[component]}-${code}`;
}

/**
 * The reference of one line of a payment instruction: the entitlement and the attempt,
 * `KHBS-2026-1-T-ABCDEFGHJKMN-1`. A file sent again carries the same references, which the bank
 * pays once; only a follow-up for a failed payment makes a new attempt (`-2`), and only after the
 * bank has reported the earlier one failed.
 */
export function instructionRef(entitlement: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 1 || attempt > 99) throw new Error(`bad attempt ${attempt}`);
  return `${entitlement}-${attempt}`;
}

const INSTRUCTION_REF = /^KHBS-(\d{4}-\d{1,2})-([TP])-([A-Z2-7]{12})-(\d{1,2})$/;

export interface ParsedInstructionRef {
  readonly tahapId: string;
  readonly component: Component;
  readonly familyId: string;
  readonly entitlementRef: string;
  readonly attempt: number;
}

/** What an instruction line's reference names, or undefined when it is not one of ours. */
export function parseInstructionRef(text: string): ParsedInstructionRef | undefined {
  const match = INSTRUCTION_REF.exec(text.trim().toUpperCase());
  if (!match) return undefined;
  const [, tahapId = '', letter, code = '', attempt = ''] = match;
  const component = COMPONENTS.find((candidate) => COMPONENT_LETTER[candidate] === letter);
  if (!component) return undefined;
  const familyId = `KEL-${code}`;
  return {
    tahapId,
    component,
    familyId,
    entitlementRef: entitlementRef(tahapId, component, familyId),
    attempt: Number(attempt),
  };
}

// --- Cards ---------------------------------------------------------------------------------------

/**
 * Where a card stands. `TERDAFTAR` (numbered, waiting for the printer) comes before families.md's
 * DICETAK → DIBAGIKAN; `DIBLOKIR` and `DIGANTI` (replaced by a new number) end a card: neither
 * is active again (a blocked card can still be replaced, which records it DIGANTI).
 */
export const CARD_STATUSES = ['TERDAFTAR', 'DICETAK', 'DIBAGIKAN', 'DIBLOKIR', 'DIGANTI'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export const CARD_STATUS_LABEL: Readonly<Record<CardStatus, string>> = {
  TERDAFTAR: 'terdaftar, menunggu cetak',
  DICETAK: 'dicetak',
  DIBAGIKAN: 'dibagikan kepada keluarga',
  DIBLOKIR: 'diblokir',
  DIGANTI: 'diganti dengan kartu baru',
};

const CARD_NEXT: Readonly<Record<CardStatus, readonly CardStatus[]>> = {
  TERDAFTAR: ['DICETAK', 'DIBLOKIR', 'DIGANTI'],
  DICETAK: ['DIBAGIKAN', 'DIBLOKIR', 'DIGANTI'],
  DIBAGIKAN: ['DIBLOKIR', 'DIGANTI'],
  // A blocked card is replaced to give the family a new one: recorded as replaced.
  DIBLOKIR: ['DIGANTI'],
  DIGANTI: [],
};

export const cardMayMove = (from: CardStatus, to: CardStatus): boolean => CARD_NEXT[from].includes(to);

/** A card that may still be used: numbered, printed or handed over. */
export const isCardActive = (status: CardStatus): boolean =>
  status === 'TERDAFTAR' || status === 'DICETAK' || status === 'DIBAGIKAN';

/**
 * The province's card number, `HB-6203-0000123-4`: `HB` (Huma Betang), the kabupaten's four
 * digits, a seven-digit serial per kabupaten and a Luhn check digit over the eleven digits. The
 * letters make it impossible to mistake for (or store as) a bank card number, which is 16 digits
 * and is never stored here.
 */
export function cardNumber(region: string, serial: number): string {
  const regionDigits = region.replace('.', '');
  if (!/^\d{4}$/.test(regionDigits)) throw new Error(`not a region code: ${region}`);
  if (!Number.isInteger(serial) || serial < 1 || serial > 9_999_999) throw new Error(`bad serial ${serial}`);
  const digits = `${regionDigits}${String(serial).padStart(7, '0')}`;
  return `HB-${regionDigits}-${digits.slice(4)}-${luhnDigit(digits)}`;
}

const CARD_NUMBER = /^HB-?(\d{4})-?(\d{7})-?(\d)$/;

/**
 * A card number as people write it (spaces, no dashes, lower case) in the canonical form, or
 * undefined when it is not one (wrong shape, or a check digit that does not match: a typing slip).
 */
export function normalizeCardNumber(text: string): string | undefined {
  const match = CARD_NUMBER.exec(text.toUpperCase().replace(/\s/g, ''));
  if (!match) return undefined;
  const [, region = '', serial = '', check = ''] = match;
  if (luhnDigit(`${region}${serial}`) !== check) return undefined;
  return `HB-${region}-${serial}-${check}`;
}

/** Where a card's printed code is checked: beside the decrees' (`…/verify/card/<code>`). */
export const cardVerifyUrl = (verifyBaseUrl: string, code: string): string =>
  `${verifyBaseUrl.replace(/\/+$/, '')}/card/${code}`;

/** The region (`62.03`) a card number was issued in. */
export const regionOfCard = (card: string): string => `${card.slice(3, 5)}.${card.slice(5, 7)}`;

/** The Luhn check digit of a string of digits. */
function luhnDigit(digits: string): string {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

// --- What a decree's families are owed ----------------------------------------------------------

/** One family of a KPM decree, as its list states it. */
export interface DecreedFamily {
  readonly noKk: string;
  readonly familyId: string;
  readonly penerimaNik: string;
  readonly penerimaNama: string;
  readonly kecamatanCode: string;
  readonly desaCode: string;
}

/** One entitlement as the distribution opens it. */
export interface NewEntitlement {
  readonly ref: string;
  readonly component: Component;
  readonly amount: number;
  readonly family: DecreedFamily;
}

/** Each family's entitlement per component of the tahap, in the list's order, component by component. */
export function entitlementsOf(
  tahapId: string,
  components: readonly { readonly component: Component; readonly amount: number }[],
  families: readonly DecreedFamily[],
): NewEntitlement[] {
  return components.flatMap(({ component, amount }) =>
    families.map((family) => ({
      ref: entitlementRef(tahapId, component, family.familyId),
      component,
      amount,
      family,
    })),
  );
}

// --- Handing a card to its family ----------------------------------------------------------------

export type HandoverDecision =
  /** Record it: the card becomes DIBAGIKAN (a card not yet reported printed was printed all the same). */
  | { readonly kind: 'record' }
  /** Already handed over: a record sent again (an offline queue resent a week later) changes nothing. */
  | { readonly kind: 'unchanged'; readonly message: string }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string };

/**
 * Whether a relawan's "card handed to the family" record moves the family's card. A handover is a
 * fact about the family's current card: one already DIBAGIKAN is left as it is (the first handover
 * stands), a blocked or replaced one cannot be handed over, and a card number in the record, when
 * given, must be that card (a relawan holding the old card of a replaced family must not record it).
 */
export function handoverDecision(
  card: { readonly cardNumber: string; readonly status: CardStatus } | undefined,
  recordedNumber: string | undefined,
): HandoverDecision {
  if (!card) {
    return {
      kind: 'refused',
      code: 'KARTU_BELUM_ADA',
      message: 'Keluarga ini belum memiliki kartu (belum tercantum dalam SK penetapan yang berlaku).',
    };
  }
  if (recordedNumber !== undefined && recordedNumber !== card.cardNumber) {
    return {
      kind: 'refused',
      code: 'KARTU_BERBEDA',
      message:
        'Nomor kartu yang dicatat bukan kartu keluarga ini yang berlaku (mungkin kartu lama yang sudah diganti). Serahkan kartu yang berlaku.',
    };
  }
  if (card.status === 'DIBAGIKAN') {
    return {
      kind: 'unchanged',
      message: 'Penyerahan kartu ini sudah tercatat; catatan ini tidak mengubahnya.',
    };
  }
  if (!isCardActive(card.status)) {
    return {
      kind: 'refused',
      code: 'KARTU_TIDAK_AKTIF',
      message: `Kartu ini ${CARD_STATUS_LABEL[card.status]}; tidak dapat diserahkan.`,
    };
  }
  return { kind: 'record' };
}
