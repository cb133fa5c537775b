import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  admin,
  approver,
  auditor,
  type CallOptions,
  type Claims,
  callRoute,
  type ErrorBody,
  operator,
  verifier,
} from '../support/api.ts';
import { resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * Complaints (pengaduan, issue #15) against the real emulators: a citizen lodges one without an
 * account and checks it with the code; the application limits each source; a retried POST with
 * the same Idempotency-Key lodges once; staff of the kabupaten assign, answer and close it, each
 * change conditional on the status and audited; PUNGLI goes to the province and is unknown to the
 * kabupaten's operator; auditors read numbers masked; the SLA clock and the counters for the
 * dashboards; the family's history lists its complaints.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
useEmulatorEnv();
const { ComplaintsRepository } = await import('#shared/adapters/complaints-repo.ts');
const { env } = await import('#shared/config/env.ts');
const { wibDate } = await import('#shared/domain/complaints.ts');
const {
  nik,
  kk,
  plainFamilies,
  readySnapshot,
  seedProgramme,
  tahapWithRun,
  recordVisit,
  composeThroughRoute,
  KAPUAS,
  KOTIM,
  DESA,
  TAHAP,
} = await import('../support/families.ts');

const A = '62.01';
const B = '62.03';
const DESA_A = `${A}.01.2001`;
const DESA_A2 = `${A}.01.2002`;
const DESA_B = `${B}.01.1006`;
const TEXT = 'Kartu KHBS keluarga kami belum dibagikan, padahal tetangga sudah menerima bulan lalu.';

type Lodged = { code: string; status: string; dueDate: string; message: string };
type View = Record<string, unknown> & {
  complaintId: string;
  status: string;
  history: { action: string; by: string }[];
};

const repo = () => new ComplaintsRepository(env().tableName);
let pepper = 0;
/** A fresh rate limit budget: the source's hash changes with the pepper. */
const freshSource = () => {
  process.env.COMPLAINT_RATE_PEPPER = `test-${++pepper}-${Date.now()}`;
};

const lodge = (body: Record<string, unknown>, headers?: Record<string, string>) =>
  callRoute<Lodged & ErrorBody>('LodgeComplaint', { body, ...(headers ? { headers } : {}) });

/** The staff id of a complaint, found by its code through the repository (what staff lists show). */
const idOf = async (code: string) => (await repo().getByCode(code))?.complaintId ?? '';

const act = (
  route: 'AssignComplaint' | 'AnswerComplaint' | 'CloseComplaint',
  complaintId: string,
  body: unknown,
  claims: Claims,
) => callRoute<View & ErrorBody>(route, { pathParameters: { complaintId }, body, claims });

const assign = (complaintId: string, claims: Claims) =>
  act('AssignComplaint', complaintId, { assignee: { sub: 'petugas-1', name: 'Petugas Satu' } }, claims);

beforeAll(async () => {
  await resetTable();
  await readySnapshot(A, plainFamilies(A, 2), '2026-09-30');
  // Kapuas's KPM list of tahap 2026-1, with one family (serial 1) of its desa: what is published.
  await seedProgramme();
  await tahapWithRun();
  await recordVisit(1, 'LAYAK');
  await composeThroughRoute();
  freshSource();
}, 60_000);

afterEach(() => {
  vi.useRealTimers();
  delete process.env.COMPLAINT_RATE_LIMIT;
});

describe('POST /complaints (public)', () => {
  it('answers 201 with a code and the same body whatever the NIK or No KK', async () => {
    freshSource();
    const bodies = [
      { category: 'KARTU', desaCode: DESA_A, text: TEXT },
      // A family that is in the DTSEN snapshot, by NIK and by No KK.
      { category: 'KARTU', desaCode: DESA_A, text: TEXT, nik: nik(A, 1) },
      { category: 'KARTU', desaCode: DESA_A, text: TEXT, noKk: kk(A, 2) },
      // Numbers of the right shape that nobody holds.
      { category: 'KARTU', desaCode: DESA_A, text: TEXT, nik: '6201014101900009', noKk: '6201010101209999' },
    ];
    const answers = [];
    for (const body of bodies) {
      const reply = await lodge(body);
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      expect(reply.body.code).toMatch(/^ADU-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      answers.push(reply.body);
      const text = JSON.stringify(reply.body);
      for (const value of [nik(A, 1), kk(A, 2), '6201014101900009']) expect(text).not.toContain(value);
    }
    // The same keys, status and due date; only the code (and the message naming it) differ.
    const shape = (answer: Lodged) => ({
      keys: Object.keys(answer).sort(),
      status: answer.status,
      dueDate: answer.dueDate,
      message: answer.message.replace(answer.code, 'KODE'),
    });
    for (const answer of answers) expect(shape(answer)).toEqual(shape(answers[0] as Lodged));

    // Staff see the link to the family; the unknown numbers link nothing.
    const views = await Promise.all(
      answers.map(async (answer) => {
        const reply = await callRoute<View>('GetComplaint', {
          pathParameters: { complaintId: await idOf(answer.code) },
          claims: operator(A),
        });
        expect(reply.status).toBe(200);
        return reply.body;
      }),
    );
    expect(views.map((view) => typeof view.familyId)).toEqual(['undefined', 'string', 'string', 'undefined']);
    expect(views[1]?.familyId).toMatch(/^KEL-/);
    expect(views[1]).toMatchObject({ nik: nik(A, 1), channel: 'WEB', status: 'BARU', unit: A, region: A });
  });

  it('refuses what is not a complaint: an unknown desa, a bad NIK, too long a text, an unknown field, a body over 16 KB', async () => {
    freshSource();
    // Refused requests count against the source's limit too (probing is limited like lodging).
    process.env.COMPLAINT_RATE_LIMIT = '50';
    const good = { category: 'KARTU', desaCode: DESA_A, text: TEXT };
    const cases: [Record<string, unknown> | string, number][] = [
      [{ ...good, desaCode: `${B}.01.2001` }, 400],
      [{ ...good, nik: '12345' }, 400],
      [{ ...good, text: 'x'.repeat(2_001) }, 400],
      [{ ...good, category: 'SUAP' }, 400],
      [{ ...good, status: 'SELESAI' }, 400],
      ['{not json', 400],
      [{ ...good, text: 'x'.repeat(17_000) }, 413],
    ];
    for (const [body, status] of cases) {
      const reply = await callRoute<ErrorBody>('LodgeComplaint', { body });
      expect(reply.status, JSON.stringify(reply.body).slice(0, 300)).toBe(status);
      expect(reply.body.error.message.length).toBeGreaterThan(5);
      expect(JSON.stringify(reply.body)).not.toContain('12345');
    }
  });

  it('keeps markup as text: stored and shown back as data, in JSON', async () => {
    freshSource();
    const text = '<script>alert("x")</script> <img src=x onerror=alert(1)> dana dipotong Rp50.000 oleh oknum';
    const reply = await lodge({ category: 'TUNAI', desaCode: DESA_A, text });
    expect(reply.status).toBe(201);
    const view = await callRoute('GetComplaint', {
      pathParameters: { complaintId: await idOf(reply.body.code) },
      claims: admin(),
    });
    expect(view.headers['content-type']).toMatch(/^application\/json/);
    expect(view.headers['x-content-type-options']).toBe('nosniff');
    expect(view.body.text).toBe(text);
  });

  it('limits each source per window (429 in Bahasa Indonesia), and never stores the address', async () => {
    freshSource();
    process.env.COMPLAINT_RATE_LIMIT = '3';
    const body = { category: 'LAINNYA', desaCode: DESA_A2, text: TEXT };
    for (let i = 0; i < 3; i++) expect((await lodge(body)).status).toBe(201);
    const refused = await lodge(body);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      details: { reason: 'RATE_LIMITED' },
    });
    expect(refused.body.error.message).toMatch(/Terlalu banyak pengaduan/);
    // Another source (here: another pepper, as another address hashes differently) is not refused.
    freshSource();
    expect((await lodge(body)).status).toBe(201);
    const { testClients } = await import('../support/aws.ts');
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const items = await testClients().dynamo.send(new ScanCommand({ TableName: env().tableName }));
    expect(JSON.stringify(items.Items)).not.toContain('127.0.0.1');
  });

  it('lodges once for a retried POST with the same Idempotency-Key, and refuses the key for another body', async () => {
    freshSource();
    const body = { category: 'PANGAN', desaCode: DESA_A2, text: `${TEXT} (beras)` };
    const headers = { 'Idempotency-Key': `pengaduan-${Date.now()}` };
    const first = await lodge(body, headers);
    const again = await lodge(body, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.code).toBe(first.body.code);
    const listed = await callRoute<{ items: { category: string }[] }>('ListComplaints', {
      claims: operator(A),
      query: { desa: DESA_A2, category: 'PANGAN' },
    });
    expect(listed.body.items).toHaveLength(1);
    const other = await lodge({ ...body, text: `${TEXT} (minyak)` }, headers);
    expect(other.status).toBe(409);
  });
});

describe('GET /complaints/status/{code} (public)', () => {
  it('answers the status and the answer for the citizen, and nothing about anyone', async () => {
    freshSource();
    const lodged = await lodge({
      category: 'KARTU',
      desaCode: DESA_A,
      text: TEXT,
      nik: nik(A, 1),
      telepon: '081234567890',
    });
    const reply = await callRoute('GetComplaintStatus', {
      pathParameters: { code: lodged.body.code.toLowerCase() },
    });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(
      ['category', 'categoryLabel', 'code', 'dueDate', 'lodgedAt', 'status', 'statusLabel'].sort(),
    );
    expect(reply.body).toMatchObject({ code: lodged.body.code, status: 'BARU', category: 'KARTU' });
    const text = JSON.stringify(reply.body);
    for (const secret of [nik(A, 1), '081234567890', DESA_A, 'KEL-', 'PGD-', TEXT.slice(0, 20)]) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers the same 404 for an unknown code and for anything that is not one', async () => {
    const answers = await Promise.all(
      ['ADU-0000-0000-0000', 'ADU-ZZZZ-ZZZZ-ZZZZ', 'x', '6201014101900001', '../ADUCODE'].map((code) =>
        callRoute<ErrorBody>('GetComplaintStatus', { pathParameters: { code } }),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body.error.message).toBe((answers[0] as typeof answer).body.error.message);
    }
  });
});

describe('the staff flow', () => {
  it('assigns, answers and closes, each change audited and conditional on the status', async () => {
    freshSource();
    const lodged = await lodge({ category: 'TUNAI', desaCode: DESA_A, text: TEXT });
    const id = await idOf(lodged.body.code);
    const op = operator(A);

    // Answering or closing before it is taken up is refused by the table.
    const early = await act(
      'AnswerComplaint',
      id,
      { answer: 'Sudah kami periksa, dana akan ditransfer ulang.' },
      op,
    );
    expect(early.status).toBe(409);
    expect(early.body.error.details).toMatchObject({ reason: 'WRONG_STATE', status: 'BARU' });

    const assigned = await assign(id, op);
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'DITANGANI', assignee: { sub: 'petugas-1' } });

    const answered = await act(
      'AnswerComplaint',
      id,
      { answer: 'Dana akan ditransfer ulang pada 10 Maret.' },
      op,
    );
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({
      status: 'DITANGANI',
      answer: 'Dana akan ditransfer ulang pada 10 Maret.',
    });

    const closed = await act('CloseComplaint', id, { outcome: 'SELESAI' }, op);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'SELESAI', closedBy: { sub: op.sub } });
    expect(closed.body.history.map((entry) => entry.action)).toEqual([
      'COMPLAINT_LODGED',
      'COMPLAINT_ASSIGNED',
      'COMPLAINT_ANSWERED',
      'COMPLAINT_CLOSED',
    ]);
    expect(closed.body.history.slice(1).every((entry) => entry.by === op.name)).toBe(true);

    // Final: nothing moves it again.
    for (const [route, body] of [
      ['AssignComplaint', { assignee: { sub: 'x', name: 'Petugas X' } }],
      ['CloseComplaint', { outcome: 'DITOLAK', answer: 'Jawaban lain yang panjang.' }],
    ] as const) {
      const again = await act(route, id, body, op);
      expect(again.status).toBe(409);
    }

    const status = await callRoute('GetComplaintStatus', { pathParameters: { code: lodged.body.code } });
    expect(status.body).toMatchObject({
      status: 'SELESAI',
      statusLabel: 'Selesai',
      answer: 'Dana akan ditransfer ulang pada 10 Maret.',
      answeredAt: expect.any(String),
      closedAt: expect.any(String),
    });

    // The chain holds: the audit trail verifies.
    const { verifyChain } = await import('#shared/domain/audit.ts');
    const record = await repo().get(id);
    expect(verifyChain(await repo().history(id), record?.lastAuditHash).valid).toBe(true);
  });

  it('lets one of two people acting at once win; the other gets 409', async () => {
    freshSource();
    const lodged = await lodge({ category: 'KARTU', desaCode: DESA_A, text: TEXT });
    const id = await idOf(lodged.body.code);
    const replies = await Promise.all([assign(id, operator(A)), assign(id, admin())]);
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 409]);
    expect((await repo().get(id))?.version).toBe(2);
  });

  it('rejects an unfounded complaint with the answer for the citizen; closing without any answer is a 400', async () => {
    freshSource();
    const lodged = await lodge({ category: 'LAINNYA', desaCode: DESA_A, text: TEXT });
    const id = await idOf(lodged.body.code);
    const bare = await act('CloseComplaint', id, { outcome: 'DITOLAK' }, operator(A));
    expect(bare.status).toBe(400);
    const rejected = await act(
      'CloseComplaint',
      id,
      { outcome: 'DITOLAK', answer: 'Pengaduan ganda dari kode yang sudah ditangani.' },
      operator(A),
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('DITOLAK');
  });

  it('keeps a kabupaten’s complaints from another kabupaten’s operator: 404 as unknown, and a 403 for its queue', async () => {
    freshSource();
    const lodged = await lodge({ category: 'KARTU', desaCode: DESA_A, text: TEXT });
    const id = await idOf(lodged.body.code);
    const other = operator(B);
    expect(
      (await callRoute('GetComplaint', { pathParameters: { complaintId: id }, claims: other })).status,
    ).toBe(404);
    expect((await assign(id, other)).status).toBe(404);
    const queue = await callRoute('ListComplaints', { claims: other, query: { region: A } });
    expect(queue.status).toBe(403);
    const own = await callRoute<{ items: { complaintId: string }[] }>('ListComplaints', { claims: other });
    expect(own.body.items.map((item) => item.complaintId)).not.toContain(id);
  });

  it('lets staff enter a phone complaint for their own kabupaten only', async () => {
    const body = {
      category: 'PANGAN',
      desaCode: DESA_A,
      text: TEXT,
      channel: 'TELEPON',
      pelapor: 'Ibu Sari',
      telepon: '0812 3456 7890',
    };
    const entered = await callRoute<Lodged & { complaintId: string }>('EnterComplaint', {
      body,
      claims: operator(A),
    });
    expect(entered.status).toBe(201);
    expect(entered.body.complaintId).toMatch(/^PGD-/);
    const view = await callRoute<View>('GetComplaint', {
      pathParameters: { complaintId: entered.body.complaintId },
      claims: operator(A),
    });
    expect(view.body).toMatchObject({
      channel: 'TELEPON',
      pelapor: 'Ibu Sari',
      telepon: '081234567890',
      enteredBy: { sub: operator(A).sub },
    });
    const elsewhere = await callRoute('EnterComplaint', {
      body: { ...body, desaCode: DESA_B },
      claims: operator(A),
    });
    expect(elsewhere.status).toBe(403);
  });
});

