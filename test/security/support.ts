import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { checkAnswer, routeOf } from '#shared/contract/client.ts';
import {
  type Group,
  MACHINE_CLIENTS,
  MACHINE_ROLES,
  type MachineRole,
  ROLE_RULES,
} from '#shared/http/caller.ts';
import { BUCKETS } from '#shared/resources.ts';
import { registeredClaims, signRawLocalToken } from '../../local/auth.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { recipientCsv } from '../support/api.ts';

/**
 * The probe's tools: the whole local stack (the gateway that checks JWTs as API Gateway does, the
 * real handlers, the import, checks and decree workers on the emulators), tokens for any person a
 * careless admin could provision or an attacker could craft, and a way to see that a refused request
 * changed nothing.
 */

/** The region the regional tokens belong to, and a region that is not theirs. */
export const OWN = '62.01';
export const OTHER = '62.03';

export async function startProbeStack(): Promise<LocalStack> {
  return startLocalStack({
    port: 0,
    quiet: true,
    s3Events: { pollIntervalMs: 50 },
    checks: { waitTimeSeconds: 1 },
    decree: { waitTimeSeconds: 1 },
    reconciliation: { waitTimeSeconds: 1 },
  });
}

// ─── Tokens ───────────────────────────────────────────────────────────────────────────────────────

export interface Person {
  readonly groups: readonly string[];
  /**
   * A machine client (Bank Kalteng, BULOG): its token is a client-credentials access token as
   * Cognito issues it (`token_use: access`, `client_id` = `sub`, its one scope), without groups.
   */
  readonly client?: MachineRole;
  readonly sub?: string;
  readonly region?: string;
  readonly opd?: string;
}

/** The `sub` a token for `person` carries: theirs, or one made from their groups and region or agency. */
export const subOf = (person: Person): string =>
  person.sub ??
  (person.client
    ? `probe-${person.client}-client`
    : `probe-${person.groups.join('-')}-${person.region ?? person.opd ?? 'x'}`);

/**
 * A token signed with the local key (so the gateway accepts it) carrying exactly the claims given:
 * `extra` may add, replace or (with `undefined`) remove any claim, registered ones included.
 */
