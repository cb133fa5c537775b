import { describe, expect, it } from 'vitest';
import { validateBankRow } from '#shared/domain/bank-report.ts';
import { entitlementRef, instructionRef } from '#shared/domain/family/distribution.ts';
import { closedStatus, planFollowUp } from '#shared/domain/family/payments.ts';
import {
  type EntitlementOutcome,
  type ExpectedPayment,
  type Finding,
  Ledger,
  type LedgerDecree,
  type ObservedPayment,
} from '#shared/domain/reconciliation.ts';

const TAHAP = '2026-1';
const decree = (region = '62.03', status: 'ISSUED' | 'REVOKED' = 'ISSUED', seq = 21): LedgerDecree => ({
  decreeId: `SK-${region}-${TAHAP}-KPM`,
  number: `188.44/${seq}/2026`,
  year: 2026,
  seq,
  proposalId: `KPM-${region}-${TAHAP}`,
  region,
  period: TAHAP,
  status,
});

const CODES = 'ABCDEFGHJKMNPQRSTUVWXYZ234567';
const familyId = (i: number) => `KEL-ABCDEFGHJK${CODES[i] ?? 'Z'}${CODES[i + 1] ?? 'Z'}`;
const ACCOUNT = (i: number) => `77700000${String(i).padStart(2, '0')}`;

/** An instructed entitlement: attempts 1..n, each to the penerima's account unless told otherwise. */
const owed = (i: number, attempts = 1, accounts: readonly string[] = []): ExpectedPayment => {
  const ref = entitlementRef(TAHAP, 'TUNAI', familyId(i));
  const instructions = Array.from({ length: attempts }, (_, k) => ({
    attempt: k + 1,
    noRekening: accounts[k] ?? ACCOUNT(i),
  }));
  return {
    recipientId: ref,
    entitlementRef: ref,
    noRekening: instructions.at(-1)?.noRekening ?? ACCOUNT(i),
    nik: `620301410190${String(1000 + i)}`,
    nama: `Keluarga ${i}`,
    amount: 250_000,
    instructions,
  };
};

const line = (who: ExpectedPayment, attempt = 1, extra: Partial<ObservedPayment> = {}): ObservedPayment => ({
  bankRef: instructionRef(who.entitlementRef ?? '', attempt),
  noRekening: who.instructions?.[attempt - 1]?.noRekening ?? who.noRekening,
  nama: who.nama,
  amount: who.amount,
  status: 'BERHASIL',
  transactionDate: '2026-03-05',
  ...extra,
});

function run(expected: readonly ExpectedPayment[], lines: readonly ObservedPayment[], decrees = [decree()]) {
  const ledger = new Ledger(decrees, { kind: 'KPM', tahapIds: [TAHAP] });
  for (const e of expected) ledger.addExpected(decrees[0]?.decreeId ?? '', e);
  const own = lines.flatMap((l) => ledger.addPayment(l) ?? []);
  const findings: Finding[] = [...ledger.findings(), ...own];
  const outcomes = new Map<string, EntitlementOutcome>(
    [...ledger.entitlementOutcomes()].map((o) => [o.entitlementRef, o]),
  );
  return { ledger, findings, outcomes };
}

const kinds = (findings: readonly Finding[]) =>
  findings.map((f) => [f.kind, f.recipientId ?? f.bankRefs?.[0]]);

