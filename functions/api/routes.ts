/**
 * The HTTP API's routes: one table read by the CDK stack (one Lambda per route, with exactly the
 * grants listed here) and by the local gateway (same handlers, same paths). Each entry module
 * exports `handler`.
 */
export type TableAccess = 'read' | 'readwrite';

export interface RouteAccess {
  readonly table?: TableAccess;
  /** `put`: may presign uploads into the uploads bucket. */
  readonly uploadsBucket?: 'put';
  /** `read`: may presign downloads of reports and decrees. */
  readonly documentsBucket?: 'read';
  /** Queues the route sends to (keys of `QUEUES` in `shared/resources.ts`). */
  readonly sendsTo?: readonly ('checks' | 'decree' | 'reconciliation')[];
}

export interface RouteSpec {
  /** Stable id, used for construct ids and function names. */
  readonly id: string;
  readonly method: 'GET' | 'POST';
  /** API Gateway path syntax: `/uploads/{uploadId}`. */
  readonly path: string;
  /** Handler module, relative to the repository root. */
  readonly entry: string;
  /** True for the routes that need no token (`/health`, `/verify/{code}`). */
  readonly public: boolean;
  readonly access: RouteAccess;
}

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'Health',
    method: 'GET',
    path: '/health',
    entry: 'functions/api/health.ts',
    public: true,
    access: {},
  },
  {
    id: 'CreateUpload',
    method: 'POST',
    path: '/uploads',
    entry: 'functions/api/create-upload.ts',
    public: false,
    access: { table: 'readwrite', uploadsBucket: 'put' },
  },
  {
    id: 'GetUpload',
    method: 'GET',
    path: '/uploads/{uploadId}',
    entry: 'functions/api/get-upload.ts',
    public: false,
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'ListProposals',
    method: 'GET',
    path: '/proposals',
    entry: 'functions/api/list-proposals.ts',
    public: false,
    access: { table: 'read' },
  },
  {
    id: 'GetProposal',
    method: 'GET',
    path: '/proposals/{proposalId}',
    entry: 'functions/api/get-proposal.ts',
    public: false,
    access: { table: 'read' },
  },
  {
    id: 'ListRecipients',
    method: 'GET',
    path: '/proposals/{proposalId}/recipients',
    entry: 'functions/api/list-recipients.ts',
    public: false,
    access: { table: 'read' },
  },
  {
    id: 'SubmitProposal',
    method: 'POST',
    path: '/proposals/{proposalId}/submit',
    entry: 'functions/api/submit-proposal.ts',
    public: false,
    access: { table: 'readwrite', sendsTo: ['checks'] },
  },
  {
    id: 'ReviewProposal',
    method: 'POST',
    path: '/proposals/{proposalId}/reviews',
    entry: 'functions/api/review-proposal.ts',
    public: false,
    access: { table: 'readwrite' },
  },
  {
    id: 'WaiveFlag',
    method: 'POST',
    path: '/proposals/{proposalId}/waivers',
    entry: 'functions/api/waive-flag.ts',
    public: false,
    access: { table: 'readwrite' },
  },
  {
    id: 'DecideProposal',
    method: 'POST',
    path: '/proposals/{proposalId}/approval',
    entry: 'functions/api/decide-proposal.ts',
    public: false,
    access: { table: 'readwrite', sendsTo: ['decree'] },
  },
  {
    id: 'ListDecrees',
    method: 'GET',
    path: '/decrees',
    entry: 'functions/api/list-decrees.ts',
    public: false,
    access: { table: 'read' },
  },
  {
    id: 'GetDecree',
    method: 'GET',
    path: '/decrees/{decreeId}',
    entry: 'functions/api/get-decree.ts',
    public: false,
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'RevokeDecree',
    method: 'POST',
    path: '/decrees/{decreeId}/revocation',
    entry: 'functions/api/revoke-decree.ts',
    public: false,
    access: { table: 'readwrite', documentsBucket: 'read' },
  },
  {
    id: 'VerifyDecree',
    method: 'GET',
    path: '/verify/{code}',
    entry: 'functions/api/verify-decree.ts',
    public: true,
    access: { table: 'read' },
  },
  {
    id: 'StartReconciliation',
    method: 'POST',
    path: '/reconciliations',
    entry: 'functions/api/start-reconciliation.ts',
    public: false,
    access: { table: 'readwrite', sendsTo: ['reconciliation'] },
  },
  {
    id: 'ListReconciliations',
    method: 'GET',
    path: '/reconciliations',
    entry: 'functions/api/list-reconciliations.ts',
    public: false,
    access: { table: 'read' },
  },
  {
    id: 'GetReconciliation',
    method: 'GET',
    path: '/reconciliations/{runId}',
    entry: 'functions/api/get-reconciliation.ts',
    public: false,
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'GetAudit',
    method: 'GET',
    path: '/audit',
    entry: 'functions/api/get-audit.ts',
    public: false,
    access: { table: 'read' },
  },
];

/** The import function, triggered by objects created under `uploads/`. */
export const IMPORT_FUNCTION = { id: 'ImportUpload', entry: 'functions/import/handler.ts' } as const;

/** The automatic checks, consuming `QUEUES.checks` (SQS event source, partial batch responses). */
export const CHECKS_FUNCTION = { id: 'RunChecks', entry: 'functions/checks/handler.ts' } as const;

/** The decree worker, consuming `QUEUES.decree`: numbers, renders and stores each SK Gubernur. */
export const DECREE_FUNCTION = { id: 'IssueDecree', entry: 'functions/decree/handler.ts' } as const;

/** The reconciliation job, consuming `QUEUES.reconciliation` (daily schedule, API, local command). */
export const RECONCILE_FUNCTION = { id: 'Reconcile', entry: 'functions/reconcile/handler.ts' } as const;

/** The bank disbursement report import, triggered by objects created under `disbursements/`. */
export const DISBURSEMENT_FUNCTION = {
  id: 'ImportBankReport',
  entry: 'functions/disbursement/handler.ts',
} as const;
