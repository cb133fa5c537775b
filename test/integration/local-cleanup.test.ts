import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startEmulators } from '../../local/emulators.ts';
import { eventually } from '../support/aws.ts';

/**
 * Nothing may outlive the local stack: a leftover DynamoDB Local JVM holds ~300 MB and its port.
 * Each case starts its own emulators (its own JVM) and ends them a different way.
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

describe('stopping the emulators', () => {
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
