import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChecksRequestedSchema, DecreeRequestedSchema } from '#shared/messages.ts';
import {
  type ApiResponse,
  type AuditView,
  approver,
  auditor,
  type CallOptions,
  type Claims,
  callRoute,
  completeChecks,
  type ErrorBody,
  importList,
  moveTo,
  operator,
  type ProposalView,
  type RouteId,
  setFlags,
  sourceRowOf,
  verifier,
} from '../support/api.ts';
import { purgeQueue, resetTable, testClients } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The workflow's rules, proven through the API handlers against DynamoDB Local and fauxqs: the whole
 * path, races, idempotency, blocking flags and waivers, return and reject, and the audit chain.
 */

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const emulatorEnv = useEmulatorEnv();
const { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } = await import(
  '@aws-sdk/lib-dynamodb'
);
const { documentClient } = await import('#shared/adapters/clients.ts');
const { auditKey } = await import('#shared/adapters/keys.ts');
const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
const { env } = await import('#shared/config/env.ts');
const { verifyChain } = await import('#shared/domain/audit.ts');
const { ROUTES } = await import('../../functions/api/routes.ts');
const { dependencies: relayDependencies } = await import('../../functions/relay/handler.ts');
const { sweepOutbox } = await import('../../functions/relay/relay.ts');

const A = '62.01';
const CHECKS_QUEUE = emulatorEnv.CHECKS_QUEUE_URL as string;
const DECREE_QUEUE = emulatorEnv.DECREE_QUEUE_URL as string;
const TABLE = () => env().tableName;

const repo = () => new ProposalsRepository(TABLE());
const stored = async (proposalId: string) => {
  const proposal = await repo().get(proposalId);
  if (!proposal) throw new Error(`no proposal ${proposalId}`);
  return proposal;
};
const auditOf = (proposalId: string) => repo().audit(proposalId);
const actions = async (proposalId: string) => (await auditOf(proposalId)).map((record) => record.action);

/** A success body or an error body: tests read whichever the status says. */
type Answer = ProposalView & Partial<ErrorBody>;

const post = (
  route: RouteId,
  claims: Claims,
  proposalId: string,
  body: unknown,
  headers?: Record<string, string>,
) =>
  callRoute<Answer>(route, {
    claims,
    pathParameters: { proposalId },
    body,
    ...(headers ? { headers } : {}),
  } satisfies CallOptions);

const submit = (proposalId: string, headers?: Record<string, string>) =>
  post('SubmitProposal', operator(A), proposalId, {}, headers);
const review = (claims: Claims, proposalId: string, body: unknown, headers?: Record<string, string>) =>
  post('ReviewProposal', claims, proposalId, body, headers);
const decide = (proposalId: string, body: unknown, headers?: Record<string, string>, claims = approver()) =>
  post('DecideProposal', claims, proposalId, body, headers);
const waive = (proposalId: string, body: unknown, claims = verifier('DINSOS')) =>
  post('WaiveFlag', claims, proposalId, body);
const getProposal = (proposalId: string, claims: Claims = verifier('BKAD')) =>
  callRoute<ProposalView>('GetProposal', { claims, pathParameters: { proposalId } });
const getAudit = (proposalId: string) =>
  callRoute<AuditView>('GetAudit', { claims: auditor(), query: { entityId: proposalId } });

const conflictReason = (response: ApiResponse<Answer>) =>
  (response.body.error?.details as { reason?: string } | undefined)?.reason;

/**
 * Messages on a queue about one proposal. The handlers send before they answer, so what is there is
 * there now: drain without long polling (each test has its own proposal; others' messages are
 * deleted too).
 */
async function messagesAbout(queueUrl: string, proposalId: string): Promise<unknown[]> {
  // What the routes handed off waits in the outbox: the relay (as deployed) sends it first.
  await sweepOutbox(0, relayDependencies());
  const { sqs } = testClients();
  const found: unknown[] = [];
  for (let empty = 0; empty < 2; ) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) empty++;
    for (const message of messages) {
      const body = JSON.parse(message.Body ?? '{}') as { proposalId?: string };
      if (body.proposalId === proposalId) found.push(body);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return found;
}

