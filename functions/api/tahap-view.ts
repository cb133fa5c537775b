import type { TahapView } from '#shared/contract/responses.ts';
import { tahapLabel } from '#shared/domain/family/tahap.ts';
import type { Scope } from '#shared/http/caller.ts';
import type { TahapRecord } from '#shared/model.ts';

/**
 * A tahap as the API shows it: the creator by name, no audit head. A regional role sees the
 * province's settings and its own kabupaten's snapshot and quota only (`regions: 'filtered'`), and
 * the run's state without the province's totals (another kabupaten's counts would follow by
 * subtraction).
 */
export function tahapView(tahap: TahapRecord, scope: Scope): TahapView {
  const { lastAuditHash: _head, createdBy, closed, ...rest } = tahap;
  const own = scope.regions === 'all' ? undefined : scope.regions[0];
  const only = <T>(values: Record<string, T> | undefined): Record<string, T> | undefined =>
    values && own !== undefined
      ? Object.fromEntries(Object.entries(values).filter(([region]) => region === own))
      : values;
  // The run's totals are the province's: a regional role reads its own counts in the summary.
  const eligibility =
    rest.eligibility && own !== undefined
      ? (({ families: _f, eligible: _e, excluded: _x, ...run }) => run)(rest.eligibility)
      : rest.eligibility;
  return {
    ...rest,
    ...(eligibility ? { eligibility } : {}),
    snapshots: only(rest.snapshots) ?? {},
    ...(rest.quotas ? { quotas: only(rest.quotas) } : {}),
    createdBy: { name: createdBy.name },
    ...(closed ? { closed: { at: closed.at, by: { name: closed.by.name }, reason: closed.reason } } : {}),
    label: tahapLabel(tahap),
  };
}
