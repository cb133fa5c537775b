import { createHash } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_TABLE } from '#shared/config/rates.ts';
import { checkAnswerTo } from '#shared/contract/client.ts';
import { amountsForPeriod } from '#shared/domain/decree.ts';
import { BUCKETS } from '#shared/resources.ts';
import { type LocalClaims, signLocalToken } from '../../local/auth.ts';
import { type BankLine, bankReportCsv } from '../../local/bank-report.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.ts';
import { reconcileThroughApi } from '../../local/reconcile.ts';
import { fileBuffer } from '../../local/sample-data.ts';
import type { BatchOutcome } from '../../local/sqs-events.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

/**
 * The verification workflow driven end to end through the local stack's HTTP API, as the people
 * involved would drive it: two regions upload (presigned PUT) and submit lists that conflict, the
 * real checks worker consumes the real checks queue (and re-checks the other side), a verifier is
 * refused while blocking flags are open, waives them with reasons, both agencies sign off, the
 * approver approves (replayed with an Idempotency-Key), the other region is returned, fixes its list
 * and resubmits, the auditor reads a valid hash chain, and a clean list passes without findings.
 * Then the decree worker issues B's SK Gubernur from the decree queue: its PDF is downloaded and
 * matches the recorded SHA-256, the public verification says genuine, then revoked after the
 * approver revokes it.
 *
 * The steps share one stack and build on each other, in order.
 */
let stack: LocalStack;
const batches: BatchOutcome[] = [];
const PERIOD = '2026-S1';

const KOBAR = '62.01';
const KAPUAS = '62.03';
const KATINGAN = '62.06';
const A = `${KOBAR}-${PERIOD}`;
const B = `${KAPUAS}-${PERIOD}`;
const C = `${KATINGAN}-${PERIOD}`;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    quiet: true,
    s3Events: { pollIntervalMs: 50 },
    checks: { waitTimeSeconds: 1, onBatch: (outcome) => batches.push(outcome) },
  });
});

afterAll(async () => {
  await stack?.stop();
});

// ─── People ───────────────────────────────────────────────────────────────────────────────────────

const token = (claims: LocalClaims) => signLocalToken(claims);
const operator = (region: string) =>
  token({ sub: `op-${region}`, name: `Operator ${region}`, groups: ['operator'], region });
const verifier = (opd: string) =>
  token({ sub: `ver-${opd.toLowerCase()}`, name: `Verifikator ${opd}`, groups: ['verifier'], opd });
const approver = () => token({ sub: 'sekda-1', name: 'Sekretaris Daerah', groups: ['approver'] });
const auditor = () => token({ sub: 'aud-1', name: 'Inspektorat', groups: ['auditor'] });

// ─── HTTP ─────────────────────────────────────────────────────────────────────────────────────────

interface Reply<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

