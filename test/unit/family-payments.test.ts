import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RecordedAccount } from '#shared/domain/family/accounts.ts';
import { entitlementRef, instructionRef } from '#shared/domain/family/distribution.ts';
import {
  CONTROL_COLUMNS,
  closedStatus,
  controlFileText,
  type EntitlementForInstruction,
  INSTRUCTION_COLUMNS,
  type InstructionFileMeta,
  InstructionFileWriter,
  type InstructionLine,
  instructionFileId,
  planFirstInstruction,
  planFollowUp,
  sentStatus,
} from '#shared/domain/family/payments.ts';

const TAHAP = '2026-1';
const FILE = { tahapId: TAHAP, region: '62.03' };
const SK = '188.44/21/2026';
const family = (i: number) => `KEL-${'ABCDEFGHJKM'}${'NPQRSTUVWXYZ'[i] ?? 'Z'}`;

const entitlement = (
  i: number,
  extra: Partial<EntitlementForInstruction> = {},
): EntitlementForInstruction => ({
  ref: entitlementRef(TAHAP, 'TUNAI', family(i)),
  tahapId: TAHAP,
  component: 'TUNAI',
  region: '62.03',
  amount: 250_000,
  status: 'DITETAPKAN',
  nomorSk: SK,
  penerimaNik: `620301410190000${i + 1}`,
  penerimaNama: `Warga ${i}`,
  ...extra,
});

const account = (no = '0123456789012'): RecordedAccount => ({
  nik: '6203014101900001',
  status: 'AKTIF',
  noRekening: no,
});

const meta = (extra: Partial<InstructionFileMeta> = {}): InstructionFileMeta => ({
  fileId: instructionFileId(TAHAP, '62.03', 1),
  kind: 'AWAL',
  tahapId: TAHAP,
  region: '62.03',
  regionName: 'Kapuas',
  skNumbers: [SK],
  createdAt: '2026-03-02T01:00:00.000Z',
  ...extra,
});

const lineOf = (plan: ReturnType<typeof planFirstInstruction>): InstructionLine => {
  if (plan.kind !== 'LINE') throw new Error(`not a line: ${plan.kind}`);
  return plan.line;
};

describe('which entitlements go on the first instruction', () => {
  it('a DITETAPKAN entitlement with an open account: attempt 1, to that account', () => {
    const plan = planFirstInstruction(entitlement(0), account(), FILE);
    expect(plan).toEqual({
      kind: 'LINE',
      attempt: 1,
      line: {
        noRekening: '0123456789012',
        nik: '6203014101900001',
        nama: 'Warga 0',
        amount: 250_000,
        ref: `${entitlementRef(TAHAP, 'TUNAI', family(0))}-1`,
        nomorSk: SK,
      },
    });
  });

  it('without an account it waits, listed back with a masked NIK (never silently dropped)', () => {
    for (const recorded of [
      undefined,
      { nik: 'x', status: 'GAGAL' } as const,
      { nik: 'x', status: 'DIAJUKAN' } as const,
    ]) {
      const plan = planFirstInstruction(entitlement(0), recorded, FILE);
      expect(plan.kind).toBe('WAITING_ACCOUNT');
      if (plan.kind !== 'WAITING_ACCOUNT') continue;
      expect(plan.ref).toBe(entitlement(0).ref);
      expect(plan.message).toContain('620301******0001');
      expect(plan.message).not.toContain('6203014101900001');
    }
  });

  it('skips what is not this file’s or not DITETAPKAN', () => {
    const reasons = [
      entitlement(0, { status: 'DIKIRIM' }),
      entitlement(0, { status: 'DIULANG' }),
      entitlement(0, { status: 'DITERIMA' }),
      entitlement(0, { status: 'GAGAL' }),
      entitlement(0, { component: 'PANGAN' }),
      entitlement(0, { tahapId: '2026-2' }),
      entitlement(0, { region: '62.01' }),
      entitlement(0, { amount: 0 }),
    ].map((e) => {
      const plan = planFirstInstruction(e, account(), FILE);
      return plan.kind === 'SKIPPED' ? plan.reason : plan.kind;
    });
    expect(reasons).toEqual([
      'SUDAH_DIKIRIM',
      'SUDAH_DIKIRIM',
      'SUDAH_DITERIMA',
      'BELUM_GAGAL',
      'BUKAN_TUNAI',
      'TAHAP_LAIN',
      'KABUPATEN_LAIN',
      'JUMLAH_TIDAK_SAH',
    ]);
  });

  it('a re-sent (or re-written) instruction never yields a second attempt', () => {
    const first = lineOf(planFirstInstruction(entitlement(0), account(), FILE));
    // Written again before the status moved (a crash): the very same reference.
    expect(lineOf(planFirstInstruction(entitlement(0), account(), FILE)).ref).toBe(first.ref);
    // Once sent, neither a first instruction nor a follow-up takes it while it is at the bank.
    const plan = planFirstInstruction(entitlement(0), account(), FILE);
    if (plan.kind !== 'LINE') throw new Error('no line');
    const sent = sentStatus('AWAL', plan, 'F1');
    expect(sent).toEqual({
      status: 'DIKIRIM',
      expectedStatus: 'DITETAPKAN',
      attempt: { attempt: 1, noRekening: '0123456789012', fileId: 'F1' },
    });
    const inFlight = entitlement(0, { status: sent.status, lastAttempt: { attempt: 1 } });
    expect(planFirstInstruction(inFlight, account(), FILE)).toMatchObject({
      kind: 'SKIPPED',
      reason: 'SUDAH_DIKIRIM',
    });
    expect(planFollowUp(inFlight, account(), FILE)).toMatchObject({
      kind: 'SKIPPED',
      reason: 'SUDAH_DIKIRIM',
    });
  });
});

