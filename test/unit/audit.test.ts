import { describe, expect, it } from 'vitest';
import {
  AUDIT_ACTION_LABEL,
  AUDIT_ACTIONS,
  type AuditRecord,
  GENESIS_HASH,
  sealEntry,
  verifyChain,
} from '#shared/domain/audit.ts';
import {
  PREFLIGHT_REASON_MAX,
  type PreflightProblem,
  preflightFailureReason,
} from '#shared/domain/decree.ts';
import {
  planDecreePreflightFailed,
  preflightFailureRecorded,
  WorkflowError,
  type WorkflowState,
} from '#shared/domain/workflow.ts';

function chain(length: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (let seq = 1; seq <= length; seq++) {
    records.push(
      sealEntry({
        entityId: '62.03-2026-S1',
        seq,
        at: `2026-11-29T08:00:0${seq}.000Z`,
        actor: { sub: `u${seq}`, name: 'Petugas', role: 'verifier', opd: 'DINSOS' },
        action: seq === 1 ? 'CREATED' : 'REVIEW_APPROVED',
        reason: `catatan ${seq}`,
        details: { count: seq },
        prevHash: records.at(-1)?.hash ?? GENESIS_HASH,
      }),
    );
  }
  return records;
}

describe('audit chain', () => {
  it('verifies an untouched chain against its head', () => {
    const records = chain(5);
    expect(verifyChain(records, records.at(-1)?.hash)).toEqual({ valid: true, length: 5 });
  });

  it('detects an altered field, a removed record, a reordering and a cut-off tail', () => {
    const records = chain(5);
    const head = records.at(-1)?.hash;
    const altered = records.map((record) => (record.seq === 3 ? { ...record, reason: 'diubah' } : record));
    expect(verifyChain(altered, head)).toMatchObject({
      valid: false,
      brokenAt: 3,
      problem: 'content altered',
    });
    const actorChanged = records.map((record) =>
      record.seq === 2 ? { ...record, actor: { ...record.actor, name: 'Orang Lain' } } : record,
    );
    expect(verifyChain(actorChanged, head)).toMatchObject({ valid: false, brokenAt: 2 });
    expect(
      verifyChain(
        records.filter((record) => record.seq !== 4),
        head,
      ),
    ).toMatchObject({ valid: false });
    const swapped = [records[0], records[2], records[1], records[3], records[4]] as AuditRecord[];
    expect(verifyChain(swapped, head)).toMatchObject({ valid: false });
    expect(verifyChain(records.slice(0, 4), head)).toMatchObject({ valid: false, problem: 'head mismatch' });
  });

  it('hashes independently of key order', () => {
    const [record] = chain(1);
    if (!record) throw new Error('no record');
    const { hash, ...entry } = record;
    const reordered = Object.fromEntries(Object.entries(entry).reverse()) as typeof entry;
    expect(sealEntry(reordered).hash).toBe(hash);
  });
});

describe('audit action labels', () => {
  it('names every action in Bahasa Indonesia, the failed decree pre-flight included', () => {
    expect(Object.keys(AUDIT_ACTION_LABEL).sort()).toEqual([...AUDIT_ACTIONS].sort());
    for (const label of Object.values(AUDIT_ACTION_LABEL)) expect(label.length).toBeGreaterThan(3);
    expect(AUDIT_ACTION_LABEL.DECREE_PREFLIGHT_FAILED).toBe('Pra-pemeriksaan SK gagal');
  });
});

describe('the plan for a failed decree pre-flight', () => {
  const state: WorkflowState = {
    proposalId: '62.03-2026-S1',
    status: 'APPROVED',
    recipientCount: 5,
    requiredAgencies: ['DINSOS'],
    signoffs: {},
    returns: [],
    openBlocking: 0,
  };
  const problems: PreflightProblem[] = [
    { code: 'CONFIG_INVALID', message: 'Konfigurasi SK: nama penanda tangan kosong.' },
    {
      code: 'RENDER_FAILED',
      message: 'SK tidak dapat disusun menjadi PDF (galat Error); hubungi admin.',
      detail: 'ENOENT /fonts',
    },
  ];

  it('keeps the proposal APPROVED and carries the reason in Indonesian, without the technical detail', () => {
    const reason = preflightFailureReason(problems);
    expect(reason).toBe(
      'Pra-pemeriksaan SK gagal; nomor SK belum diambil dan usulan tetap berstatus disetujui. ' +
        'Konfigurasi SK: nama penanda tangan kosong. SK tidak dapat disusun menjadi PDF (galat Error); hubungi admin.',
    );
    const failure = {
      listId: 'L1',
      codes: ['CONFIG_INVALID', 'RENDER_FAILED'],
      reason,
      at: '2026-12-06T00:00:00Z',
    };
    expect(planDecreePreflightFailed(state, failure)).toEqual({
      action: 'DECREE_PREFLIGHT_FAILED',
      to: 'APPROVED',
      set: { decreePreflightFailure: failure },
      reason,
      details: { listId: 'L1', codes: 'CONFIG_INVALID,RENDER_FAILED' },
    });
    expect(() => planDecreePreflightFailed({ ...state, status: 'DECREED' }, failure)).toThrow(WorkflowError);
  });

  it('is recorded once per distinct reason and list', () => {
    const reason = preflightFailureReason(problems);
    expect(preflightFailureRecorded(undefined, { listId: 'L1', reason })).toBe(false);
    expect(preflightFailureRecorded({ listId: 'L1', reason }, { listId: 'L1', reason })).toBe(true);
    expect(preflightFailureRecorded({ listId: 'L1', reason }, { listId: 'L2', reason })).toBe(false);
    const other = preflightFailureReason(problems.slice(0, 1));
    expect(preflightFailureRecorded({ listId: 'L1', reason }, { listId: 'L1', reason: other })).toBe(false);
  });

  it('keeps a long reason within bounds', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({
      code: 'RECIPIENT_INVALID' as const,
      message: `baris ${i + 2}: NIK bukan 16 digit.`,
    }));
    const reason = preflightFailureReason(many);
    expect(reason.length).toBe(PREFLIGHT_REASON_MAX);
    expect(reason.endsWith('…')).toBe(true);
  });
});
