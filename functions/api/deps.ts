import { AccountsRepository } from '#shared/adapters/accounts-repo.ts';
import { DashboardRepository } from '#shared/adapters/dashboard-repo.ts';
import { DecreesRepository } from '#shared/adapters/decrees-repo.ts';
import { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import { EligibilityRepository } from '#shared/adapters/eligibility-repo.ts';
import { ExclusionsRepository } from '#shared/adapters/exclusions-repo.ts';
import { ImportsRepository } from '#shared/adapters/imports-repo.ts';
import { InstructionsRepository } from '#shared/adapters/instructions-repo.ts';
import { KpmRepository } from '#shared/adapters/kpm-repo.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { ReconciliationsRepository } from '#shared/adapters/reconciliations-repo.ts';
import { SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { UploadsRepository } from '#shared/adapters/uploads-repo.ts';
import { type Env, env } from '#shared/config/env.ts';

/**
 * The table's adapters the API routes use, built once per container on first use. The routes that
 * presign S3 URLs take theirs from `./deps-with-objects.ts`, so that only they bundle the S3 client.
 */
export interface ApiDeps {
  readonly config: Env;
  readonly uploads: UploadsRepository;
  readonly proposals: ProposalsRepository;
  readonly recipients: RecipientsRepository;
  readonly decrees: DecreesRepository;
}

let deps: ApiDeps | undefined;

export function apiDeps(): ApiDeps {
  if (deps) return deps;
  const config = env();
  deps = {
    config,
    uploads: new UploadsRepository(config.tableName),
    proposals: new ProposalsRepository(config.tableName),
    recipients: new RecipientsRepository(config.tableName),
    decrees: new DecreesRepository(config.tableName),
  };
  return deps;
}

let runs: ReconciliationsRepository | undefined;

/** Reconciliation runs (only the reconciliation routes need them). */
export function reconciliations(): ReconciliationsRepository {
  runs ??= new ReconciliationsRepository(env().tableName);
  return runs;
}

/** The family programme's file imports, snapshots and exclusion lists (only their routes need them). */
export interface FamilyFileDeps {
  readonly imports: ImportsRepository;
  readonly snapshots: SnapshotsRepository;
  readonly exclusions: ExclusionsRepository;
}

let familyFileDeps: FamilyFileDeps | undefined;

export function familyFiles(): FamilyFileDeps {
  if (familyFileDeps) return familyFileDeps;
  const { tableName } = env();
  familyFileDeps = {
    imports: new ImportsRepository(tableName),
    snapshots: new SnapshotsRepository(tableName),
    exclusions: new ExclusionsRepository(tableName),
  };
  return familyFileDeps;
}

/** Tahap and eligibility results (only the tahap routes need them). */
export interface TahapDeps {
  readonly tahap: TahapRepository;
  readonly results: EligibilityRepository;
  readonly snapshots: SnapshotsRepository;
  readonly kpm: KpmRepository;
}

let tahapDeps: TahapDeps | undefined;

export function tahapRoutes(): TahapDeps {
  if (tahapDeps) return tahapDeps;
  const { tableName } = env();
  tahapDeps = {
    tahap: new TahapRepository(tableName),
    results: new EligibilityRepository(tableName),
    snapshots: new SnapshotsRepository(tableName),
    kpm: new KpmRepository(tableName),
  };
  return tahapDeps;
}

let distribution: DistributionRepository | undefined;

/** Cards, entitlements and distribution records (only the distribution's routes need them). */
export function distributionRoutes(): DistributionRepository {
  distribution ??= new DistributionRepository(env().tableName);
  return distribution;
}

let dashboard: DashboardRepository | undefined;

/** The dashboards' counters (the routes that move cards, and the dashboard's own). */
export function dashboardRoutes(): DashboardRepository {
  dashboard ??= new DashboardRepository(env().tableName);
  return dashboard;
}

let cash: { accounts: AccountsRepository; instructions: InstructionsRepository } | undefined;

/** Accounts and payment instructions (only the cash routes need them). */
export function cashRoutes(): { accounts: AccountsRepository; instructions: InstructionsRepository } {
  cash ??= {
    accounts: new AccountsRepository(env().tableName),
    instructions: new InstructionsRepository(env().tableName),
  };
  return cash;
}