const count = <T>(items: readonly T[], predicate: (item: T) => boolean) => items.filter(predicate).length;

beforeAll(async () => {
  await resetTable();
});

beforeEach(async () => {
  await purgeQueue(CHECKS_QUEUE);
  await purgeQueue(DECREE_QUEUE);
});

describe('the whole path', () => {
  it('goes DRAFT → SUBMITTED → IN_REVIEW → VERIFIED → APPROVED and hands the list to the decree', async () => {
    const list = await importList(A, '2026-S1', 5);
    const id = list.proposalId;
    expect((await stored(id)).status).toBe('DRAFT');

    const submitted = await submit(id);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({
      status: 'SUBMITTED',
      requiredAgencies: ['DINSOS', 'BKAD'],
      signoffs: [],
      recipientCount: 5,
    });
    const [checks, ...moreChecks] = await messagesAbout(CHECKS_QUEUE, id);
    expect(moreChecks).toHaveLength(0);
    expect(ChecksRequestedSchema.parse(checks)).toMatchObject({
      proposalId: id,
      listId: list.listId,
      trigger: 'submit',
    });

    // Nobody signs before the checks have run, and nobody approves before the agencies have signed.
    const early = await review(verifier('DINSOS'), id, { decision: 'approve' });
    expect([early.status, conflictReason(early)]).toEqual([409, 'WRONG_STATE']);

    expect((await completeChecks(id, { warnings: 0 })).status).toBe('IN_REVIEW');

    const dinsos = await review(verifier('DINSOS'), id, { decision: 'approve', note: 'Data sesuai DTKS.' });
    expect(dinsos.status).toBe(200);
    expect(dinsos.body.status).toBe('IN_REVIEW');
    expect(dinsos.body.signoffs.map((signoff) => signoff.opd)).toEqual(['DINSOS']);

    const tooEarly = await decide(id, { decision: 'approve' });
    expect([tooEarly.status, conflictReason(tooEarly)]).toEqual([409, 'NOT_VERIFIED']);
    // The refusal names the agency still missing.
    expect(tooEarly.body.error?.message).toContain('masih menunggu BKAD');

    const bkad = await review(verifier('BKAD'), id, { decision: 'approve' });
    expect(bkad.status).toBe(200);
    expect(bkad.body.status).toBe('VERIFIED');
    expect(bkad.body.signoffs.map((signoff) => signoff.opd).sort()).toEqual(['BKAD', 'DINSOS']);

    const approved = await decide(id, { decision: 'approve', note: 'Disetujui untuk ditetapkan.' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('APPROVED');

    const [decree, ...moreDecrees] = await messagesAbout(DECREE_QUEUE, id);
    expect(moreDecrees).toHaveLength(0);
    expect(DecreeRequestedSchema.parse(decree)).toMatchObject({
      type: 'decree.requested',
      proposalId: id,
      region: A,
      period: '2026-S1',
      listId: list.listId,
      recipientCount: 5,
      version: approved.body.version,
      approvedBy: { sub: approver().sub },
    });

    // GET /proposals/{id}: who did what, when, and the agencies' sign-offs.
    const view = await getProposal(id);
    expect(view.status).toBe(200);
    expect(view.body.history?.map((entry) => entry.action)).toEqual([
      'CREATED',
      'SUBMITTED',
      'CHECKS_COMPLETED',
      'REVIEW_APPROVED',
      'VERIFIED',
      'APPROVED',
    ]);
    expect(view.body.history?.map((entry) => entry.toStatus)).toEqual([
      'DRAFT',
      'SUBMITTED',
      'IN_REVIEW',
      'IN_REVIEW',
      'VERIFIED',
      'APPROVED',
    ]);
    expect(view.body.history?.[3]).toMatchObject({ reason: 'Data sesuai DTKS.', fromStatus: 'IN_REVIEW' });
    expect(view.body.signoffs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ opd: 'DINSOS', by: expect.objectContaining({ sub: 'verifier-dinsos' }) }),
        expect.objectContaining({ opd: 'BKAD', by: expect.objectContaining({ sub: 'verifier-bkad' }) }),
      ]),
    );

    const audit = await getAudit(id);
    expect(audit.body.chain).toEqual({ valid: true, length: 6 });
    expect(audit.body.records.map((record) => [record.action, record.actor.role, record.actor.opd])).toEqual([
      ['CREATED', 'system', undefined],
      ['SUBMITTED', 'operator', undefined],
      ['CHECKS_COMPLETED', 'system', undefined],
      ['REVIEW_APPROVED', 'verifier', 'DINSOS'],
      ['VERIFIED', 'verifier', 'BKAD'],
      ['APPROVED', 'approver', undefined],
    ]);

    // A late upload cannot change an approved list.
    const late = await importList(A, '2026-S1', 3, 50);
    expect(late.outcome).toMatchObject({ kind: 'rejected', reasons: [{ code: 'PROPOSAL_LOCKED' }] });
    const askLate = await callRoute('CreateUpload', {
      claims: operator(A),
      body: { period: '2026-S1', filename: 'susulan.csv' },
    });
    expect(askLate.status).toBe(409);
    expect(await stored(id)).toMatchObject({ status: 'APPROVED', version: 6, currentListId: list.listId });
  });
});

