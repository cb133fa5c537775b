import * as z from 'zod';

/**
 * How the pipeline watchdog runs: environment variables (set by CDK and by the local stack), each
 * with a default.
 */
const WatchdogEnvSchema = z.object({
  /** The recipient import function a lost `uploads/` event is re-driven into. */
  IMPORT_FUNCTION_NAME: z.string().min(1).optional(),
  /** The bank report import function a lost `disbursements/` event is re-driven into. */
  DISBURSEMENT_FUNCTION_NAME: z.string().min(1).optional(),
  /** The family file import function a lost `imports/` event is re-driven into. */
  FAMILY_IMPORT_FUNCTION_NAME: z.string().min(1).optional(),
  /** A proposal in SUBMITTED, IN_REVIEW, VERIFIED or APPROVED for this many days or longer is reported. */
  STUCK_AFTER_DAYS: z.coerce.number().int().positive().default(7),
  /**
   * A file without its finished import for longer is re-driven (an import takes minutes at most, and
   * S3 delivers its event within seconds).
   */
  REDRIVE_AFTER_MINUTES: z.coerce.number().int().nonnegative().default(30),
  /** The first year decrees may exist in (as for the reconciliation). */
  FIRST_DECREE_YEAR: z.coerce.number().int().min(2020).max(2100).default(2026),
});

export interface WatchdogSettings {
  readonly importFunctionName: string | undefined;
  readonly disbursementFunctionName: string | undefined;
  readonly familyImportFunctionName: string | undefined;
  readonly stuckAfterDays: number;
  readonly redriveAfterMinutes: number;
  readonly firstYear: number;
}

export function watchdogSettings(): WatchdogSettings {
  const raw = WatchdogEnvSchema.parse(process.env);
  return {
    importFunctionName: raw.IMPORT_FUNCTION_NAME,
    disbursementFunctionName: raw.DISBURSEMENT_FUNCTION_NAME,
    familyImportFunctionName: raw.FAMILY_IMPORT_FUNCTION_NAME,
    stuckAfterDays: raw.STUCK_AFTER_DAYS,
    redriveAfterMinutes: raw.REDRIVE_AFTER_MINUTES,
    firstYear: raw.FIRST_DECREE_YEAR,
  };
}
