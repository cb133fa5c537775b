import { execFile as execFileCallback } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TRACING_ENV } from '#shared/observability/metric-names.ts';

const execFile = promisify(execFileCallback);
const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * Loads the DynamoDB client module (as every function does) in a fresh process and reports whether
 * the X-Ray SDK was evaluated (it is CommonJS: it shows in the require cache). Its `cls-hooked` turns
 * on async hooks for the whole process, which makes every promise dearer.
 */
async function loadClients(env: NodeJS.ProcessEnv): Promise<{ xray: boolean }> {
  const script = `
    import { createRequire } from 'node:module';
    await import('./shared/adapters/clients/dynamodb.ts');
    // The load itself, however long a loaded machine takes over it (no fixed sleep).
    await (await import('./shared/observability/tracing.ts')).tracerLoading();
    const xray = Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/aws-xray-sdk-core/'));
    console.log(JSON.stringify({ xray }));`;
  const { stdout } = await execFile(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, AWS_REGION: 'ap-southeast-3', ...env },
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { xray: boolean };
}

describe('Powertools Tracer is loaded only where X-Ray tracing is on', () => {
  it('is not evaluated without the variable the CDK app sets (tests, benchmarks, the local stack)', async () => {
    expect((await loadClients({})).xray).toBe(false);
  });

  it('is evaluated, with the clients captured, where the variable says tracing is active', async () => {
    expect((await loadClients({ [TRACING_ENV.name]: TRACING_ENV.active })).xray).toBe(true);
  });
});
