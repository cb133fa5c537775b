/**
 * The HTTP API's routes: one table read by the CDK stack (one Lambda per route, with exactly the
 * grants listed here) and by the local gateway (same handlers, same paths). Each entry module
 * exports `handler`.
 */
import { type Capability, GROUPS, ROLE_RULES } from '#shared/http/caller.ts';

export type TableAccess = 'read' | 'readwrite';

export interface RouteAccess {
  readonly table?: TableAccess;
  /**
   * May presign PUTs into the uploads bucket: `put` under `uploads/` (BKK recipient files),
   * `putImports` under `imports/` (the family programme's files), `putDisbursements` under
   * `disbursements/` (Bank Kalteng's reports, put by its machine client); the machine clients'
   * answers that are family imports, each under its own kind's folder only: `putAccountAnswers`
   * under `imports/jawaban-rekening/`, `putEdc` under `imports/edc/` (the bank's), `putBast` under
   * `imports/bast/` (BULOG's). A presigned URL carries the signer's rights, so the prefix granted is
   * the prefix a URL can write.
   */
  readonly uploadsBucket?:
    | 'put'
    | 'putImports'
    | 'putDisbursements'
    | 'putAccountAnswers'
    | 'putEdc'
    | 'putBast';
  /**
   * `read`: may presign downloads of reports and decrees. `files`: that, and may also write the
   * files it generates for download (under `files/`: verval sheets).
   */
  readonly documentsBucket?: 'read' | 'files';
  /**
   * With `table: 'read'`: point reads (GetItem) only, of items whose partition key matches one of
   * these patterns (IAM `dynamodb:LeadingKeys`, e.g. `VERIFY#*`); no Query, no Scan, no index.
   */
  readonly leadingKeys?: readonly string[];
  /**
   * With `table: 'read'`: may also put new items (PutItem, BatchWriteItem) whose partition key
   * matches one of these patterns (IAM `dynamodb:LeadingKeys`, e.g. `READLOG#*`), and write nothing
   * else: a read that must leave a record of itself (the family read log, UU PDP) or assign an id.
   */
  readonly putKeys?: readonly string[];
}

/**
 * Which CloudFormation stack of the deployed API a route's function, integration and route live in
 * (`infra/constructs/khbs-http-api.ts`: one nested stack per area that has routes). One stack
 * cannot hold them all: CloudFormation refuses a stack of more than 500 resources, and each route
 * brings about seven (function, role, policy, log group, integration, route, permission).
 * - `core`: health, the contract, uploads, proposals and their recipients, flags, decrees and their
 *   verification, reconciliations, audit;
 * - `families`: the family programme's imports, snapshots, exclusion lists, tahap, eligibility, KPM
 *   composition, verval, family search, history and read log;
 * - `distribution`: the distribution of a decreed tahap (cards, accounts, payments, food, EDC,
 *   dashboards);
 * - `complaints`: complaints, their public routes and the objection publications;
 * - `exchange`: Bank Kalteng's and BULOG's machine clients (their files and answers).
 * Written out on each route, never computed from its position: a route that moved to another
 * stack would be created there before it is deleted from the old one, and API Gateway refuses a
 * second route with the same key. A new route takes the area of its feature; an area whose stack
 * nears the limit (`test/infra/stack-size.test.ts`) is split by adding an area for new routes.
 */
export const ROUTE_AREAS = ['core', 'families', 'distribution', 'complaints', 'exchange'] as const;
export type RouteArea = (typeof ROUTE_AREAS)[number];

/**
 * A deployment setting a route's function is given beyond the table's and buckets' names (the CDK
 * app: `infra/stacks/routes-stack.ts`): `complaintHolidays`, the extra holidays of the complaint
 * clock (`COMPLAINT_HOLIDAYS`, from `khbs:complaintHolidays`), for a route that lodges a complaint
 * and so computes its due date; `complaintRatePepper`, the rate limit's pepper as a secret (its
 * ARN in `COMPLAINT_RATE_PEPPER_SECRET`, and the grant to read it), for a route that limits sources.
 */
export const ROUTE_SETTINGS = ['complaintHolidays', 'complaintRatePepper'] as const;
export type RouteSetting = (typeof ROUTE_SETTINGS)[number];

interface RouteBase {
  /** Stable id, used for construct ids and function names. */
  readonly id: string;
  /**
   * The stack the route is deployed in (see {@link RouteArea}); never changed once deployed.
   * Required of every route of `ROUTES` (checked as it compiles and as it loads); optional in this
   * type only so that a route built for a test need not name a stack.
   */
  readonly area?: RouteArea;
  readonly method: 'GET' | 'POST';
  /** API Gateway path syntax: `/uploads/{uploadId}`. */
  readonly path: string;
  /** Handler module, relative to the repository root. */
  readonly entry: string;
  readonly access: RouteAccess;
  /** The deployment settings its function needs ({@link RouteSetting}); none by default. */
  readonly settings?: readonly RouteSetting[];
  /**
   * A POST that only reads: its body is a query holding personal data (a name to search for),
   * which must never be in a URL (access logs, browser history, the Referer). Wired like a read
   * (`apiHandler`, no `Idempotency-Key`: asking twice is harmless) and granted reads only.
   */
  readonly readOnly?: true;
}

