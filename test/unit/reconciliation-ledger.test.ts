import { describe, expect, it } from 'vitest';
import {
  type ExpectedPayment,
  type Finding,
  Ledger,
  type ObservedPayment,
} from '#shared/domain/reconciliation.ts';

const decree = (n: number, status: 'ISSUED' | 'REVOKED' = 'ISSUED', year = 2026) => ({
  decreeId: `SK-62.03-${year}-S${n}`,
  number: `188.44/${n}/${year}`,
  year,
  seq: n,
  proposalId: `62.03-${year}-S${n}`,
  region: '62.03',
  period: `${year}-S${n}`,
  status,
});

/** Feeds the lines, collecting the findings each makes by itself, then the per-recipient ones. */
function reconcile(ledger: Ledger, lines: readonly ObservedPayment[]): Finding[] {
  const own = lines.flatMap((line) => ledger.addPayment(line) ?? []);
  return [...ledger.findings(), ...own];
}

const person = (i: number, amount = 1_800_000): ExpectedPayment => ({
  recipientId: `list.${i}`,
  noRekening: `10000000${i}`,
  nik: `620301120385000${i}`,
  nama: `Warga ${i}`,
  amount,
});

let ref = 0;
const paid = (who: ExpectedPayment, extra: Partial<ObservedPayment> = {}): ObservedPayment => ({
  bankRef: `TRX${++ref}`,
  noRekening: who.noRekening,
  nik: who.nik,
  nama: who.nama,
  amount: who.amount,
  status: 'BERHASIL',
  transactionDate: '2026-07-01',
  ...extra,
});

const kinds = (findings: Iterable<Finding>) =>
  [...findings].map((f) => [f.kind, f.recipientId ?? f.noRekening]);

