import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import {
  errorOf,
  OTHER,
  OWN,
  type ProbeRequest,
  personOf,
  type Reply,
  send,
  snapshot,
  startProbeStack,
  tokenFor,
  uploadList,
} from './support.ts';

/**
 * Hostile input, field by field, through the whole local stack: control and bidi characters, markup
 * and traversal in file names, numbers written so a parser could read them otherwise, cursors made by
 * hand, bodies that are huge, deep, not JSON or not text, and paths and headers nobody types. Each is
 * refused with its exact status and the documented error shape, in Indonesian, without repeating
 * what was sent, and nothing is stored: the proposals, their lists and audit chains, and the regions'
 * upload histories are as they were. No answer is ever a 500 or carries a stack trace.
 */

const PERIOD = '2026-S1';
let stack: LocalStack;
/** DRAFT proposals of {@link OWN} and {@link OTHER}, each with a list of five recipients. */
let own: string;
let other: string;

const tokens = {} as Record<'operator' | 'admin' | 'auditor' | 'verifier' | 'approver', string>;

beforeAll(async () => {
  stack = await startProbeStack();
  [{ proposalId: own }, { proposalId: other }] = await Promise.all([
    uploadList(stack, OWN, PERIOD),
    uploadList(stack, OTHER, PERIOD),
  ]);
  for (const role of ['operator', 'admin', 'auditor', 'verifier', 'approver'] as const) {
    tokens[role] = await tokenFor(personOf(role, `input-probe-${role}`));
  }
});

afterAll(async () => {
  await stack?.stop();
});

// ─── Helpers ──────────────────────────────────────────────────────────────────────────────────────

