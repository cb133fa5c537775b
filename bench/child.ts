import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ProposalsRepository } from '#shared/adapters/proposals-repo.ts';
import type { AuditActor } from '#shared/domain/audit.ts';
import { planSubmit } from '#shared/domain/workflow.ts';
import type { ProposalRecord } from '#shared/model.ts';
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

/**
 * Runs a case in a child process and prints its result as the one JSON line {@link runChild}
 * reads, with the process's peak RSS; an error exits non-zero.
 */
export function reportCase(kind: string, run: () => Promise<Record<string, unknown>>): void {
  run()
    .then((result) => {
      process.stdout.write(
        `${JSON.stringify({ kind, ...result, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}

/** A seeded list submitted for the benchmark fixtures (the workflow's own steps are measured elsewhere). */
export async function submitForBench(
  proposals: ProposalsRepository,
  proposal: ProposalRecord,
  actor: AuditActor,
) {
  const now = new Date().toISOString();
  const submitted = await proposals.apply(
    proposal,
    planSubmit(proposal, ['DINSOS', 'BKAD'], actor, now),
    actor,
    now,
  );
  return { submitted, listId: submitted.currentListId ?? '', now };
}
