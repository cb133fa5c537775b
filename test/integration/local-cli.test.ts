import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { writeStackFile } from '../../local/stack-file.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

type Outcome = { code: number; stdout: string; stderr: string };

/** `npm run reconcile -- …` without npm, in its own process, with the given environment. */
async function reconcile(env: Record<string, string>, ...args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'local/reconcile.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    return error as Outcome;
  }
}

/** A port nobody listens on (taken and released at once). */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'khbs-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('npm run reconcile', () => {
  it('with no stack running: names the URL it tried and that PORT applies, exit code 2', async () => {
    const port = await closedPort();
    const outcome = await reconcile({ KHBS_STATE_DIR: await stateDir(), PORT: String(port) });
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toContain(`cannot reach the local API at http://127.0.0.1:${port}`);
    expect(outcome.stderr).toContain(`PORT=${port}`);
    expect(outcome.stderr).toContain('ECONNREFUSED');
    expect(outcome.stderr).toContain('--api');
  });

  it('finds a stack on another port through its stack.json, as npm run watchdog does', async () => {
    // A stand-in for the stack's API: one run, completed at once.
    const seen: string[] = [];
    const server: Server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      response.setHeader('content-type', 'application/json');
      if (request.method === 'POST') {
        response.statusCode = 202;
        response.end(JSON.stringify({ runId: 'manual-1' }));
        return;
      }
      response.end(JSON.stringify({ runId: 'manual-1', status: 'COMPLETED', counts: { NOT_PAID: 1 } }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const { port } = server.address() as AddressInfo;
    const dir = await stateDir();
    await writeStackFile(dir, { pid: process.pid, apiUrl: `http://127.0.0.1:${port}`, env: {} });

    // PORT points elsewhere: the running stack's file wins.
    const outcome = await reconcile({ KHBS_STATE_DIR: dir, PORT: String(await closedPort()) });
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('Rekonsiliasi manual-1: COMPLETED');
    expect(seen).toEqual(['POST /reconciliations', 'GET /reconciliations/manual-1']);
  });

  it('--help prints the usage and exits 0', async () => {
    const outcome = await reconcile({}, '--help');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^Usage: npm run reconcile/);
  });
});