/** Sends a request and checks what holds for every answer: no 5xx, no stack trace. */
async function probe(request: ProbeRequest, token?: string): Promise<Reply> {
  const reply = await send(stack, request, token);
  expect(
    reply.status,
    `${request.method} ${request.path.slice(0, 80)}: ${reply.text.slice(0, 300)}`,
  ).toBeLessThan(500);
  expect(reply.text).not.toMatch(/\bat .*\.ts:\d+/);
  expect(reply.text).not.toMatch(/node_modules|file:\/\//);
  return reply;
}

interface Detail {
  readonly path: string;
  readonly message: string;
}

const detailsOf = (reply: Reply): Detail[] =>
  ((reply.json as { error?: { details?: unknown } })?.error?.details as Detail[] | undefined) ?? [];

const ENGLISH = /Invalid input|expected|received|Unrecognized|Required|Too (big|small)|must be/i;
const INDONESIAN =
  /wajib|harus|paling|kolom|bentuk|nama berkas|tidak|periode|isian|parameter|header|permintaan|anda|hanya|terlalu|karakter|teks/i;

/** The documented shape, `{ error: { code, message, details? } }`, with an Indonesian message. */
function expectError(reply: Reply, status: number, code: string, field?: string) {
  expect(reply.status, reply.text.slice(0, 300)).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  const error = errorOf(reply);
  expect(error.code).toBe(code);
  expect(error.message).toEqual(expect.any(String));
  expect(error.message).not.toMatch(ENGLISH);
  expect(error.message).toMatch(INDONESIAN);
  const details = detailsOf(reply);
  expect(details.length).toBeLessThanOrEqual(20);
  for (const detail of details) {
    expect(detail.message).not.toMatch(ENGLISH);
    expect(detail.message).toMatch(INDONESIAN);
    expect(detail.message.length).toBeLessThanOrEqual(200);
    expect(detail.path.length).toBeLessThanOrEqual(200);
  }
  if (field !== undefined) expect(details.map((detail) => detail.path)).toContain(field);
}

const expectBadRequest = (reply: Reply, field?: string) => expectError(reply, 400, 'BAD_REQUEST', field);

/**
 * A path value refused: the API's 400 naming the parameter, or (`field` undefined) the gateway's own
 * 404 for a path that matches no route (a broken percent escape).
 */
function expectPathRefused(reply: Reply, field: string | undefined) {
  if (field !== undefined) expectBadRequest(reply, field);
  else {
    expect(reply.status, reply.text.slice(0, 300)).toBe(404);
    expect(reply.json).toEqual({ message: 'Not Found' });
  }
}

/** The upload history of a proposal's region and period, as an auditor sees it. */
async function uploadsOf(proposalId: string): Promise<{ uploadId: string; filename: string }[]> {
  const reply = await send(stack, { method: 'GET', path: `/proposals/${proposalId}` }, tokens.auditor);
  expect(reply.status).toBe(200);
  return (reply.json as { uploads: { uploadId: string; filename: string }[] }).uploads;
}

/** Everything a refused request must leave as it was. */
async function state() {
  const [proposals, ownUploads, otherUploads] = await Promise.all([
    snapshot(stack, [own, other]),
    uploadsOf(own),
    uploadsOf(other),
  ]);
  return { proposals, ownUploads, otherUploads };
}

/** Runs the request, and checks that nothing was stored or changed. */
async function refused(request: ProbeRequest, token?: string): Promise<Reply> {
  const before = await state();
  const reply = await probe(request, token);
  expect(await state()).toEqual(before);
  return reply;
}

const createUpload = (body: unknown, headers?: Record<string, string>): ProbeRequest => ({
  method: 'POST',
  path: '/uploads',
  body,
  ...(headers ? { headers } : {}),
});
const rawUpload = (rawBody: string | Buffer, headers?: Record<string, string>): ProbeRequest => ({
  method: 'POST',
  path: '/uploads',
  rawBody,
  ...(headers ? { headers } : {}),
});
const get = (path: string): ProbeRequest => ({ method: 'GET', path });

// ─── POST /uploads ────────────────────────────────────────────────────────────────────────────────

describe('POST /uploads refuses a hostile filename (400) and stores nothing', () => {
  const FILENAMES: readonly (readonly [string, unknown])[] = [
    ['NUL', 'a\u0000.csv'],
    ['NUL before the extension', 'daftar\u0000.exe.csv'],
    ['CR/LF', 'daftar\r\nbaru.csv'],
    ['a lone LF', 'daftar\nbaru.csv'],
    ['a bidi override (U+202E)', 'daftar\u202Evsc.xlsx'],
    ['a zero-width space', 'daftar\u200B.csv'],
    ['an escape sequence', 'daftar\u001b[31m.csv'],
    ['HTML', '<script>alert(1)</script>.csv'],
    ['a traversal', '../../etc/passwd.csv'],
    ['a Windows traversal', '..\\x.csv'],
    ['a hidden file', '.hidden.csv'],
    ['10,000 characters', `${'a'.repeat(9_996)}.csv`],
    ['a number', 12345],
    ['an array', ['daftar.csv']],
    ['null', null],
    ['an object', { $ne: null }],
  ];

  it.each(FILENAMES)('%s → 400', async (_name, filename) => {
    const reply = await refused(createUpload({ period: PERIOD, filename }), tokens.operator);
    expectBadRequest(reply, 'filename');
    if (typeof filename === 'string') expect(reply.text).not.toContain(filename);
  });

  it('a normal name, "Daftar BKK Kapuas (revisi 2).xlsx" → 201, stored as given', async () => {
    const filename = 'Daftar BKK Kapuas (revisi 2).xlsx';
    const before = await state();
    const reply = await probe(createUpload({ period: PERIOD, filename }), tokens.operator);
    expect(reply.status, reply.text).toBe(201);
    const { uploadId, region } = reply.json as { uploadId: string; region: string };
    expect(region).toBe(OWN);
    const after = await state();
    expect(after.proposals).toEqual(before.proposals);
    expect(after.otherUploads).toEqual(before.otherUploads);
    expect(after.ownUploads.map((upload) => upload.uploadId)).toEqual([
      uploadId,
      ...before.ownUploads.map((upload) => upload.uploadId),
    ]);
    const view = await probe(get(`/uploads/${uploadId}`), tokens.operator);
    expect(view.status).toBe(200);
    expect((view.json as { filename: string }).filename).toBe(filename);
  });
});

describe('POST /uploads refuses a hostile period or region and stores nothing', () => {
  it.each([
    ['a NUL after it', '2026-S1\u0000'],
    ['a traversal', '../2026'],
    ['semester 9', '2026-S9'],
    ['a trailing newline', '2026-S1\n'],
    ['an object (NoSQL operator)', { $ne: null }],
    ['a number', 2026],
  ] as const)('period: %s → 400', async (_name, period) => {
    const reply = await refused(createUpload({ period, filename: 'daftar.csv' }), tokens.operator);
    expectBadRequest(reply, 'period');
  });

  it('region 62.99 (no such kabupaten) for an admin → 400', async () => {
    const reply = await refused(
      createUpload({ period: PERIOD, filename: 'daftar.csv', region: '62.99' }),
      tokens.admin,
    );
    expectBadRequest(reply);
    expect(errorOf(reply).message).toMatch(/tidak dikenal/);
  });

  it("another region for an operator → 403, and that region's history does not grow", async () => {
    const reply = await refused(
      createUpload({ period: PERIOD, filename: 'daftar.csv', region: OTHER }),
      tokens.operator,
    );
    expectError(reply, 403, 'FORBIDDEN');
  });

  it('another region by name for an operator ("Kapuas") → 403', async () => {
    const reply = await refused(
      createUpload({ period: PERIOD, filename: 'daftar.csv', region: 'Kapuas' }),
      tokens.operator,
    );
    expectError(reply, 403, 'FORBIDDEN');
  });

  it.each([
    ['an object', { $ne: null }],
    ['an array', [OWN]],
    ['61 characters', 'K'.repeat(61)],
  ] as const)('region: %s → 400', async (_name, region) => {
    const reply = await refused(
      createUpload({ period: PERIOD, filename: 'daftar.csv', region }),
      tokens.admin,
    );
    expectBadRequest(reply, 'region');
  });
});

// ─── Query strings ────────────────────────────────────────────────────────────────────────────────

describe('GET /proposals/{id}/recipients reads only plain query values', () => {
  const recipients = (query: string) => get(`/proposals/${own}/recipients?${query}`);

  it.each([
    ['1e2', 'limit=1e2'],
    ['0x10', 'limit=0x10'],
    ['" 10" (%20)', 'limit=%2010'],
    ['+5 (a space once decoded)', 'limit=+5'],
    ['+5 (%2B)', 'limit=%2B5'],
    ['10.0', 'limit=10.0'],
    ['-1', 'limit=-1'],
    ['0', 'limit=0'],
    ['501', 'limit=501'],
    ['full-width digits', `limit=${encodeURIComponent('１０')}`],
    ['empty', 'limit='],
    ['010', 'limit=010'],
    ['twice', 'limit=10&limit=20'],
    ['99999999999999999999', 'limit=99999999999999999999'],
  ])('limit %s → 400', async (_name, query) => {
    const reply = await probe(recipients(query), tokens.operator);
    expectBadRequest(reply, 'limit');
  });

  it('limit=10 → 200', async () => {
    const reply = await probe(recipients('limit=10'), tokens.operator);
    expect(reply.status).toBe(200);
    const { items } = reply.json as { items: unknown[] };
    expect(items).toHaveLength(5);
  });

  const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each([
    ['garbage', 'garbage!!'],
    ['10,000 characters', 'A'.repeat(10_000)],
    ['a cursor naming shard 99', cursor({ shard: 99 })],
    ['a cursor naming shard -1', cursor({ shard: -1 })],
    ['a cursor with a non-numeric afterSk', cursor({ shard: 0, afterSk: 'abc' })],
    ['a cursor whose afterSk is a key', cursor({ shard: 0, afterSk: { S: '0000001' } })],
    ['base64url of something that is not JSON', Buffer.from('not json').toString('base64url')],
  ])('cursor: %s → 400', async (_name, value) => {
    const reply = await probe(recipients(`cursor=${encodeURIComponent(value)}`), tokens.operator);
    expectBadRequest(reply);
    expect(reply.text.length).toBeLessThan(2_048);
  });

  it.each([
    ['markup', '<script>'],
    ['lower case', 'nik_cleaned'],
    ['an unknown code', 'ZZZ_NONE'],
  ])('flag: %s → 400', async (_name, flag) => {
    const reply = await probe(recipients(`flag=${encodeURIComponent(flag)}`), tokens.operator);
    expectBadRequest(reply, 'flag');
    expect(reply.text).not.toContain('<script>');
  });

  it('an unknown query parameter → 400', async () => {
    const reply = await probe(recipients('limit=10&shard=3'), tokens.operator);
    expectBadRequest(reply);
  });
});

describe('the other list routes read only plain numbers', () => {
  it('GET /decrees?year=1e3 → 400', async () => {
    expectBadRequest(await probe(get('/decrees?year=1e3'), tokens.auditor), 'year');
  });

  it('GET /reconciliations?limit=0x10 → 400', async () => {
    expectBadRequest(await probe(get('/reconciliations?limit=0x10'), tokens.auditor), 'limit');
  });

  it('GET /proposals?period=2026-S1%00 → 400', async () => {
    expectBadRequest(await probe(get('/proposals?period=2026-S1%00'), tokens.auditor), 'period');
  });
});

// ─── Bodies ───────────────────────────────────────────────────────────────────────────────────────

/** A JSON object with `count` unknown keys `key_00000`… after a valid period and filename. */
function unknownKeysBody(count: number, prefix = 'key'): string {
  const keys = Array.from({ length: count }, (_, i) => `"${prefix}_${String(i).padStart(5, '0')}":0`);
  return `{"period":"${PERIOD}","filename":"daftar.csv",${keys.join(',')}}`;
}

describe('bodies: too large, too wide, too deep, not JSON', () => {
  it('5 MB of JSON (unknown keys) → 413, and the answer is small and repeats nothing', async () => {
    const body = unknownKeysBody(350_000, 'echo');
    expect(Buffer.byteLength(body)).toBeGreaterThan(4_500_000);
    const reply = await refused(rawUpload(body), tokens.operator);
    expectError(reply, 413, 'PAYLOAD_TOO_LARGE');
    expect(reply.text.length).toBeLessThan(2_048);
    expect(reply.text).not.toContain('echo_');
  });

  it("11 MiB → the gateway's 413", async () => {
    const reply = await refused(rawUpload('x'.repeat(11 * 1024 * 1024)), tokens.operator);
    expect(reply.status).toBe(413);
    expect(reply.json).toEqual({ message: 'Request Entity Too Large' });
  });

  it('15 KB with 1,000 unknown keys → 400, at most 20 details, < 8 KB, at most 5 keys named', async () => {
    const body = unknownKeysBody(1_000);
    expect(Buffer.byteLength(body)).toBeGreaterThan(14_000);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(16 * 1024);
    const reply = await refused(rawUpload(body), tokens.operator);
    expectBadRequest(reply);
    expect(detailsOf(reply).length).toBeLessThanOrEqual(20);
    expect(reply.text.length).toBeLessThan(8_192);
    const named = new Set(reply.text.match(/key_\d{5}/g) ?? []);
    expect(named.size).toBeGreaterThan(0);
    expect(named.size).toBeLessThanOrEqual(5);
  });

  it('5,000 nested arrays as a field value (within 16 KB) → 400, not 500', async () => {
    const body = `{"period":"${PERIOD}","filename":"daftar.csv","region":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(16 * 1024);
    expectBadRequest(await refused(rawUpload(body), tokens.operator), 'region');
  });

  it('8,000 nested arrays as an unknown key (within 16 KB) → 400, not 500', async () => {
    const body = `{"period":"${PERIOD}","filename":"daftar.csv","x":${'['.repeat(8_000)}${']'.repeat(8_000)}}`;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(16 * 1024);
    expectBadRequest(await refused(rawUpload(body), tokens.operator));
  });

  it('2,500 nested objects as the filename → 400, not 500', async () => {
    const body = `{"period":"${PERIOD}","filename":${'{"a":'.repeat(2_500)}0${'}'.repeat(2_500)}}`;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(16 * 1024);
    expectBadRequest(await refused(rawUpload(body), tokens.operator), 'filename');
  });

  it.each([
    ['{"__proto__":{"admin":true}}', '{"__proto__":{"admin":true}}'],
    [
      'a valid body with "__proto__"',
      `{"period":"${PERIOD}","filename":"daftar.csv","__proto__":{"region":"${OTHER}"}}`,
    ],
    [
      'a valid body with "constructor.prototype"',
      `{"period":"${PERIOD}","filename":"daftar.csv","constructor":{"prototype":{"admin":true}}}`,
    ],
  ])('%s → 400', async (_name, body) => {
    expectBadRequest(await refused(rawUpload(body), tokens.operator));
  });

  it.each([
    ['a form body', 'period=2026-S1&filename=daftar.csv'],
    ['truncated JSON', `{"period":"${PERIOD}","filename":"daft`],
    ['JSON with a trailing comma', `{"period":"${PERIOD}","filename":"daftar.csv",}`],
    ['an array', `[{"period":"${PERIOD}","filename":"daftar.csv"}]`],
    ['a string', '"daftar.csv"'],
    ['null', 'null'],
    ['a number', '1e308'],
  ])('a body that is not a JSON object (%s) → 400', async (_name, body) => {
    expectBadRequest(await refused(rawUpload(body), tokens.operator));
  });

  it('no body at all → 400 naming the fields that are required', async () => {
    const reply = await refused({ method: 'POST', path: '/uploads' }, tokens.operator);
    expectBadRequest(reply, 'period');
    expect(detailsOf(reply).map((detail) => detail.path)).toContain('filename');
  });

  it('a binary body (application/octet-stream) → 400', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x7b]), randomBytes(2_044)]);
    const reply = await refused(
      rawUpload(bytes, { 'content-type': 'application/octet-stream' }),
      tokens.operator,
    );
    expectBadRequest(reply);
  });

  it('a JSON body in UTF-16 → 400', async () => {
    const body = Buffer.from(`{"period":"${PERIOD}","filename":"daftar.csv"}`, 'utf16le');
    const reply = await refused(
      rawUpload(body, { 'content-type': 'application/octet-stream' }),
      tokens.operator,
    );
    expectBadRequest(reply);
  });

  it.each([
    ['reviews', 'verifier', { decision: 'return' }],
    ['approval', 'approver', { decision: 'reject' }],
  ] as const)('a %s note of 20,000 characters → 413 and nothing changed', async (route, role, decision) => {
    const reply = await refused(
      { method: 'POST', path: `/proposals/${own}/${route}`, body: { ...decision, note: 'n'.repeat(20_000) } },
      tokens[role],
    );
    // Over the API's 16 KB for a JSON body, so refused before it is parsed.
    expectError(reply, 413, 'PAYLOAD_TOO_LARGE');
    expect(reply.text).not.toContain('nnnnnnnnnn');
  });

  it.each([
    ['reviews', 'verifier', { decision: 'return' }],
    ['approval', 'approver', { decision: 'reject' }],
  ] as const)(
    'a %s note of 2,500 characters (under 16 KB) → 400 and nothing changed',
    async (route, role, decision) => {
      const reply = await refused(
        {
          method: 'POST',
          path: `/proposals/${own}/${route}`,
          body: { ...decision, note: 'n'.repeat(2_500) },
        },
        tokens[role],
      );
      expectBadRequest(reply, 'note');
      expect(reply.text).not.toContain('nnnnnnnnnn');
    },
  );

  it('a submission with an unknown field → 400 and nothing changed', async () => {
    const reply = await refused(
      { method: 'POST', path: `/proposals/${own}/submit`, body: { status: 'APPROVED' } },
      tokens.operator,
    );
    expectBadRequest(reply);
  });
});

