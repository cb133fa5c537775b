import { ConflictError } from '../errors.ts';
import type { AuditAction } from './audit.ts';
import { type ProposalStatus, STATUS_LABEL } from './proposal.ts';

/**
 * The proposal lifecycle as plain rules: each `plan*` function looks at the proposal as read and
 * either refuses (a {@link WorkflowError} with the reason in Bahasa Indonesia) or says what the
 * transition writes. The repository applies a plan in one conditional transaction on the version
 * that was read, so two people acting at once cannot both win.
 *
 * DRAFT → SUBMITTED → IN_REVIEW → VERIFIED → APPROVED → DECREED (→ DISBURSED);
 * IN_REVIEW → DRAFT (returned by an agency, reasons kept); VERIFIED → REJECTED;
 * DECREED/DISBURSED → REVOKED (the decree revoked; a new proposal may replace it).
 */

export interface Signoff {
  readonly opd: string;
  readonly decision: 'approve';
  readonly note?: string;
  readonly by: { readonly sub: string; readonly name: string };
  readonly at: string;
}

export interface ReturnNote {
  readonly opd: string;
  readonly note: string;
  readonly by: { readonly sub: string; readonly name: string };
  readonly at: string;
}

/** What the rules need to know about a proposal. */
export interface WorkflowState {
  readonly proposalId: string;
  readonly status: ProposalStatus;
  readonly recipientCount: number;
  readonly currentListId?: string;
  readonly requiredAgencies: readonly string[];
  readonly signoffs: Readonly<Record<string, Signoff>>;
  readonly returns: readonly ReturnNote[];
  readonly openBlocking: number;
  /** Who submitted the list (the current round); absent on proposals submitted before it was kept. */
  readonly submittedBy?: Who | undefined;
  /** Everyone who uploaded or submitted any version of the list (subs), over every round. */
  readonly authors?: readonly string[] | undefined;
  /** Everyone who signed, returned or waived in any round (subs). */
  readonly reviewers?: readonly string[] | undefined;
  /** The current checks' result, as recorded (a waiver keeps its per-code counts right). */
  readonly checks?: { readonly byCode?: Readonly<Record<string, CodeCount>> | undefined } | undefined;
}

export interface Plan {
  readonly action: AuditAction;
  readonly to: ProposalStatus;
  /** Fields the transition sets on the proposal (besides status, version and the audit head). */
  readonly set: Readonly<Record<string, unknown>>;
  /** Fields it removes. */
  readonly remove?: readonly string[];
  readonly reason?: string;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

export type WorkflowErrorCode =
  | 'WRONG_STATE'
  | 'EMPTY_LIST'
  | 'AGENCY_NOT_REQUIRED'
  | 'ALREADY_SIGNED'
  | 'OPEN_BLOCKING_FLAGS'
  | 'DECREE_NOT_IN_FORCE'
  | 'NOT_VERIFIED'
  | 'SEPARATION_OF_DUTIES';

/** A step the rules refuse: a 409 whose `details.reason` names the rule. */
export class WorkflowError extends ConflictError {
  constructor(
    readonly reason: WorkflowErrorCode,
    message: string,
    extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message, { reason, ...extra });
  }
}

export interface Who {
  readonly sub: string;
  readonly name: string;
}

/**
 * Separation of duties, over the proposal's whole life (every round, not only the current one):
 * whoever uploaded or submitted any version of the list (an author) can neither review, waive nor
 * approve it, and whoever signed, returned or waived in any round (a reviewer) cannot approve it.
 * Compared by `sub`, which stays the same when an account is moved from one group to another; two
 * accounts of one person are two `sub`s, which only an employee number on both could tie together.
 */
function requireSeparateDuties(state: WorkflowState, who: Who, step: 'review' | 'approve'): void {
  const { authors, reviewers } = participantsOf(state);
  if (authors.includes(who.sub)) {
    throw new WorkflowError(
      'SEPARATION_OF_DUTIES',
      `Anda mengunggah atau mengajukan daftar usulan ${state.proposalId}, sehingga tidak dapat ${step === 'review' ? 'memverifikasinya' : 'menyetujuinya'}.`,
    );
  }
  if (step === 'approve' && reviewers.includes(who.sub)) {
    throw new WorkflowError(
      'SEPARATION_OF_DUTIES',
      `Anda telah memverifikasi usulan ${state.proposalId}, sehingga tidak dapat memberikan persetujuan akhir.`,
    );
  }
}

/**
 * Who has had a hand in the proposal: the cumulative lists kept on it, and (for a proposal from
 * before they were kept) what its current round still shows.
 */