async function call<T = Record<string, unknown>>(
  path: string,
  bearer: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${bearer}`,
      'content-type': 'application/json',
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : {};
  // Every answer is what the API contract says it is (shared/contract/).
  checkAnswerTo(init.method ?? 'GET', path, response.status, body);
  return { status: response.status, body: body as T };
}

const post = <T = Record<string, unknown>>(
  path: string,
  bearer: string,
  body: unknown,
  headers?: Record<string, string>,
) => call<T>(path, bearer, { method: 'POST', body, ...(headers ? { headers } : {}) });

const conflictReason = (reply: Reply) =>
  (reply.body as { error?: { details?: { reason?: string } } }).error?.details?.reason;

interface Actor {
  readonly sub: string;
  readonly name: string;
  readonly role: string;
  readonly opd?: string;
  readonly region?: string;
}

interface ProposalView {
  proposalId: string;
  region: string;
  regionName: string;
  status: string;
  version: number;
  recipientCount: number;
  openBlocking: number;
  currentUploadId?: string;
  requiredAgencies: string[];
  signoffs: { opd: string; decision: string; by: { sub: string; name: string }; at: string }[];
  returns: { opd: string; note: string; by: { sub: string; name: string }; at: string }[];
  checks?: { listId: string; blocking: number; warnings: number; openBlocking: number; runId: string };
  history: { action: string; by: { name: string; role: string; opd?: string }; reason?: string }[];
}

interface RecipientView {
  recipientId: string;
  nik: string;
  nama: string;
  peran: string;
  noRekening: string;
  flags?: { code: string; severity: 'blocking' | 'warning'; detail?: string }[];
}

interface AuditRecordView {
  seq: number;
  at: string;
  action: string;
  actor: Actor;
  fromStatus?: string;
  toStatus?: string;
  reason?: string;
  details?: Record<string, string | number | boolean>;
  prevHash: string;
  hash: string;
}

async function proposal(id: string, bearer: string): Promise<ProposalView> {
  const reply = await call<ProposalView>(`/proposals/${id}`, bearer);
  expect(reply.status).toBe(200);
  return reply.body;
}

/** Every recipient of the proposal's current list carrying `flag` (or all of them), page by page. */
async function recipients(id: string, bearer: string, flag?: string): Promise<RecipientView[]> {
  const items: RecipientView[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '200' });
    if (flag) query.set('flag', flag);
    if (cursor) query.set('cursor', cursor);
    const page: Reply<{ items: RecipientView[]; nextCursor: string | null }> = await call(
      `/proposals/${id}/recipients?${query.toString()}`,
      bearer,
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls the proposal until it reaches `status`, then waits for every trigger to be idle, so that
 * re-checks the run asked for (the other region's) have landed too.
 */
async function settle(id: string, bearer: string, status: string): Promise<ProposalView> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await proposal(id, bearer);
    if (view.status === status) break;
    if (Date.now() > deadline) throw new Error(`${id} still ${view.status}, expected ${status}`);
    await sleep(50);
  }
  await stack.whenIdle();
  return proposal(id, bearer);
}

// ─── Uploads ──────────────────────────────────────────────────────────────────────────────────────

interface UploadView {
  uploadId: string;
  status: string;
  counts?: { rows: number; accepted: number; rejected: number; warnings: number };
  proposalId?: string;
}

/** What the operator's browser does: ask for a URL, PUT the file to S3, poll the upload. */
async function upload(region: string, body: string | Buffer): Promise<UploadView> {
  const bearer = await operator(region);
  const created = await post<{ uploadId: string; uploadUrl: string }>('/uploads', bearer, {
    period: PERIOD,
    filename: 'daftar-bkk.csv',
  });
  expect(created.status).toBe(201);
  const put = await fetch(created.body.uploadUrl, { method: 'PUT', body });
  expect(put.status).toBe(200);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body: view } = await call<UploadView>(`/uploads/${created.body.uploadId}`, bearer);
    if (['COMPLETED', 'REJECTED', 'FAILED'].includes(view.status)) return view;
    if (Date.now() > deadline) throw new Error(`upload still ${view.status}`);
    await sleep(50);
  }
}

const HEADER = 'No;NIK;Nama Lengkap;Jabatan;Kecamatan;Desa/Kelurahan;RT;No Rekening;Atas Nama';

/** `[nik, nama, jabatan, kecamatan, desa, rt, rekening]` → a semicolon CSV as Excel writes it. */
function csv(rows: readonly (readonly string[])[]): string {
  const lines = rows.map(([nik, nama, jabatan, kecamatan, desa, rt, rekening], index) =>
    [index + 1, nik, nama, jabatan, kecamatan, desa, rt, rekening, nama].join(';'),
  );
  return `\uFEFF${['DAFTAR PENERIMA BKK KHBS', '', HEADER, ...lines].join('\r\n')}\r\n`;
}

/** A NIK registered in `region4` (`6201`), kecamatan 01, born on DDMMYY, serial n. */
const nik = (region4: string, birth: string, serial: number) =>
  `${region4}01${birth}${String(serial).padStart(4, '0')}`;

/** In both lists: Ketua RT in Kotawaringin Barat, Pemuka Agama in Kapuas. */
const SHARED_NIK = nik('6201', '120375', 11);
/** One account, used by two different NIKs in the two lists. */
const SHARED_ACCOUNT = '9990000001';

const kobarClean = (from: number, count: number): string[][] =>
  Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return [
      nik('6201', '150680', 100 + n),
      `Warga Kumai ${String.fromCharCode(65 + n)}`,
      'Ketua RT',
      'Kumai',
      'Candi',
      String(10 + n),
      `${9010000100 + n}`,
    ];
  });

const KOBAR_ROWS: string[][] = [
  [SHARED_NIK, 'Ahmad Lintas Wilayah', 'Ketua RT', 'Kumai', 'Candi', '1', '9010000001'],
  [nik('6201', '030381', 12), 'Budi Pemilik Rekening', 'Pemuka Agama', 'Kumai', 'Candi', '', SHARED_ACCOUNT],
  ...kobarClean(0, 3),
];

/** The list Kotawaringin Barat sends after the return: the conflicting two replaced by others. */
const KOBAR_CORRECTED: string[][] = [
  [nik('6201', '220982', 21), 'Darmawan Pengganti', 'Ketua RT', 'Kumai', 'Candi', '1', '9010000021'],
  [nik('6201', '030381', 12), 'Budi Pemilik Rekening', 'Pemuka Agama', 'Kumai', 'Candi', '', '9010000012'],
  ...kobarClean(0, 3),
];

const KAPUAS_ROWS: string[][] = [
  [SHARED_NIK, 'Ahmad Lintas Wilayah', 'Pemuka Agama', 'Selat', 'Murung Keramat', '', '9030000001'],
  [
    nik('6203', '111179', 31),
    'Citra Rekening Ganda',
    'Pemuka Agama',
    'Selat',
    'Murung Keramat',
    '',
    SHARED_ACCOUNT,
  ],
  ...Array.from({ length: 3 }, (_, i) => [
    nik('6203', '010184', 40 + i),
    `Warga Selat ${String.fromCharCode(65 + i)}`,
    'Ketua RT',
    'Selat',
    'Murung Keramat',
    String(20 + i),
    `${9030000100 + i}`,
  ]),
];

const BLOCKING = [
  'NIK_IN_OTHER_LIST',
  'NIK_TWO_ROLES',
  'ACCOUNT_SHARED',
  'NIK_INVALID',
  'UNDER_AGE',
] as const;

/** Blocking flag codes per recipient name, over the whole list. */
async function blockingByName(id: string, bearer: string): Promise<Record<string, string[]>> {
  const byName: Record<string, string[]> = {};
  const pages = await Promise.all(BLOCKING.map((code) => recipients(id, bearer, code)));
  for (const [index, code] of BLOCKING.entries()) {
    for (const recipient of pages[index] ?? []) {
      const flag = recipient.flags?.find((candidate) => candidate.code === code);
      expect(flag?.severity).toBe('blocking');
      byName[recipient.nama] = [...(byName[recipient.nama] ?? []), code];
    }
  }
  for (const codes of Object.values(byName)) codes.sort();
  return byName;
}

const EXPECTED_BLOCKING = {
  'Ahmad Lintas Wilayah': ['NIK_IN_OTHER_LIST', 'NIK_TWO_ROLES'],
  'Budi Pemilik Rekening': ['ACCOUNT_SHARED'],
  'Citra Rekening Ganda': ['ACCOUNT_SHARED'],
};

/** A run of digits as long as an account number (10–13) or a NIK (16). */
const LONG_NUMBER = /\d{10,}/;

// ─── The path ─────────────────────────────────────────────────────────────────────────────────────

describe('verification workflow through the local API', () => {
  const started = performance.now();
  let bRunId = '';
  let aRunId = '';

  it('1. two conflicting lists are submitted; the checks flag both sides on exactly the right recipients', async () => {
    const [uploadA, uploadB] = await Promise.all([
      upload(KOBAR, csv(KOBAR_ROWS)),
      upload(KAPUAS, csv(KAPUAS_ROWS)),
    ]);
    expect(uploadA).toMatchObject({ status: 'COMPLETED', proposalId: A, counts: { rows: 5, rejected: 0 } });
    expect(uploadB).toMatchObject({ status: 'COMPLETED', proposalId: B, counts: { rows: 5, rejected: 0 } });

    const opA = await operator(KOBAR);
    const opB = await operator(KAPUAS);
    // Nobody submits for another region.
    expect((await post(`/proposals/${B}/submit`, opA, {})).status).toBe(403);

    const submittedA = await post<ProposalView>(`/proposals/${A}/submit`, opA, {});
    const submittedB = await post<ProposalView>(`/proposals/${B}/submit`, opB, {});
    expect([submittedA.status, submittedA.body.status]).toEqual([200, 'SUBMITTED']);
    expect([submittedB.status, submittedB.body.status]).toEqual([200, 'SUBMITTED']);
    expect(submittedB.body.requiredAgencies).toEqual(['DINSOS', 'BKAD']);

    const viewA = await settle(A, opA, 'IN_REVIEW');
    const viewB = await settle(B, opB, 'IN_REVIEW');

    // B sees A (and, whichever ran first, the re-check makes A see B): three blocking flags each.
    const dinsos = await verifier('DINSOS');
    const flagsB = await blockingByName(B, dinsos);
    const flagsA = await blockingByName(A, dinsos);
    expect(flagsB).toEqual({
      'Ahmad Lintas Wilayah': EXPECTED_BLOCKING['Ahmad Lintas Wilayah'],
      'Citra Rekening Ganda': EXPECTED_BLOCKING['Citra Rekening Ganda'],
    });
    expect(flagsA).toEqual({
      'Ahmad Lintas Wilayah': EXPECTED_BLOCKING['Ahmad Lintas Wilayah'],
      'Budi Pemilik Rekening': EXPECTED_BLOCKING['Budi Pemilik Rekening'],
    });
    expect(viewB).toMatchObject({ status: 'IN_REVIEW', openBlocking: 3, checks: { blocking: 3 } });
    expect(viewA).toMatchObject({ status: 'IN_REVIEW', openBlocking: 3, checks: { blocking: 3 } });
    bRunId = viewB.checks?.runId ?? '';
    aRunId = viewA.checks?.runId ?? '';
    expect(bRunId).not.toBe('');
    expect(aRunId).not.toBe('');

    // The details name the other region and proposal, never a NIK or an account number.
    const listB = await recipients(B, dinsos);
    const listA = await recipients(A, dinsos);
    const ahmadB = listB.find((recipient) => recipient.nama === 'Ahmad Lintas Wilayah');
    const citraB = listB.find((recipient) => recipient.nama === 'Citra Rekening Ganda');
    const ahmadA = listA.find((recipient) => recipient.nama === 'Ahmad Lintas Wilayah');
    const detail = (recipient: RecipientView | undefined, code: string) =>
      recipient?.flags?.find((flag) => flag.code === code)?.detail ?? '';
    for (const code of ['NIK_IN_OTHER_LIST', 'NIK_TWO_ROLES']) {
      expect(detail(ahmadB, code)).toContain(viewA.regionName);
      expect(detail(ahmadB, code)).toContain(A);
      expect(detail(ahmadA, code)).toContain(viewB.regionName);
      expect(detail(ahmadA, code)).toContain(B);
    }
    expect(detail(ahmadB, 'NIK_IN_OTHER_LIST')).toContain('Ketua RT');
    expect(detail(ahmadA, 'NIK_TWO_ROLES')).toContain('Pemuka Agama');
    expect(detail(citraB, 'ACCOUNT_SHARED')).toContain(viewA.regionName);
    // The shared NIK is registered in Kotawaringin Barat: in Kapuas that is worth a look, no more.
    expect(ahmadB?.flags?.find((flag) => flag.code === 'NIK_OTHER_REGION')?.severity).toBe('warning');
    for (const recipient of [...listA, ...listB]) {
      for (const flag of recipient.flags ?? []) {
        expect(flag.detail).not.toMatch(LONG_NUMBER);
      }
    }
    // Everyone else is clean of blocking flags.
    for (const recipient of [...listA, ...listB]) {
      if (recipient.nama in EXPECTED_BLOCKING) continue;
      expect(recipient.flags?.filter((flag) => flag.severity === 'blocking') ?? []).toEqual([]);
    }
  });

  it('2. B: sign-off refused while flags are open; waived with reasons; both agencies sign; approved once', async () => {
    const dinsos = await verifier('DINSOS');
    const bkad = await verifier('BKAD');

    const refused = await post(`/proposals/${B}/reviews`, dinsos, { decision: 'approve' });
    expect(refused.status).toBe(409);
    expect(conflictReason(refused)).toBe('OPEN_BLOCKING_FLAGS');

    // A waiver needs a written reason, and only a verifier gives one.
    const [first] = await recipients(B, dinsos, 'ACCOUNT_SHARED');
    if (!first) throw new Error('no ACCOUNT_SHARED recipient on B');
    const noReason = await post(`/proposals/${B}/waivers`, dinsos, {
      recipientId: first.recipientId,
      flag: 'ACCOUNT_SHARED',
      reason: 'ok',
    });
    expect(noReason.status).toBe(400);
    const byOperator = await post(`/proposals/${B}/waivers`, await operator(KAPUAS), {
      recipientId: first.recipientId,
      flag: 'ACCOUNT_SHARED',
      reason: 'Operator tidak boleh mengesampingkan temuan.',
    });
    expect(byOperator.status).toBe(403);

    let open = 3;
    for (const code of ['NIK_IN_OTHER_LIST', 'NIK_TWO_ROLES', 'ACCOUNT_SHARED']) {
      for (const recipient of await recipients(B, dinsos, code)) {
        const waived = await post<ProposalView & { waived: unknown }>(`/proposals/${B}/waivers`, dinsos, {
          recipientId: recipient.recipientId,
          flag: code,
          reason: `Dikonfirmasi dengan ${code === 'ACCOUNT_SHARED' ? 'Bank Kalteng' : 'Disdukcapil'}: ${code}.`,
        });
        expect(waived.status).toBe(201);
        open--;
        expect(waived.body.openBlocking).toBe(open);
        expect(waived.body.waived).toEqual({ recipientId: recipient.recipientId, flag: code });
      }
    }
    expect(open).toBe(0);
    // The same flag twice is refused.
    const again = await post(`/proposals/${B}/waivers`, dinsos, {
      recipientId: first.recipientId,
      flag: 'ACCOUNT_SHARED',
      reason: 'Sekali lagi, seharusnya ditolak.',
    });
    expect([again.status, conflictReason(again)]).toEqual([409, 'ALREADY_WAIVED']);
    expect((await proposal(B, dinsos)).openBlocking).toBe(0);

    const signed = await post<ProposalView>(`/proposals/${B}/reviews`, dinsos, {
      decision: 'approve',
      note: 'Data sesuai.',
    });
    expect(signed.status).toBe(200);
    expect(signed.body.status).toBe('IN_REVIEW');
    expect(signed.body.signoffs.map((signoff) => signoff.opd)).toEqual(['DINSOS']);
    // The approver cannot act before both agencies have signed.
    const early = await post(`/proposals/${B}/approval`, await approver(), { decision: 'approve' });
    expect([early.status, conflictReason(early)]).toEqual([409, 'NOT_VERIFIED']);

    const verified = await post<ProposalView>(`/proposals/${B}/reviews`, bkad, { decision: 'approve' });
    expect(verified.status).toBe(200);
    expect(verified.body.status).toBe('VERIFIED');

    const key = { 'Idempotency-Key': `approve-${B}-0001` };
    const sekda = await approver();
    const approved = await post<ProposalView>(
      `/proposals/${B}/approval`,
      sekda,
      { decision: 'approve' },
      key,
    );
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('APPROVED');
    const replayed = await post(`/proposals/${B}/approval`, sekda, { decision: 'approve' }, key);
    expect(replayed).toEqual(approved);
    // Without the key it is a new request, which the state refuses.
    const fresh = await post(`/proposals/${B}/approval`, sekda, { decision: 'approve' });
    expect([fresh.status, conflictReason(fresh)]).toEqual([409, 'WRONG_STATE']);

    const final = await proposal(B, sekda);
    // The decree worker may already have taken it further (DECREED): step 6 follows it.
    expect(['APPROVED', 'DECREED']).toContain(final.status);
    expect(final.openBlocking).toBe(0);
    expect(final.history.filter((entry) => entry.action === 'APPROVED')).toHaveLength(1);
  });

  it('3. A: returned with a reason, corrected, resubmitted, re-checked clean', async () => {
    const dinsos = await verifier('DINSOS');
    const opA = await operator(KOBAR);
    const note = 'NIK dan rekening juga ada di daftar Kapuas; perbaiki daftar.';
    const returned = await post<ProposalView>(`/proposals/${A}/reviews`, dinsos, {
      decision: 'return',
      note,
    });
    expect(returned.status).toBe(200);
    expect(returned.body.status).toBe('DRAFT');
    expect(returned.body.returns).toEqual([
      expect.objectContaining({ opd: 'DINSOS', note, by: { sub: 'ver-dinsos', name: 'Verifikator DINSOS' } }),
    ]);

    const corrected = await upload(KOBAR, csv(KOBAR_CORRECTED));
    expect(corrected).toMatchObject({ status: 'COMPLETED', proposalId: A, counts: { rows: 5, rejected: 0 } });
    const draft = await proposal(A, opA);
    expect(draft).toMatchObject({ status: 'DRAFT', currentUploadId: corrected.uploadId });

    const resubmitted = await post<ProposalView>(`/proposals/${A}/submit`, opA, {});
    expect([resubmitted.status, resubmitted.body.status]).toEqual([200, 'SUBMITTED']);
    const view = await settle(A, opA, 'IN_REVIEW');
    expect(view).toMatchObject({
      status: 'IN_REVIEW',
      openBlocking: 0,
      checks: { blocking: 0, openBlocking: 0 },
    });
    expect(view.checks?.runId).not.toBe(aRunId);
    expect(view.returns).toHaveLength(1);
    expect(await blockingByName(A, dinsos)).toEqual({});
    const actions = view.history.map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['REVIEW_RETURNED', 'LIST_REPLACED']));
    expect(actions.filter((action) => action === 'SUBMITTED')).toHaveLength(2);
    expect(view.history.find((entry) => entry.action === 'REVIEW_RETURNED')?.reason).toBe(note);

    // With nothing open, A can now be signed off.
    const signed = await post<ProposalView>(`/proposals/${A}/reviews`, dinsos, { decision: 'approve' });
    expect([signed.status, signed.body.status]).toEqual([200, 'IN_REVIEW']);
  });

  it("4. the auditor reads B's whole history, on a valid chain; an operator may not", async () => {
    const reply = await call<{
      entityId: string;
      chain: { valid: boolean; length?: number };
      records: AuditRecordView[];
    }>(`/audit?entityId=${B}`, await auditor());
    expect(reply.status).toBe(200);
    const { chain, records } = reply.body;
    expect(chain).toEqual({ valid: true, length: records.length });

    const actions = records.map((record) => record.action);
    const order = ['SUBMITTED', 'CHECKS_COMPLETED', 'FLAG_WAIVED', 'REVIEW_APPROVED', 'VERIFIED', 'APPROVED'];
    const positions = order.map((action) => actions.indexOf(action));
    for (const position of positions) expect(position).toBeGreaterThanOrEqual(0);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(actions.filter((action) => action === 'FLAG_WAIVED')).toHaveLength(3);
    expect(actions.filter((action) => action === 'APPROVED')).toHaveLength(1);

    // Sequence, hash links and times.
    for (const [index, record] of records.entries()) {
      expect(record.seq).toBe(index + 1);
      expect(Number.isNaN(Date.parse(record.at))).toBe(false);
      if (index > 0) {
        expect(record.prevHash).toBe(records[index - 1]?.hash);
        expect(Date.parse(record.at)).toBeGreaterThanOrEqual(Date.parse(records[index - 1]?.at ?? ''));
      }
    }

    const one = (action: string) => records.find((record) => record.action === action);
    expect(one('SUBMITTED')).toMatchObject({
      actor: { sub: `op-${KAPUAS}`, name: `Operator ${KAPUAS}`, role: 'operator', region: KAPUAS },
      fromStatus: 'DRAFT',
      toStatus: 'SUBMITTED',
    });
    // The last run recorded is the one the proposal showed after the checks settled.
    expect(records.filter((record) => record.action === 'CHECKS_COMPLETED').at(-1)?.details?.runId).toBe(
      bRunId,
    );
    expect(one('CHECKS_COMPLETED')).toMatchObject({
      actor: { role: 'system' },
      toStatus: 'IN_REVIEW',
      details: { blocking: 3, openBlocking: 3 },
    });
    const waivers = records.filter((record) => record.action === 'FLAG_WAIVED');
    for (const waiver of waivers) {
      expect(waiver.actor).toMatchObject({ name: 'Verifikator DINSOS', role: 'verifier', opd: 'DINSOS' });
      expect(waiver.reason).toMatch(/^Dikonfirmasi dengan /);
    }
    expect(waivers.map((waiver) => waiver.details?.flag).sort()).toEqual([
      'ACCOUNT_SHARED',
      'NIK_IN_OTHER_LIST',
      'NIK_TWO_ROLES',
    ]);
    expect(one('REVIEW_APPROVED')).toMatchObject({
      actor: { name: 'Verifikator DINSOS', role: 'verifier', opd: 'DINSOS' },
      reason: 'Data sesuai.',
      toStatus: 'IN_REVIEW',
    });
    expect(one('VERIFIED')).toMatchObject({
      actor: { name: 'Verifikator BKAD', role: 'verifier', opd: 'BKAD' },
      fromStatus: 'IN_REVIEW',
      toStatus: 'VERIFIED',
    });
    expect(one('APPROVED')).toMatchObject({
      actor: { sub: 'sekda-1', name: 'Sekretaris Daerah', role: 'approver' },
      fromStatus: 'VERIFIED',
      toStatus: 'APPROVED',
    });
    // The trail holds ids and counts, never a NIK or an account number.
    const trail = JSON.stringify(records);
    for (const [nikText, , , , , , account] of [...KAPUAS_ROWS, ...KOBAR_ROWS]) {
      expect(trail).not.toContain(nikText);
      expect(trail).not.toContain(account);
    }

    const denied = await call(`/audit?entityId=${B}`, await operator(KAPUAS));
    expect(denied.status).toBe(403);
  });

  it('5. a clean list from a third region goes through the checks with no blocking flag', async () => {
    const { body, expected } = await fileBuffer({
      region: KATINGAN,
      rows: 150,
      seed: 62,
      messy: false,
      format: 'csv',
    });
    const uploaded = await upload(KATINGAN, body);
    expect(uploaded).toMatchObject({
      status: 'COMPLETED',
      proposalId: C,
      counts: { rows: expected.rows, accepted: expected.validRows, rejected: 0 },
    });
    const opC = await operator(KATINGAN);
    const submitted = await post<ProposalView>(`/proposals/${C}/submit`, opC, {});
    expect(submitted.status).toBe(200);
    const view = await settle(C, opC, 'IN_REVIEW');
    expect(view).toMatchObject({
      status: 'IN_REVIEW',
      recipientCount: expected.validRows,
      openBlocking: 0,
      checks: { blocking: 0, openBlocking: 0 },
    });
    expect(await blockingByName(C, await verifier('BKAD'))).toEqual({});
    const signed = await post<ProposalView>(`/proposals/${C}/reviews`, await verifier('BKAD'), {
      decision: 'approve',
    });
    expect([signed.status, signed.body.status]).toEqual([200, 'IN_REVIEW']);

    // Every checks run the worker took ended well: nothing retried, nothing on its way to the DLQ.
    // A and B submitted, at least one re-check, A resubmitted, C submitted.
    expect(batches.length).toBeGreaterThanOrEqual(5);
    expect(batches.filter((batch) => batch.failed.length > 0 || batch.error)).toEqual([]);
    console.info(
      `workflow e2e: ${((performance.now() - started) / 1000).toFixed(1)} s with the stack's start, ${batches.length} checks runs`,
    );
  });

  it('6. the decree worker issues B’s SK; the PDF matches its SHA-256; public verification; revocation', async () => {
    const reader = await auditor();
    const deadline = Date.now() + 60_000;
    while ((await proposal(B, reader)).status !== 'DECREED') {
      if (Date.now() > deadline) throw new Error('no decree within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const view = await proposal(B, reader);
    const decreeId = `SK-${B}`;
    expect(view).toMatchObject({ decreeId });
    expect(view.history.slice(-2).map((entry) => [entry.action, entry.by.role])).toEqual([
      ['DECREE_NUMBERED', 'system'],
      ['DECREED', 'system'],
    ]);

    const decree = await call<{
      number: string;
      status: string;
      sha256: string;
      verifyCode: string;
      pdfUrl: string;
      recipientCount: number;
      total: number;
    }>(`/decrees/${encodeURIComponent(decreeId)}`, reader);
    expect(decree.status).toBe(200);
    expect(decree.body).toMatchObject({ status: 'ISSUED', recipientCount: view.recipientCount });
    expect(decree.body.number).toMatch(/^188\.44\/1\/20\d\d$/);
    const pdf = Buffer.from(await (await fetch(decree.body.pdfUrl)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(decree.body.sha256);

    // Another region's operator may not read it; anyone may verify the printed code, without a token.
    expect((await call(`/decrees/${encodeURIComponent(decreeId)}`, await operator(KATINGAN))).status).toBe(
      403,
    );
    const verify = async () => {
      const response = await fetch(`${stack.apiUrl}/verify/${decree.body.verifyCode}`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await verify()).toMatchObject({
      status: 200,
      body: { genuine: true, inForce: true, number: decree.body.number, sha256: decree.body.sha256 },
    });

    const revoked = await post(`/decrees/${encodeURIComponent(decreeId)}/revocation`, await approver(), {
      reason: 'Penerima ganda ditemukan setelah penetapan; daftar diperbaiki.',
    });
    expect(revoked.status).toBe(200);
    expect(await verify()).toMatchObject({
      status: 200,
      body: { genuine: true, inForce: false, status: 'REVOKED' },
    });
    expect((await proposal(B, reader)).status).toBe('REVOKED');
  });

  it('7. C is approved and decreed; Bank Kalteng reports it paid in full (and one stranger); reconciliation disburses it', async () => {
    const sekda = await approver();
    const verified = await post<ProposalView>(`/proposals/${C}/reviews`, await verifier('DINSOS'), {
      decision: 'approve',
    });
    expect(verified.body.status).toBe('VERIFIED');
    expect((await post(`/proposals/${C}/approval`, sekda, { decision: 'approve' })).status).toBe(200);
    await stack.whenIdle();
    expect((await proposal(C, sekda)).status).toBe('DECREED');

    // The bank's report, built from the decreed list: everyone paid once in full, plus one stranger.
    const amounts: Record<string, number> = amountsForPeriod(RATE_TABLE.monthly, PERIOD);
    const list = await recipients(C, await verifier('DINSOS'));
    const lines: BankLine[] = list.map((recipient, index) => ({
      bankRef: `E2E${String(index).padStart(8, '0')}`,
      noRekening: recipient.noRekening,
      nik: recipient.nik,
      nama: recipient.nama,
      amount: amounts[recipient.peran] ?? 0,
      status: 'BERHASIL',
      date: '2026-12-01',
    }));
    lines.push({
      ...lines[0],
      bankRef: 'E2E-STRANGER',
      noRekening: '5550001112',
      nik: undefined,
      nama: 'Orang Lain',
    } as BankLine);
    const s3 = new S3Client({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: stack.emulators.s3Endpoint,
      forcePathStyle: true,
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKETS.uploads.localName,
        Key: 'disbursements/2026-12-01/bkk-katingan.csv',
        Body: bankReportCsv(lines),
      }),
    );
    s3.destroy();
    await stack.whenIdle();

    const run = await reconcileThroughApi(stack.apiUrl, 60_000);
    expect(run.status).toBe('COMPLETED');
    expect(run.inputs?.paymentLines).toBe(lines.length);
    const paymentKinds = [
      'NOT_PAID',
      'FAILED',
      'AMOUNT_DIFFERS',
      'PAID_TWICE',
      'UNKNOWN_PAYEE',
      'PAID_UNDER_REVOKED',
    ];
    expect(Object.fromEntries(paymentKinds.map((kind) => [kind, run.counts?.[kind]]))).toEqual({
      NOT_PAID: 0,
      FAILED: 0,
      AMOUNT_DIFFERS: 0,
      PAID_TWICE: 0,
      UNKNOWN_PAYEE: 1,
      PAID_UNDER_REVOKED: 0,
    });
    expect(run.decrees?.map((decree) => [decree.recipients, decree.paid, decree.fullyPaid])).toEqual([
      [list.length, list.length, true],
    ]);
    expect(run.disbursed).toEqual([C]);
    const disbursed = await proposal(C, await auditor());
    expect(disbursed.status).toBe('DISBURSED');
    expect(disbursed.history.at(-1)).toMatchObject({ action: 'DISBURSED', by: { role: 'system' } });
  });
});
