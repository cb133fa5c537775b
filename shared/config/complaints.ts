import * as z from 'zod';
import { FIXED_NATIONAL_HOLIDAYS } from '../domain/complaints.ts';

/**
 * One extra holiday: a full date (`2026-03-20`) or a yearly one (`--MM-DD`). Also what the CDK app
 * checks `khbs:complaintHolidays` against (`infra/settings.ts`), so a bad date fails the synth.
 */
export const COMPLAINT_HOLIDAY_PATTERN = /^(\d{4}|-)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * Complaints' settings (issue #15), from the environment, each with a default. The programme has not
 * published its service levels (families.md: "the complaint channel" is unknown), so they are
 * configuration: the working days to answer, the national holidays that do not count, and the public
 * route's own rate limit (WAF is optional, so the application limits each source itself).
 */
const ComplaintsEnvSchema = z.object({
  /** Working days (WIB, weekends and holidays skipped) within which a complaint must be answered. */
  COMPLAINT_ANSWER_DAYS: z.coerce.number().int().min(1).max(60).default(5),
  /**
   * National holidays and cuti bersama, comma-separated: full dates (`2026-03-20`) for the moving
   * ones, announced each year by SKB, or `--MM-DD` for a yearly one. The fixed-date holidays are
   * always kept.
   */
  COMPLAINT_HOLIDAYS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((day) => day.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(COMPLAINT_HOLIDAY_PATTERN, 'COMPLAINT_HOLIDAYS: YYYY-MM-DD or --MM-DD'))),
  /** How many complaints one source (IP address) may lodge per window through the public route. */
  COMPLAINT_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(5),
  COMPLAINT_RATE_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  /**
   * Mixed into the hash of a source address (never stored raw). Without one, an IPv4 hash can be
   * reversed by trying every address. For local runs and tests only: in AWS the pepper is a secret
   * (below), never a variable's value.
   */
  COMPLAINT_RATE_PEPPER: z.string().default(''),
  /**
   * The ARN (or name) of the Secrets Manager secret whose value is the pepper: what the CDK app sets
   * on the routes that limit sources (`settings: ['complaintRatePepper']` in `functions/api/routes.ts`).
   * Read at the first complaint and cached (`shared/adapters/secrets.ts`).
   */
  COMPLAINT_RATE_PEPPER_SECRET: z.string().min(1).optional(),
});

export interface ComplaintSettings {
  readonly answerDays: number;
  readonly holidays: ReadonlySet<string>;
  readonly rateLimit: number;
  readonly rateWindowMinutes: number;
  /** The pepper itself (local runs and tests), when no secret is named. */
  readonly ratePepper: string;
  /** The secret holding the pepper (in AWS); when present, `ratePepper` is empty. */
  readonly ratePepperSecret?: string;
}

export function complaintSettings(): ComplaintSettings {
  const raw = ComplaintsEnvSchema.parse(process.env);
  if (raw.COMPLAINT_RATE_PEPPER && raw.COMPLAINT_RATE_PEPPER_SECRET) {
    // Two sources of one value: which one hashed yesterday's counters would be a guess.
    throw new Error('Set COMPLAINT_RATE_PEPPER or COMPLAINT_RATE_PEPPER_SECRET, not both');
  }
  return {
    answerDays: raw.COMPLAINT_ANSWER_DAYS,
    holidays: new Set([...FIXED_NATIONAL_HOLIDAYS, ...raw.COMPLAINT_HOLIDAYS]),
    rateLimit: raw.COMPLAINT_RATE_LIMIT,
    rateWindowMinutes: raw.COMPLAINT_RATE_WINDOW_MINUTES,
    ratePepper: raw.COMPLAINT_RATE_PEPPER,
    ...(raw.COMPLAINT_RATE_PEPPER_SECRET ? { ratePepperSecret: raw.COMPLAINT_RATE_PEPPER_SECRET } : {}),
  };
}