describe('KPM ledger: each entitlement closed by its instruction reference', () => {
  it('a clean report: every entitlement paid, DITERIMA, the decree fully paid', () => {
    const people = [owed(0), owed(1), owed(2)];
    const { findings, outcomes, ledger } = run(
      people,
      people.map((p) => line(p)),
    );
    expect(findings).toEqual([]);
    expect([...outcomes.values()].map((o) => [o.kind, o.status, o.lastAttempt])).toEqual([
      ['PAID', 'DITERIMA', { attempt: 1, outcome: 'BERHASIL' }],
      ['PAID', 'DITERIMA', { attempt: 1, outcome: 'BERHASIL' }],
      ['PAID', 'DITERIMA', { attempt: 1, outcome: 'BERHASIL' }],
    ]);
    expect(ledger.summaries()).toEqual([
      expect.objectContaining({ recipients: 3, paid: 3, paidAmount: 750_000, fullyPaid: true }),
    ]);
  });

  it('matches by reference only, in any case and padding, whatever the line’s NIK or SK says', () => {
    const a = owed(0);
    const { findings, outcomes } = run(
      [a],
      [
        line(a, 1, {
          bankRef: `  ${instructionRef(a.entitlementRef ?? '', 1).toLowerCase()} `,
          nik: '6201010101010001',
          nomorSk: '188.44/1/2025',
        }),
      ],
    );
    expect(findings).toEqual([]);
    expect(outcomes.get(a.entitlementRef ?? '')?.status).toBe('DITERIMA');
  });

  it('short, failed, returned after success, paid to an unknown account', () => {
    const [short, failed, returned, elsewhere] = [owed(0), owed(1), owed(2), owed(3)];
    const { findings, outcomes } = run(
      [short, failed, returned, elsewhere],
      [
        line(short, 1, { amount: 200_000 }),
        line(failed, 1, { status: 'GAGAL' }),
        line(returned, 1, { status: 'RETUR', history: ['BERHASIL'] }),
        line(elsewhere, 1, { noRekening: '9990001234' }),
      ],
    );
    expect(kinds(findings)).toEqual([
      ['AMOUNT_DIFFERS', short.recipientId],
      ['FAILED', failed.recipientId],
      ['RETURNED', returned.recipientId],
      ['NOT_PAID', elsewhere.recipientId],
      ['ACCOUNT_DIFFERS', elsewhere.recipientId],
    ]);
    const account = findings.find((f) => f.kind === 'ACCOUNT_DIFFERS');
    expect(account?.detail).toContain('…1234');
    expect(account?.detail).not.toContain('9990001234');
    expect(account?.detail).not.toContain(ACCOUNT(3));
    const of = (e: ExpectedPayment) => outcomes.get(e.entitlementRef ?? '');
    // A short payment and a payment elsewhere wait for a person: no status, never re-instructed.
    expect(of(short)).toMatchObject({ kind: 'AMOUNT_DIFFERS', paidAmount: 200_000 });
    expect(of(short)?.status).toBeUndefined();
    expect(of(elsewhere)?.status).toBeUndefined();
    expect(of(failed)).toMatchObject({ status: 'GAGAL', lastAttempt: { attempt: 1, outcome: 'GAGAL' } });
    expect(of(returned)).toMatchObject({
      status: 'GAGAL',
      lastAttempt: { attempt: 1, outcome: 'RETUR' },
      paidAmount: 0,
      returnedAmount: 250_000,
    });
  });

  it('RETUR after BERHASIL reopens a DITERIMA entitlement and puts it on the follow-up', () => {
    const a = owed(0);
    const first = run([a], [line(a)]).outcomes.get(a.entitlementRef ?? '');
    expect(closedStatus('DIKIRIM', first ?? {})).toBe('DITERIMA');
    const later = run([a], [line(a, 1, { status: 'RETUR', history: ['BERHASIL'] })]).outcomes.get(
      a.entitlementRef ?? '',
    );
    expect(closedStatus('DITERIMA', later ?? {})).toBe('GAGAL');
    const plan = planFollowUp(
      {
        ref: a.entitlementRef ?? '',
        tahapId: TAHAP,
        component: 'TUNAI',
        region: '62.03',
        amount: a.amount,
        status: 'GAGAL',
        nomorSk: '188.44/21/2026',
        penerimaNik: a.nik,
        penerimaNama: a.nama,
        lastAttempt: later?.lastAttempt,
      },
      { nik: a.nik, status: 'AKTIF', noRekening: ACCOUNT(0) },
      { tahapId: TAHAP, region: '62.03' },
    );
    expect(plan).toMatchObject({
      kind: 'LINE',
      attempt: 2,
      line: { ref: instructionRef(a.entitlementRef ?? '', 2) },
    });
  });

  it('a re-instructed entitlement is not paid yet while its new attempt is at the bank, and paid when it succeeds', () => {
    const a = owed(0, 2, [ACCOUNT(0), '8880001111']);
    const waiting = run([a], [line(a, 1, { status: 'GAGAL' })]);
    expect(kinds(waiting.findings)).toEqual([['NOT_PAID', a.recipientId]]);
    const outcome = waiting.outcomes.get(a.entitlementRef ?? '');
    expect(outcome?.status).toBeUndefined(); // DIULANG stays: never a third attempt while the second is out
    expect(outcome?.lastAttempt).toEqual({ attempt: 2 });
    const done = run([a], [line(a, 1, { status: 'GAGAL' }), line(a, 2)]);
    expect(done.findings).toEqual([]);
    expect(done.outcomes.get(a.entitlementRef ?? '')).toMatchObject({
      status: 'DITERIMA',
      lastAttempt: { attempt: 2, outcome: 'BERHASIL' },
      bankRefs: [instructionRef(a.entitlementRef ?? '', 1), instructionRef(a.entitlementRef ?? '', 2)],
    });
  });

  it('paid twice: attempt 1 reported paid after all (GAGAL → BERHASIL) and attempt 2 paid too', () => {
    const a = owed(0, 2);
    const { findings, outcomes } = run([a], [line(a, 1, { history: ['GAGAL'] }), line(a, 2)]);
    expect(kinds(findings)).toEqual([['PAID_TWICE', a.recipientId]]);
    expect(findings[0]).toMatchObject({ expectedAmount: 250_000, paidAmount: 500_000 });
    // The family received: DITERIMA; the over-payment is the finding's, to recover.
    expect(outcomes.get(a.entitlementRef ?? '')?.status).toBe('DITERIMA');
  });

  it('the second account of a re-instruction is checked against its own attempt', () => {
    const a = owed(0, 2, [ACCOUNT(0), '8880001111']);
    // Attempt 2 paid to attempt 1's account: not the instructed one.
    const { findings } = run([a], [line(a, 1, { status: 'GAGAL' }), line(a, 2, { noRekening: ACCOUNT(0) })]);
    expect(kinds(findings)).toEqual([
      ['NOT_PAID', a.recipientId],
      ['ACCOUNT_DIFFERS', a.recipientId],
    ]);
  });

  it('a KHBS reference matching no entitlement, or an attempt never instructed, is UNKNOWN_PAYEE and never counts', () => {
    const a = owed(0);
    const stranger = owed(9);
    const { findings, outcomes } = run(
      [a],
      [
        line(stranger),
        line(a, 3),
        // A failed line moved no money: not a finding.
        line(stranger, 1, { status: 'GAGAL' }),
        line(a, 4, { status: 'GAGAL' }),
      ],
    );
    expect(kinds(findings)).toEqual([
      ['NOT_PAID', a.recipientId],
      ['UNKNOWN_PAYEE', instructionRef(stranger.entitlementRef ?? '', 1)],
      ['UNKNOWN_PAYEE', a.recipientId],
    ]);
    expect(findings[1]?.detail).toContain('tidak cocok');
    expect(findings[2]?.detail).toContain('percobaan ke-3');
    expect(outcomes.get(a.entitlementRef ?? '')).toMatchObject({ kind: 'NOT_PAID', paidAmount: 0 });
  });

  it('ignores lines of another tahap and lines without a KHBS reference', () => {
    const a = owed(0);
    const otherTahap = instructionRef(entitlementRef('2026-2', 'TUNAI', familyId(0)), 1);
    const { findings, ledger } = run(
      [a],
      [line(a, 1, { bankRef: otherTahap }), line(a, 1, { bankRef: 'TRX20260305001' }), line(a)],
    );
    expect(findings).toEqual([]);
    expect(ledger.paymentLines).toBe(3);
    expect(ledger.ignoredLines).toBe(2);
  });

  it('a payment under a revoked decree is reported and never counts', () => {
    const a = owed(0);
    const { findings, outcomes } = run([a], [line(a)], [decree('62.03', 'REVOKED')]);
    expect(kinds(findings)).toEqual([['PAID_UNDER_REVOKED', a.recipientId]]);
    expect(outcomes.size).toBe(0);
  });

  it('refuses an expected payment without its entitlement, or the same entitlement twice', () => {
    const ledger = new Ledger([decree()], { kind: 'KPM', tahapIds: [TAHAP] });
    const a = owed(0);
    expect(() => ledger.addExpected(decree().decreeId, { ...a, entitlementRef: undefined })).toThrow(
      /entitlement/,
    );
    ledger.addExpected(decree().decreeId, a);
    expect(() =>
      ledger.addExpected(decree().decreeId, { ...a, entitlementRef: a.entitlementRef?.toLowerCase() }),
    ).toThrow(/twice/);
  });

  it('reads the bank report’s own spellings: amounts with dots and commas, a lowercase padded reference', () => {
    const [a, b] = [owed(0), owed(1)];
    const rows = [
      {
        ref: ` ${instructionRef(a.entitlementRef ?? '', 1).toLowerCase()} `,
        jumlah: 'Rp 250.000,00',
        account: ACCOUNT(0),
      },
      { ref: instructionRef(b.entitlementRef ?? '', 1), jumlah: '250,000.00', account: `'${ACCOUNT(1)}` },
    ].map(({ ref, jumlah, account }) => {
      const { payment, errors } = validateBankRow({
        no_referensi: ref,
        no_rekening: account,
        nama: 'KELUARGA',
        jumlah,
        status: 'sukses',
        tanggal_transaksi: '05/03/2026',
      });
      expect(errors).toEqual([]);
      if (!payment) throw new Error('no payment');
      return payment;
    });
    const { findings, outcomes } = run([a, b], rows);
    expect(findings).toEqual([]);
    expect([...outcomes.values()].map((o) => [o.status, o.paidAmount])).toEqual([
      ['DITERIMA', 250_000],
      ['DITERIMA', 250_000],
    ]);
  });

  it('one reference stored twice in two spellings counts twice: PAID_TWICE, for a person to check', () => {
    // The bank report import keeps a reference's case, so two spellings are two stored lines.
    const a = owed(0);
    const ref = instructionRef(a.entitlementRef ?? '', 1);
    const { findings } = run([a], [line(a, 1, { bankRef: ref }), line(a, 1, { bankRef: ref.toLowerCase() })]);
    expect(findings.map((f) => [f.kind, f.bankRefs])).toEqual([['PAID_TWICE', [ref, ref.toLowerCase()]]]);
  });

  it('summarises per kabupaten decree', () => {
    const decrees = [decree('62.03', 'ISSUED', 21), decree('62.71', 'ISSUED', 22)];
    const ledger = new Ledger(decrees, { kind: 'KPM', tahapIds: [TAHAP] });
    const [a, b] = [owed(0), owed(1)];
    ledger.addExpected(decrees[0]?.decreeId ?? '', a);
    ledger.addExpected(decrees[1]?.decreeId ?? '', b);
    ledger.addPayment(line(a));
    ledger.addPayment(line(b, 1, { status: 'GAGAL' }));
    expect(ledger.summaries().map((s) => [s.region, s.paid, s.failed, s.fullyPaid])).toEqual([
      ['62.03', 1, 0, true],
      ['62.71', 0, 1, false],
    ]);
  });
});
