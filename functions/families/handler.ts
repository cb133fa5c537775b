import { AccountsRepository } from '#shared/adapters/accounts-repo.ts';
import { DashboardRepository } from '#shared/adapters/dashboard-repo.ts';
import { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import { EligibilityRepository } from '#shared/adapters/eligibility-repo.ts';
import { ExchangeRepository } from '#shared/adapters/exchange-repo.ts';
import { ExclusionsRepository } from '#shared/adapters/exclusions-repo.ts';
import { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import { FamilyDirectoryRepository } from '#shared/adapters/family-directory-repo.ts';
import { FoodRepository } from '#shared/adapters/food-repo.ts';
import { InstructionsRepository } from '#shared/adapters/instructions-repo.ts';
import { KpmRepository } from '#shared/adapters/kpm-repo.ts';
import { ObjectStore } from '#shared/adapters/object-store.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { VervalRepository } from '#shared/adapters/verval-repo.ts';
import { env } from '#shared/config/env.ts';
import { type FamilyJob, FamilyJobSchema } from '#shared/messages.ts';
import { queueWorker } from '#shared/queue/queue-worker.ts';
import { type CheckSnapshotDeps, checkSnapshot } from './check-snapshot.ts';
import { type ComposeKpmDeps, composeKpm } from './compose-kpm.ts';
import { type FoodListsDeps, writeFoodLists } from './food-lists.ts';
import { type InstructPaymentsDeps, instructPayments } from './instruct-payments.ts';
import { type OpenDistributionDeps, openDistribution } from './open-distribution.ts';
import { type RequestAccountsDeps, requestAccounts } from './request-accounts.ts';
import { type EligibilityJobDeps, runEligibilityJob } from './run-eligibility.ts';

type FamilyJobDeps = CheckSnapshotDeps &
  EligibilityJobDeps &
  ComposeKpmDeps &
  OpenDistributionDeps &
  FoodListsDeps &
  RequestAccountsDeps &
  InstructPaymentsDeps;

let deps: FamilyJobDeps | undefined;

/** The jobs' adapters, built once per container. */
function dependencies(): FamilyJobDeps {
  if (deps) return deps;
  const config = env();
  deps = {
    snapshots: new SnapshotsRepository(config.tableName),
    families: new FamiliesRepository(config.tableName),
    exclusions: new ExclusionsRepository(config.tableName),
    tahap: new TahapRepository(config.tableName),
    results: new EligibilityRepository(config.tableName),
    objects: new ObjectStore(),
    documentsBucket: config.documentsBucket,
    kpm: new KpmRepository(config.tableName),
    verval: new VervalRepository(config.tableName),
    proposals: new ProposalsRepository(config.tableName),
    recipients: new RecipientsRepository(config.tableName),
    decrees: new DecreesRepository(config.tableName),
    directory: new FamilyDirectoryRepository(config.tableName),
    distribution: new DistributionRepository(config.tableName),
    dashboard: new DashboardRepository(config.tableName),
    food: new FoodRepository(config.tableName),
    exchange: new ExchangeRepository(config.tableName),
    accounts: new AccountsRepository(config.tableName),
    instructions: new InstructionsRepository(config.tableName),
    tableName: config.tableName,
  };
  return deps;
}

/** Runs one family job. */
async function run(job: FamilyJob): Promise<unknown> {
  switch (job.type) {
    case 'snapshot.check.requested':
      return checkSnapshot(job, dependencies());
    case 'eligibility.requested':
      return runEligibilityJob(job, dependencies());
    case 'kpm.compose.requested':
      return composeKpm(job, dependencies());
    case 'distribution.open.requested':
      return openDistribution(job, dependencies());
    case 'food.lists.requested':
      return writeFoodLists(job, dependencies());
    case 'accounts.request.requested':
      return requestAccounts(job, dependencies());
    case 'payments.instruct.requested':
      return instructPayments(job, dependencies());
  }
}

/** SQS → the family programme's jobs, one per record (a failed one retried alone, then its DLQ). */
export const handler = queueWorker({ schema: FamilyJobSchema, type: 'family job', work: run });