/**
 * A route is public (no token: `/health`, `/verify/{code}`) or names the one capability a caller's
 * role must grant (`shared/http/caller.ts`). The API's handler wrapper enforces it before the route
 * runs, and the security tests are generated from this table, so a route cannot be added without
 * its access rule.
 */
export type RouteSpec =
  | (RouteBase & { readonly public: true; readonly capability?: undefined })
  | (RouteBase & {
      readonly public: false;
      readonly capability: Capability;
      /**
       * How the route keeps a regional role (operator, relawan) to its region: `object`, each object
       * it touches is checked (`requireRegion`); `filtered`, a list is narrowed to the caller's
       * region; `hidden`, each object is checked and another region's is answered 404 as unknown
       * (the id or the search must not tell that it exists elsewhere); `records`, a batch of records
       * (an offline queue sent at once) each checked, and another region's refused in its own result
       * as unknown, while the others go through; `none`, it serves every region alike, so no regional
       * role may hold its capability (checked below, when this module loads).
       */
      readonly regions: 'object' | 'filtered' | 'hidden' | 'records' | 'none';
    });

/** A route of the table: placed in its area's stack. */
export type DeployedRoute = RouteSpec & { readonly area: RouteArea };

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'Health',
    area: 'core',
    method: 'GET',
    path: '/health',
    entry: 'functions/api/health.ts',
    public: true,
    access: {},
  },
  {
    id: 'OpenApi',
    area: 'core',
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/api/openapi.ts',
    public: true,
    access: {},
  },
  {
    id: 'CreateUpload',
    area: 'core',
    method: 'POST',
    path: '/uploads',
    entry: 'functions/api/create-upload.ts',
    public: false,
    capability: 'uploads:create',
    regions: 'object',
    access: { table: 'readwrite', uploadsBucket: 'put' },
  },
  {
    id: 'GetUpload',
    area: 'core',
    method: 'GET',
    path: '/uploads/{uploadId}',
    entry: 'functions/api/get-upload.ts',
    public: false,
    capability: 'uploads:read',
    regions: 'object',
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'CreateImport',
    area: 'families',
    method: 'POST',
    path: '/imports',
    entry: 'functions/api/create-import.ts',
    public: false,
    capability: 'imports:create',
    regions: 'object',
    access: { table: 'readwrite', uploadsBucket: 'putImports' },
  },
  {
    id: 'GetImport',
    area: 'families',
    method: 'GET',
    path: '/imports/{importId}',
    entry: 'functions/api/get-import.ts',
    public: false,
    capability: 'imports:read',
    regions: 'object',
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'ListImports',
    area: 'families',
    method: 'GET',
    path: '/imports',
    entry: 'functions/api/list-imports.ts',
    public: false,
    capability: 'imports:read',
    regions: 'object',
    access: { table: 'read' },
  },
  {
    id: 'ListSnapshots',
    area: 'families',
    method: 'GET',
    path: '/snapshots',
    entry: 'functions/api/list-snapshots.ts',
    public: false,
    capability: 'imports:read',
    regions: 'object',
    access: { table: 'read' },
  },
  {
    id: 'GetSnapshot',
    area: 'families',
    method: 'GET',
    path: '/snapshots/{region}/{versionDate}',
    entry: 'functions/api/get-snapshot.ts',
    public: false,
    capability: 'imports:read',
    regions: 'object',
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'ListExclusionLists',
    area: 'families',
    method: 'GET',
    path: '/exclusion-lists',
    entry: 'functions/api/list-exclusion-lists.ts',
    public: false,
    capability: 'imports:read',
    regions: 'filtered',
    access: { table: 'read' },
  },
  {
    id: 'CreateTahap',
    area: 'families',
    method: 'POST',
    path: '/tahap',
    entry: 'functions/api/create-tahap.ts',
    public: false,
    capability: 'tahap:manage',
    regions: 'none',
    access: { table: 'readwrite' },
  },
  {
    id: 'ListTahap',
    area: 'families',
    method: 'GET',
    path: '/tahap',
    entry: 'functions/api/list-tahap.ts',
    public: false,
    capability: 'tahap:read',
    regions: 'filtered',
    access: { table: 'read' },
  },
  {
    id: 'GetTahap',
    area: 'families',
    method: 'GET',
    path: '/tahap/{tahapId}',
    entry: 'functions/api/get-tahap.ts',
    public: false,
    capability: 'tahap:read',
    regions: 'filtered',
    access: { table: 'read' },
  },
  {
    id: 'RequestEligibility',
    area: 'families',
    method: 'POST',
    path: '/tahap/{tahapId}/eligibility',
    entry: 'functions/api/request-eligibility.ts',
    public: false,
    capability: 'tahap:manage',
    regions: 'none',
    access: { table: 'readwrite' },
  },
  {
    id: 'ComposeKpm',
    area: 'families',
    method: 'POST',
    path: '/tahap/{tahapId}/kpm',
    entry: 'functions/api/compose-kpm.ts',
    public: false,
    capability: 'kpm:compose',
    regions: 'object',
    access: { table: 'readwrite' },
  },
  {
    id: 'GetKpm',
    area: 'families',
    method: 'GET',
    path: '/tahap/{tahapId}/kpm',
    entry: 'functions/api/get-kpm.ts',
    public: false,
    capability: 'tahap:read',
    regions: 'object',
    access: { table: 'read' },
  },
  {
    id: 'GetTahapSummary',
    area: 'families',
    method: 'GET',
    path: '/tahap/{tahapId}/summary',
    entry: 'functions/api/get-tahap-summary.ts',
    public: false,
    capability: 'tahap:read',
    regions: 'object',
    access: { table: 'read' },
  },
  {
    id: 'SearchTahapFamilies',
    area: 'families',
    method: 'POST',
    path: '/tahap/{tahapId}/families/search',
    entry: 'functions/api/search-tahap-families.ts',
    public: false,
    capability: 'tahap:read',
    regions: 'object',
    readOnly: true,
    // It shows a desa's families: each read is logged (UU PDP), one bulk read log item.
    access: { table: 'read', putKeys: ['READLOG#*'] },
  },
  {
    id: 'AssignRelawan',
    area: 'families',
    method: 'POST',
    path: '/tahap/{tahapId}/relawan',
    entry: 'functions/api/assign-relawan.ts',
    public: false,
    capability: 'verval:manage',
    regions: 'object',
    access: { table: 'readwrite' },
  },
  {
    id: 'ListAssignments',
    area: 'families',
    method: 'GET',
    path: '/tahap/{tahapId}/relawan',
    entry: 'functions/api/list-assignments.ts',
    public: false,
    capability: 'verval:work',
    regions: 'object',
    access: { table: 'read' },
  },
  {
    id: 'ListMyAssignments',
    area: 'families',
    method: 'GET',
    path: '/verval/assignments',
    entry: 'functions/api/list-my-assignments.ts',
    public: false,
    capability: 'verval:work',
    // The caller's own assignments: data about no one else, whatever their region.
    regions: 'filtered',
    access: { table: 'read' },
  },
  {
    id: 'GetTahapFile',
    area: 'families',
    method: 'GET',
    path: '/tahap/{tahapId}/files/{kind}',
    entry: 'functions/api/get-tahap-file.ts',
    public: false,
    capability: 'verval:work',
    regions: 'object',
    // It shows a desa's families: each read is logged (UU PDP), one bulk read log item.
    access: { table: 'read', documentsBucket: 'files', putKeys: ['READLOG#*'] },
  },
  {
    id: 'CreateVervalUpload',
    area: 'families',
    method: 'POST',
    path: '/tahap/{tahapId}/verval-results',
    entry: 'functions/api/create-verval-upload.ts',
    public: false,
    capability: 'verval:work',
    regions: 'object',
    access: { table: 'readwrite', uploadsBucket: 'putImports' },
  },
  {
    id: 'GetVervalUpload',
    area: 'families',
    method: 'GET',
    path: '/tahap/{tahapId}/verval-results/{importId}',
    entry: 'functions/api/get-verval-upload.ts',
    public: false,
    capability: 'verval:work',
    regions: 'object',
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'GetVervalProgress',
    area: 'families',
    method: 'GET',
    path: '/tahap/{tahapId}/verval',
    entry: 'functions/api/get-verval-progress.ts',
    public: false,
    capability: 'verval:work',
    regions: 'object',
    // It shows a desa's families: each read is logged (UU PDP), one bulk read log item.
    access: { table: 'read', putKeys: ['READLOG#*'] },
  },
  {
    id: 'SearchFamilies',
    area: 'families',
    method: 'POST',
    path: '/families/search',
    entry: 'functions/api/search-families.ts',
    public: false,
    capability: 'families:read',
    regions: 'filtered',
    // A read (the NIK, No KK or name stays in the body), which assigns a family its id the first
    // time it is found and logs each family it answers with (UU PDP): it puts those items only.
    readOnly: true,
    access: { table: 'read', putKeys: ['FAMILYID#*', 'FAMILY#*', 'READLOG#*'] },
  },
  {
    id: 'GetFamily',
    area: 'families',
    method: 'GET',
    path: '/families/{familyId}',
    entry: 'functions/api/get-family.ts',
    public: false,
    capability: 'families:read',
    regions: 'hidden',
    // Every read is logged (UU PDP): it puts read log items and nothing else.
    access: { table: 'read', putKeys: ['READLOG#*'] },
  },
  {
    id: 'ListFamilyReads',
    area: 'families',
    method: 'GET',
    path: '/families/{familyId}/reads',
    entry: 'functions/api/list-family-reads.ts',
    public: false,
    capability: 'families:audit',
    regions: 'none',
    access: { table: 'read' },
  },
  {
    id: 'ListProposals',
    area: 'core',
    method: 'GET',
    path: '/proposals',
    entry: 'functions/api/list-proposals.ts',
    public: false,
    capability: 'proposals:read',
    regions: 'filtered',
    access: { table: 'read' },
  },
  {
    id: 'GetProposal',
    area: 'core',
    method: 'GET',
    path: '/proposals/{proposalId}',
    entry: 'functions/api/get-proposal.ts',
    public: false,
    capability: 'proposals:read',
    regions: 'object',
    access: { table: 'read' },
  },
  {
    id: 'ListRecipients',
    area: 'core',
    method: 'GET',
    path: '/proposals/{proposalId}/recipients',
    entry: 'functions/api/list-recipients.ts',
    public: false,
    capability: 'proposals:read',
    regions: 'object',
    // A KPM list's page names families: it is logged (UU PDP), one bulk read log item a page.
    access: { table: 'read', putKeys: ['READLOG#*'] },
  },
  {
    id: 'SearchRecipients',
    area: 'core',
    method: 'POST',
    path: '/proposals/{proposalId}/recipients/search',
    entry: 'functions/api/search-recipients.ts',
    public: false,
    capability: 'proposals:read',
    regions: 'object',
    readOnly: true,
    // A KPM list's page names families: it is logged (UU PDP), one bulk read log item a page.
    access: { table: 'read', putKeys: ['READLOG#*'] },
  },
  {
    id: 'SubmitProposal',
    area: 'core',
    method: 'POST',
    path: '/proposals/{proposalId}/submit',
    entry: 'functions/api/submit-proposal.ts',
    public: false,
    capability: 'proposals:submit',
    regions: 'object',
    access: { table: 'readwrite' },
  },
  {
    id: 'ReviewProposal',
    area: 'core',
    method: 'POST',
    path: '/proposals/{proposalId}/reviews',
    entry: 'functions/api/review-proposal.ts',
    public: false,
    capability: 'proposals:review',
    regions: 'object',
    access: { table: 'readwrite' },
  },
  {
    id: 'WaiveFlag',
    area: 'core',
    method: 'POST',
    path: '/proposals/{proposalId}/waivers',
    entry: 'functions/api/waive-flag.ts',
    public: false,
    capability: 'flags:waive',
    regions: 'object',
    access: { table: 'readwrite' },
  },
  {
    id: 'DecideProposal',
    area: 'core',
    method: 'POST',
    path: '/proposals/{proposalId}/approval',
    entry: 'functions/api/decide-proposal.ts',
    public: false,
    capability: 'proposals:decide',
    regions: 'object',
    access: { table: 'readwrite' },
  },
  {
    id: 'ListDecrees',
    area: 'core',
    method: 'GET',
    path: '/decrees',
    entry: 'functions/api/list-decrees.ts',
    public: false,
    capability: 'decrees:read',
    regions: 'filtered',
    access: { table: 'read' },
  },
  {
    id: 'GetDecree',
    area: 'core',
    method: 'GET',
    path: '/decrees/{decreeId}',
    entry: 'functions/api/get-decree.ts',
    public: false,
    capability: 'decrees:read',
    regions: 'object',
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'RevokeDecree',
    area: 'core',
    method: 'POST',
    path: '/decrees/{decreeId}/revocation',
    entry: 'functions/api/revoke-decree.ts',
    public: false,
    capability: 'decrees:revoke',
    regions: 'object',
    access: { table: 'readwrite', documentsBucket: 'read' },
  },
  {
    id: 'VerifyDecree',
    area: 'core',
    method: 'GET',
    path: '/verify/{code}',
    entry: 'functions/api/verify-decree.ts',
    public: true,
    // Public: reads the code's VERIFY# item, then the DECREE# items it names, and nothing else.
    access: { table: 'read', leadingKeys: ['VERIFY#*', 'DECREE#*'] },
  },
  {
    id: 'StartReconciliation',
    area: 'core',
    method: 'POST',
    path: '/reconciliations',
    entry: 'functions/api/start-reconciliation.ts',
    public: false,
    capability: 'reconciliations:start',
    regions: 'none',
    access: { table: 'readwrite' },
  },
  {
    id: 'ListReconciliations',
    area: 'core',
    method: 'GET',
    path: '/reconciliations',
    entry: 'functions/api/list-reconciliations.ts',
    public: false,
    capability: 'reconciliations:read',
    regions: 'none',
    access: { table: 'read' },
  },
  {
    id: 'GetReconciliation',
    area: 'core',
    method: 'GET',
    path: '/reconciliations/{runId}',
    entry: 'functions/api/get-reconciliation.ts',
    public: false,
    capability: 'reconciliations:read',
    regions: 'none',
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'GetAudit',
    area: 'core',
    method: 'GET',
    path: '/audit',
    entry: 'functions/api/get-audit.ts',
    public: false,
    capability: 'audit:read',
    regions: 'object',
    access: { table: 'read' },
  },
  // --- The distribution of a decreed tahap (issue #15) ---------------------------------------------
  {
    id: 'VerifyCard',
    // Public beside the decrees' verification: the stage's public-route throttle names it.
    area: 'core',
    method: 'GET',
    path: '/verify/card/{code}',
    entry: 'functions/api/verify-card.ts',
    public: true,
    // Public: reads the code's CARDCODE# item (card number and status) and nothing else.
    access: { table: 'read', leadingKeys: ['CARDCODE#*'] },
  },
  {
    id: 'GetDistribution',
    area: 'distribution',
    method: 'GET',
    path: '/tahap/{tahapId}/distribution',
    entry: 'functions/api/get-distribution.ts',
    public: false,
    capability: 'distribution:read',
    regions: 'filtered',
    access: { table: 'read' },
  },
  {
    id: 'GetCardPrintFile',
    area: 'distribution',
    method: 'GET',
    path: '/cards/print-file',
    entry: 'functions/api/get-card-print-file.ts',
    public: false,
    capability: 'distribution:manage',
    regions: 'object',
    // It names a kabupaten's families: logged as one bulk read (UU PDP) before it is handed out.
    access: { table: 'read', documentsBucket: 'files', putKeys: ['READLOG#*'] },
  },
  {
    id: 'RequestAccounts',
    area: 'distribution',
    method: 'POST',
    path: '/tahap/{tahapId}/accounts/requests',
    entry: 'functions/api/request-accounts.ts',
    public: false,
    capability: 'distribution:manage',
    regions: 'object',
    access: { table: 'readwrite' },
  },
  {
    id: 'GetAccountRequest',
    area: 'distribution',
    method: 'GET',
    path: '/tahap/{tahapId}/accounts/requests',
    entry: 'functions/api/get-account-request.ts',
    public: false,
    capability: 'distribution:manage',
    regions: 'object',
    // The file was logged as a bulk read when the job wrote it (UU PDP).
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'InstructPayments',
    area: 'distribution',
    method: 'POST',
    path: '/tahap/{tahapId}/payments/instructions',
    entry: 'functions/api/instruct-payments.ts',
    public: false,
    capability: 'payments:instruct',
    regions: 'object',
    access: { table: 'readwrite' },
  },
  {
    id: 'GetPaymentInstruction',
    area: 'distribution',
    method: 'GET',
    path: '/tahap/{tahapId}/payments/instructions',
    entry: 'functions/api/get-payment-instruction.ts',
    public: false,
    capability: 'payments:instruct',
    regions: 'object',
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'GetFinance',
    area: 'distribution',
    method: 'GET',
    path: '/tahap/{tahapId}/finance',
    entry: 'functions/api/get-finance.ts',
    public: false,
    capability: 'distribution:read',
    regions: 'object',
    access: { table: 'read' },
  },
  {
    id: 'BlockCard',
    area: 'distribution',
    method: 'POST',
    path: '/cards/blocks',
    entry: 'functions/api/block-card.ts',
    public: false,
    capability: 'distribution:manage',
    regions: 'hidden',
    access: { table: 'readwrite' },
  },
  {
    id: 'ReplaceCard',
    area: 'distribution',
    method: 'POST',
    path: '/cards/replacements',
    entry: 'functions/api/replace-card.ts',
    public: false,
    capability: 'distribution:manage',
    regions: 'hidden',
    access: { table: 'readwrite' },
  },
  {
    id: 'RecordCardHandovers',
    area: 'distribution',
    method: 'POST',
    path: '/cards/handovers',
    entry: 'functions/api/record-card-handovers.ts',
    public: false,
    capability: 'cards:handover',
    regions: 'records',
    access: { table: 'readwrite' },
  },
  {
    id: 'LodgeComplaint',
    area: 'complaints',
    method: 'POST',
    path: '/complaints',
    entry: 'functions/api/lodge-complaint.ts',
    public: true,
    // Public, rate-limited by the application (its counter items), writes the complaint, its code,
    // counters and audit record, and links the family its NIK or No KK names (the family indexes).
    access: { table: 'readwrite' },
    settings: ['complaintHolidays', 'complaintRatePepper'],
  },
  {
    id: 'GetComplaintStatus',
    area: 'complaints',
    method: 'GET',
    path: '/complaints/status/{code}',
    entry: 'functions/api/get-complaint-status.ts',
    public: true,
    // Public: reads the code's ADUCODE# item, then the COMPLAINT# item it names, and nothing else.
    access: { table: 'read', leadingKeys: ['ADUCODE#*', 'COMPLAINT#*'] },
  },
  {
    id: 'EnterComplaint',
    area: 'complaints',
    method: 'POST',
    path: '/complaints/entries',
    entry: 'functions/api/enter-complaint.ts',
    public: false,
    capability: 'complaints:handle',
    regions: 'object',
    access: { table: 'readwrite' },
    // Staff entries are not rate-limited; their due date counts the same holidays.
    settings: ['complaintHolidays'],
  },
  {
    id: 'ListComplaints',
    area: 'complaints',
    method: 'GET',
    path: '/complaints',
    entry: 'functions/api/list-complaints.ts',
    public: false,
    capability: 'complaints:read',
    regions: 'filtered',
    access: { table: 'read' },
  },
  {
    id: 'GetComplaint',
    area: 'complaints',
    method: 'GET',
    path: '/complaints/{complaintId}',
    entry: 'functions/api/get-complaint.ts',
    public: false,
    capability: 'complaints:read',
    // Another kabupaten's complaint, and a PUNGLI complaint for an operator: 404 as unknown.
    regions: 'hidden',
    access: { table: 'read' },
  },
  {
    id: 'AssignComplaint',
    area: 'complaints',
    method: 'POST',
    path: '/complaints/{complaintId}/assign',
    entry: 'functions/api/assign-complaint.ts',
    public: false,
    capability: 'complaints:handle',
    regions: 'hidden',
    access: { table: 'readwrite' },
  },
  {
    id: 'AnswerComplaint',
    area: 'complaints',
    method: 'POST',
    path: '/complaints/{complaintId}/answer',
    entry: 'functions/api/answer-complaint.ts',
    public: false,
    capability: 'complaints:handle',
    regions: 'hidden',
    access: { table: 'readwrite' },
  },
  {
    id: 'CloseComplaint',
    area: 'complaints',
    method: 'POST',
    path: '/complaints/{complaintId}/close',
    entry: 'functions/api/close-complaint.ts',
    public: false,
    capability: 'complaints:handle',
    regions: 'hidden',
    access: { table: 'readwrite' },
  },
  {
    id: 'CreatePublication',
    area: 'complaints',
    method: 'POST',
    path: '/tahap/{tahapId}/kpm/publications',
    entry: 'functions/api/create-publication.ts',
    public: false,
    capability: 'kpm:compose',
    regions: 'object',
    access: { table: 'readwrite' },
  },
  {
    id: 'GetPublication',
    area: 'complaints',
    method: 'GET',
    path: '/publications/{publicationId}',
    entry: 'functions/api/get-publication.ts',
    public: true,
    // Public: reads the PUBLICATION# item (names and masked NIKs only) and nothing else.
    access: { table: 'read', leadingKeys: ['PUBLICATION#*'] },
  },
  // --- Bank Kalteng's and BULOG's machine clients (issue #15) -----------------------------------
  // Bank Kalteng's and BULOG's machine clients (issue #15): one route per party and action, so each
  // names its party's capability and a party never reaches the other's files. Fetches are recorded.
  {
    id: 'ListBankFiles',
    area: 'exchange',
    method: 'GET',
    path: '/exchange/bank/files',
    entry: 'functions/api/list-bank-files.ts',
    public: false,
    capability: 'exchange:bank',
    regions: 'none',
    access: { table: 'read' },
  },
  {
    id: 'GetBankFile',
    area: 'exchange',
    method: 'GET',
    path: '/exchange/bank/files/{fileId}',
    entry: 'functions/api/get-bank-file.ts',
    public: false,
    capability: 'exchange:bank',
    regions: 'none',
    access: { table: 'read', putKeys: ['EXCHFETCH#*'], documentsBucket: 'read' },
  },
  {
    id: 'ListBulogFiles',
    area: 'exchange',
    method: 'GET',
    path: '/exchange/bulog/files',
    entry: 'functions/api/list-bulog-files.ts',
    public: false,
    capability: 'exchange:bulog',
    regions: 'none',
    access: { table: 'read' },
  },
  {
    id: 'GetBulogFile',
    area: 'exchange',
    method: 'GET',
    path: '/exchange/bulog/files/{fileId}',
    entry: 'functions/api/get-bulog-file.ts',
    public: false,
    capability: 'exchange:bulog',
    regions: 'none',
    access: { table: 'read', putKeys: ['EXCHFETCH#*'], documentsBucket: 'read' },
  },
  {
    id: 'CreateBankReport',
    area: 'exchange',
    method: 'POST',
    path: '/exchange/bank/reports',
    entry: 'functions/api/create-bank-report.ts',
    public: false,
    capability: 'exchange:bank',
    regions: 'none',
    // readwrite: the Idempotency-Key records, as every POST that acts (it writes nothing else).
    access: { table: 'readwrite', uploadsBucket: 'putDisbursements' },
  },
  {
    id: 'GetBankReport',
    area: 'exchange',
    method: 'GET',
    path: '/exchange/bank/reports/{reportDate}/{filename}',
    entry: 'functions/api/get-bank-report.ts',
    public: false,
    capability: 'exchange:bank',
    regions: 'none',
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'CreateFoodLists',
    area: 'distribution',
    method: 'POST',
    path: '/tahap/{tahapId}/food/lists',
    entry: 'functions/api/create-food-lists.ts',
    public: false,
    capability: 'distribution:manage',
    regions: 'object',
    access: { table: 'readwrite' },
  },
  {
    id: 'GetFoodLists',
    area: 'distribution',
    method: 'GET',
    path: '/tahap/{tahapId}/food/lists',
    entry: 'functions/api/get-food-lists.ts',
    public: false,
    capability: 'distribution:read',
    regions: 'object',
    // The links name a kabupaten's families: each file handed out is logged as a bulk read (UU PDP).
    access: { table: 'read', documentsBucket: 'read', putKeys: ['READLOG#*'] },
  },
  {
    id: 'GetFoodReconciliation',
    area: 'distribution',
    method: 'GET',
    path: '/tahap/{tahapId}/food/reconciliation',
    entry: 'functions/api/get-food-reconciliation.ts',
    public: false,
    capability: 'distribution:read',
    regions: 'object',
    access: { table: 'read' },
  },
  {
    id: 'GetEdcFindings',
    area: 'distribution',
    method: 'GET',
    path: '/tahap/{tahapId}/edc/findings',
    entry: 'functions/api/get-edc-findings.ts',
    public: false,
    capability: 'distribution:read',
    regions: 'object',
    access: { table: 'read' },
  },
  {
    id: 'RecordVervalVisits',
    area: 'families',
    method: 'POST',
    path: '/tahap/{tahapId}/verval/records',
    entry: 'functions/api/record-verval-visits.ts',
    public: false,
    capability: 'verval:work',
    // A relawan's field queue: each record checked (their desa in that tahap; an operator's own
    // kabupaten), another kabupaten's family refused in its own result as unknown.
    regions: 'records',
    access: { table: 'readwrite' },
  },
  {
    id: 'GetDashboard',
    area: 'distribution',
    method: 'GET',
    path: '/tahap/{tahapId}/dashboard',
    entry: 'functions/api/get-dashboard.ts',
    public: false,
    capability: 'distribution:read',
    regions: 'object',
    access: { table: 'read' },
  },
  {
    id: 'ExportDashboard',
    area: 'distribution',
    method: 'GET',
    path: '/tahap/{tahapId}/dashboard/export',
    entry: 'functions/api/export-dashboard.ts',
    public: false,
    capability: 'distribution:read',
    regions: 'object',
    // Counts only, no person: the file is stored under files/ and handed out as a link.
    access: { table: 'read', documentsBucket: 'files' },
  },
  {
    id: 'CloseTahap',
    area: 'core',
    method: 'POST',
    path: '/tahap/{tahapId}/close',
    entry: 'functions/api/close-tahap.ts',
    public: false,
    capability: 'tahap:close',
    regions: 'none',
    access: { table: 'readwrite' },
  },
  {
    id: 'CreateBankAccountAnswer',
    area: 'exchange',
    method: 'POST',
    path: '/exchange/bank/account-answers',
    entry: 'functions/api/create-bank-account-answer.ts',
    public: false,
    capability: 'exchange:bank',
    regions: 'none',
    // readwrite: the import record and the Idempotency-Key records.
    access: { table: 'readwrite', uploadsBucket: 'putAccountAnswers' },
  },
  {
    id: 'CreateBankEdcFile',
    area: 'exchange',
    method: 'POST',
    path: '/exchange/bank/edc-files',
    entry: 'functions/api/create-bank-edc-file.ts',
    public: false,
    capability: 'exchange:bank',
    regions: 'none',
    access: { table: 'readwrite', uploadsBucket: 'putEdc' },
  },
  {
    id: 'CreateBulogBast',
    area: 'exchange',
    method: 'POST',
    path: '/exchange/bulog/bast-files',
    entry: 'functions/api/create-bulog-bast.ts',
    public: false,
    capability: 'exchange:bulog',
    regions: 'none',
    access: { table: 'readwrite', uploadsBucket: 'putBast' },
  },
  {
    id: 'GetBankImport',
    area: 'exchange',
    method: 'GET',
    path: '/exchange/bank/imports/{importId}',
    entry: 'functions/api/get-bank-import.ts',
    public: false,
    capability: 'exchange:bank',
    regions: 'none',
    access: { table: 'read', documentsBucket: 'read' },
  },
  {
    id: 'GetBulogImport',
    area: 'exchange',
    method: 'GET',
    path: '/exchange/bulog/imports/{importId}',
    entry: 'functions/api/get-bulog-import.ts',
    public: false,
    capability: 'exchange:bulog',
    regions: 'none',
    access: { table: 'read', documentsBucket: 'read' },
  },
] satisfies readonly DeployedRoute[];