export function participantsOf(state: WorkflowState): { authors: string[]; reviewers: string[] } {
  const authors = new Set(state.authors ?? []);
  if (state.submittedBy) authors.add(state.submittedBy.sub);
  const reviewers = new Set(state.reviewers ?? []);
  for (const signoff of Object.values(state.signoffs)) reviewers.add(signoff.by.sub);
  for (const returned of state.returns) reviewers.add(returned.by.sub);
  return { authors: [...authors], reviewers: [...reviewers] };
}

/**
 * The proposal's authors once `actor` has uploaded a list into it: the person who asked for the
 * upload is an author (the import itself, for a file put there without a request, is not a person).
 */
export function listAuthors(
  state: WorkflowState | undefined,
  actor: { sub: string; role: string },
): string[] {
  const authors = state ? participantsOf(state).authors : [];
  return actor.role === 'system' ? authors : [...new Set([...authors, actor.sub])];
}

/** The fields a step sets to add `who` to the proposal's reviewers. */
const withReviewer = (state: WorkflowState, who: Who) => ({
  reviewers: [...new Set([...participantsOf(state).reviewers, who.sub])],
});

/** The required agencies that have not signed yet, in the order they are required. */
export const missingAgencies = (state: WorkflowState): string[] =>
  state.requiredAgencies.filter((agency) => state.signoffs[agency] === undefined);

function requireRequiredAgency(state: WorkflowState, opd: string): void {
  if (state.requiredAgencies.includes(opd)) return;
  throw new WorkflowError(
    'AGENCY_NOT_REQUIRED',
    `Verifikasi usulan ini dilakukan oleh ${state.requiredAgencies.join(' dan ')}; ${opd} tidak termasuk.`,
  );
}

function requireStatus(state: WorkflowState, allowed: readonly ProposalStatus[], doing: string): void {
  if (allowed.includes(state.status)) return;
  throw new WorkflowError(
    'WRONG_STATE',
    `Usulan ${state.proposalId} berstatus "${STATUS_LABEL[state.status]}", sehingga tidak dapat ${doing}.`,
  );
}

/** Pengajuan usulan: the region hands its draft list to the governor. */
export function planSubmit(
  state: WorkflowState,
  requiredAgencies: readonly string[],
  who: Who,
  now: string,
): Plan {
  requireStatus(state, ['DRAFT'], 'diajukan');
  if (state.recipientCount === 0 || !state.currentListId) {
    throw new WorkflowError('EMPTY_LIST', 'Daftar penerima masih kosong. Unggah daftar terlebih dahulu.');
  }
  return {
    action: 'SUBMITTED',
    to: 'SUBMITTED',
    set: {
      requiredAgencies: [...requiredAgencies],
      signoffs: {},
      openBlocking: 0,
      submittedAt: now,
      submittedBy: { sub: who.sub, name: who.name },
      authors: [...new Set([...participantsOf(state).authors, who.sub])],
    },
    remove: ['checks'],
    details: { listId: state.currentListId, recipientCount: state.recipientCount },
  };
}

export interface ChecksResult {
  readonly listId: string;
  readonly blocking: number;
  readonly warnings: number;
  /** Blocking flags not waived. */
  readonly openBlocking: number;
  readonly runId: string;
  /** When the run started reading the list: of two runs of one list, the later start wins. */
  readonly startedAt: string;
  readonly at: string;
  /** Per flag code found: severity, recipients flagged, and those still open (blocking, not waived). */
  readonly byCode?: Readonly<Record<string, CodeCount>>;
}

/** One flag code in the checks' result. */
export interface CodeCount {
  readonly severity: 'blocking' | 'warning';
  readonly count: number;
  /** Blocking flags not waived; for a warning, `count`. */
  readonly open: number;
}

/** The automatic checks finished on the current list: the proposal is ready for the agencies. */
export function planChecksCompleted(state: WorkflowState, result: ChecksResult): Plan {
  requireStatus(state, ['SUBMITTED', 'IN_REVIEW'], 'menerima hasil pemeriksaan otomatis');
  return {
    action: 'CHECKS_COMPLETED',
    to: 'IN_REVIEW',
    set: { checks: result, openBlocking: result.openBlocking },
    details: {
      listId: result.listId,
      blocking: result.blocking,
      warnings: result.warnings,
      openBlocking: result.openBlocking,
      runId: result.runId,
    },
  };
}