// ─── Free text ────────────────────────────────────────────────────────────────────────────────────

describe('notes and reasons: line breaks kept, control and bidi characters refused', () => {
  const HOSTILE = [
    ['NUL', 'Data tidak sesuai\u0000 dengan DTKS.'],
    ['BEL', 'Data tidak sesuai\u0007 dengan DTKS.'],
    ['U+202E', 'Data tidak sesuai \u202Eskt dengan DTKS.'],
    ['a zero-width space', 'Data tidak\u200B sesuai dengan DTKS.'],
    ['U+2028', 'Data tidak sesuai\u2028dengan DTKS.'],
  ] as const;
  const FIELDS = [
    ['reviews', 'verifier', 'note', (text: string) => ({ decision: 'return', note: text })],
    ['approval', 'approver', 'note', (text: string) => ({ decision: 'reject', note: text })],
    [
      'waivers',
      'verifier',
      'reason',
      (text: string) => ({ recipientId: 'x.2', flag: 'UNDER_AGE', reason: text }),
    ],
  ] as const;
  for (const [route, role, field, body] of FIELDS) {
    it.each(HOSTILE)(`${route} ${field} with %s → 400 and nothing changed`, async (_label, text) => {
      const reply = await refused(
        { method: 'POST', path: `/proposals/${own}/${route}`, body: body(text) },
        tokens[role],
      );
      expectBadRequest(reply, field);
    });
  }

  it('a revocation reason with U+202E → 400', async () => {
    const reply = await refused(
      {
        method: 'POST',
        path: `/decrees/SK-${OWN}-2099-S1/revocation`,
        body: { reason: 'Dicabut karena \u202Eterbalik tulisan ini.' },
      },
      tokens.approver,
    );
    expectBadRequest(reply, 'reason');
  });

  it('a key shaped like markup is counted, never named back', async () => {
    const reply = await refused(
      createUpload({ period: PERIOD, filename: 'daftar.csv', '<img src=x onerror=alert(1)>\u202E': 1 }),
      tokens.operator,
    );
    expectBadRequest(reply);
    expect(reply.text).not.toContain('<img');
    expect(reply.text).not.toContain('\\u202e');
    expect(detailsOf(reply).map((detail) => detail.message)).toContain('Ada 1 kolom yang tidak dikenal.');
  });
});