describe('concurrency', () => {
  it('20 parallel sign-offs by one agency produce exactly one', async () => {
    const { proposalId: id } = await importList(A, '2026-S2');
    const before = await moveTo(id, 'IN_REVIEW');
    // Half the same person clicking again and again, half colleagues at the same agency.
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        review(verifier('DINSOS', i % 2 === 0 ? {} : { sub: `dinsos-staff-${i}` }), id, {
          decision: 'approve',
        }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(count(statuses, (status) => status === 200)).toBe(1);
    expect(count(statuses, (status) => status === 409)).toBe(19);
    for (const response of responses.filter((candidate) => candidate.status === 409)) {
      expect(['CONCURRENT_CHANGE', 'ALREADY_SIGNED']).toContain(conflictReason(response));
    }

    const after = await stored(id);
    expect(after.version).toBe(before.version + 1);
    expect(Object.keys(after.signoffs)).toEqual(['DINSOS']);
    expect(after.status).toBe('IN_REVIEW');
    const records = await auditOf(id);
    expect(count(records, (record) => record.action === 'REVIEW_APPROVED')).toBe(1);
    expect(verifyChain(records, after.lastAuditHash)).toMatchObject({ valid: true });
  });

  it('a transition planned on a stale read loses in DynamoDB, not only in the rules', async () => {
    const { proposalId: id } = await importList(A, '2026-T1');
    const read = await moveTo(id, 'IN_REVIEW');
    const { planReview } = await import('#shared/domain/workflow.ts');
    const { ConcurrentChangeError } = await import('#shared/adapters/proposals-repo.ts');
    const at = new Date().toISOString();
    const sign = (opd: string) =>
      repo().apply(
        read,
        planReview(read, opd, 'approve', undefined, { sub: `v-${opd}`, name: opd }, at),
        { sub: `v-${opd}`, name: opd, role: 'verifier', opd },
        at,
      );
    // Both plans pass the rules on the same read; only the conditional write can tell them apart.
    await sign('DINSOS');
    await expect(sign('BKAD')).rejects.toBeInstanceOf(ConcurrentChangeError);
    const after = await stored(id);
    expect(after.version).toBe(read.version + 1);
    expect(Object.keys(after.signoffs)).toEqual(['DINSOS']);
    expect(await auditOf(id)).toHaveLength(after.version);
  });

  it('20 parallel different requests on one proposal never leave it inconsistent', async () => {
    for (const period of ['2027-S1', '2027-T1', '2027-T2']) {
      const { proposalId: id } = await importList(A, period);
      const before = await moveTo(id, 'IN_REVIEW');
      const recordsBefore = (await auditOf(id)).length;
      const requests: (() => Promise<ApiResponse<Answer>>)[] = [];
      for (let i = 0; i < 8; i++) {
        requests.push(() => review(verifier('DINSOS', { sub: `dinsos-${i}` }), id, { decision: 'approve' }));
        requests.push(() => review(verifier('BKAD', { sub: `bkad-${i}` }), id, { decision: 'approve' }));
      }
      const note = 'Nomor rekening beberapa penerima belum sesuai.';
      requests.push(() => review(verifier('BKAD', { sub: 'bkad-return' }), id, { decision: 'return', note }));
      requests.push(() =>
        review(verifier('DINSOS', { sub: 'dinsos-return' }), id, { decision: 'return', note }),
      );
      requests.push(() => decide(id, { decision: 'approve' }));
      requests.push(() => decide(id, { decision: 'approve' }, undefined, approver({ sub: 'approver-2' })));
      // Shuffled, so each round races in a different order.
      requests.sort(() => Math.random() - 0.5);

      const responses = await Promise.all(requests.map((request) => request()));
      const successes = count(responses, (response) => response.status === 200);
      expect(count(responses, (response) => response.status === 409)).toBe(responses.length - successes);
      expect(successes).toBeGreaterThanOrEqual(1);

      const after = await stored(id);
      const records = await auditOf(id);
      expect(after.version - before.version).toBe(successes);
      expect(records).toHaveLength(recordsBefore + successes);
      expect(verifyChain(records, after.lastAuditHash)).toMatchObject({ valid: true });
      const chain = await getAudit(id);
      expect(chain.body.chain).toEqual({ valid: true, length: after.version });

      // Every transition starts where the one before ended, and the proposal is where the last ended.
      for (let i = 1; i < records.length; i++) {
        expect(records[i]?.fromStatus).toBe(records[i - 1]?.toStatus);
      }
      expect(after.status).toBe(records.at(-1)?.toStatus);
      // Since the last return, each agency signed at most once, and the stored sign-offs are those.
      const lastReturn = records.findLastIndex((record) => record.action === 'REVIEW_RETURNED');
      const signedSince = records
        .slice(lastReturn + 1)
        .filter((record) => record.action === 'REVIEW_APPROVED' || record.action === 'VERIFIED')
        .map((record) => String(record.details?.opd));
      expect(new Set(signedSince).size).toBe(signedSince.length);
      expect(Object.keys(after.signoffs).sort()).toEqual([...signedSince].sort());
      expect(after.returns).toHaveLength(count(records, (record) => record.action === 'REVIEW_RETURNED'));
      if (after.status === 'DRAFT') expect(after.signoffs).toEqual({});
      if (after.status === 'VERIFIED' || after.status === 'APPROVED') expect(signedSince).toHaveLength(2);
      expect(count(records, (record) => record.action === 'APPROVED')).toBeLessThanOrEqual(1);
    }
  });
});

describe('Idempotency-Key', () => {
  it('a replayed request acts once and gets the same answer', async () => {
    const { proposalId: id } = await importList(A, '2027-S2');

    const key = { 'Idempotency-Key': 'submit-2027-S2-0001' };
    const first = await submit(id, key);
    const replay = await submit(id, key);
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(count(await actions(id), (action) => action === 'SUBMITTED')).toBe(1);
    expect(await messagesAbout(CHECKS_QUEUE, id)).toHaveLength(1);

    // Without the key (or with another one) it is a new request, refused by the state.
    const again = await submit(id, { 'Idempotency-Key': 'submit-2027-S2-0002' });
    expect([again.status, conflictReason(again)]).toEqual([409, 'WRONG_STATE']);

    await completeChecks(id);
    const signKey = { 'Idempotency-Key': 'sign-dinsos-0001' };
    const body = { decision: 'approve', note: 'Sesuai.' };
    const signed = await review(verifier('DINSOS'), id, body, signKey);
    const signedAgain = await review(verifier('DINSOS'), id, body, signKey);
    expect(signed.status).toBe(200);
    expect(signedAgain).toEqual(signed);
    expect(count(await actions(id), (action) => action === 'REVIEW_APPROVED')).toBe(1);

    // The same key with a different body is refused, and acts on nothing.
    const version = (await stored(id)).version;
    const changed = await review(verifier('DINSOS'), id, { ...body, note: 'Lain.' }, signKey);
    expect(changed.status).toBe(409);
    expect(changed.body.error?.message).toMatch(/Idempotency-Key/);
    // A different key for the same sign-off: a new request, which the rules refuse.
    const otherKey = await review(verifier('DINSOS'), id, body, { 'Idempotency-Key': 'sign-dinsos-0002' });
    expect([otherKey.status, conflictReason(otherKey)]).toEqual([409, 'ALREADY_SIGNED']);
    expect((await stored(id)).version).toBe(version);

    // A refused request is not remembered: the same key works once the state allows it.
    const approveKey = { 'Idempotency-Key': 'approve-2027-S2-0001' };
    const refused = await decide(id, { decision: 'approve' }, approveKey);
    expect([refused.status, conflictReason(refused)]).toEqual([409, 'NOT_VERIFIED']);

    // A key belongs to its sender: another agency using the same key string is not a replay.
    const bkad = await review(verifier('BKAD'), id, body, signKey);
    expect(bkad.status).toBe(200);
    expect(bkad.body.status).toBe('VERIFIED');

    // A double click: the same approval sent five times at once acts once.
    const clicks = await Promise.all(
      Array.from({ length: 5 }, () => decide(id, { decision: 'approve' }, approveKey)),
    );
    const ok = clicks.filter((click) => click.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const click of clicks) {
      if (click.status === 200) expect(click.body).toEqual(ok[0]?.body);
      else expect(click.status).toBe(409);
    }
    const late = await decide(id, { decision: 'approve' }, approveKey);
    expect(late.status).toBe(200);
    expect(late.body).toEqual(ok[0]?.body);
    expect(count(await actions(id), (action) => action === 'APPROVED')).toBe(1);
    expect(await messagesAbout(DECREE_QUEUE, id)).toHaveLength(1);
    expect((await stored(id)).status).toBe('APPROVED');
  });
});

describe('blocking flags and waivers', () => {
  it('a blocking flag blocks the sign-off until a verifier waives it with a reason', async () => {
    const list = await importList(A, '2028-S1');
    const id = list.proposalId;
    const listId = list.listId ?? '';
    const first = `${listId}.${sourceRowOf(1)}`;
    const second = `${listId}.${sourceRowOf(2)}`;
    await setFlags(listId, sourceRowOf(1), [
      { code: 'NIK_IN_OTHER_LIST', severity: 'blocking', detail: 'Juga diusulkan oleh 62.03' },
      { code: 'ACCOUNT_NAME_MISMATCH', severity: 'warning' },
    ]);
    await setFlags(listId, sourceRowOf(2), [{ code: 'ACCOUNT_SHARED', severity: 'blocking' }]);
    await moveTo(id, 'IN_REVIEW', { blocking: 2, warnings: 1, openBlocking: 2 });

    const blocked = await review(verifier('DINSOS'), id, { decision: 'approve' });
    expect([blocked.status, conflictReason(blocked)]).toEqual([409, 'OPEN_BLOCKING_FLAGS']);

    // Recipients are filterable by flag.
    const flaggedPage = await callRoute<{ items: { recipientId: string; flagCodes?: string[] }[] }>(
      'ListRecipients',
      {
        claims: verifier('DINSOS'),
        pathParameters: { proposalId: id },
        query: { flag: 'NIK_IN_OTHER_LIST' },
      },
    );
    expect(flaggedPage.status).toBe(200);
    expect(flaggedPage.body.items.map((item) => item.recipientId)).toEqual([first]);

    const reason = 'Dicek ke Disdukcapil: penerima pindah ke Kotawaringin Barat, usulan 62.03 dibatalkan.';
    const warning = await waive(id, { recipientId: first, flag: 'ACCOUNT_NAME_MISMATCH', reason });
    expect(warning.status).toBe(400);

    // Ten verifiers waive the same flag at once: it is waived once.
    const waivers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        waive(
          id,
          { recipientId: first, flag: 'NIK_IN_OTHER_LIST', reason },
          verifier(i % 2 ? 'BKAD' : 'DINSOS'),
        ),
      ),
    );
    expect(count(waivers, (response) => response.status === 201)).toBe(1);
    expect(count(waivers, (response) => response.status === 409)).toBe(9);
    const waived = waivers.find((response) => response.status === 201);
    expect(waived?.body).toMatchObject({
      openBlocking: 1,
      waived: { recipientId: first, flag: 'NIK_IN_OTHER_LIST' },
    });

    const stillBlocked = await review(verifier('DINSOS'), id, { decision: 'approve' });
    expect([stillBlocked.status, conflictReason(stillBlocked)]).toEqual([409, 'OPEN_BLOCKING_FLAGS']);

    const secondReason = 'Rekening bersama suami-istri, keduanya penerima sah menurut SK desa.';
    const last = await waive(id, { recipientId: second, flag: 'ACCOUNT_SHARED', reason: secondReason });
    expect(last.status).toBe(201);
    expect(last.body.openBlocking).toBe(0);

    const again = await waive(id, { recipientId: second, flag: 'ACCOUNT_SHARED', reason: secondReason });
    expect([again.status, conflictReason(again)]).toEqual([409, 'ALREADY_WAIVED']);
    expect((await stored(id)).openBlocking).toBe(0);

    const audit = await getAudit(id);
    const waivedRecords = audit.body.records.filter((record) => record.action === 'FLAG_WAIVED');
    expect(waivedRecords).toHaveLength(2);
    expect(waivedRecords[0]).toMatchObject({
      reason,
      details: { recipientId: first, flag: 'NIK_IN_OTHER_LIST' },
      actor: { role: 'verifier' },
    });
    expect(waivedRecords[1]).toMatchObject({
      reason: secondReason,
      details: { recipientId: second, flag: 'ACCOUNT_SHARED' },
      actor: { role: 'verifier', opd: 'DINSOS' },
    });
    expect(audit.body.chain.valid).toBe(true);
    // The proposal's history names what each waiver set aside (a verifier's screen marks those rows).
    const page = await callRoute<{ history: { action: string; waived?: unknown }[] }>('GetProposal', {
      claims: verifier('DINSOS'),
      pathParameters: { proposalId: id },
    });
    expect(
      page.body.history.filter((entry) => entry.action === 'FLAG_WAIVED').map((entry) => entry.waived),
    ).toEqual([
      { recipientId: first, flag: 'NIK_IN_OTHER_LIST' },
      { recipientId: second, flag: 'ACCOUNT_SHARED' },
    ]);
    expect(page.body.history.filter((entry) => entry.waived !== undefined)).toHaveLength(2);

    expect((await review(verifier('DINSOS'), id, { decision: 'approve' })).status).toBe(200);
    const verified = await review(verifier('BKAD'), id, { decision: 'approve' });
    expect(verified.status).toBe(200);
    expect(verified.body.status).toBe('VERIFIED');
  });
});