/** One agency's sign-off, or the list sent back to the region with the agency's reasons. */
export function planReview(
  state: WorkflowState,
  opd: string,
  decision: 'approve' | 'return',
  note: string | undefined,
  who: Who,
  now: string,
): Plan {
  requireStatus(state, ['IN_REVIEW'], 'diverifikasi');
  requireRequiredAgency(state, opd);
  requireSeparateDuties(state, who, 'review');
  if (decision === 'return') {
    const returned: ReturnNote = { opd, note: note ?? '', by: who, at: now };
    return {
      action: 'REVIEW_RETURNED',
      to: 'DRAFT',
      set: {
        signoffs: {},
        openBlocking: 0,
        returns: [...state.returns, returned],
        ...withReviewer(state, who),
      },
      remove: ['checks'],
      reason: note,
      details: { opd },
    };
  }
  if (state.signoffs[opd]) {
    throw new WorkflowError('ALREADY_SIGNED', `${opd} sudah memberikan persetujuan untuk usulan ini.`);
  }
  if (state.openBlocking > 0) {
    throw new WorkflowError(
      'OPEN_BLOCKING_FLAGS',
      `Masih ada ${state.openBlocking} temuan pemeriksaan yang menghalangi. Kembalikan usulan untuk diperbaiki, atau ` +
        'kesampingkan temuan dengan alasan tertulis, sebelum menyetujui.',
    );
  }
  const signoffs = {
    ...state.signoffs,
    [opd]: { opd, decision: 'approve' as const, note, by: who, at: now },
  };
  const allSigned = state.requiredAgencies.every((agency) => signoffs[agency] !== undefined);
  return {
    action: allSigned ? 'VERIFIED' : 'REVIEW_APPROVED',
    to: allSigned ? 'VERIFIED' : 'IN_REVIEW',
    set: { signoffs, ...withReviewer(state, who), ...(allSigned ? { verifiedAt: now } : {}) },
    reason: note,
    details: { opd, signed: Object.keys(signoffs).length, required: state.requiredAgencies.length },
  };
}

/**
 * A verifier of a required agency sets one blocking flag aside, with a written reason (a waiver
 * weighs as much as a sign-off, so the same agency and duty rules apply).
 */
export function planWaiver(
  state: WorkflowState,
  opd: string,
  who: Who,
  recipientId: string,
  flag: string,
  reason: string,
): Plan {
  requireStatus(state, ['IN_REVIEW'], 'diubah temuan pemeriksaannya');
  requireRequiredAgency(state, opd);
  requireSeparateDuties(state, who, 'review');
  return {
    action: 'FLAG_WAIVED',
    to: state.status,
    set: {
      openBlocking: Math.max(0, state.openBlocking - 1),
      ...withReviewer(state, who),
      ...checksAfterWaiver(state, flag),
    },
    reason,
    details: { recipientId, flag, opd },
  };
}

/**
 * The checks' result with one flag of `flag` fewer open, so the per-code counts a verifier reads
 * stay right (nothing when the result has no per-code counts, as results recorded before them).
 * The whole `checks` is rewritten: the plan lands on the version read, so nothing else moved it.
 */
function checksAfterWaiver(state: WorkflowState, flag: string): { checks?: unknown } {
  const checks = state.checks;
  const entry = checks?.byCode?.[flag];
  if (checks?.byCode === undefined || entry === undefined) return {};
  return {
    checks: {
      ...checks,
      byCode: { ...checks.byCode, [flag]: { ...entry, open: Math.max(0, entry.open - 1) } },
    },
  };
}

/** The approver's final word: approval hands the list to the decree; rejection ends the proposal. */
export function planApproval(
  state: WorkflowState,
  decision: 'approve' | 'reject',
  note: string | undefined,
  who: Who,
  now: string,
): Plan {
  if (state.status === 'SUBMITTED' || state.status === 'IN_REVIEW') {
    const missing = missingAgencies(state);
    throw new WorkflowError(
      'NOT_VERIFIED',
      state.status === 'SUBMITTED' || missing.length === 0
        ? `Usulan ${state.proposalId} masih dalam pemeriksaan otomatis, sehingga belum dapat ${decision === 'approve' ? 'disetujui' : 'ditolak'}.`
        : `Usulan ${state.proposalId} belum diverifikasi: masih menunggu ${missing.join(' dan ')}.`,
      { missingAgencies: missing },
    );
  }
  requireStatus(state, ['VERIFIED'], decision === 'approve' ? 'disetujui' : 'ditolak');
  requireSeparateDuties(state, who, 'approve');
  if (decision === 'reject') {
    return { action: 'REJECTED', to: 'REJECTED', set: { decidedAt: now, decidedBy: who }, reason: note };
  }
  return {
    action: 'APPROVED',
    to: 'APPROVED',
    set: { decidedAt: now, decidedBy: who, approvedListId: state.currentListId },
    reason: note,
    details: { listId: state.currentListId ?? '', recipientCount: state.recipientCount },
  };
}

