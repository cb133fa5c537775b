import * as z from 'zod';
import { PERIOD_PATTERN } from './domain/period.ts';
import { PROPOSAL_KINDS } from './domain/proposal.ts';
import type { ProposalRecord } from './model.ts';

/**
 * Queue messages: the contracts between functions. Each is validated where it is read; the JSON
 * Schemas in `events/` are generated from these (a unit test keeps them equal).
 */

/** A submitted (or changed) list needs its automatic checks. */
export const ChecksRequestedSchema = z.strictObject({
  type: z.literal('checks.requested'),
  proposalId: z.string().min(1),
  /** The list to check: a message for a list that is no longer current is stale and dropped. */
  listId: z.string().min(1),
  /** `submit`: first run after submission; `recheck`: another region's run found a conflict. */
  trigger: z.enum(['submit', 'recheck']),
  requestedAt: z.iso.datetime(),
});
export type ChecksRequested = z.infer<typeof ChecksRequestedSchema>;

/** A tahap's id as a KPM proposal's period names it: `2026-1` (year, then the tahap's number 1–12). */
export const TAHAP_ID_PATTERN = /^(?:20[2-9]\d|2100)-(?:[1-9]|1[0-2])$/;

/** Either a payment period or a tahap id (the message's `kind` then says which it must be). */
const DECREE_PERIOD_PATTERN = /^(?:20[2-9]\d|2100)(?:-(?:0[1-9]|1[0-2])|-S[12]|-T[1-4]|-(?:[1-9]|1[0-2]))?$/;

/**
 * An approved proposal needs its decree (SK Gubernur). The decree worker is idempotent by proposalId.
 * `kind` says which decree: BKK (a payment period: `2026-S1`) or KPM (a tahap: `2026-1`); a message
 * without it (sent before KPM decrees existed) is a BKK one.
 */
export const DecreeRequestedSchema = z
  .strictObject({
    type: z.literal('decree.requested'),
    kind: z.enum(PROPOSAL_KINDS).default('BKK'),
    proposalId: z.string().min(1),
    region: z.string().regex(/^62\.\d{2}$/),
    /** A BKK list's payment period (`2026-S1`), a KPM list's tahap (`2026-1`): checked per kind. */
    period: z.string().regex(DECREE_PERIOD_PATTERN),
    /** The approved list: the decree lists exactly these recipients. */
    listId: z.string().min(1),
    recipientCount: z.number().int().positive(),
    /** Proposal version at approval: the decree worker refuses a proposal that changed since. */
    version: z.number().int().positive(),
    approvedAt: z.iso.datetime(),
    approvedBy: z.strictObject({ sub: z.string(), name: z.string() }),
  })
  .superRefine((message, ctx) => {
    const ok =
      message.kind === 'KPM' ? TAHAP_ID_PATTERN.test(message.period) : PERIOD_PATTERN.test(message.period);
    if (!ok) {
      ctx.addIssue({
        code: 'custom',
        path: ['period'],
        message:
          message.kind === 'KPM'
            ? 'Periode usulan KPM adalah id tahap: YYYY-N (tahap 1–12).'
            : 'Periode harus berbentuk YYYY, YYYY-MM, YYYY-S1/S2 atau YYYY-T1…T4 (tahun 2020–2100).',
      });
    }
  });
export type DecreeRequested = z.infer<typeof DecreeRequestedSchema>;

/**
 * A reconciliation run is wanted: from the daily schedule (no `runId`: the worker names the run
 * after the day, so a redelivered schedule message runs the day once) or from the API / the local
 * command (the run record exists, QUEUED).
 */
export const ReconciliationRequestedSchema = z.strictObject({
  type: z.literal('reconciliation.requested'),
  trigger: z.enum(['schedule', 'api']),
  runId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});
export type ReconciliationRequested = z.infer<typeof ReconciliationRequestedSchema>;

/**
 * Both files of a DTSEN snapshot are imported: cross-check the pair named here and make the
 * snapshot READY. Idempotent: a snapshot that names another pair, or is READY already, is left alone.
 */
export const SnapshotCheckRequestedSchema = z.strictObject({
  type: z.literal('snapshot.check.requested'),
  region: z.string().regex(/^62\.\d{2}$/),
  versionDate: z.iso.date(),
  /** The import ids of the families and members files. */
  families: z.string().min(1),
  members: z.string().min(1),
  requestedAt: z.iso.datetime(),
});
export type SnapshotCheckRequested = z.infer<typeof SnapshotCheckRequestedSchema>;

/** An eligibility run of a tahap was asked for (`POST /tahap/{id}/eligibility`); idempotent by run id. */
export const EligibilityRequestedSchema = z.strictObject({
  type: z.literal('eligibility.requested'),
  tahapId: z.string().regex(/^\d{4}-\d{1,2}$/),
  runId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  requestedAt: z.iso.datetime(),
});
export type EligibilityRequested = z.infer<typeof EligibilityRequestedSchema>;

