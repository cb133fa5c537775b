import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnswerTo } from '#shared/contract/client.ts';
import { DEFAULT_ALLOWED_ORIGINS } from '../../infra/settings.ts';
import { signLocalToken } from '../../local/auth.ts';
import { fileBuffer, type GenerateOptions } from '../../local/sample-data.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

/**
 * The local stack driven only through its HTTP API, as an operator's browser would: ask for a URL,
 * PUT the file, poll the upload, read the error report and the stored list.
 */
let stack: LocalStack;
const PERIOD = '2026-S1';

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, quiet: true, s3Events: { pollIntervalMs: 100 } });
});

afterAll(async () => {
  await stack?.stop();
});

const operator = (region: string) =>
  signLocalToken({ sub: `op-${region}`, name: `Operator ${region}`, groups: ['operator'], region });
const auditorToken = () => signLocalToken({ sub: 'aud-1', name: 'Auditor', groups: ['auditor'] });

async function call(path: string, token: string | undefined, init: RequestInit = {}) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
    },
  });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  // Every answer is what the API contract says it is (shared/contract/).
  checkAnswerTo(init.method ?? 'GET', path, response.status, body);
  return { status: response.status, body };
}

interface UploadView {
  uploadId: string;
  status: string;
  counts?: { rows: number; accepted: number; rejected: number; warnings: number };
  reasons: { code: string; message: string }[];
  reportUrl?: string;
  proposalId?: string;
  duplicateOf?: string;
}

