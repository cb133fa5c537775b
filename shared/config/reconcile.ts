import { z } from 'zod';

/**
 * How the reconciliation job runs: environment variables (set by CDK and by the local stack), each
 * with a default.
 */
const ReconcileEnvSchema = z.object({
  /** The recipient import function a lost `uploads/` event is re-driven into. */
  IMPORT_FUNCTION_NAME: z.string().min(1).optional(),
  /** The bank report import function a lost `disbursements/` event is re-driven into. */
  DISBURSEMENT_FUNCTION_NAME: z.string().min(1).optional(),
  /** A proposal in SUBMITTED, IN_REVIEW, VERIFIED or APPROVED for longer is reported. */
  STUCK_AFTER_DAYS: z.coerce.number().int().positive().default(7),
  /** A file without its import, or a proposal waiting for its checks or decree, for longer is re-driven. */
  REDRIVE_AFTER_MINUTES: z.coerce.number().int().nonnegative().default(30),
  /** The first year decrees may exist in. */
  FIRST_DECREE_YEAR: z.coerce.number().int().min(2020).max(2100).default(2026),
  /**
   * The day of the week (WIB; 0 = Sunday … 6 = Saturday) whose scheduled run reconciles every
   * decree (and may disburse); the other days' runs reconcile open work only.
   */
  FULL_RUN_WEEKDAY: z.coerce.number().int().min(0).max(6).default(0),
});

export interface ReconcileSettings {
  readonly importFunctionName: string | undefined;
  readonly disbursementFunctionName: string | undefined;
  readonly stuckAfterDays: number;
  readonly redriveAfterMinutes: number;
  readonly firstYear: number;
  readonly fullRunWeekday: number;
}

export function reconcileSettings(): ReconcileSettings {
  const raw = ReconcileEnvSchema.parse(process.env);
  return {
    importFunctionName: raw.IMPORT_FUNCTION_NAME,
    disbursementFunctionName: raw.DISBURSEMENT_FUNCTION_NAME,
    stuckAfterDays: raw.STUCK_AFTER_DAYS,
    redriveAfterMinutes: raw.REDRIVE_AFTER_MINUTES,
    firstYear: raw.FIRST_DECREE_YEAR,
    fullRunWeekday: raw.FULL_RUN_WEEKDAY,
  };
}