describe('return and reject', () => {
  it('a return sends the list back to DRAFT with the reasons kept, and a new upload is accepted', async () => {
    const list = await importList(A, '2028-S2', 5);
    const id = list.proposalId;
    await moveTo(id, 'IN_REVIEW');
    expect((await review(verifier('DINSOS'), id, { decision: 'approve' })).status).toBe(200);

    // While in review, a new file changes nothing.
    const locked = await importList(A, '2028-S2', 4, 20);
    expect(locked.outcome).toMatchObject({ kind: 'rejected', reasons: [{ code: 'PROPOSAL_LOCKED' }] });
    expect(locked.listId).toBe(list.listId);

    const note = 'Nama rekening tiga penerima tidak sesuai buku tabungan; mohon diperbaiki.';
    const returned = await review(verifier('BKAD'), id, { decision: 'return', note });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'DRAFT', signoffs: [], returns: [{ opd: 'BKAD', note }] });

    const view = await getProposal(id, operator(A));
    expect(view.body.returns).toEqual([expect.objectContaining({ opd: 'BKAD', note })]);
    expect(view.body.history?.at(-1)).toMatchObject({
      action: 'REVIEW_RETURNED',
      reason: note,
      fromStatus: 'IN_REVIEW',
      toStatus: 'DRAFT',
    });
    const twice = await review(verifier('DINSOS'), id, { decision: 'return', note });
    expect([twice.status, conflictReason(twice)]).toEqual([409, 'WRONG_STATE']);

    const ask = await callRoute('CreateUpload', {
      claims: operator(A),
      body: { period: '2028-S2', filename: 'perbaikan.csv' },
    });
    expect(ask.status).toBe(201);
    const fixed = await importList(A, '2028-S2', 4, 20);
    expect(fixed.outcome.kind).toBe('completed');
    expect(fixed.proposalId).toBe(id);
    expect(fixed.listId).not.toBe(list.listId);
    const afterUpload = await stored(id);
    expect(afterUpload).toMatchObject({ status: 'DRAFT', recipientCount: 4 });
    expect(afterUpload.returns).toHaveLength(1);

    const resubmitted = await submit(id);
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body).toMatchObject({
      status: 'SUBMITTED',
      signoffs: [],
      returns: [{ opd: 'BKAD', note }],
    });
    const [checks] = await messagesAbout(CHECKS_QUEUE, id);
    expect(ChecksRequestedSchema.parse(checks)).toMatchObject({ listId: fixed.listId });
    expect(await actions(id)).toEqual([
      'CREATED',
      'SUBMITTED',
      'CHECKS_COMPLETED',
      'REVIEW_APPROVED',
      'REVIEW_RETURNED',
      'LIST_REPLACED',
      'SUBMITTED',
    ]);
  });

  it('a rejection ends the proposal, and a new upload starts revision 2', async () => {
    const list = await importList(A, '2029-S1', 5);
    const id = list.proposalId;
    await moveTo(id, 'VERIFIED');

    const noReason = await decide(id, { decision: 'reject' });
    expect(noReason.status).toBe(400);
    const note = 'Anggaran BKK tahun 2029 belum ditetapkan dalam APBD.';
    const rejected = await decide(id, { decision: 'reject', note });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('REJECTED');
    expect(await messagesAbout(DECREE_QUEUE, id)).toHaveLength(0);

    for (const response of [
      await decide(id, { decision: 'approve' }),
      await review(verifier('DINSOS'), id, { decision: 'approve' }),
      await submit(id),
    ]) {
      expect([response.status, conflictReason(response)]).toEqual([409, 'WRONG_STATE']);
    }

    const ask = await callRoute('CreateUpload', {
      claims: operator(A),
      body: { period: '2029-S1', filename: 'usulan-baru.csv' },
    });
    expect(ask.status).toBe(201);
    const next = await importList(A, '2029-S1', 3, 30);
    expect(next.outcome.kind).toBe('completed');
    expect(next.proposalId).toBe(`${id}-r2`);
    expect(await stored(next.proposalId)).toMatchObject({ status: 'DRAFT', revision: 2, version: 1 });
    expect(await stored(id)).toMatchObject({ status: 'REJECTED', currentListId: list.listId });
    const [created] = await auditOf(next.proposalId);
    expect(created).toMatchObject({ action: 'CREATED', details: { replaces: id } });

    const listed = await callRoute<{ items: { proposalId: string; status: string }[] }>('ListProposals', {
      claims: operator(A),
      query: { period: '2029-S1' },
    });
    expect(listed.body.items.map((item) => [item.proposalId, item.status]).sort()).toEqual([
      [id, 'REJECTED'],
      [`${id}-r2`, 'DRAFT'],
    ]);
  });
});

