import { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import { ObjectStore } from '#shared/adapters/object-store.ts';
import { SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import { env } from '#shared/config/env.ts';
import { type FamilyJob, FamilyJobSchema } from '#shared/messages.ts';
import { queueWorker } from '#shared/queue/queue-worker.ts';
import { type CheckSnapshotDeps, checkSnapshot } from './check-snapshot.ts';

let deps: CheckSnapshotDeps | undefined;

function dependencies(): CheckSnapshotDeps {
  if (deps) return deps;
  const config = env();
  deps = {
    snapshots: new SnapshotsRepository(config.tableName),
    families: new FamiliesRepository(config.tableName),
    objects: new ObjectStore(),
    documentsBucket: config.documentsBucket,
  };
  return deps;
}

/** Runs one family job. */
async function run(job: FamilyJob): Promise<unknown> {
  switch (job.type) {
    case 'snapshot.check.requested':
      return checkSnapshot(job, dependencies());
    case 'eligibility.requested':
      throw new Error('eligibility runs are not wired yet');
  }
}

/** SQS → the family programme's jobs, one per record (a failed one retried alone, then its DLQ). */
export const handler = queueWorker({ schema: FamilyJobSchema, type: 'family job', work: run });