describe('PUNGLI goes to the province', () => {
  it('is unknown to the kabupaten’s operator, even of their own desa, and handled by the province', async () => {
    freshSource();
    const lodged = await lodge({
      category: 'PUNGLI',
      desaCode: DESA_A,
      text: 'Bantuan tunai dipotong Rp50.000 oleh petugas dinas.',
    });
    expect(lodged.status).toBe(201);
    const id = await idOf(lodged.body.code);
    const op = operator(A);
    const read = await callRoute<ErrorBody>('GetComplaint', {
      pathParameters: { complaintId: id },
      claims: op,
    });
    const unknown = await callRoute<ErrorBody>('GetComplaint', {
      pathParameters: { complaintId: 'PGD-AAAAAAAAAAAA' },
      claims: op,
    });
    expect(read.status).toBe(404);
    expect(read.body).toEqual(unknown.body);
    for (const route of ['AssignComplaint', 'AnswerComplaint', 'CloseComplaint'] as const) {
      const body =
        route === 'AssignComplaint'
          ? { assignee: { sub: op.sub, name: 'Operator' } }
          : route === 'AnswerComplaint'
            ? { answer: 'Tidak ada pemotongan bantuan.' }
            : { outcome: 'DITOLAK', answer: 'Tidak ada pemotongan bantuan.' };
      expect((await act(route, id, body, op)).status, route).toBe(404);
    }
    const ownQueue = await callRoute<{ items: { complaintId: string }[] }>('ListComplaints', { claims: op });
    expect(ownQueue.body.items.map((item) => item.complaintId)).not.toContain(id);
    expect((await callRoute('ListComplaints', { claims: op, query: { region: 'PROVINSI' } })).status).toBe(
      403,
    );
    expect((await callRoute('ListComplaints', { claims: op, query: { category: 'PUNGLI' } })).body).toEqual({
      items: [],
    });

    const province = await callRoute<{ items: { complaintId: string; unit: string }[] }>('ListComplaints', {
      claims: admin(),
      query: { region: 'PROVINSI' },
    });
    expect(province.body.items.map((item) => item.complaintId)).toContain(id);
    expect(province.body.items.every((item) => item.unit === 'PROVINSI')).toBe(true);
    expect((await assign(id, admin())).status).toBe(200);

    // An operator who enters one (a citizen phoned them) gets the code, never the id.
    const entered = await callRoute<Lodged & { complaintId?: string }>('EnterComplaint', {
      body: { category: 'PUNGLI', desaCode: DESA_A, text: TEXT, channel: 'WHATSAPP' },
      claims: op,
    });
    expect(entered.status).toBe(201);
    expect(entered.body.code).toMatch(/^ADU-/);
    expect(entered.body.complaintId).toBeUndefined();
  });
});

