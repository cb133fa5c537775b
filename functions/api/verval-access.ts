import { VervalRepository } from '#shared/adapters/verval-repo.ts';
import { env } from '#shared/config/env.ts';
import { ForbiddenError } from '#shared/errors.ts';
import { requireRegion, type Scope } from '#shared/http/caller.ts';

let repo: VervalRepository | undefined;

/** Assignments and verval results (only the verval routes need them). */
export function vervalRepo(): VervalRepository {
  repo ??= new VervalRepository(env().tableName);
  return repo;
}

/**
 * Whether the caller may work a desa's verval: its kabupaten must be the caller's (a regional role),
 * and a relawan must be assigned to the desa for this tahap — an assignment the operator keeps as
 * data, read here on every call, so removing it takes effect at once whatever the token says.
 */
export async function requireDesa(scope: Scope, tahapId: string, desaCode: string): Promise<void> {
  requireRegion(scope, desaCode.slice(0, 5));
  if (scope.role !== 'relawan') return;
  if (!(await vervalRepo().isAssigned(tahapId, desaCode, scope.sub))) {
    throw new ForbiddenError('Anda tidak ditugaskan di desa ini untuk tahap ini.');
  }
}