/** The import function, triggered by objects created under `uploads/`. */
export const IMPORT_FUNCTION = { id: 'ImportUpload', entry: 'functions/import/handler.ts' } as const;

/** The automatic checks, consuming `QUEUES.checks` (SQS event source, partial batch responses). */
export const CHECKS_FUNCTION = { id: 'RunChecks', entry: 'functions/checks/handler.ts' } as const;

/** The decree worker, consuming `QUEUES.decree`: numbers, renders and stores each SK Gubernur. */
export const DECREE_FUNCTION = { id: 'IssueDecree', entry: 'functions/decree/handler.ts' } as const;

/** The reconciliation job, consuming `QUEUES.reconciliation` (daily schedule, API, local command). */
export const RECONCILE_FUNCTION = { id: 'Reconcile', entry: 'functions/reconcile/handler.ts' } as const;

/**
 * The outbox relay: the only function that sends to the work queues (checks, decree,
 * reconciliation). DynamoDB Streams and a sweep schedule in AWS; a sweep loop locally.
 */
export const RELAY_FUNCTION = { id: 'OutboxRelay', entry: 'functions/relay/handler.ts' } as const;

/**
 * The pipeline watchdog, invoked by its own schedule (no queue): stuck proposals, lost S3 events
 * (re-driven into the imports), decree PDF integrity.
 */