/**
 * The decree worker has allocated the decree's number (same transaction): the proposal names its
 * decree from now on, and a redelivered request finds it instead of numbering a second one.
 */
export function planDecreeNumbered(
  state: WorkflowState,
  decree: {
    decreeId: string;
    number: string;
    listId: string;
    replaces?: { decreeId: string; number: string } | undefined;
  },
): Plan {
  requireStatus(state, ['APPROVED'], 'diberi nomor SK');
  return {
    action: 'DECREE_NUMBERED',
    to: 'APPROVED',
    set: { decreeId: decree.decreeId },
    details: {
      decreeId: decree.decreeId,
      number: decree.number,
      listId: decree.listId,
      ...(decree.replaces
        ? { replacesDecreeId: decree.replaces.decreeId, replacesNumber: decree.replaces.number }
        : {}),
    },
  };
}

/** A failed decree pre-flight as the proposal keeps it (`decreePreflightFailure`). */
export interface PreflightFailure {
  /** The approved list the pre-flight read. */
  readonly listId: string;
  /** The problems' codes (`CONFIG_INVALID`, `LIST_UNREADABLE`…), in the order found. */
  readonly codes: readonly string[];
  /** The reason in Bahasa Indonesia, as the audit record carries it (no personal data). */
  readonly reason: string;
  readonly at: string;
}

/**
 * The decree worker's pre-flight failed: no number was taken and the proposal stays APPROVED (the
 * request is retried, and ends in the dead-letter queue). The reason goes on the audit trail, and
 * the proposal keeps it (`decreePreflightFailure`), so a redelivered request that fails for the same
 * reason records nothing again ({@link preflightFailureRecorded}).
 */
export function planDecreePreflightFailed(state: WorkflowState, failure: PreflightFailure): Plan {
  requireStatus(state, ['APPROVED'], 'dicatat gagal pra-pemeriksaan SK');
  return {
    action: 'DECREE_PREFLIGHT_FAILED',
    to: 'APPROVED',
    set: { decreePreflightFailure: failure },
    reason: failure.reason,
    details: { listId: failure.listId, codes: failure.codes.join(',') },
  };
}

/** Whether the proposal already carries this pre-flight failure (same list, same reason). */
export function preflightFailureRecorded(
  recorded: Pick<PreflightFailure, 'listId' | 'reason'> | undefined,
  failure: Pick<PreflightFailure, 'listId' | 'reason'>,
): boolean {
  return recorded?.listId === failure.listId && recorded.reason === failure.reason;
}

/** The decree's PDF is stored: the list is fixed by decree. */
export function planDecreed(
  state: WorkflowState,
  decree: { decreeId: string; number: string; sha256: string },
  now: string,
): Plan {
  requireStatus(state, ['APPROVED'], 'ditetapkan dengan SK');
  return {
    action: 'DECREED',
    to: 'DECREED',
    set: { decreedAt: now },
    details: { decreeId: decree.decreeId, number: decree.number, sha256: decree.sha256 },
  };
}

/**
 * The approver revokes the decree, with a written reason: the proposal is closed, and the region's
 * next accepted upload for the period starts the proposal whose decree will replace this one.
 */
export function planRevocation(
  state: WorkflowState,
  decree: { decreeId: string; number: string },
  reason: string,
): Plan {
  if (state.status !== 'DECREED' && state.status !== 'DISBURSED') {
    throw new WorkflowError(
      'DECREE_NOT_IN_FORCE',
      `SK ${decree.number} tidak dapat dicabut karena usulannya berstatus "${STATUS_LABEL[state.status]}".`,
    );
  }
  return {
    action: 'DECREE_REVOKED',
    to: 'REVOKED',
    set: {},
    reason,
    details: { decreeId: decree.decreeId, number: decree.number },
  };
}

/** Reconciliation found every recipient of the decree paid exactly once, in full. */
export function planDisbursed(
  state: WorkflowState,
  run: { runId: string; decreeId: string; paid: number; paidAmount: number },
): Plan {
  requireStatus(state, ['DECREED'], 'dinyatakan telah dicairkan');
  return {
    action: 'DISBURSED',
    to: 'DISBURSED',
    set: {},
    details: { runId: run.runId, decreeId: run.decreeId, paid: run.paid, paidAmount: run.paidAmount },
  };
}