describe('Ledger: each kind of discrepancy on a crafted report', () => {
  it('finds nothing on a clean report, and calls the decree fully paid', () => {
    const ledger = new Ledger([decree(1)]);
    const people = [person(1), person(2), person(3)];
    for (const p of people) ledger.addExpected(decree(1).decreeId, p);
    expect(
      kinds(
        reconcile(
          ledger,
          people.map((p) => paid(p)),
        ),
      ),
    ).toEqual([]);
    expect(ledger.summaries()).toEqual([
      expect.objectContaining({
        recipients: 3,
        paid: 3,
        paidAmount: 5_400_000,
        expectedAmount: 5_400_000,
        fullyPaid: true,
      }),
    ]);
  });

  it('not paid, failed, amount differs, paid twice, unknown payee, paid under a revoked decree', () => {
    const ledger = new Ledger([decree(1), decree(2, 'REVOKED')]);
    const [a, b, c, d, e] = [person(1), person(2), person(3), person(4), person(5)];
    for (const p of [a, b, c, d]) ledger.addExpected(decree(1).decreeId, p);
    const revokedOnly = person(6);
    ledger.addExpected(decree(2).decreeId, revokedOnly);
    // a: nothing. b: GAGAL only. c: wrong amount. d: twice. e: not in any decree. revokedOnly: paid.
    const findings = reconcile(ledger, [
      paid(b, { status: 'GAGAL' }),
      paid(c, { amount: 1_500_000 }),
      paid(d),
      paid(d),
      paid(e),
      paid(revokedOnly),
      // A failed attempt to someone unknown moved no money: not a finding.
      paid(person(7), { status: 'GAGAL' }),
    ]);
    expect(kinds(findings)).toEqual([
      ['NOT_PAID', 'list.1'],
      ['FAILED', 'list.2'],
      ['AMOUNT_DIFFERS', 'list.3'],
      ['PAID_TWICE', 'list.4'],
      ['UNKNOWN_PAYEE', e.noRekening],
      ['PAID_UNDER_REVOKED', 'list.6'],
    ]);
    const [summary] = ledger.summaries();
    expect(summary).toMatchObject({
      notPaid: 1,
      failed: 1,
      amountDiffers: 1,
      paidTwice: 1,
      paid: 0,
      fullyPaid: false,
    });
    expect(ledger.summaries()).toHaveLength(1); // the revoked decree is not "in force"
  });

  it('a failed attempt followed by a successful one is paid', () => {
    const ledger = new Ledger([decree(1)]);
    const a = person(1);
    ledger.addExpected(decree(1).decreeId, a);
    expect(kinds(reconcile(ledger, [paid(a, { status: 'GAGAL' }), paid(a)]))).toEqual([]);
  });

  it('reports a payment to another account than the decree’s (matched by NIK) and never counts it as paid', () => {
    const ledger = new Ledger([decree(1)]);
    const a = person(1);
    ledger.addExpected(decree(1).decreeId, a);
    const findings = reconcile(ledger, [paid(a, { noRekening: '9990001234' })]);
    expect(findings.map((f) => [f.kind, f.recipientId, f.paidAmount])).toEqual([
      ['NOT_PAID', 'list.1', 0],
      ['ACCOUNT_DIFFERS', 'list.1', 1_800_000],
    ]);
    expect(findings[1]?.detail).toContain('…1234');
    expect(findings[1]?.detail).not.toContain('9990001234');
    expect(ledger.summaries()[0]).toMatchObject({ paid: 0, fullyPaid: false });
  });

  it('orders decrees by year, then number: 188.44/12/2025 before 188.44/3/2026', () => {
    const older = decree(12, 'ISSUED', 2025);
    const newer = decree(3, 'ISSUED', 2026);
    const ledger = new Ledger([newer, older]);
    const a = person(1);
    ledger.addExpected(older.decreeId, a);
    ledger.addExpected(newer.decreeId, a);
    reconcile(ledger, [paid(a)]);
    expect(ledger.summaries().map((s) => [s.number, s.paid])).toEqual([
      ['188.44/12/2025', 1],
      ['188.44/3/2026', 0],
    ]);
  });

  it('pays the earliest unpaid decree when one account is in two, unless the line names its SK', () => {
    const ledger = new Ledger([decree(2), decree(1)]);
    const a = person(1);
    ledger.addExpected(decree(1).decreeId, a);
    ledger.addExpected(decree(2).decreeId, a);
    reconcile(ledger, [paid(a, { nomorSk: '188.44/2/2026' })]);
    expect(ledger.summaries().map((s) => [s.number, s.paid])).toEqual([
      ['188.44/1/2026', 0],
      ['188.44/2/2026', 1],
    ]);
    reconcile(ledger, [paid(a)]);
    expect(ledger.summaries().map((s) => [s.number, s.paid])).toEqual([
      ['188.44/1/2026', 1],
      ['188.44/2/2026', 1],
    ]);
  });

  it('ignores KPM cash lines (a KHBS instruction reference, any case): never an unknown payee in the BKK run', () => {
    const ledger = new Ledger([decree(1)]);
    const a = person(1);
    ledger.addExpected(decree(1).decreeId, a);
    const stranger = person(8);
    const findings = reconcile(ledger, [
      paid(stranger, { bankRef: 'KHBS-2026-1-T-ABCDEFGHJKMN-1', amount: 250_000 }),
      paid(stranger, { bankRef: 'khbs-2026-1-t-abcdefghjkmn-2', amount: 250_000 }),
      // Even on a BKK recipient's own account: a KHBS reference is the family programme's payment.
      paid(a, { bankRef: 'KHBS-2026-2-T-ABCDEFGHJKMN-1', amount: 250_000 }),
      paid(a),
    ]);
    expect(kinds(findings)).toEqual([]);
    expect(ledger.paymentLines).toBe(4);
    expect(ledger.ignoredLines).toBe(3);
    expect(ledger.summaries()[0]).toMatchObject({ paid: 1, paidAmount: 1_800_000, fullyPaid: true });
  });

  it('a reference that only looks like a KHBS one is a BKK line like any other', () => {
    const ledger = new Ledger([decree(1)]);
    const stranger = person(8);
    const findings = reconcile(ledger, [paid(stranger, { bankRef: 'KHBS-2026-1-T-ABC-1' })]);
    expect(kinds(findings)).toEqual([['UNKNOWN_PAYEE', stranger.noRekening]]);
    expect(ledger.ignoredLines).toBe(0);
  });

  it('gives the same result for the same inputs', () => {
    const run = () => {
      const ledger = new Ledger([decree(1)]);
      for (let i = 1; i <= 20; i++) ledger.addExpected(decree(1).decreeId, person(i));
      ref = 0;
      const lines = [];
      for (let i = 1; i <= 20; i += 2) lines.push(paid(person(i), { amount: i % 3 === 0 ? 1 : 1_800_000 }));
      return { findings: reconcile(ledger, lines), summaries: ledger.summaries() };
    };
    expect(run()).toEqual(run());
  });
});

