import type { CardStatus } from '#shared/domain/family/distribution.ts';
import { normalizeCardNumber } from '#shared/domain/family/distribution.ts';
import type { Component } from '#shared/domain/family/tahap.ts';

/**
 * The KHBS card in words for the console: the public check's verdict, the printed code as people
 * type it, and the checks of the block/replace form before anything is sent. Pure (no DOM, no API).
 */

/** The printed code's letters (Crockford-like: no I, L, O, U), as `shared/domain/decree.ts` makes them. */
const CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/**
 * What someone typed from a card (`abcd efgh jkmn`, `ABCDEFGHJKMN`, an `O` for a zero) in the
 * printed form `ABCD-EFGH-JKMN`, by the API's own rules; undefined when it cannot be a code.
 * Kept here rather than imported: the decree module that holds the API's copy pulls the whole
 * province's place names into the first load.
 */
export function cardCodeFromInput(input: string): string | undefined {
  const plain = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (plain.length !== 12) return undefined;
  const code = `${plain.slice(0, 4)}-${plain.slice(4, 8)}-${plain.slice(8)}`;
  return CODE_PATTERN.test(code) ? code : undefined;
}

export type CardVerdict = {
  readonly tone: 'good' | 'bad';
  /** The verdict's headline in plain Indonesian. */
  readonly title: string;
};

/** The public check's answer as a verdict: genuine and active, blocked, replaced, or unknown. */
export function cardVerdict(
  answer:
    | { readonly kind: 'known'; readonly status: CardStatus; readonly active: boolean }
    | { readonly kind: 'unknown' },
): CardVerdict {
  if (answer.kind === 'unknown') return { tone: 'bad', title: 'Kartu tidak dikenal' };
  if (answer.active) return { tone: 'good', title: 'Kartu asli dan aktif' };
  if (answer.status === 'DIGANTI') {
    return { tone: 'bad', title: 'Kartu asli, tetapi sudah diganti dengan kartu baru' };
  }
  return { tone: 'bad', title: 'Kartu asli, tetapi diblokir' };
}

export type CardAction = 'block' | 'replace';

/**
 * Why the block/replace form cannot be sent yet (the API's own rules, checked before any request),
 * or the card number in its printed form and the trimmed reason when it can.
 */
export function cardActionInput(
  cardNumber: string,
  reason: string,
):
  | { readonly ok: true; readonly cardNumber: string; readonly reason: string }
  | { readonly ok: false; readonly problem: string } {
  if (cardNumber.trim() === '') return { ok: false, problem: 'Tuliskan nomor kartu.' };
  const number = normalizeCardNumber(cardNumber);
  if (number === undefined) {
    return {
      ok: false,
      problem:
        'Nomor kartu tidak sah: ditulis seperti HB-6203-0000123-4. Periksa lagi setiap angkanya; angka terakhir adalah angka pemeriksa.',
    };
  }
  const text = reason.trim();
  if (text.length < 5) return { ok: false, problem: 'Tuliskan alasannya (paling sedikit 5 karakter).' };
  if (text.length > 500) return { ok: false, problem: 'Alasan paling banyak 500 karakter.' };
  return { ok: true, cardNumber: number, reason: text };
}

/** The headline of a refused card action, by the API's status (its own message follows it). */
export function cardRefusalTitle(status: number): string {
  if (status === 404) return 'Kartu tidak tercatat';
  if (status === 409) return 'Status kartu tidak memungkinkan tindakan ini';
  if (status === 400) return 'Isian belum benar';
  if (status === 403) return 'Anda tidak berwenang atas kartu ini';
  return 'Tindakan ditolak';
}

/** One component's entitlements in a kabupaten's distribution. */
export interface ComponentTotal {
  readonly count: number;
  readonly amount: number;
}

/**
 * A distribution's entitlements by component (`TUNAI`, `PANGAN`: absent when the tahap has none of
 * it) and their Rupiah total, from the API's `byComponent` rows (none while it is still opening).
 */
export function componentTotals(
  rows:
    | readonly { readonly component: Component; readonly count: number; readonly amount: number }[]
    | undefined,
): { readonly byComponent: Partial<Record<Component, ComponentTotal>>; readonly total: number } {
  const byComponent: Partial<Record<Component, ComponentTotal>> = {};
  let total = 0;
  for (const row of rows ?? []) {
    const before = byComponent[row.component];
    byComponent[row.component] = {
      count: (before?.count ?? 0) + row.count,
      amount: (before?.amount ?? 0) + row.amount,
    };
    total += row.amount;
  }
  return { byComponent, total };
}