export function tokenFor(person: Person, extra: Readonly<Record<string, unknown>> = {}): Promise<string> {
  if (person.client) {
    const sub = subOf(person);
    const claims: Record<string, unknown> = {
      ...registeredClaims(),
      sub,
      client_id: sub,
      token_use: 'access',
      scope: MACHINE_CLIENTS[person.client].scope,
      ...extra,
    };
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    return signRawLocalToken(claims);
  }
  const claims: Record<string, unknown> = {
    ...registeredClaims(),
    sub: subOf(person),
    name: `Probe ${person.groups.join('+')}`,
    groups: [...person.groups],
    ...(person.region ? { region: person.region } : {}),
    ...(person.opd ? { opd: person.opd } : {}),
    ...extra,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return signRawLocalToken(claims);
}

/** A correctly provisioned person of each role: regional roles in {@link OWN}, verifiers of DINSOS. */
export function personOf(role: Group, sub?: string): Person {
  const client = MACHINE_ROLES.find((machine) => machine === role);
  // Bank Kalteng and BULOG are machine clients: a client-credentials token, never a group.
  if (client) return { groups: [], client, ...(sub ? { sub } : {}) };
  const rule = ROLE_RULES[role];
  return {
    groups: [role],
    ...(sub ? { sub } : {}),
    ...(rule.regions === 'own' ? { region: OWN } : {}),
    ...(rule.needsAgency ? { opd: 'DINSOS' } : {}),
  };
}

/** An operator of `region` (by default the one {@link uploadList} uploads as). */
export const operatorOf = (region: string, sub = `operator-${region}`): Person => ({
  groups: ['operator'],
  region,
  sub,
});

// ─── HTTP ─────────────────────────────────────────────────────────────────────────────────────────

export interface ProbeRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  /** Sent as it is, instead of `body` as JSON. */
  readonly rawBody?: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Reply {
  readonly status: number;
  readonly text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  readonly json: unknown;
  readonly headers: Headers;
}

export async function send(stack: LocalStack, request: ProbeRequest, token?: string): Promise<Reply> {
  const body = request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  const response = await fetch(`${stack.apiUrl}${request.path}`, {
    method: request.method,
    headers: {
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...request.headers,
    },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  // Whatever a probe sends, a route answers as the API contract says (shared/contract/).
  const route = routeOf(request.method, request.path);
  if (route !== undefined && json !== undefined) checkAnswer(route, response.status, json);
  return { status: response.status, text, json, headers: response.headers };
}

/** The documented error shape's code and reason, when the body has that shape. */
export function errorOf(reply: Reply): { code?: string; reason?: string; message?: string } {
  const error = (reply.json as { error?: { code?: string; message?: string; details?: { reason?: string } } })
    ?.error;
  return { code: error?.code, reason: error?.details?.reason, message: error?.message };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

// ─── Data, through the API as the people would make it ─────────────────────────────────────────────

export interface Uploaded {
  readonly uploadId: string;
  readonly proposalId: string;
}

/** An operator of `region` uploads a clean list of `count` Ketua RT (or the given CSV) for `period`. */
export async function uploadList(
  stack: LocalStack,
  region: string,
  period: string,
  count = 5,
  csv?: string,
): Promise<Uploaded> {
  const operator = await tokenFor(operatorOf(region));
  const created = await send(
    stack,
    { method: 'POST', path: '/uploads', body: { period, filename: 'daftar-bkk.csv' } },
    operator,
  );
  if (created.status !== 201) throw new Error(`POST /uploads: ${created.status} ${created.text}`);
  const { uploadId, uploadUrl } = created.json as { uploadId: string; uploadUrl: string };
  const put = await fetch(uploadUrl, { method: 'PUT', body: csv ?? recipientCsv(region, count) });
  if (put.status !== 200) throw new Error(`PUT upload: ${put.status}`);
  const done = await waitFor(
    `upload ${uploadId}`,
    async () =>
      (await send(stack, { method: 'GET', path: `/uploads/${uploadId}` }, operator)).json as {
        status: string;
        proposalId?: string;
      },
    (view) => ['COMPLETED', 'REJECTED', 'FAILED'].includes(view.status),
  );
  if (done.status !== 'COMPLETED' || !done.proposalId) throw new Error(`upload ${uploadId}: ${done.status}`);
  return { uploadId, proposalId: done.proposalId };
}

/** The auditor's view of a proposal (status, version). */
export async function proposalView(stack: LocalStack, proposalId: string) {
  const auditor = await tokenFor({ groups: ['auditor'], sub: 'probe-reader' });
  const reply = await send(stack, { method: 'GET', path: `/proposals/${proposalId}` }, auditor);
  if (reply.status !== 200) throw new Error(`GET ${proposalId}: ${reply.status} ${reply.text}`);
  return reply.json as {
    status: string;
    version: number;
    openBlocking: number;
    recipientCount: number;
    currentUploadId?: string;
    decreeId?: string;
    signoffs: { opd: string }[];
  };
}

/** Waits until the proposal reaches `status` and every trigger is idle. */
export async function settle(stack: LocalStack, proposalId: string, status: string) {
  await waitFor(
    `${proposalId} → ${status}`,
    () => proposalView(stack, proposalId),
    (view) => view.status === status,
  );
  await stack.whenIdle();
  return proposalView(stack, proposalId);
}

/** `operator` submits the proposal (answered 200); resolves when its checks have put it in review. */
export async function submitForReview(stack: LocalStack, proposalId: string, operator: Person) {
  const reply = await send(
    stack,
    { method: 'POST', path: `/proposals/${proposalId}/submit`, body: {} },
    await tokenFor(operator),
  );
  if (reply.status !== 200)
    throw new Error(`POST /proposals/${proposalId}/submit: ${reply.status} ${reply.text}`);
  return settle(stack, proposalId, 'IN_REVIEW');
}

/** What must not change when a request is refused: each proposal's state, list and audit chain. */
export async function snapshot(stack: LocalStack, proposalIds: readonly string[]) {
  const auditor = await tokenFor({ groups: ['auditor'], sub: 'probe-reader' });
  const states = await Promise.all(
    proposalIds.map(async (proposalId) => {
      const view = await proposalView(stack, proposalId);
      const audit = await send(
        stack,
        { method: 'GET', path: `/audit?entityId=${encodeURIComponent(proposalId)}` },
        auditor,
      );
      const chain = audit.json as { chain: { valid: boolean }; records: { seq: number; hash: string }[] };
      return {
        proposalId,
        status: view.status,
        version: view.version,
        currentUploadId: view.currentUploadId,
        recipientCount: view.recipientCount,
        openBlocking: view.openBlocking,
        decreeId: view.decreeId,
        chainValid: chain.chain.valid,
        auditHead: chain.records.at(-1)?.hash,
        auditLength: chain.records.length,
      };
    }),
  );
  return states;
}

/**
 * Puts an object into the uploads bucket directly, as someone with IAM rights on it could (no
 * POST /uploads), then waits for every trigger to settle.
 */
export async function putUploadObject(stack: LocalStack, key: string, body: string): Promise<void> {
  const client = new S3Client({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: stack.emulators.s3Endpoint,
    forcePathStyle: true,
  });
  try {
    await client.send(new PutObjectCommand({ Bucket: BUCKETS.uploads.localName, Key: key, Body: body }));
  } finally {
    client.destroy();
  }
  await stack.whenIdle();
}