describe('what each reader sees', () => {
  it('auditors read the NIK, No KK, phone and name masked; the province’s readers read them whole', async () => {
    const entered = await callRoute<{ complaintId: string }>('EnterComplaint', {
      body: {
        category: 'PENDATAAN',
        desaCode: DESA_A,
        text: TEXT,
        channel: 'LANGSUNG',
        nik: nik(A, 1),
        noKk: kk(A, 1),
        telepon: '081234567890',
        pelapor: 'Budi Santoso',
      },
      claims: admin(),
    });
    const read = (claims: Claims) =>
      callRoute<View>('GetComplaint', { pathParameters: { complaintId: entered.body.complaintId }, claims });
    const masked = (await read(auditor())).body;
    expect(masked).toMatchObject({ nik: '620101******0001', pelapor: 'B*** S***', telepon: '********7890' });
    expect(String(masked.noKk)).toMatch(/^620101\*{6}\d{4}$/);
    for (const claims of [verifier('DINSOS'), approver(), admin(), operator(A)]) {
      expect((await read(claims)).body).toMatchObject({
        nik: nik(A, 1),
        noKk: kk(A, 1),
        pelapor: 'Budi Santoso',
      });
    }
    // Readers who may not handle: no assign.
    for (const claims of [auditor(), verifier('DINSOS'), approver()]) {
      expect((await assign(entered.body.complaintId, claims)).status).toBe(403);
    }
  });

  it('lists the family’s complaints in its history, PUNGLI only for the province', async () => {
    const search = await callRoute<{ items: { familyId: string }[] }>('SearchFamilies', {
      claims: admin(),
      body: { noKk: kk(A, 1) },
    });
    const familyId = search.body.items[0]?.familyId ?? '';
    freshSource();
    await lodge({
      category: 'PUNGLI',
      desaCode: DESA_A,
      text: 'Bantuan dipotong oleh pendamping.',
      nik: nik(A, 1),
    });
    type History = { complaints?: { category: string; status: string }[] };
    const read = (claims: Claims) =>
      callRoute<History>('GetFamily', { pathParameters: { familyId }, claims } satisfies CallOptions);
    const asOperator = (await read(operator(A))).body.complaints ?? [];
    const asAdmin = (await read(admin())).body.complaints ?? [];
    expect(asOperator.length).toBeGreaterThan(0);
    expect(asOperator.map((c) => c.category)).not.toContain('PUNGLI');
    expect(asAdmin.map((c) => c.category)).toContain('PUNGLI');
    expect(asAdmin.length).toBe(asOperator.length + 1);
  });
});

