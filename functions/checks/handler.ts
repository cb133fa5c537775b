import { ExclusionsRepository } from '#shared/adapters/exclusions-repo.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { RegistryRepository } from '#shared/adapters/registry-repo.ts';
import { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { env } from '#shared/config/env.ts';
import { type ChecksRequested, ChecksRequestedSchema } from '#shared/messages.ts';
import { publish } from '#shared/observability/telemetry.ts';
import { queueWorker } from '#shared/queue/queue-worker.ts';
import { checksMetrics } from './checks-metrics.ts';
import { type RunChecksDeps, runChecks } from './run-checks.ts';
import { WaiverReader } from './waivers.ts';

let deps: RunChecksDeps | undefined;

function dependencies(): RunChecksDeps {
  if (deps) return deps;
  const config = env();
  deps = {
    proposals: new ProposalsRepository(config.tableName),
    recipients: new RecipientsRepository(config.tableName),
    registry: new RegistryRepository(config.tableName),
    waivers: new WaiverReader(config.tableName),
    tahap: new TahapRepository(config.tableName),
    exclusions: new ExclusionsRepository(config.tableName),
    tableName: config.tableName,
  };
  return deps;
}

/** SQS → one checks run per record, in order (each run already works in parallel inside). */
export const handler = queueWorker({
  schema: ChecksRequestedSchema,
  type: 'checks.requested',
  work: async (message: ChecksRequested, record) => {
    const outcome = await runChecks(message, record.messageId, dependencies());
    publish(checksMetrics(outcome));
    return outcome;
  },
});