describe('Ledger: each recipient judged on what they received net, as a bank pays', () => {
  const setup = () => {
    const ledger = new Ledger([decree(1)]);
    const people = [person(1), person(2), person(3), person(4), person(5), person(6)];
    for (const p of people) ledger.addExpected(decree(1).decreeId, p);
    return { ledger, people };
  };

  it('a shortfall made up by a second transfer is TOPPED_UP and counts as paid; two full transfers stay PAID_TWICE', () => {
    const { ledger, people } = setup();
    const [a, b, c, d, e, f] = people as [
      ExpectedPayment,
      ExpectedPayment,
      ExpectedPayment,
      ExpectedPayment,
      ExpectedPayment,
      ExpectedPayment,
    ];
    const findings = reconcile(ledger, [
      // a: 1,500,000 then the missing 300,000.
      paid(a, { amount: 1_500_000 }),
      paid(a, { amount: 300_000 }),
      // b: twice in full.
      paid(b),
      paid(b),
      // c: paid, then the same reference came back (RETUR after BERHASIL).
      paid(c, { bankRef: 'TRX-C', status: 'RETUR', history: ['BERHASIL'] }),
      // d: paid, and a return reported as a line of its own.
      paid(d),
      paid(d, { status: 'RETUR' }),
      // e: paid twice, one of them returned: received exactly once.
      paid(e),
      paid(e),
      paid(e, { status: 'RETUR' }),
      // f: failed first, then the same reference succeeded (GAGAL → BERHASIL).
      paid(f, { history: ['GAGAL'] }),
    ]);
    expect(kinds(findings)).toEqual([
      ['TOPPED_UP', 'list.1'],
      ['PAID_TWICE', 'list.2'],
      ['RETURNED', 'list.3'],
      ['RETURNED', 'list.4'],
    ]);
    const [summary] = ledger.summaries();
    expect(summary).toMatchObject({
      recipients: 6,
      paid: 3,
      toppedUp: 1,
      paidTwice: 1,
      returned: 2,
      fullyPaid: false,
    });
  });

  it('a decree paid in full only through top-ups is fully paid', () => {
    const ledger = new Ledger([decree(1)]);
    const a = person(1);
    ledger.addExpected(decree(1).decreeId, a);
    reconcile(ledger, [paid(a, { amount: 1_000_000 }), paid(a, { amount: 800_000 })]);
    expect(ledger.summaries()).toEqual([expect.objectContaining({ paid: 1, toppedUp: 1, fullyPaid: true })]);
  });

  it('transfers that add up to more than the decree are PAID_TWICE: an over-payment to recover', () => {
    const ledger = new Ledger([decree(1)]);
    const a = person(1);
    ledger.addExpected(decree(1).decreeId, a);
    const findings = reconcile(ledger, [paid(a, { amount: 1_500_000 }), paid(a, { amount: 500_000 })]);
    // Two transfers adding up to more than the decree: PAID_TWICE names the over-payment.
    expect(kinds(findings)).toEqual([['PAID_TWICE', 'list.1']]);
    expect([...ledger.findings()][0]).toMatchObject({ expectedAmount: 1_800_000, paidAmount: 2_000_000 });
  });
});