// ─── Paths ────────────────────────────────────────────────────────────────────────────────────────

describe("path parameters: refused (400, or the gateway's 404), never a 500", () => {
  const UNICODE = encodeURIComponent('62.01-２０２６-S1');
  const BIDI = encodeURIComponent('62.01-2026-S1\u202E');

  it.each([
    ['GET a proposal by traversal', '/proposals/..%2F..%2Fetc%2Fpasswd', 'proposalId'],
    [
      "GET a proposal's recipients by traversal",
      '/proposals/..%2F..%2Fetc%2Fpasswd/recipients',
      'proposalId',
    ],
    ['GET a proposal id of 5,000 characters', `/proposals/${'A'.repeat(5_000)}`, 'proposalId'],
    ['GET a NIK-looking proposal id', '/proposals/6201011203900001', 'proposalId'],
    ['GET a proposal id in full-width digits', `/proposals/${UNICODE}`, 'proposalId'],
    ['GET a proposal id with a bidi override', `/proposals/${BIDI}`, 'proposalId'],
    ['GET a proposal id with NUL', `/proposals/${OWN}-${PERIOD}%00`, 'proposalId'],
    ['GET a proposal id with a broken escape → 404', '/proposals/%E0%A4%A', undefined],
    ['GET an upload id with NUL', '/uploads/abc%00def', 'uploadId'],
    ['GET an upload id by traversal', '/uploads/..%2F..%2Fetc%2Fpasswd', 'uploadId'],
    ['GET an upload id of 5,000 characters', `/uploads/${'b'.repeat(5_000)}`, 'uploadId'],
  ])('%s', async (_name, path, field) => {
    const reply = await probe(get(path), tokens.operator);
    expectPathRefused(reply, field);
    expect(reply.text.length).toBeLessThan(2_048);
  });

  it.each([
    ['by traversal', '..%2F..%2Fetc%2Fpasswd'],
    ['of 5,000 characters', 'A'.repeat(5_000)],
    ['with NUL', `${OWN}-${PERIOD}%00`],
    ['in full-width digits', UNICODE],
  ])('POST a submission of a proposal id %s → 400, nothing changed', async (_name, id) => {
    const reply = await refused(
      { method: 'POST', path: `/proposals/${id}/submit`, body: {} },
      tokens.operator,
    );
    expectPathRefused(reply, 'proposalId');
  });
});