/** A kabupaten's KPM list for a tahap is to be composed (`POST /tahap/{id}/kpm`); idempotent by compose id. */
export const KpmComposeRequestedSchema = z.strictObject({
  type: z.literal('kpm.compose.requested'),
  tahapId: z.string().regex(/^\d{4}-\d{1,2}$/),
  region: z.string().regex(/^62\.\d{2}$/),
  composeId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  requestedAt: z.iso.datetime(),
});
export type KpmComposeRequested = z.infer<typeof KpmComposeRequestedSchema>;

/**
 * A kabupaten's KPM decree was issued: its distribution is to be opened (cards and entitlements).
 * Handed off in the transaction that marks the decree ISSUED; idempotent by decree.
 */
export const DistributionOpenRequestedSchema = z.strictObject({
  type: z.literal('distribution.open.requested'),
  decreeId: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
  tahapId: z.string().regex(/^\d{4}-\d{1,2}$/),
  region: z.string().regex(/^62\.\d{2}$/),
  requestedAt: z.iso.datetime(),
});
export type DistributionOpenRequested = z.infer<typeof DistributionOpenRequestedSchema>;

/** A kabupaten's distribution lists for BULOG are to be written (`POST /tahap/{id}/food/lists`). */
export const FoodListsRequestedSchema = z.strictObject({
  type: z.literal('food.lists.requested'),
  tahapId: z.string().regex(/^\d{4}-\d{1,2}$/),
  region: z.string().regex(/^62\.\d{2}$/),
  jobId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  requestedAt: z.iso.datetime(),
});
export type FoodListsRequested = z.infer<typeof FoodListsRequestedSchema>;
/** A kabupaten's account-opening request for Bank Kalteng is to be written; idempotent by request id. */
export const AccountsRequestRequestedSchema = z.strictObject({
  type: z.literal('accounts.request.requested'),
  tahapId: z.string().regex(/^\d{4}-\d{1,2}$/),
  region: z.string().regex(/^62\.\d{2}$/),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  requestedAt: z.iso.datetime(),
});
export type AccountsRequestRequested = z.infer<typeof AccountsRequestRequestedSchema>;

/** A kabupaten's payment instruction file is to be written; idempotent by file id (same lines again). */
export const PaymentsInstructRequestedSchema = z.strictObject({
  type: z.literal('payments.instruct.requested'),
  tahapId: z.string().regex(/^\d{4}-\d{1,2}$/),
  region: z.string().regex(/^62\.\d{2}$/),
  seq: z.number().int().min(1).max(99),
  fileId: z.string().regex(/^KHBS-PI-[0-9A-Za-z-]{1,40}$/),
  requestedAt: z.iso.datetime(),
});
export type PaymentsInstructRequested = z.infer<typeof PaymentsInstructRequestedSchema>;

/** The family programme's jobs share one queue and one worker, which dispatches on `type`. */
export const FamilyJobSchema = z.discriminatedUnion('type', [
  SnapshotCheckRequestedSchema,
  EligibilityRequestedSchema,
  KpmComposeRequestedSchema,
  DistributionOpenRequestedSchema,
  FoodListsRequestedSchema,
  AccountsRequestRequestedSchema,
  PaymentsInstructRequestedSchema,
]);
export type FamilyJob = z.infer<typeof FamilyJobSchema>;

/** The decree request for a proposal that has just been approved (validated: it must be APPROVED with a list). */
export function decreeRequestFor(
  proposal: ProposalRecord,
  approvedBy: { sub: string; name: string },
  approvedAt: string,
): DecreeRequested {
  return DecreeRequestedSchema.parse({
    type: 'decree.requested',
    kind: proposal.kind,
    proposalId: proposal.proposalId,
    region: proposal.region,
    period: proposal.period,
    listId: proposal.approvedListId,
    recipientCount: proposal.recipientCount,
    version: proposal.version,
    approvedAt,
    approvedBy,
  });
}

/**
 * The message each work queue carries (keys of `QUEUES` in `shared/resources.ts`). A state change
 * that hands work on writes a {@link Handoff} in its own transaction (the outbox); the relay sends it.
 */
export const HANDOFF_SCHEMAS = {
  checks: ChecksRequestedSchema,
  decree: DecreeRequestedSchema,
  reconciliation: ReconciliationRequestedSchema,
  families: FamilyJobSchema,
} as const;
export type HandoffQueue = keyof typeof HANDOFF_SCHEMAS;
export const HANDOFF_QUEUES = Object.keys(HANDOFF_SCHEMAS) as [HandoffQueue, ...HandoffQueue[]];

/** One message for one work queue. */
export type Handoff = {
  [Q in HandoffQueue]: { readonly queue: Q; readonly message: z.infer<(typeof HANDOFF_SCHEMAS)[Q]> };
}[HandoffQueue];
