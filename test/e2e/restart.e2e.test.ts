import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnswerTo } from '#shared/contract/client.ts';
import { signLocalToken } from '../../local/auth.ts';
import { fileBuffer } from '../../local/sample-data.ts';

/**
 * `npm start` keeps what users put in it: an upload made through the API, its proposal and its
 * error report are there after a stop (SIGTERM) and a start on the same state folder, and gone
 * after `--fresh`. Each start is a real `local/start.ts` process, as `npm start` runs it (handler
 * modules create their SDK clients once per process, so a restart is a new process anyway).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const REGION = '62.03';
const PERIOD = '2026-S1';
let dir: string;
let running: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khbs-restart-'));
});

afterAll(async () => {
  if (running !== undefined && running.exitCode === null) {
    running.kill('SIGTERM');
    await once(running, 'exit');
  }
  await rm(dir, { recursive: true, force: true });
});

interface Started {
  readonly apiUrl: string;
  /** Everything it printed so far. */
  readonly output: () => string;
  stop(): Promise<void>;
}

/** `npm start [-- --fresh]` on a free port with `dir` as its state folder; resolves once it is up. */
async function start(fresh = false): Promise<Started> {
  const child = spawn(TSX, ['local/start.ts', ...(fresh ? ['--fresh'] : [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      KHBS_STATE_DIR: dir,
      POWERTOOLS_LOG_LEVEL: 'WARN',
      // The console as the group's global setup built it: never rebuilt under another file's stack.
      KHBS_CONSOLE: 'prebuilt',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const apiUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not up after 60 s:\n${output}`)), 60_000);
    const look = (): void => {
      const match = /HTTP API\s+(http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before it was up:\n${output}`));
    });
  });
  return {
    apiUrl,
    output: () => output,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code, output).toBe(0);
    },
  };
}

const token = () =>
  signLocalToken({ sub: `op-${REGION}`, name: `Operator ${REGION}`, groups: ['operator'], region: REGION });

async function call(stack: Started, path: string, init: RequestInit = {}) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
  });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  // Every answer is what the API contract says it is (shared/contract/).
  checkAnswerTo(init.method ?? 'GET', path, response.status, body);
  return { status: response.status, body };
}

async function recipientIds(stack: Started, proposalId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : '?limit=200';
    const page = await call(stack, `/proposals/${proposalId}/recipients${query}`);
    expect(page.status).toBe(200);
    for (const item of page.body.items as { recipientId: string }[]) ids.push(item.recipientId);
    cursor = (page.body.nextCursor as string | null) ?? null;
  } while (cursor);
  return ids.sort();
}

describe('restarting npm start', () => {
  it('keeps the upload, its proposal and its error report; --fresh has none of them', async () => {
    let stack = await start();
    expect(stack.output()).toMatch(/nothing saved in .* yet/);

    const { body, expected } = await fileBuffer({ region: REGION, format: 'csv', rows: 300, seed: 77 });
    const created = await call(stack, '/uploads', {
      method: 'POST',
      body: JSON.stringify({ period: PERIOD, filename: 'daftar.csv' }),
    });
    expect(created.status).toBe(201);
    const uploadId = String(created.body.uploadId);
    expect((await fetch(String(created.body.uploadUrl), { method: 'PUT', body })).status).toBe(200);
    let before: Record<string, unknown> = {};
    for (const deadline = Date.now() + 60_000; before.status !== 'COMPLETED'; ) {
      if (Date.now() > deadline) throw new Error(`upload still ${String(before.status)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      before = (await call(stack, `/uploads/${uploadId}`)).body;
    }
    expect(before).toMatchObject({ counts: { accepted: expected.validRows, rejected: expected.errorRows } });
    const proposalId = String(before.proposalId);
    const proposalBefore = await call(stack, `/proposals/${proposalId}`);
    expect(proposalBefore.status).toBe(200);
    const recipientsBefore = await recipientIds(stack, proposalId);
    expect(recipientsBefore).toHaveLength(expected.validRows);
    const reportBefore = await (await fetch(String(before.reportUrl))).text();
    expect(reportBefore.split('\n').length).toBeGreaterThan(expected.errorRows);
    await stack.stop();
    expect(stack.output()).toMatch(/saved [\d,]+ items and \d+ objects/);

    // Same folder: everything is back, through the API, on new ports.
    stack = await start();
    const restored = /restored ([\d,]+) items and (\d+) objects/.exec(stack.output());
    expect(Number(restored?.[1]?.replaceAll(',', ''))).toBeGreaterThan(expected.validRows);
    expect(Number(restored?.[2])).toBeGreaterThanOrEqual(2); // the upload and its error report
    const after = await call(stack, `/uploads/${uploadId}`);
    expect(after.status).toBe(200);
    expect({ ...after.body, reportUrl: undefined }).toEqual({ ...before, reportUrl: undefined });
    expect(await call(stack, `/proposals/${proposalId}`)).toEqual(proposalBefore);
    expect(await recipientIds(stack, proposalId)).toEqual(recipientsBefore);
    const report = await fetch(String(after.body.reportUrl));
    expect(report.status).toBe(200);
    expect(await report.text()).toBe(reportBefore);
    await stack.stop();

    // --fresh: none of it.
    stack = await start(true);
    expect(stack.output()).toMatch(/fresh start/);
    expect((await call(stack, `/uploads/${uploadId}`)).status).toBe(404);
    expect((await call(stack, `/proposals/${proposalId}`)).status).toBe(404);
    const reportKey = new URL(String(after.body.reportUrl)).pathname;
    const s3 = /S3\s+(http:\/\/\S+)/.exec(stack.output())?.[1];
    expect((await fetch(`${s3}${reportKey}`)).status).toBe(404);
    await stack.stop();
  });
});