// ─── Headers ──────────────────────────────────────────────────────────────────────────────────────

describe('Idempotency-Key: refused (400) unless plain, and nothing stored', () => {
  const valid = { period: PERIOD, filename: 'daftar.csv' };

  it.each([
    ['10,000 characters', 'k'.repeat(10_000)],
    ['a tab inside', 'abc\tdefgh-12345'],
    ['Latin-1 letters', 'clé-de-requête-12345'],
    ['too short', 'abc'],
    ['129 characters', 'k'.repeat(129)],
    ['markup', '<script>alert(1)</script>'],
  ])('%s → 400', async (_name, key) => {
    const reply = await refused(createUpload(valid, { 'idempotency-key': key }), tokens.operator);
    expectBadRequest(reply);
    if (key.length > 20) expect(reply.text).not.toContain(key);
  });

  // fetch refuses control characters in a header value before anything is sent (NUL, CR and LF
  // per the Fetch standard, and undici every other one too), so these go out on a bare socket.
  it.each([
    ['NUL', 'abc\u0000defgh-12345'],
    ['U+0001', 'abc\u0001defgh-12345'],
    ['ESC', 'abc\u001bdefgh-12345'],
    ['DEL', 'abc\u007fdefgh-12345'],
  ])('a control character (%s) → 400', async (_name, key) => {
    const before = await state();
    const reply = await rawPost('/uploads', tokens.operator, JSON.stringify(valid), {
      'Idempotency-Key': key,
    });
    expect(reply.status).toBe(400);
    expect(reply.text).not.toMatch(/\bat .*\.ts:\d+/);
    // Node's HTTP parser refuses some control characters before the gateway sees the request (an
    // empty 400); whatever reaches the API gets the documented shape.
    if (reply.text !== '') {
      const parsed = JSON.parse(reply.text) as { error?: { code?: string } };
      expect(parsed.error?.code).toBe('BAD_REQUEST');
    }
    expect(await state()).toEqual(before);
  });
});

