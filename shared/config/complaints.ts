import * as z from 'zod';
import { FIXED_NATIONAL_HOLIDAYS } from '../domain/complaints.ts';

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
    .pipe(z.array(z.string().regex(/^(\d{4}|-)-\d{2}-\d{2}$/, 'COMPLAINT_HOLIDAYS: YYYY-MM-DD or --MM-DD'))),
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
   * reversed by trying every address; set a long random value in each deployment.
   */
  COMPLAINT_RATE_PEPPER: z.string().default(''),
});

export interface ComplaintSettings {
  readonly answerDays: number;
  readonly holidays: ReadonlySet<string>;
  readonly rateLimit: number;
  readonly rateWindowMinutes: number;
  readonly ratePepper: string;
}

export function complaintSettings(): ComplaintSettings {
  const raw = ComplaintsEnvSchema.parse(process.env);
  return {
    answerDays: raw.COMPLAINT_ANSWER_DAYS,
    holidays: new Set([...FIXED_NATIONAL_HOLIDAYS, ...raw.COMPLAINT_HOLIDAYS]),
    rateLimit: raw.COMPLAINT_RATE_LIMIT,
    rateWindowMinutes: raw.COMPLAINT_RATE_WINDOW_MINUTES,
    ratePepper: raw.COMPLAINT_RATE_PEPPER,
  };
}