describe('the service-level clock and the counters', () => {
  it('finds a complaint overdue once its due date passed unanswered, and counts it per desa without a scan', async () => {
    freshSource();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.now() - 20 * 24 * 3600 * 1000));
    const old = await lodge({ category: 'KARTU', desaCode: DESA_A2, text: `${TEXT} (lama)` });
    vi.useRealTimers();
    expect(old.status).toBe(201);
    const id = await idOf(old.body.code);
    const today = wibDate(new Date());
    expect(old.body.dueDate < today).toBe(true);

    const overdue = await callRoute<{ items: { complaintId: string; overdue: boolean }[] }>(
      'ListComplaints',
      {
        claims: operator(A),
        query: { overdue: 'true' },
      },
    );
    expect(overdue.body.items.map((item) => item.complaintId)).toEqual([id]);
    expect(overdue.body.items[0]?.overdue).toBe(true);

    const before = await repo().overdueByDesa(A, today);
    expect(before.get(DESA_A2)).toBe(1);
    const areas = new Map((await repo().areaCounts(A)).map((area) => [area.code, area]));
    expect(areas.get(A)?.open).toBeGreaterThan(0);
    expect(areas.get(DESA_A2)?.unanswered).toBeGreaterThan(0);

    // Answered: the clock stops, it leaves the overdue list and the counters.
    expect((await assign(id, operator(A))).status).toBe(200);
    expect(
      (
        await act(
          'AnswerComplaint',
          id,
          { answer: 'Kartu dibagikan ulang minggu ini di kantor desa.' },
          operator(A),
        )
      ).status,
    ).toBe(200);
    const after = await callRoute<{ items: unknown[] }>('ListComplaints', {
      claims: operator(A),
      query: { overdue: 'true' },
    });
    expect(after.body.items).toEqual([]);
    expect((await repo().overdueByDesa(A, today)).get(DESA_A2) ?? 0).toBe(0);
    const desa = (await repo().areaCounts(A)).find((area) => area.code === DESA_A2);
    expect(desa?.unanswered).toBe((areas.get(DESA_A2)?.unanswered ?? 0) - 1);
    expect(desa?.open).toBe(areas.get(DESA_A2)?.open);
    // PUNGLI complaints are counted in the province's partition, never the kabupaten's.
    expect((await repo().areaCounts('PROVINSI')).find((area) => area.code === DESA_A)?.open).toBeGreaterThan(
      0,
    );
  });

  it('pages a queue with a cursor, and refuses a forged one', async () => {
    const first = await callRoute<{ items: { complaintId: string }[]; nextCursor?: string }>(
      'ListComplaints',
      {
        claims: admin(),
        query: { limit: '2' },
      },
    );
    expect(first.body.items).toHaveLength(2);
    const cursor = first.body.nextCursor ?? '';
    expect(cursor).not.toBe('');
    const second = await callRoute<{ items: { complaintId: string }[] }>('ListComplaints', {
      claims: admin(),
      query: { limit: '2', cursor },
    });
    expect(second.status).toBe(200);
    const seen = new Set(first.body.items.map((item) => item.complaintId));
    for (const item of second.body.items) expect(seen.has(item.complaintId)).toBe(false);
    const forged = Buffer.from(JSON.stringify({ s: 'x', pk: 'COMPLAINTS#PROVINSI' })).toString('base64url');
    expect(
      (await callRoute('ListComplaints', { claims: operator(A), query: { cursor: forged } })).status,
    ).toBe(400);
  });
});

