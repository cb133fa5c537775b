import { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import { ObjectStore } from '#shared/adapters/object-store.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { decreeConfig } from '#shared/config/decree.ts';
import { env } from '#shared/config/env.ts';
import { RATE_TABLE } from '#shared/config/rates.ts';
import { DecreeRequestedSchema } from '#shared/messages.ts';
import { elapsedMs, publish } from '#shared/observability/telemetry.ts';
import { queueWorker } from '#shared/queue/queue-worker.ts';
import { decreeMetrics, preflightFailureMetrics, renderMetrics } from './decree-metrics.ts';
import { DecreePreflightError, type IssueDecreeDeps, issueDecree } from './issue-decree.ts';
import { dryRunDecreePdf, renderDecreePdf } from './render-pdf.ts';

let deps: IssueDecreeDeps | undefined;

/** The worker's adapters, built once per container (tests and the demo issue decrees with them too). */
export function dependencies(): IssueDecreeDeps {
  if (deps) return deps;
  const config = env();
  const decree = decreeConfig();
  deps = {
    proposals: new ProposalsRepository(config.tableName),
    decrees: new DecreesRepository(config.tableName),
    recipients: new RecipientsRepository(config.tableName),
    tahap: new TahapRepository(config.tableName),
    objects: new ObjectStore(),
    documentsBucket: config.documentsBucket,
    settings: decree.settings,
    retention: decree.retention,
    rates: RATE_TABLE,
    render: async (document, options) => {
      const started = performance.now();
      const rendered = await renderDecreePdf(document, options);
      publish(renderMetrics(elapsedMs(started)));
      return rendered;
    },
    dryRender: dryRunDecreePdf,
  };
  return deps;
}

/** SQS → one decree per `decree.requested` record (idempotent by proposal: see `issueDecree`). */
export const handler = queueWorker({
  schema: DecreeRequestedSchema,
  type: 'decree.requested',
  work: async (message) => {
    const startedAt = new Date().toISOString();
    try {
      const decree = await issueDecree(message, dependencies());
      publish(decreeMetrics(decree, startedAt));
      return decree;
    } catch (error) {
      if (error instanceof DecreePreflightError) publish(preflightFailureMetrics());
      throw error;
    }
  },
});
