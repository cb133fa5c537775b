import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../local/lambda.ts';

/**
 * Runs a benchmark case script (`bench/<script>`) in its own Node process, so that its peak RSS is
 * its own, and resolves with the JSON line it prints last that starts with `{"kind":"<kind>"`.
 */
export function runChild<T>(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<T> {
  const [kind = ''] = args;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', script), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out
        .trim()
        .split('\n')
        .reverse()
        .find((candidate) => candidate.startsWith(`{"kind":"${kind}"`));
      if (code !== 0 || !line)
        return reject(new Error(`${script} ${kind} exited ${code}: ${out.slice(-500)}`));
      resolve(JSON.parse(line) as T);
    });
  });
}
