import { ObjectStore } from '#shared/adapters/object-store.ts';
import { BankReportsRepository, PaymentsRepository } from '#shared/adapters/payments-repo.ts';
import { env } from '#shared/config/env.ts';
import { publish } from '#shared/observability/telemetry.ts';
import { s3Worker } from '#shared/queue/s3-worker.ts';
import { bankReportMetrics } from './bank-report-metrics.ts';
import { type BankImportDeps, importBankReport } from './import-bank-report.ts';

let deps: BankImportDeps | undefined;

function dependencies(): BankImportDeps {
  if (deps) return deps;
  const config = env();
  deps = {
    reports: new BankReportsRepository(config.tableName),
    payments: new PaymentsRepository(config.tableName),
    objects: new ObjectStore(),
    documentsBucket: config.documentsBucket,
    maxFileBytes: config.limits.maxFileBytes,
  };
  return deps;
}

/** S3 `ObjectCreated` under `disbursements/` → one bank report import per record. */
export const handler = s3Worker(async (object) => {
  const outcome = await importBankReport(object, dependencies());
  publish(bankReportMetrics(outcome));
  return outcome;
});
