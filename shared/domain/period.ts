import * as z from 'zod';
import { lazySchema } from '../lazy-schema.ts';

/**
 * A payment period as it appears in S3 keys and the API (interfaces.md §2): a year `2026`, a month
 * `2026-03`, a semester `2026-S1`/`2026-S2` or a quarter (triwulan) `2026-T1`…`2026-T4`, for the
 * years 2020–2100.
 */
export const PERIOD_PATTERN = /^(?:20[2-9]\d|2100)(?:-(?:0[1-9]|1[0-2])|-S[12]|-T[1-4])?$/;

export const PeriodSchema = /* @__PURE__ */ lazySchema(() =>
  z
    .string()
    .regex(
      PERIOD_PATTERN,
      'Periode harus berbentuk YYYY, YYYY-MM, YYYY-S1/S2 atau YYYY-T1…T4 (tahun 2020–2100).',
    ),
);

export type Period = z.infer<typeof PeriodSchema>;

/** Indonesian month names, January first. */
export const MONTHS = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
] as const;

/**
 * The period in words, for decrees and reports: `Tahun 2026`, `Maret 2026`, `Semester I Tahun 2026`,
 * `Triwulan II Tahun 2026`. Undefined for a value that is not a period.
 */
export function periodLabel(period: string): string | undefined {
  if (!PERIOD_PATTERN.test(period)) return undefined;
  const year = period.slice(0, 4);
  const part = period.slice(5);
  if (part === '') return `Tahun ${year}`;
  const roman = ['I', 'II', 'III', 'IV'];
  if (part.startsWith('S')) return `Semester ${roman[Number(part.slice(1)) - 1]} Tahun ${year}`;
  if (part.startsWith('T')) return `Triwulan ${roman[Number(part.slice(1)) - 1]} Tahun ${year}`;
  return `${MONTHS[Number(part) - 1]} ${year}`;
}
