import * as z from 'zod';
import * as dist from './distribution.ts';
import * as req from './requests.ts';
import * as res from './responses.ts';

/**
 * The API's contract, route by route: method and path, what a client sends (path parameters,
 * query string, body) and what it gets back for each status. The route table
 * (`functions/api/routes.ts`) says who may call a route and what it may touch; this says what
 * passes over the wire. `test/unit/contract.test.ts` fails when a route exists without its entry
 * here, or the other way round, or when their methods and paths disagree. The OpenAPI document
 * (`shared/contract/openapi.ts`, served at `GET /openapi.json`) and the typed client
 * (`shared/contract/client.ts`) are generated from it.
 *
 * Errors are not listed per status here: every route may answer 400 (bad input), 401/403 (a
 * protected route: no or wrong token, a role or region it does not allow), 404 (a path that names
 * something), 409 (a write refused by the rules: the reason in `details.reason`) and 413 (a body
 * over 16 KB), each with {@link res.ErrorBodySchema}; the OpenAPI document spells them out.
 */
export interface RouteContract {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly summary: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** A POST that only reads (a search whose terms are personal data): no `Idempotency-Key`. */
  readonly readOnly?: boolean;
  /** The body may be left out altogether (`POST /reconciliations`). */
  readonly bodyOptional?: boolean;
  /** A public write the application limits per source itself: may answer 429. */
  readonly rateLimited?: boolean;
  readonly responses: Readonly<Record<number, z.ZodType>>;
}

