/**
 * Every business metric the functions publish, named once: the functions record them
 * (`./telemetry.ts`), the CDK app draws the dashboards and sets the alarms on them
 * (`infra/constructs/dashboards.ts`, `infra/constructs/business-alarms.ts`). No Powertools import
 * here, so the infra code can read the names without bundling the library.
 *
 * Dimensions are kept few: `service` (Powertools adds it to every metric), and `region` or `kind`
 * where one says which. 14 regions × 40 refusal codes would be ~560 custom metrics (about US$170 a
 * month): reason codes go to the logs and the operator's error report, never into a dimension.
 */
export const METRICS_NAMESPACE = 'KHBS';

/** The Powertools service name: the `service` key of every log line and the `service` dimension. */
export const SERVICE_NAME = 'khbs-bkk';

export type MetricUnitName = 'Count' | 'Milliseconds' | 'Seconds';

/** What a dashboard groups it under. */
export type Capability = 'import' | 'workflow' | 'decree' | 'reconciliation' | 'families';

export interface MetricSpec {
  readonly name: string;
  readonly unit: MetricUnitName;
  readonly capability: Capability;
  /** The one dimension besides `service`, if any. */
  readonly dimension?: 'region' | 'kind';
  /** What it counts, for the dashboard's widget and the README's "On call". */
  readonly description: string;
}

export const METRICS = {
  // Import: regional offices' files.
  rowsImported: {
    name: 'RowsImported',
    unit: 'Count',
    capability: 'import',
    dimension: 'region',
    description: 'Rows of an uploaded file written as recipients',
  },
  rowsRefused: {
    name: 'RowsRefused',
    unit: 'Count',
    capability: 'import',
    dimension: 'region',
    description: "Rows refused, each with a line in the operator's error report",
  },
  importDuration: {
    name: 'ImportDuration',
    unit: 'Milliseconds',
    capability: 'import',
    description: 'From the file claimed to the upload COMPLETED or FAILED',
  },
  importsFailed: {
    name: 'ImportsFailed',
    unit: 'Count',
    capability: 'import',
    description: 'Files refused as a whole (unreadable, wrong columns, too large, period closed)',
  },
  uploadsNotImported: {
    name: 'UploadsNotImported',
    unit: 'Count',
    capability: 'import',
    description: 'Files in the bucket with no import result, found by the hourly watchdog',
  },
  uploadsRedriven: {
    name: 'UploadsRedriven',
    unit: 'Count',
    capability: 'import',
    description: 'Files (uploads and bank reports) handed to their import again by the watchdog',
  },
  // Workflow: checks, sign-offs, hand-offs.
  proposalsSubmitted: {
    name: 'ProposalsSubmitted',
    unit: 'Count',
    capability: 'workflow',
    dimension: 'region',
    description: 'Lists submitted to the automatic checks',
  },
  recipientsChecked: {
    name: 'RecipientsChecked',
    unit: 'Count',
    capability: 'workflow',
    description: 'Recipients run through the automatic checks',
  },
  checksFlags: {
    name: 'ChecksFlags',
    unit: 'Count',
    capability: 'workflow',
    dimension: 'region',
    description: 'Open flags after a checks run (duplicates, accounts shared, over quota, ...)',
  },
  checksDuration: {
    name: 'ChecksDuration',
    unit: 'Milliseconds',
    capability: 'workflow',
    description: 'One checks run, from the message to IN_REVIEW',
  },
  signOffs: {
    name: 'SignOffs',
    unit: 'Count',
    capability: 'workflow',
    description: "Agencies' reviews and the approver's decisions recorded",
  },
  signOffLatency: {
    name: 'SignOffLatency',
    unit: 'Seconds',
    capability: 'workflow',
    description: 'From the submission of a list to each sign-off on it',
  },
  proposalsStuck: {
    name: 'ProposalsStuck',
    unit: 'Count',
    capability: 'workflow',
    description: 'Lists waiting in one status past the watchdog limit',
  },
  handoffsSent: {
    name: 'HandoffsSent',
    unit: 'Count',
    capability: 'workflow',
    description: 'Outbox hand-offs delivered to their work queue',
  },
  handoffSendFailures: {
    name: 'HandoffSendFailures',
    unit: 'Count',
    capability: 'workflow',
    description: 'Failed sends of an outbox hand-off (retried by the stream and the sweep)',
  },
  oldestPendingHandoff: {
    name: 'OldestPendingHandoffAge',
    unit: 'Seconds',
    capability: 'workflow',
    description: 'Age of the oldest hand-off still pending, seen by the outbox sweep',
  },
  // Decree.
  decreesIssued: {
    name: 'DecreesIssued',
    unit: 'Count',
    capability: 'decree',
    description: 'Decrees numbered and stored with their PDF',
  },
  decreeRecipients: {
    name: 'DecreeRecipients',
    unit: 'Count',
    capability: 'decree',
    description: 'Recipients listed in the lampiran of the decrees issued',
  },
  decreeRenderTime: {
    name: 'DecreeRenderTime',
    unit: 'Milliseconds',
    capability: 'decree',
    description: 'Rendering one decree PDF',
  },
  decreePreflightFailures: {
    name: 'DecreePreflightFailures',
    unit: 'Count',
    capability: 'decree',
    description: 'Approved lists whose decree was held back by a failed pre-flight',
  },
  decreePdfProblems: {
    name: 'DecreePdfProblems',
    unit: 'Count',
    capability: 'decree',
    description: 'Issued decrees whose PDF is missing or differs from its recorded SHA-256',
  },
  // Reconciliation: the money.
  paymentLines: {
    name: 'PaymentLines',
    unit: 'Count',
    capability: 'reconciliation',
    description: "Lines of the bank's (and BULOG's) reports recorded",
  },
  findings: {
    name: 'Findings',
    unit: 'Count',
    capability: 'reconciliation',
    dimension: 'kind',
    description: 'Reconciliation findings by kind (NOT_PAID, PAID_TWICE, ...)',
  },
  reconciliationDuration: {
    name: 'ReconciliationDuration',
    unit: 'Milliseconds',
    capability: 'reconciliation',
    description: 'One reconciliation run',
  },
  decreesDisbursed: {
    name: 'DecreesDisbursed',
    unit: 'Count',
    capability: 'reconciliation',
    description: 'Decrees found fully paid and closed',
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricId = keyof typeof METRICS;

/** Findings that mean money went where it should not: each one pages (`business-alarms.ts`). */
export const MONEY_ALARM_FINDINGS = ['PAID_TWICE', 'PAID_UNDER_REVOKED', 'UNKNOWN_PAYEE'] as const;

/**
 * Set (to `active`) by the CDK app on every function it deploys with X-Ray active tracing: only
 * then is Powertools Tracer loaded (`./tracing.ts`). Loading it means loading the X-Ray SDK, whose
 * `cls-hooked` turns on async hooks for the whole process: every promise costs more (the import's
 * parsing ran 30–50 % slower here with it loaded), which tests, benchmarks and the local stack,
 * where nothing would be traced, should not pay.
 */
export const TRACING_ENV = { name: 'KHBS_TRACING', active: 'active' } as const;