/** A POST written byte for byte on a socket, for what fetch will not send; the answer's status and body. */
async function rawPost(
  path: string,
  token: string,
  body: string,
  headers: Readonly<Record<string, string>>,
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(stack.apiUrl);
  const head = [
    `POST ${path} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    `Authorization: Bearer ${token}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');
  const response = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => {
      socket.write(Buffer.from(`${head}\r\n\r\n`, 'latin1'));
      socket.end(body);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.setTimeout(30_000, () => socket.destroy(new Error('no answer in 30 s')));
  });
  const text = response.toString('utf8');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const separator = text.indexOf('\r\n\r\n');
  const rawHeaders = separator === -1 ? text : text.slice(0, separator);
  let bodyText = separator === -1 ? '' : text.slice(separator + 4);
  if (/^transfer-encoding: chunked/im.test(rawHeaders)) {
    bodyText = bodyText.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
  }
  return { status, text: bodyText };
}

// ─── Messages ─────────────────────────────────────────────────────────────────────────────────────

describe("zod's English never reaches a user", () => {
  it.each([
    ['a filename that is a number', createUpload({ period: PERIOD, filename: 12345 })],
    ['a filename with NUL', createUpload({ period: PERIOD, filename: 'a\u0000.csv' })],
    ['missing fields', createUpload({})],
    ['unknown keys', createUpload({ period: PERIOD, filename: 'daftar.csv', admin: true, role: 'x' })],
    ['a period object', createUpload({ period: { $ne: null }, filename: 'daftar.csv' })],
    ['a long region', createUpload({ period: PERIOD, filename: 'daftar.csv', region: 'K'.repeat(61) })],
    ['a limit of 1e2', get(`/proposals/${OWN}-${PERIOD}/recipients?limit=1e2`)],
    ['a limit of 501', get(`/proposals/${OWN}-${PERIOD}/recipients?limit=501`)],
    ['a lowercase flag', get(`/proposals/${OWN}-${PERIOD}/recipients?flag=nik_cleaned`)],
    ['a long cursor', get(`/proposals/${OWN}-${PERIOD}/recipients?cursor=${'A'.repeat(600)}`)],
    ['a bad proposal id', get('/proposals/not-a-proposal')],
    ['a bad status filter', get('/proposals?status=open')],
  ])('%s: every message is Indonesian', async (_name, request) => {
    const reply = await probe(request, tokens.operator);
    expectBadRequest(reply);
    const details = detailsOf(reply);
    expect(details.length).toBeGreaterThan(0);
    for (const { message } of details) {
      for (const english of ['Invalid input', 'expected', 'received', 'Unrecognized']) {
        expect(message).not.toContain(english);
      }
      expect(message).toMatch(/Wajib|Harus|Paling|Kolom|Bentuk|Nama berkas|tidak/);
    }
  });
});
