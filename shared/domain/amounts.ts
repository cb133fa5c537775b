import type { RoleCode } from './roles.ts';

/** Months a period covers: `YYYY` 12, `YYYY-S1` 6, `YYYY-T1` 3, `YYYY-MM` 1. */
export function monthsIn(period: string): number {
  if (/^\d{4}$/.test(period)) return 12;
  if (/^\d{4}-S[12]$/.test(period)) return 6;
  if (/^\d{4}-T[1-4]$/.test(period)) return 3;
  return 1;
}

export interface Totals {
  readonly months: number;
  readonly byRole: Record<string, { readonly count: number; readonly amount: number }>;
  readonly total: number;
}

/** What a list costs for the period: recipients per role × monthly rate × months. */
export function totalsFor(
  countsByRole: Readonly<Record<string, number>>,
  monthlyRates: Readonly<Record<RoleCode, number>>,
  period: string,
): Totals {
  const months = monthsIn(period);
  const byRole: Record<string, { count: number; amount: number }> = {};
  let total = 0;
  for (const [role, count] of Object.entries(countsByRole)) {
    const rate = monthlyRates[role as RoleCode] ?? 0;
    const amount = count * rate * months;
    byRole[role] = { count, amount };
    total += amount;
  }
  return { months, byRole, total };
}

export interface KpmTotals extends Totals {
  readonly byComponent: Record<string, { readonly count: number; readonly amount: number }>;
}

/**
 * What a KPM list costs for its tahap: every family receives each component's amount (the tahap's
 * `components`, e.g. `{ TUNAI: 250000, PANGAN: 150000 }`), so families × amount per component, and
 * the families under their one role (KPM). A tahap is not a number of months: `months` is 0.
 */
export function totalsForKpm(families: number, components: Readonly<Record<string, number>>): KpmTotals {
  const byComponent: Record<string, { count: number; amount: number }> = {};
  let total = 0;
  for (const [component, amount] of Object.entries(components)) {
    byComponent[component] = { count: families, amount: families * amount };
    total += families * amount;
  }
  return {
    months: 0,
    byRole: families > 0 ? { KPM: { count: families, amount: total } } : {},
    byComponent,
    total,
  };
}