describe('the audit trail', () => {
  it('has no route that could change or delete a record', () => {
    for (const route of ROUTES.filter((candidate) => candidate.path.includes('audit'))) {
      expect(route.method).toBe('GET');
    }
  });

  it('detects an altered record and a removed last record', async () => {
    const { proposalId: id } = await importList(A, '2029-S2');
    await moveTo(id, 'IN_REVIEW');
    expect((await review(verifier('DINSOS'), id, { decision: 'approve', note: 'Lengkap.' })).status).toBe(
      200,
    );
    expect((await getAudit(id)).body.chain).toEqual({ valid: true, length: 4 });

    const key = { TableName: TABLE(), Key: auditKey(id, 4) };
    const original = (await documentClient.send(new GetCommand(key))).Item;
    expect(original?.reason).toBe('Lengkap.');

    // Someone with table access rewrites the note of a sign-off.
    await documentClient.send(
      new UpdateCommand({
        ...key,
        UpdateExpression: 'SET reason = :reason',
        ExpressionAttributeValues: { ':reason': 'Tidak lengkap.' },
      }),
    );
    const altered = await getAudit(id);
    expect(altered.status).toBe(200);
    expect(altered.body.chain).toEqual({ valid: false, brokenAt: 4, problem: 'content altered' });

    // An earlier record altered breaks the chain there.
    const second = { TableName: TABLE(), Key: auditKey(id, 2) };
    const secondOriginal = (await documentClient.send(new GetCommand(second))).Item;
    await documentClient.send(
      new UpdateCommand({
        ...second,
        UpdateExpression: 'SET actor.#name = :name',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':name': 'Orang Lain' },
      }),
    );
    expect((await getAudit(id)).body.chain).toMatchObject({ valid: false, brokenAt: 2 });

    // Put back as they were, the chain is whole again: the check is exact, not a guess.
    await documentClient.send(new PutCommand({ TableName: TABLE(), Item: original }));
    await documentClient.send(new PutCommand({ TableName: TABLE(), Item: secondOriginal }));
    expect((await getAudit(id)).body.chain).toEqual({ valid: true, length: 4 });

    // Cutting the last record off is caught by the head hash kept on the proposal.
    await documentClient.send(new DeleteCommand(key));
    const cut = await getAudit(id);
    expect(cut.body.chain).toEqual({ valid: false, brokenAt: 3, problem: 'head mismatch' });

    // Removing one in the middle shows as a gap.
    await documentClient.send(new PutCommand({ TableName: TABLE(), Item: original }));
    await documentClient.send(new DeleteCommand({ TableName: TABLE(), Key: auditKey(id, 3) }));
    expect((await getAudit(id)).body.chain).toMatchObject({ valid: false, brokenAt: 4, problem: 'seq gap' });
  });

  it('holds no NIK: no run of 16 digits in any audit record or stored answer', async () => {
    let items: Record<string, unknown>[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      const page = await documentClient.send(
        new ScanCommand({ TableName: TABLE(), ...(after ? { ExclusiveStartKey: after } : {}) }),
      );
      items = items.concat(page.Items ?? []);
      after = page.LastEvaluatedKey;
    } while (after);
    const audit = items.filter((item) => String(item.pk).startsWith('AUDIT#'));
    const idempotency = items.filter((item) => item.pk === 'IDEMPOTENCY');
    // Earlier tests wrote every kind of record: created, submitted, checks, sign-offs, waivers, returns…
    const kinds = new Set(audit.map((item) => item.action));
    for (const action of ['CREATED', 'SUBMITTED', 'FLAG_WAIVED', 'REVIEW_RETURNED', 'APPROVED', 'REJECTED']) {
      expect(kinds.has(action), action).toBe(true);
    }
    expect(idempotency.length).toBeGreaterThan(0);
    // Hashes (the chain's, the idempotency keys') are hex digests, not data: they are left out.
    const text = (item: unknown) => JSON.stringify(item).replace(/[0-9a-f]{32,}/g, '#');
    for (const item of [...audit, ...idempotency]) expect(text(item)).not.toMatch(/\d{16}/);
    // …while the recipients themselves do carry NIKs, so the pattern would have found one.
    expect(text(items)).toMatch(/\d{16}/);
  });
});
