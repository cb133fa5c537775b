import * as z from 'zod';

/**
 * How the reconciliation job runs: environment variables (set by CDK and by the local stack), each
 * with a default.
 */
const ReconcileEnvSchema = z.object({
  /** The first year decrees may exist in. */
  FIRST_DECREE_YEAR: z.coerce.number().int().min(2020).max(2100).default(2026),
  /**
   * The day of the week (WIB; 0 = Sunday … 6 = Saturday) whose scheduled run reconciles every
   * decree (and may disburse); the other days' runs reconcile open work only.
   */
  FULL_RUN_WEEKDAY: z.coerce.number().int().min(0).max(6).default(0),
});

export interface ReconcileSettings {
  readonly firstYear: number;
  readonly fullRunWeekday: number;
}

export function reconcileSettings(): ReconcileSettings {
  const raw = ReconcileEnvSchema.parse(process.env);
  return { firstYear: raw.FIRST_DECREE_YEAR, fullRunWeekday: raw.FULL_RUN_WEEKDAY };
}
