/**
 * Reconciliation as plain rules: what each decree in force says should be paid, against what the
 * bank reports as paid. No AWS here: the job (`functions/reconcile/`) streams the decrees' lists and
 * the payment lines through a {@link Ledger} and writes what it yields.
 *
 * Matching a payment line to a recipient: by the decree number on the line when the bank gives one,
 * else among every decree in force; by account number. A line whose account is in no decree but
 * whose NIK is matches that recipient only to be reported (ACCOUNT_DIFFERS): money that went to
 * another account never counts as paid. When one account is in several decrees (the same officer in
 * two periods), the line pays the earliest decree (by number order: year, then sequence) where that
 * recipient is not paid yet. Lines are processed in a stable order, so the same inputs always give
 * the same result.
 *
 * What is stuck or lost in the pipeline (proposals, S3 events, decree PDFs) is not the ledger's: the
 * watchdog (`shared/domain/watchdog.ts`) reports it, on its own schedule.
 *
 * The same ledger reconciles the families' cash (KPM TUNAI, issue #15) in a run of its own
 * ({@link LedgerScope} `KPM`): each expected payment is an entitlement, with the attempts the
 * payment instructions made of it; a bank line carries the instruction's reference
 * (`KHBS-2026-1-T-ABCDEFGHJKMN-2`, any case, `parseInstructionRef`) and goes to that entitlement and
 * attempt directly, with no account or NIK guessing; the account on the line must be the one that
 * attempt instructed. A BKK run ignores lines with a KHBS instruction reference and a KPM run every
 * other line, so neither reports the other's payments as UNKNOWN_PAYEE.
 */
import { instructionRef, parseInstructionRef } from './family/distribution.ts';