describe('a desa’s KPM list published for objections (sanggahan)', () => {
  const inDays = (days: number) => wibDate(new Date(Date.now() + days * 24 * 3600 * 1000));
  const publish = (body: Record<string, unknown>, claims: Claims = operator(KAPUAS), tahapId = TAHAP) =>
    callRoute<{ publicationId: string; families: number } & ErrorBody>('CreatePublication', {
      pathParameters: { tahapId },
      body,
      claims,
    });

  it('publishes the names and masked NIKs of the desa’s families, and takes objections naming it while open', async () => {
    const published = await publish({ desaCode: DESA, until: inDays(7) });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body).toMatchObject({ families: 1, desaCode: DESA, region: KAPUAS });
    const id = published.body.publicationId;
    expect(id).toMatch(/^PUB-[A-Z2-7]{12}$/);

    const page = await callRoute<{ status: string; entries?: { nama: string; nik: string }[] }>(
      'GetPublication',
      {
        pathParameters: { publicationId: id },
      },
    );
    expect(page.status).toBe(200);
    expect(page.body.status).toBe('DIBUKA');
    expect(page.body.entries).toEqual([
      { nama: 'Warga Uji', nik: expect.stringMatching(/^620301\*{6}\d{4}$/) },
    ]);
    expect(JSON.stringify(page.body)).not.toMatch(/\d{16}/);

    freshSource();
    const objection = await lodge({
      category: 'SANGGAHAN',
      publicationId: id,
      text: 'Keluarga Warga Uji sudah pindah ke kabupaten lain sejak tahun lalu; mohon diperiksa.',
    });
    expect(objection.status, JSON.stringify(objection.body)).toBe(201);
    const view = await callRoute<View>('GetComplaint', {
      pathParameters: { complaintId: await idOf(objection.body.code) },
      claims: operator(KAPUAS),
    });
    expect(view.body).toMatchObject({
      category: 'SANGGAHAN',
      publicationId: id,
      desaCode: DESA,
      unit: KAPUAS,
    });

    // Only an objection names a list, only an existing one, and only of its own desa.
    const text = 'Keberatan atas daftar penerima di desa ini karena ada yang mampu.';
    for (const body of [
      { category: 'KARTU', publicationId: id, text },
      { category: 'SANGGAHAN', publicationId: 'PUB-AAAAAAAAAAAA', text },
      { category: 'SANGGAHAN', publicationId: id, desaCode: DESA_A, text },
    ]) {
      expect((await lodge(body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('says the window is closed after its last day, shows no one, and takes no objection', async () => {
    const publicationId = 'PUB-CLOSEDCLOSED';
    await repo().createPublication({
      publicationId,
      tahapId: TAHAP,
      region: KAPUAS,
      desaCode: DESA,
      proposalId: 'KPM-62.03-2026-1',
      listId: 'closed',
      until: inDays(-1),
      createdAt: new Date().toISOString(),
      createdBy: { sub: 'operator-62.03', name: 'Operator' },
      entries: [{ nama: 'Warga Uji', nik: '620301******0010' }],
    });
    const page = await callRoute<{ status: string; entries?: unknown; message: string }>('GetPublication', {
      pathParameters: { publicationId },
    });
    expect(page.body.status).toBe('DITUTUP');
    expect(page.body.entries).toBeUndefined();
    expect(page.body.message).toMatch(/telah berakhir/);
    freshSource();
    const late = await lodge({
      category: 'SANGGAHAN',
      publicationId,
      text: 'Keberatan yang terlambat disampaikan.',
    });
    expect(late.status).toBe(400);
    const unknown = await callRoute('GetPublication', {
      pathParameters: { publicationId: 'PUB-AAAAAAAAAAAA' },
    });
    expect(unknown.status).toBe(404);
  });

  it('refuses another kabupaten, a window in the past or too long, a desa without families, a kabupaten without a list', async () => {
    expect((await publish({ desaCode: DESA, until: inDays(7) }, operator(A))).status).toBe(403);
    expect((await publish({ desaCode: DESA, until: inDays(-1) })).status).toBe(400);
    expect((await publish({ desaCode: DESA, until: inDays(40) })).status).toBe(400);
    expect((await publish({ desaCode: DESA, until: inDays(7) }, operator(KAPUAS), '2099-1')).status).toBe(
      404,
    );
    const empty = await publish({ desaCode: `${KAPUAS}.01.1006`, until: inDays(7) });
    expect(empty.status).toBe(409);
    expect(empty.body.error.details).toMatchObject({ reason: 'EMPTY_DESA' });
    const none = await publish({ desaCode: `${KOTIM}.01.2001`, until: inDays(7) }, operator(KOTIM));
    expect(none.status).toBe(409);
    expect(none.body.error.details).toMatchObject({ reason: 'NO_KPM_LIST' });
    for (const claims of [verifier('DINSOS'), approver(), auditor()]) {
      expect((await publish({ desaCode: DESA, until: inDays(7) }, claims)).status).toBe(403);
    }
  });
});
