/**
 * The money view for the finance office (BKAD) of the families' cash (issue #15): per tahap and
 * kabupaten, what was instructed to Bank Kalteng, what reached the families, what failed or came
 * back, what is still held for payments in progress, and the **balance to return to the regional
 * treasury account (RKUD)**. A pure fold over one fact per TUNAI entitlement (its amount, status,
 * and what reconciliation found), streamed: memory is one accumulator per tahap × kabupaten.
 *
 * Definitions (whole Rupiah; "remainder" of an entitlement = its amount minus what reached the
 * family net, never below 0):
 * - **instructed**: entitlements on at least one payment instruction, each counted once at its
 *   amount. This is what the province transfers to the bank for the tahap's kabupaten: a follow-up
 *   instruction pays from the money a failed or returned attempt left at the bank, so it is not a
 *   second transfer.
 * - **paid net**: what reached families, successful lines minus returned ones, over every
 *   instructed entitlement (an over-payment counts in full; `overpaid` shows it apart).
 * - **failed** / **returned**: GAGAL entitlements whose last attempt the bank reported failed /
 *   returned (RETUR), at their remainder; `returnedTotal` is every Rupiah that came back.
 * - **held** at the bank, not to be returned yet: `inFlight` (DIKIRIM / DIULANG, no outcome yet),
 *   `short` (paid less than the amount, waiting for a person's decision), and
 *   `awaitingReinstruction` (GAGAL, still to go on a follow-up: every GAGAL one until the tahap's
 *   distribution is closed or the entitlement is given up).
 * - **balance to return to the RKUD** = instructed − paid net − held. That is the remainder of
 *   the GAGAL entitlements given up (or of every GAGAL one once the distribution is closed), minus
 *   any over-payment (which left the bank and is to be recovered from the family's account). It can
 *   be negative only through over-payments.
 * - **notInstructed**: DITETAPKAN entitlements never on a file (e.g. waiting for an account): their
 *   money never left the RKUD and is not part of the balance.
 */
import type { AttemptOutcome } from '../reconciliation.ts';
import type { EntitlementStatus } from './distribution.ts';
import type { Component } from './tahap.ts';

/** What is known of one entitlement's money (the entitlement record after reconciliation). */
export interface PaymentFact {
  readonly tahapId: string;
  readonly region: string;
  readonly component: Component;
  readonly amount: number;
  readonly status: EntitlementStatus;
  /** Attempts instructed so far (0: never on a file). */
  readonly attempts: number;
  /** What the bank reported of the last attempt. */
  readonly lastOutcome?: AttemptOutcome | undefined;
  /** Net received (successful lines minus returned ones); 0 when nothing. */
  readonly paidAmount: number;
  /** Every Rupiah of it that came back (RETUR). */
  readonly returnedAmount: number;
  /** A GAGAL entitlement given up: it will not be re-instructed; its money goes back to the RKUD. */
  readonly givenUp?: boolean | undefined;
}

export interface Money {
  readonly count: number;
  readonly amount: number;
}

export interface FinanceRow {
  readonly tahapId: string;
  readonly region: string;
  /** Every TUNAI entitlement of the decree. */
  readonly entitlements: Money;
  readonly notInstructed: Money;
  readonly instructed: Money;
  /** count: DITERIMA entitlements; amount: paid net over every instructed entitlement. */
  readonly paid: Money;
  readonly failed: Money;
  readonly returned: Money;
  readonly returnedTotal: number;
  readonly inFlight: Money;
  readonly short: Money;
  readonly awaitingReinstruction: Money;
  readonly overpaid: Money;
  /** instructed − paid net − (inFlight + short + awaitingReinstruction). */
  readonly balanceToReturn: number;
}

export interface FinanceOptions {
  /**
   * The tahap's distribution is closed (tahap SELESAI): no follow-up is made any more, so every
   * GAGAL entitlement's remainder is to be returned.
   */
  readonly distributionClosed?: boolean | ((tahapId: string) => boolean);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends Money ? { count: number; amount: number } : T[K] };

const money = () => ({ count: 0, amount: 0 });

/** The fold: {@link add} each fact (any order), then {@link rows}. */
export class FinanceFold {
  private readonly sums = new Map<string, Mutable<FinanceRow>>();