export const FINDING_KINDS = [
  'NOT_PAID',
  'FAILED',
  'AMOUNT_DIFFERS',
  'PAID_TWICE',
  'TOPPED_UP',
  'RETURNED',
  'ACCOUNT_DIFFERS',
  'UNKNOWN_PAYEE',
  'PAID_UNDER_REVOKED',
  'DECREE_LIST_INCOMPLETE',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** What each kind means, in the words of the report's readers. */
export const FINDING_LABEL: Record<FindingKind, string> = {
  NOT_PAID: 'Belum dibayar',
  FAILED: 'Gagal di bank',
  AMOUNT_DIFFERS: 'Jumlah dibayar berbeda dari SK',
  PAID_TWICE: 'Dibayar lebih dari sekali',
  TOPPED_UP: 'Kekurangan dibayar susulan: lunas dalam lebih dari satu transfer',
  RETURNED: 'Dana dikembalikan (retur) sehingga penerima belum menerima',
  ACCOUNT_DIFFERS: 'Dibayar ke rekening lain dari yang tercantum dalam SK (cocok hanya menurut NIK)',
  DECREE_LIST_INCOMPLETE: 'Daftar penerima SK tidak lengkap terbaca',
  UNKNOWN_PAYEE: 'Dibayar ke rekening/NIK yang tidak ada dalam SK yang berlaku',
  PAID_UNDER_REVOKED: 'Dibayar berdasarkan SK yang telah dicabut',
};

/**
 * The decrees the BKK reconciliation reads: BKK ones only. A KPM decree (issue #14) fixes families,
 * whose payments (tunai by the bank, pangan by BULOG) are reconciled on their own (the next issue):
 * its families are neither expected in the bank's BKK report nor a reason to flag a payment.
 */
export const reconciledDecrees = <T extends { readonly kind?: string | undefined }>(
  decrees: readonly T[],
): T[] => decrees.filter((decree) => (decree.kind ?? 'BKK') === 'BKK');

export interface LedgerDecree {
  readonly decreeId: string;
  readonly number: string;
  /** Year and sequence of the number: the order decrees were given in. */
  readonly year: number;
  readonly seq: number;
  readonly proposalId: string;
  readonly region: string;
  readonly period: string;
  readonly status: 'ISSUED' | 'REVOKED';
}

/** One recipient of a decree and what the decree says they are paid. */
export interface ExpectedPayment {
  readonly recipientId: string;
  /** The account the recipient is paid to (KPM: the account of the last attempt). */
  readonly noRekening: string;
  readonly nik: string;
  readonly nama: string;
  readonly amount: number;
  /** KPM only: the entitlement (`entitlementRef`), whose instruction references the bank quotes. */
  readonly entitlementRef?: string | undefined;
  /** KPM only: every attempt instructed for the entitlement, and the account each went to. */
  readonly instructions?: readonly InstructedAttempt[] | undefined;
}

/** One line of a payment instruction, as the entitlement recorded it (`sentStatus`). */
export interface InstructedAttempt {
  readonly attempt: number;
  readonly noRekening: string;
}

/**
 * Which payments a ledger reconciles: BKK (decrees' recipients, matched by SK number, account and
 * NIK; lines with a KHBS instruction reference are not theirs and are ignored), or the KPM cash of
 * the given tahap (lines matched by their KHBS reference only; a line without one, or with one of
 * another tahap, is ignored). A KPM ledger should hold every entitlement of its tahap that was
 * instructed: the reference names the family, not the kabupaten, so a line of a kabupaten left out
 * would be UNKNOWN_PAYEE.
 */
export type LedgerScope =
  | { readonly kind: 'BKK' }
  | { readonly kind: 'KPM'; readonly tahapIds: readonly string[] };

/** A bank outcome of one instructed attempt. */
export type AttemptOutcome = 'BERHASIL' | 'GAGAL' | 'RETUR';

/**
 * What reconciliation closes a KPM entitlement with, for the job to write back: `DITERIMA` (the
 * family received at least its amount, net), `GAGAL` (the last attempt failed or came back: it may
 * be re-instructed), or no status (`undefined`: the last attempt is still at the bank, or a short
 * or misdirected payment waits for a person's decision).
 */
export interface EntitlementOutcome {
  readonly entitlementRef: string;
  readonly recipientId: string;
  readonly decreeNumber: string;
  readonly region: string;
  readonly kind: FindingKind | 'PAID';
  readonly status?: 'DITERIMA' | 'GAGAL' | undefined;
  /** The last attempt instructed, and what the bank reported of it. */
  readonly lastAttempt?:
    | { readonly attempt: number; readonly outcome?: AttemptOutcome | undefined }
    | undefined;
  readonly expectedAmount: number;
  /** Net: successful lines minus returned ones. */
  readonly paidAmount: number;
  /** What came back (RETUR), in total. */
  readonly returnedAmount: number;
  readonly bankRefs: readonly string[];
}

/** One line of a bank report, as stored. */
export interface ObservedPayment {
  readonly bankRef: string;
  readonly noRekening: string;
  readonly nik?: string | undefined;
  readonly nama: string;
  readonly amount: number;
  /** RETUR: the money came back (a later status of a successful line, or a line of its own). */
  readonly status: 'BERHASIL' | 'GAGAL' | 'RETUR';
  /**
   * Statuses the same bank reference had before this one, oldest first: a RETUR whose history holds
   * BERHASIL undoes that line's own credit; a RETUR line of its own takes money back.
   */
  readonly history?: readonly ('BERHASIL' | 'GAGAL' | 'RETUR')[] | undefined;
  readonly transactionDate: string;
  readonly nomorSk?: string | undefined;
}

/** A line of the report: one discrepancy. Recipient fields are absent for decree-level findings. */
export interface Finding {
  readonly kind: FindingKind;
  readonly decreeNumber?: string | undefined;
  readonly region?: string | undefined;
  readonly period?: string | undefined;
  readonly proposalId?: string | undefined;
  readonly recipientId?: string | undefined;
  readonly nama?: string | undefined;
  readonly nik?: string | undefined;
  readonly noRekening?: string | undefined;
  readonly expectedAmount?: number | undefined;
  readonly paidAmount?: number | undefined;
  readonly bankRefs?: readonly string[] | undefined;
  readonly detail?: string | undefined;
}

export interface DecreeSummary {
  readonly decreeId: string;
  readonly number: string;
  readonly proposalId: string;
  readonly region: string;
  readonly period: string;
  readonly recipients: number;
  readonly expectedAmount: number;
  readonly paid: number;
  readonly paidAmount: number;
  readonly notPaid: number;
  readonly failed: number;
  readonly amountDiffers: number;
  readonly paidTwice: number;
  /** Paid in full over more than one transfer (a shortfall made up): counted in `paid` too. */
  readonly toppedUp: number;
  readonly returned: number;
  /** Every recipient received exactly the decree's amount, net: the proposal may move to DISBURSED. */
  readonly fullyPaid: boolean;
}

interface Entry extends ExpectedPayment {
  readonly decree: number;
  /** Net: successful lines minus returned ones. */
  paidAmount: number;
  /** Successful lines that still stand (not returned). */
  paidCount: number;
  /** Of those, lines for less than the decree's amount (parts of a top-up). */
  partialCount: number;
  returnedCount: number;
  returnedAmount: number;
  failedCount: number;
  refs: string[];
  /** KPM: each instructed attempt, its account, and the bank's last word on it. */
  readonly attempts?: { readonly attempt: number; readonly noRekening: string; outcome?: AttemptOutcome }[];
}

/**
 * The expected payments of the decrees (in force and revoked) and the payment lines, matched.
 * Memory: one small entry per expected recipient and two indexes over them; payment lines are
 * streamed through and not kept (a finding keeps only its own line's reference).
 */
export class Ledger {
  private readonly decrees: readonly LedgerDecree[];
  private readonly byNumber = new Map<string, number>();
  private readonly entries: Entry[] = [];
  private readonly byAccount = new Map<string, Entry[]>();
  private readonly byNik = new Map<string, Entry[]>();
  /** KPM: entries by entitlement reference. */
  private readonly byEntitlement = new Map<string, Entry>();
  private readonly tahapIds: ReadonlySet<string>;
  private readonly scope: LedgerScope;
  private lines = 0;
  private ignored = 0;

  /**
   * `decrees` in the order a payment should go to when an account is in several: oldest first.
   * `scope`: BKK (the default) or the KPM cash of some tahap.
   */
  constructor(decrees: readonly LedgerDecree[], scope: LedgerScope = { kind: 'BKK' }) {
    this.scope = scope;
    this.tahapIds = new Set(scope.kind === 'KPM' ? scope.tahapIds : []);
    this.decrees = [...decrees].sort(
      (a, b) => a.year - b.year || a.seq - b.seq || a.decreeId.localeCompare(b.decreeId),
    );
    this.decrees.forEach((decree, index) => {
      this.byNumber.set(decree.number, index);
    });
  }

  addExpected(decreeId: string, expected: ExpectedPayment): void {
    const decree = this.decrees.findIndex((candidate) => candidate.decreeId === decreeId);
    if (decree < 0) throw new Error(`decree ${decreeId} is not in the ledger`);
    const { instructions, ...rest } = expected;
    const entry: Entry = {
      ...rest,
      decree,
      paidAmount: 0,
      paidCount: 0,
      partialCount: 0,
      returnedCount: 0,
      returnedAmount: 0,
      failedCount: 0,
      refs: [],
    };
    if (this.scope.kind === 'KPM') {
      const ref = expected.entitlementRef?.trim().toUpperCase();
      if (!ref) throw new Error(`KPM expected payment ${expected.recipientId} without its entitlement`);
      if (this.byEntitlement.has(ref)) throw new Error(`entitlement ${ref} is twice in the ledger`);
      const kpm: Entry = {
        ...entry,
        entitlementRef: ref,
        attempts: (instructions ?? []).map(({ attempt, noRekening }) => ({ attempt, noRekening })),
      };
      this.entries.push(kpm);
      this.byEntitlement.set(ref, kpm);
      return;
    }
    this.entries.push(entry);
    push(this.byAccount, expected.noRekening, entry);
    push(this.byNik, expected.nik, entry);
  }

  /**
   * Matches one payment line. Returns the finding the line makes on its own (paid to an unknown
   * account, under a revoked decree, to another account than the decree's), for the caller to write
   * at once; the per-recipient outcomes come from {@link findings} once every line is in.
   */
  addPayment(line: ObservedPayment): Finding | undefined {
    this.lines++;
    const khbs = parseInstructionRef(line.bankRef);
    if (this.scope.kind === 'KPM') {
      if (!khbs || !this.tahapIds.has(khbs.tahapId)) {
        this.ignored++;
        return undefined;
      }
      return this.addByReference(line, khbs.entitlementRef, khbs.attempt);
    }
    if (khbs) {
      // A KPM cash payment (issue #15): the KPM run's, never a BKK recipient's or an unknown payee.
      this.ignored++;
      return undefined;
    }
    const named = line.nomorSk === undefined ? undefined : this.byNumber.get(line.nomorSk.trim());
    const inScope = (entry: Entry) => named === undefined || entry.decree === named;
    const byAccount = (this.byAccount.get(line.noRekening) ?? []).filter(inScope);
    const byNik = byAccount.length === 0 && line.nik ? (this.byNik.get(line.nik) ?? []).filter(inScope) : [];
    const candidates = byAccount.length > 0 ? byAccount : byNik;
    const inForce = candidates.filter((entry) => this.decreeOf(entry).status === 'ISSUED');
    if (line.status === 'GAGAL' && (inForce.length === 0 || byAccount.length === 0)) {
      // A failed transfer moved no money: it only counts against a recipient it clearly belongs to.
      return undefined;
    }
    if (inForce.length === 0) {
      const revoked = candidates[0];
      return revoked
        ? {
            ...this.describe(revoked),
            kind: 'PAID_UNDER_REVOKED',
            paidAmount: line.amount,
            bankRefs: [line.bankRef],
            detail: `Dibayar ${line.transactionDate}`,
          }
        : {
            kind: 'UNKNOWN_PAYEE',
            nama: line.nama,
            nik: line.nik,
            noRekening: line.noRekening,
            paidAmount: line.amount,
            bankRefs: [line.bankRef],
            detail: `Dibayar ${line.transactionDate}${line.nomorSk ? ` dengan nomor SK ${line.nomorSk}` : ''}`,
          };
    }
    const entry = inForce.find((candidate) => candidate.paidCount === 0) ?? (inForce[0] as Entry);
    if (byAccount.length === 0) {
      // The NIK is the decree's, the account is not: reported, never counted as paid.
      return {
        ...this.describe(entry),
        kind: 'ACCOUNT_DIFFERS',
        expectedAmount: entry.amount,
        paidAmount: line.amount,
        bankRefs: [line.bankRef],
        detail: `Dibayar ${line.transactionDate} ke rekening ${maskTail(line.noRekening)}`,
      };
    }
    entry.refs.push(line.bankRef);
    if (line.status === 'BERHASIL') {
      entry.paidCount++;
      entry.paidAmount += line.amount;
      if (line.amount < entry.amount) entry.partialCount++;
    } else if (line.status === 'RETUR') {
      entry.returnedCount++;
      entry.returnedAmount += line.amount;
      // A successful line later returned credited nothing; a return of its own takes money back.
      if (!line.history?.includes('BERHASIL')) entry.paidAmount -= line.amount;
    } else {
      entry.failedCount++;
    }
    return undefined;
  }

  /**
   * A KPM line: to the entitlement and attempt its reference names. A reference of the tahap that
   * names no entitlement, or an attempt never instructed, is UNKNOWN_PAYEE; a successful or returned
   * line to another account than the attempt's is ACCOUNT_DIFFERS and never counts; a failed line
   * moved no money and only marks its attempt failed.
   */
  private addByReference(line: ObservedPayment, entitlement: string, attemptNo: number): Finding | undefined {
    const entry = this.byEntitlement.get(entitlement);
    const attempt = entry?.attempts?.find((candidate) => candidate.attempt === attemptNo);
    if (!entry || !attempt) {
      if (line.status === 'GAGAL') return undefined;
      const canonical = instructionRef(entitlement, attemptNo);
      return {
        ...(entry ? this.describe(entry) : {}),
        kind: 'UNKNOWN_PAYEE',
        ...(entry ? {} : { nama: line.nama, nik: line.nik, noRekening: line.noRekening }),
        paidAmount: line.amount,
        bankRefs: [line.bankRef],
        detail: entry
          ? `Referensi ${canonical} menyebut percobaan ke-${attemptNo} yang tidak pernah diinstruksikan; dibayar ${line.transactionDate} ke rekening ${maskTail(line.noRekening)}, tidak dihitung sebagai pembayaran`
          : `Referensi ${canonical} tidak cocok dengan hak mana pun; dibayar ${line.transactionDate}`,
      };
    }
    if (line.status === 'GAGAL') {
      entry.refs.push(line.bankRef);
      entry.failedCount++;
      if (attempt.outcome === undefined) attempt.outcome = 'GAGAL';
      return undefined;
    }
    if (this.decreeOf(entry).status !== 'ISSUED') {
      return {
        ...this.describe(entry),
        kind: 'PAID_UNDER_REVOKED',
        paidAmount: line.amount,
        bankRefs: [line.bankRef],
        detail: `Dibayar ${line.transactionDate}`,
      };
    }
    if (line.noRekening !== attempt.noRekening) {
      return {
        ...this.describe(entry),
        kind: 'ACCOUNT_DIFFERS',
        expectedAmount: entry.amount,
        paidAmount: line.amount,
        bankRefs: [line.bankRef],
        detail: `Dibayar ${line.transactionDate} ke rekening ${maskTail(line.noRekening)}, bukan rekening yang diinstruksikan (${maskTail(attempt.noRekening)})`,
      };
    }
    entry.refs.push(line.bankRef);
    if (line.status === 'BERHASIL') {
      attempt.outcome = 'BERHASIL';
      entry.paidCount++;
      entry.paidAmount += line.amount;
      if (line.amount < entry.amount) entry.partialCount++;
    } else {
      attempt.outcome = 'RETUR';
      entry.returnedCount++;
      entry.returnedAmount += line.amount;
      if (!line.history?.includes('BERHASIL')) entry.paidAmount -= line.amount;
    }
    return undefined;
  }

  /** How many payment lines went through {@link addPayment}. */
  get paymentLines(): number {
    return this.lines;
  }

  /** Of those, lines the ledger's scope does not reconcile (KPM lines in a BKK run, and vice versa). */
  get ignoredLines(): number {
    return this.ignored;
  }

  get expectedCount(): number {
    return this.entries.length;
  }

  /**
   * The outcome of every recipient of a decree in force that is not simply paid, in decree order. A
   * generator, so a report of any length is written as it goes.
   */
  *findings(): Generator<Finding> {
    for (const entry of this.entries) {
      const decree = this.decreeOf(entry);
      if (decree.status !== 'ISSUED') continue;
      const kind = outcomeOf(entry);
      // A top-up is reported (the reader sees why there are two transfers) but counts as paid.
      if (kind === 'PAID') continue;
      yield {
        ...this.describe(entry),
        kind,
        expectedAmount: entry.amount,
        paidAmount: entry.paidAmount,
        bankRefs: entry.refs,
      };
    }
  }

  /**
   * KPM: how reconciliation closes each entitlement of a decree in force ({@link EntitlementOutcome}),
   * in the order they were added. A generator, so the job writes them back as it goes.
   */
  *entitlementOutcomes(): Generator<EntitlementOutcome> {
    for (const entry of this.entries) {
      if (!entry.entitlementRef || !entry.attempts) continue;
      const decree = this.decreeOf(entry);
      if (decree.status !== 'ISSUED') continue;
      const kind = outcomeOf(entry);
      const last = latestAttempt(entry);
      let status: EntitlementOutcome['status'];
      let outcome = last?.outcome;
      if (kind === 'PAID' || kind === 'TOPPED_UP' || kind === 'PAID_TWICE') status = 'DITERIMA';
      else if (kind === 'FAILED') {
        status = 'GAGAL';
        outcome = 'GAGAL';
      } else if (kind === 'RETURNED') {
        status = 'GAGAL';
        outcome = 'RETUR';
      }
      yield {
        entitlementRef: entry.entitlementRef,
        recipientId: entry.recipientId,
        decreeNumber: decree.number,
        region: decree.region,
        kind,
        ...(status ? { status } : {}),
        ...(last ? { lastAttempt: { attempt: last.attempt, ...(outcome ? { outcome } : {}) } } : {}),
        expectedAmount: entry.amount,
        paidAmount: entry.paidAmount,
        returnedAmount: entry.returnedAmount,
        bankRefs: entry.refs,
      };
    }
  }

  /** Per decree in force: counts and amounts, and whether it is fully paid. */
  summaries(): DecreeSummary[] {
    const sums = this.decrees.map((decree) => ({
      decreeId: decree.decreeId,
      number: decree.number,
      proposalId: decree.proposalId,
      region: decree.region,
      period: decree.period,
      status: decree.status,
      recipients: 0,
      expectedAmount: 0,
      paid: 0,
      paidAmount: 0,
      notPaid: 0,
      failed: 0,
      amountDiffers: 0,
      paidTwice: 0,
      toppedUp: 0,
      returned: 0,
    }));
    for (const entry of this.entries) {
      const sum = sums[entry.decree];
      if (!sum) continue;
      sum.recipients++;
      sum.expectedAmount += entry.amount;
      sum.paidAmount += entry.paidAmount;
      const kind = outcomeOf(entry);
      if (kind === 'PAID' || kind === 'TOPPED_UP') sum.paid++;
      if (kind === 'TOPPED_UP') sum.toppedUp++;
      else if (kind === 'NOT_PAID') sum.notPaid++;
      else if (kind === 'FAILED') sum.failed++;
      else if (kind === 'AMOUNT_DIFFERS') sum.amountDiffers++;
      else if (kind === 'PAID_TWICE') sum.paidTwice++;
      else if (kind === 'RETURNED') sum.returned++;
    }
    return sums
      .filter((sum) => sum.status === 'ISSUED')
      .map(({ status: _status, ...sum }) => ({
        ...sum,
        fullyPaid: sum.recipients > 0 && sum.paid === sum.recipients,
      }));
  }

  private decreeOf(entry: Entry): LedgerDecree {
    const decree = this.decrees[entry.decree];
    if (!decree) throw new Error('ledger entry without its decree');
    return decree;
  }

  private describe(entry: Entry): Omit<Finding, 'kind'> {
    const decree = this.decreeOf(entry);
    return {
      decreeNumber: decree.number,
      region: decree.region,
      period: decree.period,
      proposalId: decree.proposalId,
      recipientId: entry.recipientId,
      nama: entry.nama,
      nik: entry.nik,
      noRekening: entry.noRekening,
    };
  }
}

/**
 * A recipient judged on what they received net (successful lines minus returned ones) against the
 * decree: exactly the amount in one transfer is PAID, in several parts TOPPED_UP (paid); more than
 * the amount in two or more transfers is PAID_TWICE; nothing left after a return is RETURNED.
 */
function outcomeOf(entry: Entry): FindingKind | 'PAID' {
  const net = entry.paidAmount;
  // KPM: nothing received yet and the last attempt still at the bank: not paid yet, whatever an
  // earlier attempt did (it failed, which is why the last one was made).
  if (
    entry.attempts &&
    net <= 0 &&
    entry.attempts.length > 0 &&
    latestAttempt(entry)?.outcome === undefined
  ) {
    return 'NOT_PAID';
  }
  if (entry.returnedCount > 0 && net <= 0) return 'RETURNED';
  if (entry.paidCount === 0) return entry.failedCount > 0 ? 'FAILED' : 'NOT_PAID';
  if (net === entry.amount) return entry.paidCount > 1 && entry.partialCount > 0 ? 'TOPPED_UP' : 'PAID';
  if (net > entry.amount && entry.paidCount > 1) return 'PAID_TWICE';
  return 'AMOUNT_DIFFERS';
}

function latestAttempt(entry: Entry): NonNullable<Entry['attempts']>[number] | undefined {
  let latest: NonNullable<Entry['attempts']>[number] | undefined;
  for (const attempt of entry.attempts ?? [])
    if (!latest || attempt.attempt > latest.attempt) latest = attempt;
  return latest;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `…0123`: enough of an account to tell it apart in a report, never the whole number. */
const maskTail = (account: string): string => `…${account.slice(-4)}`;
