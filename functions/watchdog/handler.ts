import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod';
import { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import { ImportsRepository } from '#shared/adapters/imports-repo.ts';
import { LambdaInvoker } from '#shared/adapters/lambda-invoker.ts';
import { ObjectStore } from '#shared/adapters/object-store.ts';
import { BankReportsRepository } from '#shared/adapters/payments-repo.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { UploadsRepository } from '#shared/adapters/uploads-repo.ts';
import { env } from '#shared/config/env.ts';
import { watchdogSettings } from '#shared/config/watchdog.ts';
import { logger } from '#shared/logger.ts';
import { publish } from '#shared/observability/telemetry.ts';
import { captureHandler } from '#shared/observability/tracing.ts';
import { hourlyRunId, runWatchdog, type WatchdogDeps, type WatchdogSummary } from './run-watchdog.ts';
import { watchdogMetrics } from './watchdog-metrics.ts';

let deps: WatchdogDeps | undefined;

/** The job's adapters, built once per container (tests and `npm run watchdog` use them too). */
export function dependencies(): WatchdogDeps {
  if (deps) return deps;
  const config = env();
  deps = {
    proposals: new ProposalsRepository(config.tableName),
    decrees: new DecreesRepository(config.tableName),
    uploads: new UploadsRepository(config.tableName),
    imports: new ImportsRepository(config.tableName),
    bankReports: new BankReportsRepository(config.tableName),
    objects: new ObjectStore(),
    invoker: new LambdaInvoker(),
    config: {
      uploadsBucket: config.uploadsBucket,
      documentsBucket: config.documentsBucket,
      ...watchdogSettings(),
    },
  };
  return deps;
}

/**
 * What starts a run: EventBridge's scheduled event (only its `time` is read, to name the run), or
 * anything else (a manual invoke), which runs now under a name of its own.
 */
export const WatchdogEventSchema = z.looseObject({ time: z.iso.datetime().optional() });

/** The run an event starts: the scheduled hour's (a retried invocation rewrites the same report), else a manual one. */
export function runIdFor(event: unknown, now: Date): string {
  const parsed = WatchdogEventSchema.safeParse(event);
  const time = parsed.success ? parsed.data.time : undefined;
  return time ? hourlyRunId(new Date(time)) : `manual-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * EventBridge schedule → one watchdog run (invoked directly, no queue: the run is idempotent and
 * the next hour's run repeats it). A run that throws is retried by Lambda's asynchronous invoke
 * (twice) and counted by the errors alarm.
 */
export const handler = middy<unknown, WatchdogSummary>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(captureHandler())
  .handler(async (event) => {
    const summary = await runWatchdog(runIdFor(event, new Date()), dependencies());
    publish(watchdogMetrics(summary));
    return summary;
  });
