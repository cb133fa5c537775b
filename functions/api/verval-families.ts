import { needsVisit } from '#shared/domain/family/verval.ts';
import { ConflictError } from '#shared/errors.ts';
import type { EligibilityResult, TahapRecord } from '#shared/model.ts';
import { tahapRoutes } from './deps.ts';

/** The tahap's completed run, or a 409 saying the eligibility run has to come first. */
export function completedRun(tahap: TahapRecord): NonNullable<TahapRecord['eligibility']> {
  const run = tahap.eligibility;
  if (run?.status !== 'COMPLETED') {
    throw new ConflictError(
      'Pemeriksaan kelayakan tahap ini belum selesai: belum ada keluarga yang diverval.',
      {
        reason: 'ELIGIBILITY_NOT_RUN',
      },
    );
  }
  return run;
}

/** The families of a desa a relawan visits in the tahap's latest run (a few hundred: read whole). */
export async function familiesToVisit(tahap: TahapRecord, desaCode: string): Promise<EligibilityResult[]> {
  const run = completedRun(tahap);
  return (await tahapRoutes().results.allOfDesa(tahap.tahapId, run.runId, desaCode)).filter(needsVisit);
}
