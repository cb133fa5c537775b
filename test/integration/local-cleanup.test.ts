import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulators } from '../../local/emulators.ts';
import { eventually } from '../support/aws.ts';

/**
 * Nothing may outlive the local stack: a leftover DynamoDB Local JVM holds ~300 MB and its port.
 * Each case starts its own emulators (its own JVM, its own ports and state folder) and ends them a
 * different way. The cases run at once, since each mostly waits on a JVM starting; the `npm start`
 * cases serve the console the run built once (`KHBS_CONSOLE=prebuilt`, the stacks project's
 * global setup), so none rebuilds `web/dist/` under another.
 */

const CHILD = fileURLToPath(new URL('../support/fixtures/emulators-child.ts', import.meta.url));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the fixture under `node --import tsx` and resolves with the JVM's pid once it is ready. */
async function startChild(
  mode: 'wait' | 'throw' | 'exit',
): Promise<{ child: ChildProcess; javaPid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const javaPid = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /"javaPid":(\d+)/.exec(chunk.toString());
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    });
    child.once('exit', (code) =>
      reject(new Error(`child exited (${code}) before the emulators were up:\n${output}`)),
    );
  });
  return { child, javaPid };
}

describe.concurrent('stopping the emulators', () => {
  it('stop() kills the JVM and closes fauxqs', async () => {
    const emulators = await startEmulators();
    expect(isAlive(emulators.javaPid)).toBe(true);
    await emulators.stop();
    expect(isAlive(emulators.javaPid)).toBe(false);
    await expect(fetch(emulators.s3Endpoint)).rejects.toThrow();
    await expect(fetch(emulators.dynamoEndpoint)).rejects.toThrow();
    // A second stop is harmless.
    await emulators.stop();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`leaves no JVM when the process gets ${signal}`, async () => {
      const { child, javaPid } = await startChild('wait');
      expect(isAlive(javaPid)).toBe(true);
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code, killedBy] = await exited;
      // It still dies of the signal: the guard re-raises it when nobody else handles it.
      expect([code, killedBy]).toEqual([null, signal]);
      await eventually(() => (isAlive(javaPid) ? undefined : true), 5_000);
    });
  }

  it('leaves no JVM when the process is killed with SIGKILL (the watchdog kills it)', async () => {
    const { child, javaPid } = await startChild('wait');
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    await eventually(() => (isAlive(javaPid) ? undefined : true), 5_000);
  });

  it('leaves no JVM after an uncaught error', async () => {
    const { child, javaPid } = await startChild('throw');
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    await eventually(() => (isAlive(javaPid) ? undefined : true), 5_000);
  });

  it('leaves no JVM after process.exit()', async () => {
    const { child, javaPid } = await startChild('exit');
    const [code] = await once(child, 'exit');
    expect(code).toBe(3);
    await eventually(() => (isAlive(javaPid) ? undefined : true), 5_000);
  });
});

// --- npm start ------------------------------------------------------------------------------------

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every process below `pid` (Linux /proc), children first seen at call time. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      parents.set(Number(entry), parentOf(Number(entry)));
    } catch {
      // Gone meanwhile.
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of parents) {
      if (ppid !== parent) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Alive and not a zombie. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * `npm start -- --fresh` (or `tsx local/start.ts --fresh`) on a free port with a state folder of its
 * own; resolves once it is up.
 */
async function startNpm(
  stateDir: string,
  launcher: 'npm' | 'tsx' = 'npm',
): Promise<{ npm: ChildProcess; tree: number[]; javaPid: number }> {
  const [command, args] =
    launcher === 'npm'
      ? ['npm', ['start', '--', '--fresh']]
      : [join(ROOT, 'node_modules/.bin/tsx'), ['local/start.ts', '--fresh']];
  const npm = spawn(command as string, args as string[], {
    cwd: ROOT,
    // The console was built once for the file (below): each stack serves it as it is, so the cases
    // can run at once without rebuilding web/dist/ under each other.
    env: { ...process.env, PORT: '0', KHBS_STATE_DIR: stateDir, KHBS_CONSOLE: 'prebuilt' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  npm.stdout?.on('data', collect);
  npm.stderr?.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not up after 60 s:\n${output}`)), 60_000);
    npm.stdout?.on('data', () => {
      if (output.includes('HTTP API')) {
        clearTimeout(timer);
        resolve();
      }
    });
    npm.once('exit', (code) => reject(new Error(`npm start exited (${code}) before it was up:\n${output}`)));
  });
  const javaPid = Number(/DynamoDB Local ready on \S+ in \d+ ms \(pid (\d+)\)/.exec(output)?.[1]);
  const tree = descendants(npm.pid as number);
  // npm → node → (java, its watchdog)
  expect(tree).toContain(javaPid);
  expect(tree.length).toBeGreaterThanOrEqual(3);
  return { npm, tree, javaPid };
}

describe.concurrent('stopping npm start', () => {
  const stateDirs: string[] = [];
  /** A state folder of the case's own (`--fresh` empties it). */
  const freshDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'khbs-start-'));
    stateDirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(stateDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
    it(`${signal} to the npm process stops every process it started`, async () => {
      const { npm, tree } = await startNpm(await freshDir());
      npm.kill(signal);
      await eventually(() => (tree.some(isRunning) ? undefined : true), 20_000);
    });
  }

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${signal} to tsx (npx tsx local/start.ts) stops every process it started`, async () => {
      const { npm: tsx, tree } = await startNpm(await freshDir(), 'tsx');
      tsx.kill(signal);
      await eventually(() => (tree.some(isRunning) ? undefined : true), 20_000);
    });
  }

  it('SIGKILL to the node process that runs the stack leaves no JVM behind', async () => {
    const { npm, tree, javaPid } = await startNpm(await freshDir());
    // The JVM's parent is the node process that runs local/start.ts.
    const stackPid = parentOf(javaPid);
    expect(tree).toContain(stackPid);
    process.kill(stackPid, 'SIGKILL');
    await eventually(() => (isRunning(javaPid) ? undefined : true), 5_000);
    await eventually(() => (tree.some(isRunning) ? undefined : true), 20_000);
    // npm itself has ended too (its exit is reported a moment after its process is gone).
    await eventually(() => ((npm.exitCode ?? npm.signalCode) === null ? undefined : true), 5_000);
  });
});