export const WATCHDOG_FUNCTION = { id: 'Watchdog', entry: 'functions/watchdog/handler.ts' } as const;

/** The bank disbursement report import, triggered by objects created under `disbursements/`. */
export const DISBURSEMENT_FUNCTION = {
  id: 'ImportBankReport',
  entry: 'functions/disbursement/handler.ts',
} as const;

/**
 * The family programme's file imports (DTSEN extracts, exclusion lists), triggered by objects
 * created under `imports/` in the uploads bucket.
 */
export const FAMILY_IMPORT_FUNCTION = {
  id: 'ImportFamilyFile',
  entry: 'functions/family-import/handler.ts',
} as const;

/**
 * The family programme's jobs, consuming `QUEUES.families`: a DTSEN snapshot's cross-check, an
 * eligibility run.
 */
export const FAMILIES_FUNCTION = { id: 'FamilyJobs', entry: 'functions/families/handler.ts' } as const;

/**
 * A route that serves every region alike must not be open to a regional role: giving operators
 * `reconciliations:read` would hand them every region's runs. Fails at cold start and in every test.
 */
export function unscopedRoutesOpenToRegionalRoles(routes: readonly RouteSpec[] = ROUTES): string[] {
  return routes.flatMap((route) =>
    route.public || route.regions !== 'none'
      ? []
      : GROUPS.filter(
          (role) =>
            ROLE_RULES[role].regions === 'own' && ROLE_RULES[role].capabilities.includes(route.capability),
        ).map((role) => `${route.id} (${route.capability}) is open to ${role}, which is bound to one region`),
  );
}

const leaks = unscopedRoutesOpenToRegionalRoles();
if (leaks.length > 0) throw new Error(`functions/api/routes.ts: ${leaks.join('; ')}`);

/** The routes that name no area, or one that does not exist (a table edited past its types). */
export function routesWithoutArea(routes: readonly RouteSpec[] = ROUTES): string[] {
  return routes
    .filter((route) => !(ROUTE_AREAS as readonly (string | undefined)[]).includes(route.area))
    .map((route) => `${route.id} names no area (one of ${ROUTE_AREAS.join(', ')})`);
}

const unplaced = routesWithoutArea();
if (unplaced.length > 0) throw new Error(`functions/api/routes.ts: ${unplaced.join('; ')}`);

/** The route table's entry for a handler module; fails at cold start if the id is not in the table. */
export function routeById(id: string): RouteSpec {
  const spec = ROUTES.find((candidate) => candidate.id === id);
  if (!spec) throw new Error(`no route ${id} in functions/api/routes.ts`);
  return spec;
}
