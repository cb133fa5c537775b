import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { nameOf, recipientCsv } from '../support/api.ts';
import {
  errorOf,
  OTHER,
  OWN,
  operatorOf,
  proposalView,
  putUploadObject,
  type Reply,
  send,
  snapshot,
  startProbeStack,
  submitForReview,
  tokenFor,
  uploadList,
} from './support.ts';

/**
 * Separation of duties and the waiver rule, through the local API: the person who submitted a list
 * can neither review, waive nor approve it (even from another account group, same `sub`), whoever
 * reviewed it cannot approve it, and only a required agency may set a blocking flag aside. Then the
 * import's own access rule: region and period come from the upload record, never from a key that
 * disagrees with it.
 */

let stack: LocalStack;
let proposalId: string;
let flagged: string;

const SUBMITTER = 'person-submitter';
const REVIEWER = 'person-reviewer-dinsos';
const PERIOD = '2026-S1';
const REASON = 'Sudah diklarifikasi ke Disdukcapil: tanggal lahir pada NIK salah ketik.';

/** The clean list of {@link recipientCsv} with one more row: a Ketua RT born in 2015 (blocking). */
function listWithMinor(region: string): string {
  const clean = recipientCsv(region, 4).trimEnd();
  const minorNik = `${region.replace('.', '')}01120315${'0099'}`;
  return `${clean}\r\n5;${minorNik};${nameOf(99)};Ketua RT;Kec. Kumai;Desa Candi;99;1000000099;${nameOf(99)}\r\n`;
}

