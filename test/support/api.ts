import { randomBytes, randomUUID } from 'node:crypto';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { ApiRouteId } from '#shared/contract/api.ts';
import { ROUTES, type RouteSpec } from '../../functions/api/routes.ts';

/**
 * Calls the API's handlers the way API Gateway (HTTP API, payload 2.0, JWT authorizer) does: a real
 * v2 event with the route key, the claims as strings (`groups: "[verifier]"`) and a Lambda context.
 * Handlers are imported on first use, so call `useEmulatorEnv()` before the first call.
 *
 * The second half sets up data for workflow tests: small recipient lists imported through the real
 * import, and proposals moved along the workflow through the repository (the checks worker's part).
 * Those helpers import their modules lazily for the same reason.
 */

export type Claims = Record<string, string>;

export interface CallOptions {
  /** Verified JWT claims; omit for a request that carries none (the handler must answer 401). */
  readonly claims?: Claims;
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  /** An object is sent as JSON; a string as it is. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | number | boolean>>;
  readonly body: T;
}

/** The documented error shape. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: unknown;
  };
}

type ApiHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

/** Every route of the API, by its id (the contract and the route table name the same ones). */
export type RouteId = ApiRouteId;

const handlers = new Map<string, Promise<ApiHandler>>();

export function routeSpec(routeId: RouteId): RouteSpec {
  const route = ROUTES.find((candidate) => candidate.id === routeId);
  if (!route) throw new Error(`no route ${routeId} in functions/api/routes.ts`);
  return route;
}

function handlerOf(route: RouteSpec): Promise<ApiHandler> {
  let loading = handlers.get(route.id);
  if (!loading) {
    const url = new URL(`../../${route.entry}`, import.meta.url).href;
    loading = import(url).then((module: { handler?: ApiHandler }) => {
      if (typeof module.handler !== 'function') throw new Error(`${route.entry} exports no handler`);
      return module.handler;
    });
    handlers.set(route.id, loading);
  }
  return loading;
}

/** Calls one route's handler and returns its status and parsed JSON body. */
export async function callRoute<T = Record<string, unknown>>(
  routeId: RouteId,
  options: CallOptions = {},
): Promise<ApiResponse<T>> {
  const route = routeSpec(routeId);
  const handler = await handlerOf(route);
  const result = await handler(apiEvent(route, options), lambdaContext(route.id));
  const structured: APIGatewayProxyStructuredResultV2 =
    typeof result === 'string' ? { statusCode: 200, body: result } : result;
  const text = structured.body ?? '';
  return {
    status: structured.statusCode ?? 200,
    headers: structured.headers ?? {},
    body: (text === '' ? {} : JSON.parse(text)) as T,
  };
}

/** The v2 event API Gateway builds for a request on `route`. */
export function apiEvent(
  route: RouteSpec,
  options: CallOptions = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const pathParameters = options.pathParameters ?? {};
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = pathParameters[name];
    if (value === undefined) throw new Error(`${route.id}: path parameter ${name} missing`);
    return encodeURIComponent(value);
  });
  const query = options.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    accept: 'application/json',
    host: 'khbs.execute-api.ap-southeast-3.amazonaws.com',
    'user-agent': 'vitest',
    'x-amzn-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    'x-forwarded-for': '127.0.0.1',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(options.claims ? { authorization: 'Bearer header.payload.signature' } : {}),
  };
  // API Gateway lower-cases header names.
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  const routeKey = `${route.method} ${route.path}`;
  const now = new Date();
  const requestContext = {
    accountId: '123456789012',
    apiId: 'khbsapi',
    domainName: headers.host as string,
    domainPrefix: 'khbs',
    http: {
      method: route.method,
      path: rawPath,
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'vitest',
    },
    requestId: randomBytes(10).toString('base64'),
    routeKey,
    stage: '$default',
    time: now.toUTCString(),
    timeEpoch: now.getTime(),
    ...(options.claims
      ? {
          authorizer: {
            principalId: '',
            integrationLatency: 0,
            jwt: { claims: { ...options.claims }, scopes: [] as string[] },
          },
        }
      : {}),
  };
  const event = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: { ...query } } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters: { ...pathParameters } } : {}),
    requestContext,
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
  // Without claims the event has no authorizer, which the type does not allow (nor does AWS, for a
  // protected route); the handler must still refuse it.
  return event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** A Lambda context as the Node.js runtime passes it (30 s timeout). */
