import { ComplaintsRepository } from '#shared/adapters/complaints-repo.ts';
import { env } from '#shared/config/env.ts';
import { PROVINCE_UNIT } from '#shared/domain/complaints.ts';
import type { DashboardCounts } from '#shared/domain/family/dashboard.ts';
import { type DashboardLevel, type DashboardRow, dashboardTable } from '#shared/domain/family/dashboard.ts';
import { wibParts } from '#shared/domain/family/verval-sheet.ts';
import { REGIONS } from '#shared/domain/regions.ts';
import { ownRegion, requireRegion, type Scope } from '#shared/http/caller.ts';
import { dashboardRoutes } from './deps.ts';

let complaints: ComplaintsRepository | undefined;

export interface DashboardAnswer {
  readonly region: string | undefined;
  readonly level: DashboardLevel;
  readonly rows: DashboardRow[];
  readonly totals: DashboardCounts;
  readonly asOf: string;
}

/**
 * A tahap's dashboard as the caller may read it: a regional role its own kabupaten only (another is
 * 403, as every distribution route answers), the province any kabupaten or all. One Query of the
 * tahap's desa counters (`DASH#<tahapId>`, a kabupaten's by prefix), and the complaints' own counters
 * (open per desa, overdue per due day) of the handling units concerned, read at once: a kabupaten's
 * own queue, and for the province also the province's (pungli), which a kabupaten never sees.
 */
export async function loadDashboard(
  scope: Scope,
  tahapId: string,
  query: { readonly region?: string | undefined; readonly level?: DashboardLevel | undefined },
  now = new Date(),
): Promise<DashboardAnswer> {
  const region = query.region ?? ownRegion(scope);
  if (region !== undefined) requireRegion(scope, region);
  const level = query.level ?? (region === undefined ? 'kabupaten' : 'kecamatan');
  complaints ??= new ComplaintsRepository(env().tableName);
  const repo = complaints;
  const units =
    scope.regions === 'all'
      ? [...(region === undefined ? REGIONS.map((r) => r.code) : [region]), PROVINCE_UNIT]
      : [region ?? ''];
  const today = wibParts(now).date;
  const [desa, ...perUnit] = await Promise.all([
    dashboardRoutes().desaCounts(tahapId, region),
    ...units.map(async (unit) => ({
      areas: await repo.areaCounts(unit),
      overdue: await repo.overdueByDesa(unit, today),
    })),
  ]);
  const byDesa = new Map<string, { open: number; overdue: number }>();
  const inScope = (code: string) => region === undefined || code.startsWith(`${region}.`);
  for (const { areas, overdue } of perUnit) {
    for (const area of areas) {
      // The complaints' counters are kept per kabupaten, kecamatan and desa: only the desa are summed.
      if (area.code.split('.').length !== 4 || !inScope(area.code)) continue;
      const count = byDesa.get(area.code) ?? { open: 0, overdue: 0 };
      count.open += area.open;
      byDesa.set(area.code, count);
    }
    for (const [code, n] of overdue) {
      if (!inScope(code)) continue;
      const count = byDesa.get(code) ?? { open: 0, overdue: 0 };
      count.overdue += n;
      byDesa.set(code, count);
    }
  }
  const table = dashboardTable(desa, byDesa, level);
  return { region, level, ...table, asOf: now.toISOString() };
}