export const API_CONTRACT = {
  Health: {
    method: 'GET',
    path: '/health',
    summary: 'Whether the API answers (no token, no database).',
    responses: { 200: res.HealthSchema },
  },
  OpenApi: {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This contract: the OpenAPI 3.1 document of the API.',
    responses: { 200: z.record(z.string(), z.unknown()) },
  },
  CreateUpload: {
    method: 'POST',
    path: '/uploads',
    summary: 'Asks for a presigned URL to PUT a recipient file (CSV or XLSX) for a region and period.',
    body: req.CreateUploadBodySchema,
    responses: { 201: res.UploadCreatedSchema },
  },
  GetUpload: {
    method: 'GET',
    path: '/uploads/{uploadId}',
    summary:
      'An upload: its import status (poll until COMPLETED, REJECTED or FAILED), counts, reasons, report.',
    params: req.UploadParamsSchema,
    responses: { 200: res.UploadViewSchema },
  },
  CreateImport: {
    method: 'POST',
    path: '/imports',
    summary:
      'Asks for a presigned URL to PUT a family programme file: a DTSEN extract (families or members file) or an exclusion list.',
    body: req.CreateImportBodySchema,
    responses: { 201: res.ImportCreatedSchema },
  },
  GetImport: {
    method: 'GET',
    path: '/imports/{importId}',
    summary:
      "A family file import: status (poll until COMPLETED, REJECTED or FAILED), counts, first problems, report, and a DTSEN file's snapshot.",
    params: req.ImportParamsSchema,
    responses: { 200: res.ImportViewSchema },
  },
  ListImports: {
    method: 'GET',
    path: '/imports',
    summary: "A region's (or the province's) family file imports, newest first.",
    query: req.RegionQuerySchema,
    responses: { 200: res.ImportListSchema },
  },
  ListSnapshots: {
    method: 'GET',
    path: '/snapshots',
    summary: "A region's DTSEN snapshots, newest version first, with their files and cross-check.",
    query: req.RegionQuerySchema,
    responses: { 200: res.SnapshotListSchema },
  },
  GetSnapshot: {
    method: 'GET',
    path: '/snapshots/{region}/{versionDate}',
    summary: 'One DTSEN snapshot: its two files, its cross-check findings by kind, and their report.',
    params: req.SnapshotParamsSchema,
    responses: { 200: res.SnapshotViewSchema },
  },
  ListExclusionLists: {
    method: 'GET',
    path: '/exclusion-lists',
    summary:
      'The exclusion lists (other programmes’ recipients), which of them are in force, and how many entries each has.',
    responses: { 200: res.ExclusionListsSchema },
  },
  CreateTahap: {
    method: 'POST',
    path: '/tahap',
    summary:
      'Creates a tahap: year and number, components and amounts, desil range, the READY DTSEN snapshot of each kabupaten (fixed from then on), quotas.',
    body: req.CreateTahapBodySchema,
    responses: { 201: res.TahapViewSchema },
  },
  ListTahap: {
    method: 'GET',
    path: '/tahap',
    summary: 'Every tahap, newest first (a regional role sees its own kabupaten’s snapshot and quota only).',
    responses: { 200: res.TahapListSchema },
  },
  GetTahap: {
    method: 'GET',
    path: '/tahap/{tahapId}',
    summary: 'A tahap with its latest eligibility run.',
    params: req.TahapParamsSchema,
    responses: { 200: res.TahapViewSchema },
  },
  RequestEligibility: {
    method: 'POST',
    path: '/tahap/{tahapId}/eligibility',
    summary: 'Runs eligibility over the tahap’s snapshots (202; follow it on GET /tahap/{tahapId}).',
    params: req.TahapParamsSchema,
    body: req.EmptyBodySchema,
    bodyOptional: true,
    responses: { 202: res.EligibilityRequestedSchema },
  },
  ComposeKpm: {
    method: 'POST',
    path: '/tahap/{tahapId}/kpm',
    summary:
      'Composes a kabupaten’s KPM list from the latest eligibility run and the verval (202): the list becomes the draft of its KPM proposal (kind KPM), which goes through the proposal routes.',
    params: req.TahapParamsSchema,
    body: req.ComposeKpmBodySchema,
    responses: { 202: res.KpmComposeViewSchema },
  },
  GetKpm: {
    method: 'GET',
    path: '/tahap/{tahapId}/kpm',
    summary:
      'A kabupaten’s latest KPM list composition (counts: listed, not visited, dropped by result, reserve drawn) and its proposal.',
    params: req.TahapParamsSchema,
    query: req.KpmQuerySchema,
    responses: { 200: res.KpmComposeViewSchema },
  },
  GetTahapSummary: {
    method: 'GET',
    path: '/tahap/{tahapId}/summary',
    summary:
      'Counts of the latest eligibility run per kabupaten, kecamatan and desa: families, eligible, excluded by reason, quota.',
    params: req.TahapParamsSchema,
    query: req.TahapSummaryQuerySchema,
    responses: { 200: res.TahapSummarySchema },
  },
  SearchTahapFamilies: {
    method: 'POST',
    path: '/tahap/{tahapId}/families/search',
    summary:
      'One desa’s families with their eligibility verdict and every reason (a read: no Idempotency-Key).',
    params: req.TahapParamsSchema,
    body: req.TahapFamiliesBodySchema,
    readOnly: true,
    responses: { 200: res.TahapFamilyPageSchema },
  },
  AssignRelawan: {
    method: 'POST',
    path: '/tahap/{tahapId}/relawan',
    summary: 'Assigns a relawan to a desa for the tahap (or removes them: `remove: true`).',
    params: req.TahapParamsSchema,
    body: req.AssignRelawanBodySchema,
    responses: { 200: res.AssignmentListSchema },
  },
  ListAssignments: {
    method: 'GET',
    path: '/tahap/{tahapId}/relawan',
    summary: "A desa's relawan; a relawan without `desa` gets the desa assigned to them.",
    params: req.TahapParamsSchema,
    query: req.AssignmentsQuerySchema,
    responses: { 200: res.AssignmentListSchema },
  },
  ListMyAssignments: {
    method: 'GET',
    path: '/verval/assignments',
    summary:
      'The desa assigned to the caller (a relawan), in every tahap still open: where their verval work is.',
    responses: { 200: res.MyAssignmentsSchema },
  },
  GetTahapFile: {
    method: 'GET',
    path: '/tahap/{tahapId}/files/{kind}',
    summary:
      "A generated file of the tahap, presigned: `verval`, a desa's verval sheet (XLSX: who to visit, NIK and No KK as text, the result column to fill).",
    params: req.TahapFileParamsSchema,
    query: req.DesaQuerySchema,
    responses: { 200: res.TahapFileSchema },
  },
  CreateVervalUpload: {
    method: 'POST',
    path: '/tahap/{tahapId}/verval-results',
    summary: "A presigned URL to PUT a desa's filled verval sheet (or a list with its columns).",
    params: req.TahapParamsSchema,
    body: req.CreateVervalUploadBodySchema,
    responses: { 201: res.ImportCreatedSchema },
  },
  GetVervalUpload: {
    method: 'GET',
    path: '/tahap/{tahapId}/verval-results/{importId}',
    summary: 'A verval result upload: status, counts, first problems, report (a relawan: their own uploads).',
    params: req.TahapImportParamsSchema,
    responses: { 200: res.ImportViewSchema },
  },
  GetVervalProgress: {
    method: 'GET',
    path: '/tahap/{tahapId}/verval',
    summary: "A desa's verval: families to visit, visited, results by kind, and each family's result.",
    params: req.TahapParamsSchema,
    query: req.DesaQuerySchema,
    responses: { 200: res.VervalProgressSchema },
  },
  SearchFamilies: {
    method: 'POST',
    path: '/families/search',
    summary:
      'Finds families by NIK, No KK, or the head’s name (a prefix) in a desa; the terms stay in the body. A read (no Idempotency-Key) that is logged: one read log item per family answered (UU PDP).',
    readOnly: true,
    body: req.SearchFamiliesBodySchema,
    responses: { 200: res.FamilySearchAnswerSchema },
  },
  GetFamily: {
    method: 'GET',
    path: '/families/{familyId}',
    summary:
      'A family’s history: each READY snapshot holding it with its members, and per tahap the verdict and verval result. Logged (UU PDP).',
    params: req.FamilyParamsSchema,
    query: req.FamilyReadQuerySchema,
    responses: { 200: res.FamilyHistorySchema },
  },
  ListFamilyReads: {
    method: 'GET',
    path: '/families/{familyId}/reads',
    summary: 'Who read a family’s data, newest first (the read log, UU PDP).',
    params: req.FamilyParamsSchema,
    query: req.FamilyReadsQuerySchema,
    responses: { 200: res.FamilyReadsPageSchema },
  },
  ListProposals: {
    method: 'GET',
    path: '/proposals',
    summary: 'Proposals by region, period and status (an operator: their own region).',
    query: req.ListProposalsQuerySchema,
    responses: { 200: res.ProposalListSchema },
  },
  GetProposal: {
    method: 'GET',
    path: '/proposals/{proposalId}',
    summary: 'A proposal with its workflow, uploads and history.',
    params: req.ProposalParamsSchema,
    responses: { 200: res.ProposalPageSchema },
  },
  ListRecipients: {
    method: 'GET',
    path: '/proposals/{proposalId}/recipients',
    summary: 'One page of the current list, optionally only the recipients carrying a warning or flag.',
    params: req.ProposalParamsSchema,
    query: req.ListRecipientsQuerySchema,
    responses: { 200: res.RecipientPageSchema },
  },
  SearchRecipients: {
    method: 'POST',
    path: '/proposals/{proposalId}/recipients/search',
    summary:
      'Searches the current list by name (in the body: never a name in a URL); bounded work per call, so a page may be short and still have a cursor.',
    readOnly: true,
    params: req.ProposalParamsSchema,
    body: req.SearchRecipientsBodySchema,
    responses: { 200: res.RecipientSearchPageSchema },
  },
  SubmitProposal: {
    method: 'POST',
    path: '/proposals/{proposalId}/submit',
    summary: 'Submits the draft list; its automatic checks start.',
    params: req.ProposalParamsSchema,
    body: req.EmptyBodySchema,
    responses: { 200: res.ProposalDetailSchema },
  },
  ReviewProposal: {
    method: 'POST',
    path: '/proposals/{proposalId}/reviews',
    summary: "An agency's sign-off, or a return to the region with its reasons.",
    params: req.ProposalParamsSchema,
    body: req.ReviewBodySchema,
    responses: { 200: res.ProposalDetailSchema },
  },
  WaiveFlag: {
    method: 'POST',
    path: '/proposals/{proposalId}/waivers',
    summary: 'Sets one blocking flag of one recipient aside, with a written reason (once per flag).',
    params: req.ProposalParamsSchema,
    body: req.WaiverBodySchema,
    responses: { 201: res.WaivedSchema },
  },
  DecideProposal: {
    method: 'POST',
    path: '/proposals/{proposalId}/approval',
    summary: 'The approver approves a verified list (its decree follows) or rejects it.',
    params: req.ProposalParamsSchema,
    body: req.DecisionBodySchema,
    responses: { 200: res.ProposalDetailSchema },
  },
  ListDecrees: {
    method: 'GET',
    path: '/decrees',
    summary: "A year's decrees (SK Gubernur), by number.",
    query: req.ListDecreesQuerySchema,
    responses: { 200: res.DecreeListSchema },
  },
  GetDecree: {
    method: 'GET',
    path: '/decrees/{decreeId}',
    summary: 'A decree with its totals and a short-lived link to its PDF.',
    params: req.DecreeParamsSchema,
    responses: { 200: res.DecreeDetailSchema },
  },
  RevokeDecree: {
    method: 'POST',
    path: '/decrees/{decreeId}/revocation',
    summary: 'Revokes a decree in force, with the reason; the region may then send a corrected list.',
    params: req.DecreeParamsSchema,
    body: req.RevokeBodySchema,
    responses: { 200: res.DecreeDetailSchema },
  },
  VerifyDecree: {
    method: 'GET',
    path: '/verify/{code}',
    summary: 'Public: whether the decree with this printed code is genuine and in force.',
    params: req.VerifyParamsSchema,
    responses: { 200: res.VerificationSchema },
  },
  StartReconciliation: {
    method: 'POST',
    path: '/reconciliations',
    summary: 'Starts a full reconciliation run now (202; follow it by its runId).',
    body: req.EmptyBodySchema,
    bodyOptional: true,
    responses: { 202: res.ReconciliationStartedSchema },
  },
  ListReconciliations: {
    method: 'GET',
    path: '/reconciliations',
    summary: 'The newest reconciliation runs first.',
    query: req.ListReconciliationsQuerySchema,
    responses: { 200: res.ReconciliationListSchema },
  },
  GetReconciliation: {
    method: 'GET',
    path: '/reconciliations/{runId}',
    summary: 'A run with its counts per decree and links to its report.',
    params: req.RunParamsSchema,
    responses: { 200: res.ReconciliationDetailSchema },
  },
  GetAudit: {
    method: 'GET',
    path: '/audit',
    summary: "A proposal's audit trail with the verdict on its hash chain.",
    query: req.AuditQuerySchema,
    responses: { 200: res.AuditAnswerSchema },
  },
  VerifyCard: {
    method: 'GET',
    path: '/verify/card/{code}',
    summary:
      'Public: whether the card with this printed code is genuine, and active or blocked; nothing about anyone.',
    params: dist.CardCodeParamsSchema,
    responses: { 200: dist.CardVerificationSchema },
  },
  GetDistribution: {
    method: 'GET',
    path: '/tahap/{tahapId}/distribution',
    summary:
      'A tahap’s distribution per kabupaten: the decree that opened it, families, entitlements and cards.',
    params: req.TahapParamsSchema,
    responses: { 200: dist.DistributionViewSchema },
  },
  RequestAccounts: {
    method: 'POST',
    path: '/tahap/{tahapId}/accounts/requests',
    summary:
      'Writes the kabupaten’s account-opening request for Bank Kalteng (202): every penerima of a TUNAI entitlement without an active account; a job writes the file.',
    params: req.TahapParamsSchema,
    body: dist.AccountRequestBodySchema,
    responses: { 202: dist.AccountRequestViewSchema },
  },
  GetAccountRequest: {
    method: 'GET',
    path: '/tahap/{tahapId}/accounts/requests',
    summary:
      'The kabupaten’s latest account-opening request: its state, counts and a short-lived link to its file.',
    params: req.TahapParamsSchema,
    query: dist.CardRegionQuerySchema,
    responses: { 200: dist.AccountRequestViewSchema },
  },
  InstructPayments: {
    method: 'POST',
    path: '/tahap/{tahapId}/payments/instructions',
    summary:
      'Writes a payment instruction file for Bank Kalteng (202): a first one (entitlements never sent) or a follow-up (payments the bank reported failed); a job writes it.',
    params: req.TahapParamsSchema,
    body: dist.InstructionBodySchema,
    responses: { 202: dist.InstructionViewSchema },
  },
  GetPaymentInstruction: {
    method: 'GET',
    path: '/tahap/{tahapId}/payments/instructions',
    summary:
      'The kabupaten’s latest payment instruction file: lines, control total, entitlements waiting for an account, and short-lived links to the file and its control file.',
    params: req.TahapParamsSchema,
    query: dist.CardRegionQuerySchema,
    responses: { 200: dist.InstructionViewSchema },
  },
  GetFinance: {
    method: 'GET',
    path: '/tahap/{tahapId}/finance',
    summary:
      'The BKAD money view of a kabupaten’s cash in a tahap: entitled, instructed, paid net, failed, returned, held at the bank, and the balance to return to the RKUD.',
    params: req.TahapParamsSchema,
    query: dist.CardRegionQuerySchema,
    responses: { 200: dist.FinanceViewSchema },
  },
  GetCardPrintFile: {
    method: 'GET',
    path: '/cards/print-file',
    summary: 'The printer’s file of a kabupaten’s cards waiting to be printed (a short-lived link).',
    query: dist.CardRegionQuerySchema,
    responses: { 200: dist.GeneratedFileSchema },
  },
  BlockCard: {
    method: 'POST',
    path: '/cards/blocks',
    summary: 'Blocks a card (lost, stolen, misused), with the reason; a blocked card is never active again.',
    body: dist.CardActionBodySchema,
    responses: { 200: dist.CardActionResultSchema },
  },
  ReplaceCard: {
    method: 'POST',
    path: '/cards/replacements',
    summary:
      'Replaces a family’s card: the old number is blocked (DIGANTI), a new one is numbered for printing.',
    body: dist.CardActionBodySchema,
    responses: { 200: dist.CardActionResultSchema },
  },
  RecordCardHandovers: {
    method: 'POST',
    path: '/cards/handovers',
    summary:
      'Cards handed to their families (a relawan’s offline queue, sent when back online): each record’s outcome; a record sent again changes nothing.',
    body: dist.CardHandoversBodySchema,
    responses: { 200: dist.CardHandoversResultSchema },
  },
  CreateFoodLists: {
    method: 'POST',
    path: '/tahap/{tahapId}/food/lists',
    summary:
      'Writes a kabupaten’s distribution lists for BULOG, one CSV per desa (titik bagi), and marks the listed PANGAN entitlements DIKIRIM (202; a job).',
    params: req.TahapParamsSchema,
    body: dist.FoodListsBodySchema,
    responses: { 202: dist.FoodListsViewSchema },
  },
  GetFoodLists: {
    method: 'GET',
    path: '/tahap/{tahapId}/food/lists',
    summary: 'A kabupaten’s distribution lists for BULOG: the job and each desa’s file (short-lived links).',
    params: req.TahapParamsSchema,
    query: dist.CardRegionQuerySchema,
    responses: { 200: dist.FoodListsViewSchema },
  },
  GetFoodReconciliation: {
    method: 'GET',
    path: '/tahap/{tahapId}/food/reconciliation',
    summary:
      'Food per titik bagi (entitled, delivered by receiver, not received by reason, not reported, BAST findings) and BULOG’s invoice basis: packages delivered × the package price.',
    params: req.TahapParamsSchema,
    query: dist.CardRegionQuerySchema,
    responses: { 200: dist.FoodReconciliationViewSchema },
  },
  GetEdcFindings: {
    method: 'GET',
    path: '/tahap/{tahapId}/edc/findings',
    summary:
      'The findings of a kabupaten’s EDC transactions: double receipt, a blocked or replaced card used, an unknown card (card numbers and times; no name).',
    params: req.TahapParamsSchema,
    query: dist.CardRegionQuerySchema,
    responses: { 200: dist.EdcFindingsViewSchema },
  },
  LodgeComplaint: {
    method: 'POST',
    path: '/complaints',
    summary:
      'Public (no account): lodges a complaint (pengaduan) and answers its code, the same answer whatever the NIK or No KK; limited per source (429).',
    body: req.LodgeComplaintBodySchema,
    rateLimited: true,
    responses: { 201: res.ComplaintLodgedSchema },
  },
  GetComplaintStatus: {
    method: 'GET',
    path: '/complaints/status/{code}',
    summary: 'Public: the status of the complaint with this code, its dates and the answer for the citizen.',
    params: req.ComplaintCodeParamsSchema,
    responses: { 200: res.ComplaintStatusSchema },
  },
  EnterComplaint: {
    method: 'POST',
    path: '/complaints/entries',
    summary: 'Staff enter a complaint received by phone, WhatsApp, in person or by letter; it gets a code.',
    body: req.EnterComplaintBodySchema,
    responses: { 201: res.ComplaintEnteredSchema },
  },
  ListComplaints: {
    method: 'GET',
    path: '/complaints',
    summary:
      "A queue of complaints (a kabupaten's, or the province's: PROVINSI), newest first, by status, category, desa, overdue.",
    query: req.ListComplaintsQuerySchema,
    responses: { 200: res.ComplaintListSchema },
  },
  GetComplaint: {
    method: 'GET',
    path: '/complaints/{complaintId}',
    summary: 'A complaint with its text, numbers (masked for auditors), linked family and history.',
    params: req.ComplaintParamsSchema,
    responses: { 200: res.ComplaintViewSchema },
  },
  AssignComplaint: {
    method: 'POST',
    path: '/complaints/{complaintId}/assign',
    summary: 'Assigns the complaint to a staff member (BARU or DITANGANI → DITANGANI).',
    params: req.ComplaintParamsSchema,
    body: req.AssignComplaintBodySchema,
    responses: { 200: res.ComplaintViewSchema },
  },
  AnswerComplaint: {
    method: 'POST',
    path: '/complaints/{complaintId}/answer',
    summary:
      'Writes the answer for the citizen (shown on the status page); the first answer stops the clock.',
    params: req.ComplaintParamsSchema,
    body: req.AnswerComplaintBodySchema,
    responses: { 200: res.ComplaintViewSchema },
  },
  CloseComplaint: {
    method: 'POST',
    path: '/complaints/{complaintId}/close',
    summary:
      'Closes the complaint: SELESAI (resolved) or DITOLAK (unfounded), with the answer for the citizen.',
    params: req.ComplaintParamsSchema,
    body: req.CloseComplaintBodySchema,
    responses: { 200: res.ComplaintViewSchema },
  },
  CreatePublication: {
    method: 'POST',
    path: '/tahap/{tahapId}/kpm/publications',
    summary:
      "Publishes a desa's families of the kabupaten's current KPM list (names, NIK masked) for objections until a day.",
    params: req.TahapParamsSchema,
    body: req.CreatePublicationBodySchema,
    responses: { 201: res.PublicationCreatedSchema },
  },
  GetPublication: {
    method: 'GET',
    path: '/publications/{publicationId}',
    summary:
      'Public: a published KPM list of a desa (names, NIK masked) while its objection window is open; closed after.',
    params: req.PublicationParamsSchema,
    responses: { 200: res.PublicationViewSchema },
  },
  ListBankFiles: {
    method: 'GET',
    path: '/exchange/bank/files',
    summary:
      "Bank Kalteng's machine client: the files made for the bank (account-opening requests, payment instructions), newest first.",
    query: req.ExchangeFilesQuerySchema,
    responses: { 200: res.ExchangeFileListSchema },
  },
  GetBankFile: {
    method: 'GET',
    path: '/exchange/bank/files/{fileId}',
    summary: 'One file made for the bank, with a short-lived download link; each fetch is recorded.',
    params: req.ExchangeFileParamsSchema,
    responses: { 200: res.ExchangeFileDownloadSchema },
  },
  ListBulogFiles: {
    method: 'GET',
    path: '/exchange/bulog/files',
    summary: "Perum BULOG's machine client: the distribution lists made for BULOG (per desa), newest first.",
    query: req.ExchangeFilesQuerySchema,
    responses: { 200: res.ExchangeFileListSchema },
  },
  GetBulogFile: {
    method: 'GET',
    path: '/exchange/bulog/files/{fileId}',
    summary: 'One file made for BULOG, with a short-lived download link; each fetch is recorded.',
    params: req.ExchangeFileParamsSchema,
    responses: { 200: res.ExchangeFileDownloadSchema },
  },
  CreateBankReport: {
    method: 'POST',
    path: '/exchange/bank/reports',
    summary:
      "Bank Kalteng's machine client: a presigned PUT for a disbursement report (CSV), imported and reconciled as every bank report; 409 if a report of that name was already taken today.",
    body: req.CreateBankReportBodySchema,
    responses: { 201: res.ExchangeAnswerCreatedSchema },
  },
  GetBankReport: {
    method: 'GET',
    path: '/exchange/bank/reports/{reportDate}/{filename}',
    summary:
      "Bank Kalteng's machine client: a report's import (status, counts, totals, reasons, the error report); 404 until its import has started.",
    params: req.BankReportParamsSchema,
    responses: { 200: res.BankReportStatusSchema },
  },
  RecordVervalVisits: {
    method: 'POST',
    path: '/tahap/{tahapId}/verval/records',
    summary:
      'Verval results recorded in the field (a relawan’s offline queue, sent when back online): each record’s outcome; a record sent again changes nothing, and of two visits the later stands.',
    params: req.TahapParamsSchema,
    body: req.VervalRecordsBodySchema,
    responses: { 200: res.VervalRecordsResultSchema },
  },
  GetDashboard: {
    method: 'GET',
    path: '/tahap/{tahapId}/dashboard',
    summary:
      'A tahap’s dashboard per kabupaten, kecamatan or desa: decreed families, cards handed out, accounts opened, cash paid and failed, food delivered, complaints open and overdue; with totals. A regional role reads its own kabupaten.',
    params: req.TahapParamsSchema,
    query: dist.DashboardQuerySchema,
    responses: { 200: dist.DashboardViewSchema },
  },
  ExportDashboard: {
    method: 'GET',
    path: '/tahap/{tahapId}/dashboard/export',
    summary:
      'The same dashboard table as a file (CSV or XLSX, headers in Bahasa Indonesia), as a short-lived link.',
    params: req.TahapParamsSchema,
    query: dist.DashboardExportQuerySchema,
    responses: { 200: dist.DashboardExportSchema },
  },
  CloseTahap: {
    method: 'POST',
    path: '/tahap/{tahapId}/close',
    summary:
      'Closes a tahap in PENYALURAN (SELESAI), with the reason, audited; 409 while a distribution is still opening, cash awaits the bank’s report or food awaits BULOG’s BAST. After it no payment instruction, account request or food list is accepted, and the KPM cash reconciliation no longer runs for it.',
    params: req.TahapParamsSchema,
    body: req.CloseTahapBodySchema,
    responses: { 200: res.TahapViewSchema },
  },
  CreateBankAccountAnswer: {
    method: 'POST',
    path: '/exchange/bank/account-answers',
    summary:
      "Bank Kalteng's machine client: a presigned PUT for its answer to the account-opening requests (CSV/XLSX: nik, no_rekening, status, alasan), imported as JAWABAN_REKENING and attributed to the bank.",
    body: req.CreateAccountAnswerBodySchema,
    responses: { 201: res.ExchangeImportCreatedSchema },
  },
  CreateBankEdcFile: {
    method: 'POST',
    path: '/exchange/bank/edc-files',
    summary:
      "Bank Kalteng's machine client: a presigned PUT for a kabupaten's EDC transactions in a tahap, imported as EDC; 409 before the kabupaten's distribution is open.",
    body: req.CreateTahapAnswerBodySchema,
    responses: { 201: res.ExchangeImportCreatedSchema },
  },
  CreateBulogBast: {
    method: 'POST',
    path: '/exchange/bulog/bast-files',
    summary:
      "Perum BULOG's machine client: a presigned PUT for a kabupaten's handover records (BAST) in a tahap, imported as BAST; 409 before the kabupaten's distribution is open.",
    body: req.CreateTahapAnswerBodySchema,
    responses: { 201: res.ExchangeImportCreatedSchema },
  },
  GetBankImport: {
    method: 'GET',
    path: '/exchange/bank/imports/{importId}',
    summary:
      "Bank Kalteng's machine client: the import of an answer it put (status, counts, first problems, the error report); another party's or staff's import is 404.",
    params: req.ImportParamsSchema,
    responses: { 200: res.ImportViewSchema },
  },
  GetBulogImport: {
    method: 'GET',
    path: '/exchange/bulog/imports/{importId}',
    summary:
      "Perum BULOG's machine client: the import of a BAST it put (status, counts, first problems, the error report); another party's or staff's import is 404.",
    params: req.ImportParamsSchema,
    responses: { 200: res.ImportViewSchema },
  },
} as const satisfies Record<string, RouteContract>;

export type ApiRouteId = keyof typeof API_CONTRACT;

type Contract = typeof API_CONTRACT;

/**
 * The body route `R` answers with status `S`, as the contract says: handlers write
 * `json(200, { … } satisfies ResponseBody<'GetUpload', 200>)` (a type-only import: no function
 * bundles a schema for it).
 */
export type ResponseBody<R extends ApiRouteId, S extends keyof Contract[R]['responses']> = z.output<
  Contract[R]['responses'][S] & z.ZodType
>;
