import type { ReconciliationSummary } from '#shared/contract/responses.ts';
import type { ReconciliationRun } from '#shared/model.ts';

/** How a run is listed: status, times, counts. */
export function reconciliationSummary(run: ReconciliationRun): ReconciliationSummary {
  return {
    runId: run.runId,
    trigger: run.trigger,
    status: run.status,
    requestedAt: run.requestedAt,
    requestedBy: run.requestedBy?.name,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
    inputs: run.inputs,
    counts: run.counts,
    disbursed: run.disbursed,
  };
}