describe('which entitlements go on a follow-up', () => {
  it('GAGAL whose last attempt the bank reported failed or returned: the next attempt, a new reference', () => {
    for (const outcome of ['GAGAL', 'RETUR'] as const) {
      const e = entitlement(1, { status: 'GAGAL', lastAttempt: { attempt: 1, outcome } });
      const plan = planFollowUp(e, account('5550001111'), FILE);
      expect(plan).toMatchObject({
        kind: 'LINE',
        attempt: 2,
        line: { ref: instructionRef(e.ref, 2), noRekening: '5550001111' },
      });
      // Written twice before the status moved to DIULANG: the same attempt.
      expect(planFollowUp(e, account('5550001111'), FILE)).toEqual(plan);
      if (plan.kind === 'LINE') {
        expect(sentStatus('SUSULAN', plan, 'F2')).toMatchObject({
          status: 'DIULANG',
          expectedStatus: 'GAGAL',
        });
      }
    }
  });

  it('never one DITERIMA, in flight (DIKIRIM, DIULANG), or GAGAL without the bank’s word on its last attempt', () => {
    const cases = [
      entitlement(1, { status: 'DITERIMA', lastAttempt: { attempt: 1, outcome: 'BERHASIL' } }),
      entitlement(1, { status: 'DIULANG', lastAttempt: { attempt: 2 } }),
      entitlement(1, { status: 'DIKIRIM', lastAttempt: { attempt: 1 } }),
      entitlement(1, { status: 'GAGAL', lastAttempt: { attempt: 2 } }),
      entitlement(1, { status: 'GAGAL', lastAttempt: { attempt: 1, outcome: 'BERHASIL' } }),
      entitlement(1, { status: 'GAGAL' }),
      entitlement(1, { status: 'DITETAPKAN' }),
      entitlement(1, { status: 'GAGAL', lastAttempt: { attempt: 99, outcome: 'GAGAL' } }),
    ];
    expect(
      cases
        .map((e) => planFollowUp(e, account(), FILE))
        .map((p) => (p.kind === 'SKIPPED' ? p.reason : p.kind)),
    ).toEqual([
      'SUDAH_DITERIMA',
      'SUDAH_DIKIRIM',
      'SUDAH_DIKIRIM',
      'MENUNGGU_LAPORAN_BANK',
      'MENUNGGU_LAPORAN_BANK',
      'MENUNGGU_LAPORAN_BANK',
      'BELUM_GAGAL',
      'BATAS_PERCOBAAN',
    ]);
  });

  it('a failed one whose penerima has no active account now waits for one', () => {
    const e = entitlement(1, { status: 'GAGAL', lastAttempt: { attempt: 1, outcome: 'RETUR' } });
    expect(planFollowUp(e, { nik: 'x', status: 'GAGAL' }, FILE).kind).toBe('WAITING_ACCOUNT');
  });
});