export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = (name: string) => (): never => {
    throw new Error(`context.${name}() is not supported`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-southeast-3:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/03/02/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}

// ---------------------------------------------------------------------------------------------------
// Claims, as API Gateway's JWT authorizer passes them to Lambda: every value a string, arrays as
// `[a b]`. `extra` overrides or adds claims (another `sub`, Cognito names…).

const registered = (): Claims => {
  const iat = Math.floor(Date.now() / 1000);
  return {
    iss: 'https://cognito-idp.ap-southeast-3.amazonaws.com/ap-southeast-3_test',
    aud: 'khbs-api',
    iat: String(iat),
    exp: String(iat + 3600),
    token_use: 'id',
  };
};

export const operator = (region: string, extra: Claims = {}): Claims => ({
  ...registered(),
  sub: `operator-${region}`,
  name: `Operator ${region}`,
  groups: '[operator]',
  region,
  ...extra,
});

export const verifier = (opd: string, extra: Claims = {}): Claims => ({
  ...registered(),
  sub: `verifier-${opd.toLowerCase()}`,
  name: `Verifikator ${opd}`,
  groups: '[verifier]',
  opd,
  ...extra,
});

export const approver = (extra: Claims = {}): Claims => ({
  ...registered(),
  sub: 'approver-sekda',
  name: 'Sekretaris Daerah',
  groups: '[approver]',
  ...extra,
});

export const auditor = (extra: Claims = {}): Claims => ({
  ...registered(),
  sub: 'auditor-inspektorat',
  name: 'Auditor Inspektorat',
  groups: '[auditor]',
  ...extra,
});

export const admin = (extra: Claims = {}): Claims => ({
  ...registered(),
  sub: 'admin-diskominfo',
  name: 'Admin Sistem',
  groups: '[admin]',
  ...extra,
});

/**
 * A machine client's client-credentials access token as Cognito issues it (issue #15): no `aud`,
 * `client_id` equal to `sub`, `token_use: access`, its one exchange scope, no groups or name.
 */
export const machine = (role: 'bank' | 'bulog', extra: Claims = {}): Claims => {
  const { aud: _aud, token_use: _use, ...rest } = registered();
  const clientId = `${role}-client-4h2kq1example`;
  return {
    ...rest,
    token_use: 'access',
    sub: clientId,
    client_id: clientId,
    scope: `khbs-exchange/${role}`,
    version: '2',
    ...extra,
  };
};

// ---------------------------------------------------------------------------------------------------
// Data for workflow tests.

/** A valid NIK: a man born 12-03-1985, registered in kecamatan 01 of `region4` (`6201`), serial n. */
export const nik = (serial: number, region4 = '6201') =>
  `${region4}01120385${String(serial).padStart(4, '0')}`;

/** Names carry no digits: `Warga Ba`, `Warga Bb`… */
export const nameOf = (i: number) =>
  `Warga ${[...i.toString(26)]
    .map((d) => String.fromCharCode(97 + Number.parseInt(d, 26)))
    .join('')
    .replace(/^./, (c) => c.toUpperCase())}`;

/** A kecamatan and desa of each region the tests upload for. */
const PLACES: Record<string, { kecamatan: string; desa: string }> = {
  '62.01': { kecamatan: 'Kec. Kumai', desa: 'Desa Candi' },
  '62.03': { kecamatan: 'Kec. Selat', desa: 'Murung Keramat' },
};

/** A clean recipient file of `count` Ketua RT (each in their own RT), `;`-separated, with a BOM. */
export function recipientCsv(region: string, count: number, start = 1): string {
  const place = PLACES[region];
  if (!place) throw new Error(`no test place for region ${region}`);
  const region4 = region.replace('.', '');
  const lines = ['No;NIK;Nama Lengkap;Jabatan;Kecamatan;Desa/Kelurahan;RT;No Rekening;Atas Nama'];
  for (let i = start; i < start + count; i++) {
    lines.push(
      `${i};${nik(i, region4)};${nameOf(i)};Ketua RT;${place.kecamatan};${place.desa};${i};${1000000000 + i};${nameOf(i)}`,
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Data row n of {@link recipientCsv} is on source row n + 1 (after the header). */
export const sourceRowOf = (n: number) => n + 1;

export interface ImportedList {
  readonly outcome: { readonly kind: string };
  readonly uploadId: string;
  /** The region's current proposal for the period after the import. */
  readonly proposalId: string;
  readonly listId: string | undefined;
}

/** S3 event times of successive uploads: strictly increasing, as a newer file must win over an older one. */
let eventClock = Date.now();

/** Puts a recipient file ({@link recipientCsv}) into the uploads bucket and runs the real import on it. */
export async function importList(
  region: string,
  period: string,
  count = 5,
  start = 1,
): Promise<ImportedList> {
  return importFile(region, period, recipientCsv(region, count, start));
}

/** Puts `body` (a CSV file) into the uploads bucket for `region` and `period`, and runs the real import on it. */
export async function importFile(region: string, period: string, body: string): Promise<ImportedList> {
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { s3Client } = await import('#shared/adapters/clients.ts');
  const { env } = await import('#shared/config/env.ts');
  const { importUpload } = await import('../../functions/import/import-upload.ts');
  const config = env();
  const { UploadsRepository } = await import('#shared/adapters/uploads-repo.ts');
  const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
  const { RecipientsRepository } = await import('#shared/adapters/recipients-repo.ts');
  const { ObjectStore } = await import('#shared/adapters/object-store.ts');

  const uploadId = randomUUID();
  const key = `uploads/${region}/${period}/${uploadId}.csv`;
  const out = await s3Client.send(
    new PutObjectCommand({ Bucket: config.uploadsBucket, Key: key, Body: body }),
  );
  eventClock = Math.max(eventClock + 1, Date.now());
  const proposals = new ProposalsRepository(config.tableName);
  const outcome = await importUpload(
    {
      bucket: config.uploadsBucket,
      key,
      etag: (out.ETag ?? '').replaceAll('"', ''),
      size: Buffer.byteLength(body),
      eventTime: new Date(eventClock).toISOString(),
    },
    {
      uploads: new UploadsRepository(config.tableName),
      proposals,
      recipients: new RecipientsRepository(config.tableName),
      objects: new ObjectStore(),
      tableName: config.tableName,
      documentsBucket: config.documentsBucket,
      limits: config.limits,
    },
  );
  const current = await proposals.getCurrent(region, period);
  if (!current) throw new Error(`import of ${key} left no proposal (${outcome.kind})`);
  return { outcome, uploadId, proposalId: current.proposalId, listId: current.currentListId };
}

/** Who the automatic checks are in the audit trail. */
export const CHECKS_ACTOR = { sub: 'system:checks', name: 'Pemeriksaan otomatis', role: 'system' } as const;

async function repository() {
  const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
  const { env } = await import('#shared/config/env.ts');
  return new ProposalsRepository(env().tableName);
}

async function readProposal(proposalId: string) {
  const proposal = await (await repository()).get(proposalId);
  if (!proposal) throw new Error(`no proposal ${proposalId}`);
  return proposal;
}

export interface ChecksOutcome {
  readonly blocking?: number;
  readonly warnings?: number;
  readonly openBlocking?: number;
}

/**
 * What the checks worker does when it finishes: `planChecksCompleted` applied through the
 * repository (conditional on the version, audited) by the system.
 */
export async function completeChecks(proposalId: string, result: ChecksOutcome = {}) {
  const { planChecksCompleted } = await import('#shared/domain/workflow.ts');
  const repo = await repository();
  const proposal = await readProposal(proposalId);
  const at = new Date().toISOString();
  const plan = planChecksCompleted(proposal, {
    listId: proposal.currentListId ?? '',
    blocking: result.blocking ?? result.openBlocking ?? 0,
    warnings: result.warnings ?? 0,
    openBlocking: result.openBlocking ?? 0,
    runId: randomUUID(),
    startedAt: at,
    at,
  });
  return repo.apply(proposal, plan, CHECKS_ACTOR, at);
}

export type SetupTarget = 'SUBMITTED' | 'IN_REVIEW' | 'VERIFIED' | 'APPROVED' | 'DECREED' | 'REJECTED';

const ORDER: readonly string[] = ['DRAFT', 'SUBMITTED', 'IN_REVIEW', 'VERIFIED', 'APPROVED'];

/**
 * Moves a proposal along the workflow through the repository (not the API), for tests that need a
 * proposal in a given state: submit → checks → every required agency signs → approve (or reject).
 */
export async function moveTo(proposalId: string, target: SetupTarget, checks: ChecksOutcome = {}) {
  const { planApproval, planReview, planSubmit } = await import('#shared/domain/workflow.ts');
  const { env } = await import('#shared/config/env.ts');
  const repo = await repository();
  const stop = ORDER.indexOf(target === 'REJECTED' ? 'VERIFIED' : target === 'DECREED' ? 'APPROVED' : target);
  let proposal = await readProposal(proposalId);
  const now = () => new Date().toISOString();
  const who = (sub: string, name: string) => ({ sub, name });
  if (proposal.status === 'DRAFT' && stop >= 1) {
    const at = now();
    const actor = { sub: `operator-${proposal.region}`, name: 'Operator', role: 'operator' };
    proposal = await repo.apply(
      proposal,
      planSubmit(proposal, env().requiredAgencies[proposal.kind], actor, at),
      actor,
      at,
    );
  }
  if (proposal.status === 'SUBMITTED' && stop >= 2) proposal = await completeChecks(proposalId, checks);
  if (proposal.status === 'IN_REVIEW' && stop >= 3) {
    for (const opd of proposal.requiredAgencies) {
      if (proposal.signoffs[opd]) continue;
      const at = now();
      const by = who(`verifier-${opd.toLowerCase()}`, `Verifikator ${opd}`);
      const plan = planReview(proposal, opd, 'approve', undefined, by, at);
      proposal = await repo.apply(proposal, plan, { ...by, role: 'verifier', opd }, at);
    }
  }
  if (proposal.status === 'VERIFIED' && target !== 'VERIFIED') {
    const at = now();
    const by = who('approver-sekda', 'Sekretaris Daerah');
    const decision = target === 'REJECTED' ? 'reject' : 'approve';
    const note = decision === 'reject' ? 'Anggaran tidak tersedia untuk periode ini.' : undefined;
    proposal = await repo.apply(
      proposal,
      planApproval(proposal, decision, note, by, at),
      {
        ...by,
        role: 'approver',
      },
      at,
    );
  }
  if (proposal.status === 'APPROVED' && target === 'DECREED') {
    await issueDecreeFor(proposal);
    proposal = await readProposal(proposalId);
  }
  if (proposal.status !== target)
    throw new Error(`could not move ${proposalId} to ${target}: ${proposal.status}`);
  return proposal;
}

export interface TestFlag {
  readonly code: string;
  readonly severity: 'blocking' | 'warning';
  readonly detail?: string;
}

/**
 * Writes check findings on one recipient, as the checks worker does (`flags` and `flagCodes`, and
 * the flag index entries of its codes).
 */
export async function setFlags(listId: string, row: number, flags: readonly TestFlag[]): Promise<void> {
  const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  const { documentClient } = await import('#shared/adapters/clients.ts');
  const { BatchWriter } = await import('#shared/adapters/batch-writer.ts');
  const { recipientKey } = await import('#shared/adapters/keys.ts');
  const { FlagIndex, indexedCodes } = await import('#shared/adapters/recipients-repo.ts');
  const { env } = await import('#shared/config/env.ts');
  const codes = flags.map((flag) => flag.code);
  const out = await documentClient.send(
    new UpdateCommand({
      TableName: env().tableName,
      Key: recipientKey(listId, row),
      UpdateExpression: 'SET flags = :flags, flagCodes = :codes',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':flags': flags, ':codes': codes },
      ReturnValues: 'ALL_OLD',
    }),
  );
  const before = out.Attributes as { warnings?: string[]; flagCodes?: string[] } | undefined;
  const index = new FlagIndex(listId);
  for (const code of indexedCodes(before ?? {})) index.add(code, row);
  const writer = new BatchWriter(env().tableName);
  await index.sync(writer, row, indexedCodes({ warnings: before?.warnings, flagCodes: codes }));
  await writer.flush();
}

// ---------------------------------------------------------------------------------------------------
// Response shapes the workflow tests read (as the handlers build them in `functions/api/*`).

export interface ProposalView {
  readonly proposalId: string;
  readonly region: string;
  readonly period: string;
  readonly status: string;
  readonly version: number;
  readonly recipientCount: number;
  readonly openBlocking: number;
  readonly requiredAgencies: readonly string[];
  readonly signoffs: readonly { readonly opd: string; readonly by: { readonly sub: string } }[];
  readonly returns: readonly { readonly opd: string; readonly note: string }[];
  readonly history?: readonly {
    readonly seq: number;
    readonly action: string;
    readonly reason?: string;
    readonly fromStatus?: string;
    readonly toStatus?: string;
  }[];
}

export interface AuditView {
  readonly entityId: string;
  readonly chain:
    | { readonly valid: true; readonly length: number }
    | { readonly valid: false; readonly brokenAt: number; readonly problem: string };
  readonly records: readonly {
    readonly seq: number;
    readonly action: string;
    readonly reason?: string;
    readonly actor: { readonly sub: string; readonly role: string; readonly opd?: string };
    readonly details?: Readonly<Record<string, string | number | boolean>>;
  }[];
}

/**
 * Runs the real decree worker's use case (numbering, PDF, storage) for an APPROVED proposal, as a
 * message on the decree queue would: returns the decree.
 */
export async function issueDecreeFor(proposal: { proposalId: string }) {
  const { dependencies } = await import('../../functions/decree/handler.ts');
  const { issueDecree } = await import('../../functions/decree/issue-decree.ts');
  const { decreeRequestFor } = await import('#shared/messages.ts');
  const current = await readProposal(proposal.proposalId);
  const request = decreeRequestFor(
    current,
    { sub: 'approver-sekda', name: 'Sekretaris Daerah' },
    current.updatedAt,
  );
  const decree = await issueDecree(request, dependencies());
  if (!decree) throw new Error(`no decree for ${proposal.proposalId}`);
  return decree;
}