async function uploadFile(
  region: string,
  body: Buffer,
  format: 'csv' | 'xlsx',
  putHeaders: Record<string, string> = {},
): Promise<UploadView> {
  const token = await operator(region);
  const created = await call('/uploads', token, {
    method: 'POST',
    body: JSON.stringify({ period: PERIOD, filename: `daftar.${format}` }),
  });
  expect(created.status).toBe(201);
  const put = await fetch(String(created.body.uploadUrl), { method: 'PUT', body, headers: putHeaders });
  expect(put.status).toBe(200);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { body: view } = await call(`/uploads/${String(created.body.uploadId)}`, token);
    if (['COMPLETED', 'REJECTED', 'FAILED'].includes(String(view.status)))
      return view as unknown as UploadView;
    if (Date.now() > deadline) throw new Error(`upload still ${String(view.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function reportLines(url: string): Promise<string[][]> {
  const text = await (await fetch(url)).text();
  const delimiter = text.split('\n')[0]?.includes(';') ? ';' : ',';
  return parse(text, { delimiter, bom: true, relax_column_count: true }) as string[][];
}

function countCodes(lines: string[][], level: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines.slice(1)) {
    if (line[3] !== level) continue;
    const code = line[2] ?? '';
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}

async function listAll(proposalId: string, token: string) {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
    const page = await call(`/proposals/${proposalId}/recipients${query}`, token);
    expect(page.status).toBe(200);
    items.push(...(page.body.items as Record<string, unknown>[]));
    cursor = (page.body.nextCursor as string | null) ?? null;
  } while (cursor);
  return items;
}

const CASES: (Omit<GenerateOptions, 'seed' | 'rows'> & { label: string })[] = [
  { label: 'CSV with ; (Indonesian Excel)', region: '62.03', format: 'csv', delimiter: ';' },
  { label: 'CSV with , and no BOM', region: '62.06', format: 'csv', delimiter: ',', bom: false },
  { label: 'XLSX with title rows and numeric NIK cells', region: '62.71', format: 'xlsx' },
];

describe('import through the local API', () => {
  for (const [index, testCase] of CASES.entries()) {
    it(`imports a messy ${testCase.label} and reports every bad row`, async () => {
      const { body, expected } = await fileBuffer({ ...testCase, rows: 400, seed: 40 + index });
      const view = await uploadFile(testCase.region, body, testCase.format);
      expect(view.status).toBe('COMPLETED');
      expect(view.counts).toEqual({
        rows: expected.rows,
        accepted: expected.validRows,
        rejected: expected.errorRows,
        warnings: expected.warningRows,
      });

      const lines = await reportLines(String(view.reportUrl));
      expect(lines[0]).toEqual(['baris', 'kolom', 'kode', 'tingkat', 'pesan']);
      expect(countCodes(lines, 'galat')).toEqual(expected.errorsByCode);
      expect(countCodes(lines, 'peringatan')).toEqual(expected.warningsByCode);
      for (const line of lines.slice(1)) for (const cell of line) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

      const token = await operator(testCase.region);
      const proposal = await call(`/proposals/${String(view.proposalId)}`, token);
      expect(proposal.body).toMatchObject({ status: 'DRAFT', recipientCount: expected.validRows });
      expect(proposal.body.countsByRole).toEqual(expected.byRole);
      const stored = await listAll(String(view.proposalId), token);
      expect(stored).toHaveLength(expected.validRows);
      expect(new Set(stored.map((recipient) => recipient.nik)).size).toBe(expected.validRows);
    });
  }

  it('imports a file PUT as `curl --data-binary` sends it (Content-Type: application/x-www-form-urlencoded)', async () => {
    const { body, expected } = await fileBuffer({ region: '62.04', format: 'csv', rows: 50, seed: 11 });
    const view = await uploadFile('62.04', body, 'csv', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(view.status).toBe('COMPLETED');
    expect(view.counts?.rows).toBe(expected.rows);
    expect(view.counts?.accepted).toBe(expected.validRows);
  });

  it("answers a browser's CORS preflight for the presigned URL from the configured origin", async () => {
    const created = await call('/uploads', await operator('62.10'), {
      method: 'POST',
      body: JSON.stringify({ period: PERIOD, filename: 'daftar.csv' }),
    });
    const origin = DEFAULT_ALLOWED_ORIGINS[0] as string;
    const preflight = await fetch(String(created.body.uploadUrl), {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('PUT');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    const elsewhere = await fetch(String(created.body.uploadUrl), {
      method: 'OPTIONS',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'PUT' },
    });
    expect(elsewhere.status).toBe(403);
  });

  it('recognises the same file uploaded twice', async () => {
    const { body } = await fileBuffer({ region: '62.05', format: 'csv', rows: 120, seed: 9 });
    const first = await uploadFile('62.05', body, 'csv');
    const second = await uploadFile('62.05', body, 'csv');
    expect(second).toMatchObject({ status: 'COMPLETED', duplicateOf: first.uploadId });
  });

  it('refuses the API to anyone without a valid token, and operators outside their region', async () => {
    expect((await call('/health', undefined)).status).toBe(200);
    expect((await call('/proposals', undefined)).status).toBe(401);
    expect((await call('/proposals', 'not-a-token')).status).toBe(401);
    const foreign = await call('/proposals/62.03-2026-S1', await operator('62.01'));
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const upload = await call('/uploads', await auditorToken(), {
      method: 'POST',
      body: JSON.stringify({ period: PERIOD, filename: 'x.csv' }),
    });
    expect(upload.status).toBe(403);
    const own = await call('/proposals', await operator('62.01'));
    expect(own.status).toBe(200);
    for (const item of own.body.items as { region: string }[]) expect(item.region).toBe('62.01');
  });

  it('answers bad input with 400 and the reasons, never a 500', async () => {
    const token = await operator('62.03');
    const bad = await call('/uploads', token, {
      method: 'POST',
      body: JSON.stringify({ period: '2026-13', filename: 'daftar.pdf', extra: 1 }),
    });
    expect(bad.status).toBe(400);
    const details = (bad.body.error as { details: { path: string }[] }).details.map((detail) => detail.path);
    expect(details).toEqual(expect.arrayContaining(['period', 'filename']));
    const notJson = await fetch(`${stack.apiUrl}/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
    expect((await call('/proposals/62.03-2026-S1/recipients?cursor=garbage', token)).status).toBe(400);
    expect((await call('/proposals/62.03-2026-S1/recipients?limit=100000', token)).status).toBe(400);
    expect((await call('/uploads/does-not-exist', token)).status).toBe(404);
  });

  it('masks NIK and account numbers for auditors', async () => {
    const items = (await call('/proposals/62.03-2026-S1/recipients?limit=5', await auditorToken())).body
      .items as {
      nik: string;
      noRekening: string;
    }[];
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.nik).toMatch(/^\d{6}\*{6}\d{4}$/);
      expect(item.noRekening).toMatch(/^\*+\d{4}$/);
    }
  });

  it('refuses uploads once the proposal has been submitted', async () => {
    const { body } = await fileBuffer({ region: '62.09', format: 'csv', rows: 50, seed: 3 });
    const first = await uploadFile('62.09', body, 'csv');
    // Submission arrives with the verification workflow; set the state as it will.
    const { documentClient } = await import('#shared/adapters/clients.ts');
    await documentClient.send(
      new UpdateCommand({
        TableName: String(process.env.TABLE_NAME),
        Key: { pk: `PROPOSAL#${String(first.proposalId)}`, sk: 'PROPOSAL' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'SUBMITTED' },
      }),
    );
    const refused = await call('/uploads', await operator('62.09'), {
      method: 'POST',
      body: JSON.stringify({ period: PERIOD, filename: 'baru.csv' }),
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'CONFLICT' } });
  });
});
