import * as z from 'zod';
import { FLAG_CODES } from '../domain/checks.ts';
import { WARNING_CODES } from '../domain/issues.ts';
import { PeriodSchema } from '../domain/period.ts';
import { PROPOSAL_STATUSES } from '../domain/proposal.ts';
import { FilenameSchema, freeText, queryInt } from '../http/params.ts';

/**
 * What clients send: the path parameters, query strings and bodies of every route, the schemas the
 * handlers parse with. The OpenAPI contract (`shared/contract/openapi.ts`) and the typed client are
 * generated from these same schemas, so a field renamed here changes all three at once.
 */

// ─── Path parameters ───────────────────────────────────────────────────────────────────────────

/** `62.03-2026-S1`, `62.03-2026-S1-r2`: the region first (object checks read it before the item). */
export const ProposalIdSchema = z.string().regex(/^62\.\d{2}-[0-9A-Za-z-]{4,20}$/);
export const ProposalParamsSchema = z.object({ proposalId: ProposalIdSchema });
export const DecreeParamsSchema = z.object({
  decreeId: z.string().regex(/^SK-62\.\d{2}-[0-9A-Za-z-]{4,20}$/),
});
export const UploadParamsSchema = z.object({ uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export const RunParamsSchema = z.object({ runId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
/** As printed on the decree (`ABCD-EFGH-JKMN`); normalised by the route (case, dashes, spaces). */
export const VerifyParamsSchema = z.object({ code: z.string().max(40) });

// ─── Query strings ─────────────────────────────────────────────────────────────────────────────

export const ListProposalsQuerySchema = z.strictObject({
  region: z
    .string()
    .regex(/^62\.\d{2}$/)
    .optional(),
  period: PeriodSchema.optional(),
  status: z.enum(PROPOSAL_STATUSES).optional(),
});

/** What a list can be filtered by: the import's warnings and the checks' flags (each indexed). */
export const RECIPIENT_FILTER_CODES: readonly string[] = [...WARNING_CODES, ...FLAG_CODES];
const FILTER_CODES: ReadonlySet<string> = new Set(RECIPIENT_FILTER_CODES);

export const ListRecipientsQuerySchema = z.strictObject({
  /** The `nextCursor` of the previous page, as given. */
  cursor: z.string().max(512).optional(),
  limit: queryInt(1, 500).default(100),
  flag: z
    .string()
    .regex(/^[A-Z_]{3,40}$/)
    .refine(
      (code) => FILTER_CODES.has(code),
      'Kode tidak dikenal: pakai kode peringatan impor (mis. NIK_CLEANED) atau kode temuan pemeriksaan (mis. NIK_IN_OTHER_LIST).',
    )
    .optional(),
});

export const ListDecreesQuerySchema = z.strictObject({ year: queryInt(2020, 2100).optional() });
export const ListReconciliationsQuerySchema = z.strictObject({ limit: queryInt(1, 100).optional() });
export const AuditQuerySchema = z.strictObject({ entityId: ProposalIdSchema });

// ─── Bodies ────────────────────────────────────────────────────────────────────────────────────

export const CreateUploadBodySchema = z.strictObject({
  period: PeriodSchema,
  filename: FilenameSchema,
  /** Kemendagri code or name; an admin's choice, an operator's own region by default. */
  region: z.string().max(60).optional(),
});

/** Routes whose only input is the path: an empty object (or, for `POST /reconciliations`, no body). */
export const EmptyBodySchema = z.strictObject({});

export const ReviewBodySchema = z
  .strictObject({
    decision: z.enum(['approve', 'return']),
    note: freeText(2_000).optional(),
  })
  .refine((body) => body.decision !== 'return' || (body.note?.length ?? 0) >= 10, {
    path: ['note'],
    message: 'Alasan pengembalian wajib ditulis (minimal 10 karakter).',
  });

export const DecisionBodySchema = z
  .strictObject({
    decision: z.enum(['approve', 'reject']),
    note: freeText(2_000).optional(),
  })
  .refine((body) => body.decision !== 'reject' || (body.note?.length ?? 0) >= 10, {
    path: ['note'],
    message: 'Alasan penolakan wajib ditulis (minimal 10 karakter).',
  });

export const RevokeBodySchema = z.strictObject({
  reason: freeText(2_000, { min: 10, message: 'Alasan pencabutan wajib ditulis (minimal 10 karakter).' }),
});

export const WaiverBodySchema = z.strictObject({
  /** The `recipientId` the recipients page gives. */
  recipientId: z.string().min(3).max(100),
  flag: z.string().regex(/^[A-Z_]{3,40}$/),
  reason: freeText(2_000, { min: 10, message: 'Alasan wajib ditulis (minimal 10 karakter).' }),
});
