import { AccountsRepository } from '#shared/adapters/accounts-repo.ts';
import { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import { EligibilityRepository } from '#shared/adapters/eligibility-repo.ts';
import { ExclusionsRepository } from '#shared/adapters/exclusions-repo.ts';
import { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import { FamilyDirectoryRepository } from '#shared/adapters/family-directory-repo.ts';
import { ImportsRepository } from '#shared/adapters/imports-repo.ts';
import { ObjectStore } from '#shared/adapters/object-store.ts';
import { SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import { parseImportKey } from '#shared/adapters/storage-keys.ts';
import { TahapRepository } from '#shared/adapters/tahap-repo.ts';
import { VervalRepository } from '#shared/adapters/verval-repo.ts';
import { env } from '#shared/config/env.ts';
import { s3Worker } from '#shared/queue/s3-worker.ts';
import { type FamilyImportDeps, importFamilyFile } from './import-family-file.ts';

let deps: FamilyImportDeps | undefined;

function dependencies(): FamilyImportDeps {
  if (deps) return deps;
  const config = env();
  deps = {
    imports: new ImportsRepository(config.tableName),
    snapshots: new SnapshotsRepository(config.tableName),
    families: new FamiliesRepository(config.tableName),
    exclusions: new ExclusionsRepository(config.tableName),
    tahap: new TahapRepository(config.tableName),
    results: new EligibilityRepository(config.tableName),
    verval: new VervalRepository(config.tableName),
    distribution: new DistributionRepository(config.tableName),
    accounts: new AccountsRepository(config.tableName),
    directory: new FamilyDirectoryRepository(config.tableName),
    objects: new ObjectStore(),
    tableName: config.tableName,
    documentsBucket: config.documentsBucket,
    limits: config.limits,
  };
  return deps;
}

/** S3 `ObjectCreated` under `imports/` → one family file import per record. */
export const handler = s3Worker(
  (object) => importFamilyFile(object, dependencies()),
  (object) => {
    const key = parseImportKey(object.key);
    return key ? { importId: key.importId } : {};
  },
);
