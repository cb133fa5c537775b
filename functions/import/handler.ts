import { ObjectStore } from '#shared/adapters/object-store.ts';
import { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import { RecipientsRepository } from '#shared/adapters/recipients-repo.ts';
import { parseUploadKey } from '#shared/adapters/storage-keys.ts';
import { UploadsRepository } from '#shared/adapters/uploads-repo.ts';
import { env } from '#shared/config/env.ts';
import { publish } from '#shared/observability/telemetry.ts';
import { s3Worker } from '#shared/queue/s3-worker.ts';
import { importMetrics } from './import-metrics.ts';
import { type ImportDeps, importUpload } from './import-upload.ts';

let deps: ImportDeps | undefined;

function dependencies(): ImportDeps {
  if (deps) return deps;
  const config = env();
  deps = {
    uploads: new UploadsRepository(config.tableName),
    proposals: new ProposalsRepository(config.tableName),
    recipients: new RecipientsRepository(config.tableName),
    objects: new ObjectStore(),
    tableName: config.tableName,
    documentsBucket: config.documentsBucket,
    limits: config.limits,
  };
  return deps;
}

/** S3 `ObjectCreated` under `uploads/` → one import per record. */
export const handler = s3Worker(
  async (object) => {
    const outcome = await importUpload(object, dependencies());
    publish(importMetrics(outcome, parseUploadKey(object.key)?.region));
    return outcome;
  },
  (object) => {
    const upload = parseUploadKey(object.key);
    return upload ? { uploadId: upload.uploadId, region: upload.region } : {};
  },
);