beforeAll(async () => {
  stack = await startProbeStack();
  ({ proposalId } = await uploadList(stack, OWN, PERIOD, 5, listWithMinor(OWN)));
  const view = await submitForReview(stack, proposalId, operatorOf(OWN, SUBMITTER));
  expect(view.openBlocking).toBe(1);
  const page = await send(
    stack,
    { method: 'GET', path: `/proposals/${proposalId}/recipients?flag=UNDER_AGE&limit=10` },
    await tokenFor({ groups: ['verifier'], opd: 'DINSOS', sub: REVIEWER }),
  );
  const items = (page.json as { items: { recipientId: string; nik: string }[] }).items;
  expect(items.map((item) => item.nik)).toEqual(['6201011203150099']);
  flagged = items[0]?.recipientId ?? '';
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const review = async (sub: string, opd: string, body: unknown) =>
  send(
    stack,
    { method: 'POST', path: `/proposals/${proposalId}/reviews`, body },
    await tokenFor({ groups: ['verifier'], opd, sub }),
  );
const waive = async (sub: string, opd: string) =>
  send(
    stack,
    {
      method: 'POST',
      path: `/proposals/${proposalId}/waivers`,
      body: { recipientId: flagged, flag: 'UNDER_AGE', reason: REASON },
    },
    await tokenFor({ groups: ['verifier'], opd, sub }),
  );
const approve = async (sub: string) =>
  send(
    stack,
    { method: 'POST', path: `/proposals/${proposalId}/approval`, body: { decision: 'approve' } },
    await tokenFor({ groups: ['approver'], sub }),
  );

async function expectConflict(act: () => Promise<Reply>, reason: string): Promise<Reply> {
  const before = await snapshot(stack, [proposalId]);
  const reply = await act();
  expect(reply.status, reply.text).toBe(409);
  expect(errorOf(reply).reason).toBe(reason);
  expect(await snapshot(stack, [proposalId])).toEqual(before);
  return reply;
}

describe('separation of duties and waivers', () => {
  it('refuses the submitter as a reviewer, in sign-off, return and waiver alike', async () => {
    const signed = await expectConflict(
      () => review(SUBMITTER, 'DINSOS', { decision: 'approve' }),
      'SEPARATION_OF_DUTIES',
    );
    expect(errorOf(signed).message).toMatch(/Anda mengunggah atau mengajukan daftar usulan/);
    await expectConflict(
      () => review(SUBMITTER, 'BKAD', { decision: 'return', note: 'Saya kembalikan sendiri saja.' }),
      'SEPARATION_OF_DUTIES',
    );
    await expectConflict(() => waive(SUBMITTER, 'DINSOS'), 'SEPARATION_OF_DUTIES');
  });

  it('lets no agency that the proposal does not need waive a blocking flag or sign', async () => {
    await expectConflict(() => waive('person-dishub', 'DISHUB'), 'AGENCY_NOT_REQUIRED');
    await expectConflict(
      () => review('person-dishub', 'DISHUB', { decision: 'approve' }),
      'AGENCY_NOT_REQUIRED',
    );
    expect((await proposalView(stack, proposalId)).openBlocking).toBe(1);
  });

  it('names the agencies still missing when the approver comes too early', async () => {
    const early = await expectConflict(() => approve('person-sekda'), 'NOT_VERIFIED');
    expect(errorOf(early).message).toMatch(/masih menunggu DINSOS dan BKAD/);
  });

  it('lets a required agency waive and sign; then neither the submitter nor a reviewer may approve', async () => {
    expect((await waive(REVIEWER, 'DINSOS')).status).toBe(201);
    expect((await review(REVIEWER, 'DINSOS', { decision: 'approve' })).status).toBe(200);
    expect((await review('person-reviewer-bkad', 'BKAD', { decision: 'approve' })).status).toBe(200);
    expect((await proposalView(stack, proposalId)).status).toBe('VERIFIED');

    // The same people, their accounts moved to the approver group (same sub): refused.
    const reviewerApproves = await expectConflict(() => approve(REVIEWER), 'SEPARATION_OF_DUTIES');
    expect(errorOf(reviewerApproves).message).toMatch(/telah memverifikasi/);
    await expectConflict(() => approve('person-reviewer-bkad'), 'SEPARATION_OF_DUTIES');
    await expectConflict(() => approve(SUBMITTER), 'SEPARATION_OF_DUTIES');

    const approved = await approve('person-sekda');
    expect(approved.status, approved.text).toBe(200);
    expect((approved.json as { status: string }).status).toBe('APPROVED');
  });
});

describe('the import takes region and period from its upload record', () => {
  it('refuses a file put under another region’s key with an upload id issued for this one', async () => {
    const victim = await uploadList(stack, OTHER, '2026-S2', 3);
    const own = await tokenFor({ groups: ['operator'], region: OWN, sub: 'operator-own' });
    const created = await send(
      stack,
      { method: 'POST', path: '/uploads', body: { period: '2026-S2', filename: 'daftar.csv' } },
      own,
    );
    expect(created.status).toBe(201);
    const { uploadId } = created.json as { uploadId: string };
    const before = await snapshot(stack, [victim.proposalId]);

    // Someone with IAM rights on the bucket reuses the id under the other region's prefix.
    await putUploadObject(stack, `uploads/${OTHER}/2026-S2/${uploadId}.csv`, recipientCsv(OTHER, 9, 500));

    expect(await snapshot(stack, [victim.proposalId])).toEqual(before);
    const record = await send(stack, { method: 'GET', path: `/uploads/${uploadId}` }, own);
    expect(record.json).toMatchObject({ region: OWN, period: '2026-S2', status: 'AWAITING_FILE' });
  });

  it('imports a file put there without an upload request under its key’s region, and audits it so', async () => {
    await putUploadObject(stack, `uploads/${OTHER}/2026-T4/manual-${Date.now()}.csv`, recipientCsv(OTHER, 3));
    const auditor = await tokenFor({ groups: ['auditor'] });
    const audit = await send(stack, { method: 'GET', path: `/audit?entityId=${OTHER}-2026-T4` }, auditor);
    expect(audit.status, audit.text).toBe(200);
    const [created] = (audit.json as { records: { action: string; actor: unknown; details: unknown }[] })
      .records;
    expect(created).toMatchObject({
      action: 'CREATED',
      actor: { sub: 'system:import', name: 'Impor tanpa permintaan unggah', region: OTHER },
      details: { withoutUploadRequest: true },
    });
    expect(await proposalView(stack, `${OTHER}-2026-T4`)).toMatchObject({
      status: 'DRAFT',
      recipientCount: 3,
    });
  });
});

describe('the import re-checks who asked for the upload', () => {
  it('refuses a file whose upload record was made for a region its requester may not touch', async () => {
    // A record as the two-group tokens of old could make it: an operator of OWN (with auditor)
    // asking for OTHER. The API cannot make one any more, so it is written the way the API would.
    const { env } = await import('#shared/config/env.ts');
    const { UploadsRepository } = await import('#shared/adapters/uploads-repo.ts');
    const victim = await uploadList(stack, OTHER, '2026-T1', 3);
    const before = await snapshot(stack, [victim.proposalId]);
    const uploadId = `forged-${Date.now()}`;
    const key = `uploads/${OTHER}/2026-T1/${uploadId}.csv`;
    const now = new Date();
    await new UploadsRepository(env().tableName).createAwaiting(
      {
        uploadId,
        region: OTHER,
        period: '2026-T1',
        filename: 'daftar.csv',
        format: 'csv',
        status: 'AWAITING_FILE',
        createdAt: now.toISOString(),
        createdBy: { sub: 'operator-own', name: 'Operator', role: 'operator,auditor', region: OWN },
        s3Key: key,
        attempts: 0,
        rowsProcessed: 0,
        reasons: [],
      },
      new Date(now.getTime() + 3_600_000),
    );
    await putUploadObject(stack, key, recipientCsv(OTHER, 7, 300));

    expect(await snapshot(stack, [victim.proposalId])).toEqual(before);
    const record = await send(
      stack,
      { method: 'GET', path: `/uploads/${uploadId}` },
      await tokenFor({ groups: ['auditor'] }),
    );
    expect(record.json).toMatchObject({ status: 'REJECTED', reasons: [{ code: 'UPLOAD_NOT_ALLOWED' }] });
  });
});
