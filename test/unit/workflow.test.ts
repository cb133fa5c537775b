import { describe, expect, it } from 'vitest';
import {
  listAuthors,
  planApproval,
  planChecksCompleted,
  planReview,
  planSubmit,
  planWaiver,
  WorkflowError,
  type WorkflowState,
} from '#shared/domain/workflow.ts';

const who = { sub: 'u1', name: 'Petugas' };
const now = '2026-11-29T08:00:00.000Z';

const draft: WorkflowState = {
  proposalId: '62.03-2026-S1',
  status: 'DRAFT',
  recipientCount: 120,
  currentListId: 'L1',
  requiredAgencies: [],
  signoffs: {},
  returns: [],
  openBlocking: 0,
};
const inReview: WorkflowState = { ...draft, status: 'IN_REVIEW', requiredAgencies: ['DINSOS', 'BKAD'] };

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof WorkflowError) return error.reason;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('workflow rules', () => {
  it('submits a non-empty draft, fixing the agencies that must sign', () => {
    const plan = planSubmit(draft, ['DINSOS', 'BKAD'], who, now);
    expect(plan).toMatchObject({
      to: 'SUBMITTED',
      action: 'SUBMITTED',
      set: { requiredAgencies: ['DINSOS', 'BKAD'], submittedBy: who },
    });
    expect(refusal(() => planSubmit({ ...draft, recipientCount: 0 }, ['DINSOS'], who, now))).toBe(
      'EMPTY_LIST',
    );
    for (const status of ['SUBMITTED', 'IN_REVIEW', 'VERIFIED', 'APPROVED', 'REJECTED'] as const) {
      expect(refusal(() => planSubmit({ ...draft, status }, ['DINSOS'], who, now))).toBe('WRONG_STATE');
    }
  });

  it('moves to IN_REVIEW when the checks of a submitted list finish', () => {
    const result = {
      listId: 'L1',
      blocking: 2,
      warnings: 5,
      openBlocking: 2,
      runId: 'm1',
      startedAt: now,
      at: now,
    };
    expect(planChecksCompleted({ ...draft, status: 'SUBMITTED' }, result)).toMatchObject({
      to: 'IN_REVIEW',
      set: { openBlocking: 2 },
    });
    expect(refusal(() => planChecksCompleted(draft, result))).toBe('WRONG_STATE');
  });

  it('verifies only when every required agency has signed, once each', () => {
    const first = planReview(inReview, 'DINSOS', 'approve', undefined, who, now);
    expect(first).toMatchObject({ to: 'IN_REVIEW', action: 'REVIEW_APPROVED' });
    const afterFirst = { ...inReview, signoffs: first.set.signoffs as WorkflowState['signoffs'] };
    expect(refusal(() => planReview(afterFirst, 'DINSOS', 'approve', undefined, who, now))).toBe(
      'ALREADY_SIGNED',
    );
    expect(planReview(afterFirst, 'BKAD', 'approve', 'lengkap', who, now)).toMatchObject({
      to: 'VERIFIED',
      action: 'VERIFIED',
    });
    expect(refusal(() => planReview(inReview, 'BAPPEDA', 'approve', undefined, who, now))).toBe(
      'AGENCY_NOT_REQUIRED',
    );
  });

  it('refuses a sign-off while blocking flags are open, but lets the list be returned', () => {
    const flagged = { ...inReview, openBlocking: 3 };
    expect(refusal(() => planReview(flagged, 'DINSOS', 'approve', undefined, who, now))).toBe(
      'OPEN_BLOCKING_FLAGS',
    );
    const returned = planReview(flagged, 'DINSOS', 'return', 'NIK ganda di desa Candi', who, now);
    expect(returned).toMatchObject({ to: 'DRAFT', action: 'REVIEW_RETURNED', set: { signoffs: {} } });
    expect(returned.set.returns).toEqual([
      { opd: 'DINSOS', note: 'NIK ganda di desa Candi', by: who, at: now },
    ]);
  });

  it('waives only during review and never below zero open flags', () => {
    expect(
      planWaiver({ ...inReview, openBlocking: 1 }, 'DINSOS', who, 'L1.5', 'UNDER_AGE', 'usia sesuai akta'),
    ).toMatchObject({
      to: 'IN_REVIEW',
      set: { openBlocking: 0 },
      details: { recipientId: 'L1.5', flag: 'UNDER_AGE' },
    });
    expect(refusal(() => planWaiver(draft, 'DINSOS', who, 'L1.5', 'UNDER_AGE', 'x'))).toBe('WRONG_STATE');
  });

  it("keeps the checks' per-code counts right: one flag of the waived code fewer open", () => {
    const checks = {
      listId: 'L1',
      runId: 'r1',
      byCode: {
        UNDER_AGE: { severity: 'blocking', count: 2, open: 1 },
        NIK_OTHER_REGION: { severity: 'warning', count: 3, open: 3 },
      },
    } as const;
    const plan = planWaiver(
      { ...inReview, openBlocking: 1, checks },
      'DINSOS',
      who,
      'L1.5',
      'UNDER_AGE',
      'usia sesuai akta',
    );
    expect(plan.set.checks).toEqual({
      ...checks,
      byCode: { ...checks.byCode, UNDER_AGE: { severity: 'blocking', count: 2, open: 0 } },
    });
    // A result recorded before the per-code counts were kept is left as it is.
    const old = planWaiver(
      { ...inReview, openBlocking: 1, checks: {} },
      'DINSOS',
      who,
      'L1.5',
      'UNDER_AGE',
      'usia sesuai akta',
    );
    expect(old.set).not.toHaveProperty('checks');
  });

  it('lets only a required agency waive a flag (a waiver weighs as much as a sign-off)', () => {
    const flagged = { ...inReview, openBlocking: 2 };
    expect(refusal(() => planWaiver(flagged, 'DISHUB', who, 'L1.5', 'UNDER_AGE', 'usia sesuai akta'))).toBe(
      'AGENCY_NOT_REQUIRED',
    );
    expect(refusal(() => planWaiver(flagged, '', who, 'L1.5', 'UNDER_AGE', 'usia sesuai akta'))).toBe(
      'AGENCY_NOT_REQUIRED',
    );
  });

  it('keeps duties apart: the submitter neither reviews, waives nor approves; a reviewer does not approve', () => {
    const submitter = { sub: 'operator-1', name: 'Operator' };
    const reviewer = { sub: 'verifier-1', name: 'Verifikator' };
    const approver = { sub: 'approver-1', name: 'Sekda' };
    const submitted = planSubmit(draft, ['DINSOS', 'BKAD'], submitter, now);
    const reviewing = { ...inReview, submittedBy: submitted.set.submittedBy as WorkflowState['submittedBy'] };
    expect(refusal(() => planReview(reviewing, 'DINSOS', 'approve', undefined, submitter, now))).toBe(
      'SEPARATION_OF_DUTIES',
    );
    expect(
      refusal(() => planReview(reviewing, 'DINSOS', 'return', 'kembalikan saja ya', submitter, now)),
    ).toBe('SEPARATION_OF_DUTIES');
    expect(
      refusal(() =>
        planWaiver(
          { ...reviewing, openBlocking: 1 },
          'DINSOS',
          submitter,
          'L1.5',
          'UNDER_AGE',
          'x'.repeat(12),
        ),
      ),
    ).toBe('SEPARATION_OF_DUTIES');

    const signed = planReview(reviewing, 'DINSOS', 'approve', undefined, reviewer, now);
    const verified: WorkflowState = {
      ...reviewing,
      status: 'VERIFIED',
      signoffs: signed.set.signoffs as WorkflowState['signoffs'],
    };
    expect(refusal(() => planApproval(verified, 'approve', undefined, submitter, now))).toBe(
      'SEPARATION_OF_DUTIES',
    );
    expect(refusal(() => planApproval(verified, 'approve', undefined, reviewer, now))).toBe(
      'SEPARATION_OF_DUTIES',
    );
    expect(refusal(() => planApproval(verified, 'reject', 'tidak sesuai aturan', reviewer, now))).toBe(
      'SEPARATION_OF_DUTIES',
    );
    // Someone who sent an earlier round back has reviewed it too.
    const returnedEarlier: WorkflowState = {
      ...verified,
      returns: [{ opd: 'BKAD', note: 'perbaiki NIK', by: approver, at: now }],
    };
    expect(refusal(() => planApproval(returnedEarlier, 'approve', undefined, approver, now))).toBe(
      'SEPARATION_OF_DUTIES',
    );
    expect(planApproval(verified, 'approve', undefined, approver, now)).toMatchObject({ to: 'APPROVED' });
  });

  it('lets the approver decide a verified proposal only', () => {
    const verified = { ...inReview, status: 'VERIFIED' as const };
    expect(planApproval(verified, 'approve', undefined, who, now)).toMatchObject({
      to: 'APPROVED',
      set: { approvedListId: 'L1' },
    });
    expect(planApproval(verified, 'reject', 'tidak sesuai', who, now)).toMatchObject({ to: 'REJECTED' });
    expect(refusal(() => planApproval(draft, 'approve', undefined, who, now))).toBe('WRONG_STATE');
  });

  it('keeps duties apart over every round: returns and resubmissions do not wash a role off', () => {
    const first = { sub: 'operator-1', name: 'Operator A' };
    const second = { sub: 'operator-2', name: 'Operator B' };
    const signer = { sub: 'verifier-1', name: 'Verifikator' };
    const waiver = { sub: 'verifier-2', name: 'Verifikator BKAD' };
    const approver = { sub: 'approver-1', name: 'Sekda' };
    const apply = (
      state: WorkflowState,
      plan: { set: Readonly<Record<string, unknown>> },
      status: WorkflowState['status'],
    ) => ({ ...state, ...(plan.set as Partial<WorkflowState>), status }) as WorkflowState;

    // Round 1: A submits, DINSOS signs, BKAD waives a flag then returns the list.
    let state = apply(draft, planSubmit(draft, ['DINSOS', 'BKAD'], first, now), 'IN_REVIEW');
    state = apply(state, planReview(state, 'DINSOS', 'approve', undefined, signer, now), 'IN_REVIEW');
    state = apply(
      { ...state, openBlocking: 1 },
      planWaiver({ ...state, openBlocking: 1 }, 'BKAD', waiver, 'L1.5', 'UNDER_AGE', 'x'.repeat(12)),
      'IN_REVIEW',
    );
    state = apply(state, planReview(state, 'BKAD', 'return', 'perbaiki data RT', waiver, now), 'DRAFT');
    expect(state.signoffs).toEqual({});

    // Round 2: B resubmits. A (an author of round 1) may not review it now.
    state = apply(state, planSubmit(state, ['DINSOS', 'BKAD'], second, now), 'IN_REVIEW');
    expect(refusal(() => planReview(state, 'DINSOS', 'approve', undefined, first, now))).toBe(
      'SEPARATION_OF_DUTIES',
    );
    state = apply(
      state,
      planReview(state, 'DINSOS', 'approve', undefined, { sub: 'verifier-3', name: 'V3' }, now),
      'IN_REVIEW',
    );
    state = apply(
      state,
      planReview(state, 'BKAD', 'approve', undefined, { sub: 'verifier-4', name: 'V4' }, now),
      'VERIFIED',
    );

    // Whoever signed in round 1, or only waived, has reviewed it: no final approval for them.
    for (const person of [first, second, signer, waiver]) {
      expect(
        refusal(() => planApproval(state, 'approve', undefined, person, now)),
        person.sub,
      ).toBe('SEPARATION_OF_DUTIES');
    }
    expect(planApproval(state, 'approve', undefined, approver, now)).toMatchObject({ to: 'APPROVED' });
  });

  it('counts the uploader of a list as its author, but not the import itself', () => {
    expect(listAuthors(undefined, { sub: 'operator-1', role: 'operator' })).toEqual(['operator-1']);
    expect(listAuthors(undefined, { sub: 'system:import', role: 'system' })).toEqual([]);
    const uploaded: WorkflowState = { ...inReview, authors: ['operator-1'] };
    expect(
      refusal(() =>
        planReview(uploaded, 'DINSOS', 'approve', undefined, { sub: 'operator-1', name: 'A' }, now),
      ),
    ).toBe('SEPARATION_OF_DUTIES');
  });

  it('names the agencies still missing when approval comes too early', () => {
    const halfSigned: WorkflowState = {
      ...inReview,
      signoffs: { DINSOS: { opd: 'DINSOS', decision: 'approve', by: who, at: now } },
    };
    try {
      planApproval(halfSigned, 'approve', undefined, { sub: 'a', name: 'A' }, now);
      throw new Error('expected a refusal');
    } catch (error) {
      if (!(error instanceof WorkflowError)) throw error;
      expect(error.reason).toBe('NOT_VERIFIED');
      expect(error.message).toContain('masih menunggu BKAD');
      expect(error.details).toMatchObject({ reason: 'NOT_VERIFIED', missingAgencies: ['BKAD'] });
    }
  });
});