  constructor(private readonly options: FinanceOptions = {}) {}

  add(fact: PaymentFact): void {
    if (fact.component !== 'TUNAI') return;
    const key = `${fact.tahapId}|${fact.region}`;
    let sum = this.sums.get(key);
    if (!sum) {
      sum = {
        tahapId: fact.tahapId,
        region: fact.region,
        entitlements: money(),
        notInstructed: money(),
        instructed: money(),
        paid: money(),
        failed: money(),
        returned: money(),
        returnedTotal: 0,
        inFlight: money(),
        short: money(),
        awaitingReinstruction: money(),
        overpaid: money(),
        balanceToReturn: 0,
      };
      this.sums.set(key, sum);
    }
    const bump = (target: { count: number; amount: number }, amount: number) => {
      target.count++;
      target.amount += amount;
    };
    bump(sum.entitlements, fact.amount);
    if (fact.attempts === 0 && fact.status === 'DITETAPKAN') {
      bump(sum.notInstructed, fact.amount);
      return;
    }
    bump(sum.instructed, fact.amount);
    sum.paid.amount += fact.paidAmount;
    sum.returnedTotal += fact.returnedAmount;
    const remainder = Math.max(fact.amount - fact.paidAmount, 0);
    if (fact.paidAmount > fact.amount) bump(sum.overpaid, fact.paidAmount - fact.amount);
    let held = 0;
    if (fact.status === 'DITERIMA') sum.paid.count++;
    else if (fact.status === 'GAGAL') {
      bump(fact.lastOutcome === 'RETUR' ? sum.returned : sum.failed, remainder);
      if (!fact.givenUp && !this.closed(fact.tahapId)) {
        bump(sum.awaitingReinstruction, remainder);
        held = remainder;
      }
    } else if (fact.paidAmount > 0) {
      // DIKIRIM / DIULANG with part of the amount paid: a short payment waiting for a decision.
      if (remainder > 0) bump(sum.short, remainder);
      held = remainder;
    } else {
      // DIKIRIM / DIULANG (or DITETAPKAN with an attempt on record): at the bank, outcome unknown.
      bump(sum.inFlight, remainder);
      held = remainder;
    }
    sum.balanceToReturn += fact.amount - fact.paidAmount - held;
  }

  /** One row per tahap × kabupaten, by tahap then kabupaten code. */
  rows(): FinanceRow[] {
    return [...this.sums.values()].sort(
      (a, b) =>
        a.tahapId.localeCompare(b.tahapId, 'en', { numeric: true }) || a.region.localeCompare(b.region),
    );
  }

  private closed(tahapId: string): boolean {
    const closed = this.options.distributionClosed;
    return typeof closed === 'function' ? closed(tahapId) : closed === true;
  }
}

/** The fold over `facts` at once. */
export function financeRows(facts: Iterable<PaymentFact>, options: FinanceOptions = {}): FinanceRow[] {
  const fold = new FinanceFold(options);
  for (const fact of facts) fold.add(fact);
  return fold.rows();
}

/** The province's total over rows (of one tahap, or several). */
export function financeTotal(rows: readonly FinanceRow[]): Omit<FinanceRow, 'tahapId' | 'region'> {
  const total = (pick: (row: FinanceRow) => Money): Money => ({
    count: rows.reduce((sum, row) => sum + pick(row).count, 0),
    amount: rows.reduce((sum, row) => sum + pick(row).amount, 0),
  });
  return {
    entitlements: total((row) => row.entitlements),
    notInstructed: total((row) => row.notInstructed),
    instructed: total((row) => row.instructed),
    paid: total((row) => row.paid),
    failed: total((row) => row.failed),
    returned: total((row) => row.returned),
    returnedTotal: rows.reduce((sum, row) => sum + row.returnedTotal, 0),
    inFlight: total((row) => row.inFlight),
    short: total((row) => row.short),
    awaitingReinstruction: total((row) => row.awaitingReinstruction),
    overpaid: total((row) => row.overpaid),
    balanceToReturn: rows.reduce((sum, row) => sum + row.balanceToReturn, 0),
  };
}