describe('the instruction file and its control total', () => {
  const write = (lines: readonly InstructionLine[], m = meta()) => {
    const writer = new InstructionFileWriter(m);
    let text = writer.header();
    for (const line of lines) text += writer.line(line);
    return { text, control: writer.control() };
  };

  it('writes Indonesian headers, one line per entitlement, and a control total over the exact bytes', () => {
    const lines = [0, 1, 2].map((i) =>
      lineOf(planFirstInstruction(entitlement(i), account(`01234567890${i}`), FILE)),
    );
    const { text, control } = write(lines);
    const rows = text.split('\r\n');
    expect(rows[0]).toBe('No;No Rekening;Nama Penerima;NIK;Jumlah;No Referensi;Nomor SK;Keterangan');
    expect(rows[1]).toBe(
      `1;012345678900;Warga 0;6203014101900001;250000;${lines[0]?.ref};${SK};BANTUAN TUNAI KHBS TAHAP 1/2026`,
    );
    expect(rows).toHaveLength(5); // header, three lines, the empty string after the last CRLF
    expect(INSTRUCTION_COLUMNS).toHaveLength(rows[0]?.split(';').length ?? 0);
    expect(control).toEqual({
      lines: 3,
      total: 750_000,
      sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    });
  });

  it('the control file carries the metadata and the control total', () => {
    const { control } = write([lineOf(planFirstInstruction(entitlement(0), account(), FILE))]);
    const [header, row] = controlFileText(meta({ skNumbers: [SK, '188.44/22/2026'] }), control).split('\r\n');
    expect(header).toBe(CONTROL_COLUMNS.join(';'));
    expect(row).toBe(
      `KHBS-PI-2026-1-6203-01;AWAL;2026-1;62.03;Kapuas;188.44/21/2026, 188.44/22/2026;1;250000;${control.sha256};2026-03-02T01:00:00.000Z`,
    );
  });

  it('quotes a name holding the delimiter and writes a lowercase reference in its canonical form', () => {
    const line = lineOf(
      planFirstInstruction(entitlement(0, { penerimaNama: 'Siti; "Ina"' }), account(), FILE),
    );
    const { text } = write([{ ...line, ref: ` ${line.ref.toLowerCase()} ` }]);
    expect(text).toContain(`;"Siti; ""Ina""";`);
    expect(text).toContain(`;${line.ref};`);
  });

  it('never writes an entitlement twice in one file, nor a reference of another tahap, another SK or a bad amount', () => {
    const e = entitlement(0);
    const one = lineOf(planFirstInstruction(e, account(), FILE));
    const writer = new InstructionFileWriter(meta());
    writer.header();
    writer.line(one);
    expect(() => writer.line({ ...one, ref: instructionRef(e.ref, 2) })).toThrow(/twice/);
    const other = lineOf(
      planFirstInstruction(
        entitlement(1, { tahapId: '2026-2', ref: entitlementRef('2026-2', 'TUNAI', family(1)) }),
        account(),
        { tahapId: '2026-2', region: '62.03' },
      ),
    );
    expect(() => writer.line(other)).toThrow(/tahap 2026-1/);
    const two = lineOf(planFirstInstruction(entitlement(2), account(), FILE));
    expect(() => writer.line({ ...two, nomorSk: '188.44/99/2026' })).toThrow(/SK/);
    expect(() => writer.line({ ...two, amount: 250_000.5 })).toThrow(/amount/);
    expect(() =>
      writer.line({ ...two, ref: instructionRef(entitlementRef(TAHAP, 'PANGAN', family(2)), 1) }),
    ).toThrow(/TUNAI/);
    expect(writer.control()).toMatchObject({ lines: 1, total: 250_000 });
  });

  it('file ids name the tahap, kabupaten and sequence, and are never a line reference', () => {
    expect(instructionFileId('2026-1', '62.71', 2)).toBe('KHBS-PI-2026-1-6271-02');
    expect(() => instructionFileId('2026', '62.71', 1)).toThrow();
  });
});

describe('closing an entitlement from the reconciliation', () => {
  it('moves only as the entitlement may move', () => {
    expect(closedStatus('DIKIRIM', { status: 'DITERIMA' })).toBe('DITERIMA');
    expect(closedStatus('DIULANG', { status: 'GAGAL' })).toBe('GAGAL');
    expect(closedStatus('DITERIMA', { status: 'GAGAL' })).toBe('GAGAL'); // RETUR after BERHASIL
    expect(closedStatus('GAGAL', { status: 'DITERIMA' })).toBe('DITERIMA'); // a failed line later paid
    expect(closedStatus('GAGAL', { status: 'GAGAL' })).toBeUndefined();
    expect(closedStatus('DIKIRIM', {})).toBeUndefined();
    expect(closedStatus('DITETAPKAN', { status: 'DITERIMA' })).toBeUndefined();
  });
});
