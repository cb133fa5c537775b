/**
 * The contract of the distribution's routes (issue #15): cards, entitlements, distribution records.
 * Kept beside `requests.ts` and `responses.ts` so the distribution's shapes read together.
 */
import * as z from 'zod';
import { CARD_STATUSES } from '../domain/family/distribution.ts';
import { lazySchema } from '../lazy-schema.ts';
import { AccountRequestRecordSchema, DistributionRecordSchema, InstructionRecordSchema } from '../model.ts';

// ─── Requests ──────────────────────────────────────────────────────────────────────────────────

export const CardCodeParamsSchema = /* @__PURE__ */ lazySchema(() => z.object({ code: z.string().max(40) }));

/** A kabupaten named in a query (`?region=62.03`). */
export const CardRegionQuerySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ region: z.string().regex(/^62\.\d{2}$/, 'Kode kabupaten/kota ditulis seperti 62.03.') }),
);

/** A card named in a body (never in a URL: it points at one family). */
const CardNumberSchema = z.string().trim().min(1).max(40);

export const CardActionBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({
    cardNumber: CardNumberSchema,
    reason: z
      .string()
      .trim()
      .min(5, 'Tuliskan alasannya (paling sedikit 5 karakter).')
      .max(500, 'Alasan paling banyak 500 karakter.'),
  }),
);

const RegionSchema = z.string().regex(/^62\.\d{2}$/, 'Kode kabupaten/kota ditulis seperti 62.03.');

/** `POST /tahap/{tahapId}/accounts/requests`: the kabupaten whose account-opening request to write. */
export const AccountRequestBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ region: RegionSchema }),
);

/** `POST /tahap/{tahapId}/payments/instructions`: a first instruction, or a follow-up for failed payments. */
export const InstructionBodySchema = /* @__PURE__ */ lazySchema(() =>
  z.strictObject({ region: RegionSchema, followUp: z.boolean().optional() }),
);

// ─── Responses ─────────────────────────────────────────────────────────────────────────────────

/** `GET /verify/card/{code}`: genuine, active or not; nothing about anyone. */
export const CardVerificationSchema = z.object({
  code: z.string(),
  genuine: z.literal(true),
  active: z.boolean(),
  status: z.enum(CARD_STATUSES),
  statusLabel: z.string(),
  message: z.string(),
});

/** A tahap's distribution per kabupaten (the caller's own for a regional role). */
export const DistributionViewSchema = z.object({
  tahapId: z.string(),
  items: z.array(DistributionRecordSchema),
});

/** A generated file, handed out as a short-lived link. */
export const GeneratedFileSchema = z.object({
  kind: z.string(),
  region: z.string(),
  rows: z.number().int(),
  fileKey: z.string(),
  downloadUrl: z.string(),
  expiresAt: z.string(),
});

/** A card as staff see it (the penerima's NIK masked for an auditor). */
export const CardViewSchema = z.object({
  cardNumber: z.string(),
  region: z.string(),
  familyId: z.string(),
  penerimaNama: z.string(),
  penerimaNik: z.string(),
  desaCode: z.string(),
  status: z.enum(CARD_STATUSES),
  statusLabel: z.string(),
  tahapId: z.string(),
  replaces: z.string().optional(),
  replacedBy: z.string().optional(),
  history: z.array(
    z.object({
      status: z.enum(CARD_STATUSES),
      at: z.string(),
      tanggal: z.string().optional(),
      by: z.object({ sub: z.string(), name: z.string() }).optional(),
      note: z.string().optional(),
    }),
  ),
});

/** A card action's result: the card acted on, and the new card of a replacement. */
export const CardActionResultSchema = z.object({
  card: CardViewSchema,
  replacement: CardViewSchema.optional(),
});

/** A file's short-lived link. */
const FileLinkSchema = z.object({ fileKey: z.string(), downloadUrl: z.string(), expiresAt: z.string() });

/** A kabupaten's latest account-opening request of a tahap, and its file once written. */
export const AccountRequestViewSchema = z.object({
  tahapId: z.string(),
  region: z.string(),
  request: AccountRequestRecordSchema.omit({ requestedBy: true })
    .extend({ requestedBy: z.object({ sub: z.string(), name: z.string() }) })
    .optional(),
  file: FileLinkSchema.optional(),
});

/** A kabupaten's latest payment instruction file of a tahap, and its files once written. */
export const InstructionViewSchema = z.object({
  tahapId: z.string(),
  region: z.string(),
  instruction: InstructionRecordSchema.omit({ requestedBy: true })
    .extend({ requestedBy: z.object({ sub: z.string(), name: z.string() }) })
    .optional(),
  file: FileLinkSchema.optional(),
  control: FileLinkSchema.optional(),
});

const MoneySchema = z.object({ count: z.number().int(), amount: z.number().int() });

/** `GET /tahap/{tahapId}/finance?region`: the BKAD money view of a kabupaten's cash (`FinanceFold`). */
export const FinanceViewSchema = z.object({
  tahapId: z.string(),
  region: z.string(),
  distributionClosed: z.boolean(),
  entitlements: MoneySchema,
  notInstructed: MoneySchema,
  instructed: MoneySchema,
  paid: MoneySchema,
  failed: MoneySchema,
  returned: MoneySchema,
  returnedTotal: z.number().int(),
  inFlight: MoneySchema,
  short: MoneySchema,
  awaitingReinstruction: MoneySchema,
  overpaid: MoneySchema,
  balanceToReturn: z.number().int(),
});
