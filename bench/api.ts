/**
 * The HTTP API under 50 concurrent clients on the local stack: p50/p99 of a read
 * (`GET /proposals/{id}`) and of a sign-off (`POST /proposals/{id}/reviews`), next to the bare HTTP
 * path (`GET /health`: no token check, no database) in the same run.
 *
 * Proposals are prepared through the repositories (import of a 20-row list, then submitted and
 * checked by applying the workflow plans), so that every sign-off measured is a real, successful
 * conditional transaction with its audit record.
 */
import { performance } from 'node:perf_hooks';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { signLocalToken } from '../local/auth.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';

const CLIENTS = 50;
const READS_PER_CLIENT = 20;

export interface LatencyFigures {
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly perSecond: number;
}

export async function benchApi(): Promise<Record<'health' | 'read' | 'signoff', LatencyFigures>> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const stack = await startLocalStack({ port: 0, quiet: true });
  try {
    const proposalIds = await prepareProposals(stack);
    const reader = await signLocalToken({ sub: 'bench-auditor', name: 'Auditor', groups: ['auditor'] });
    // Warm-up (JIT, connection pools, handler modules), not measured.
    await measure(CLIENTS, 2, () => fetch(`${stack.apiUrl}/health`));
    await measure(CLIENTS, 2, (client) =>
      fetch(`${stack.apiUrl}/proposals/${proposalIds[client]}`, {
        headers: { authorization: `Bearer ${reader}` },
      }),
    );
    const health = await measure(CLIENTS, READS_PER_CLIENT, () => fetch(`${stack.apiUrl}/health`));
    const read = await measure(CLIENTS, READS_PER_CLIENT, (client, i) =>
      fetch(`${stack.apiUrl}/proposals/${proposalIds[(client + i) % proposalIds.length]}`, {
        headers: { authorization: `Bearer ${reader}` },
      }),
    );
    // Each client signs its own proposal, first as DINSOS then as BKAD: every request must succeed.
    const tokens = await Promise.all(
      ['DINSOS', 'BKAD'].map((opd) =>
        signLocalToken({ sub: `bench-${opd}`, name: opd, groups: ['verifier'], opd }),
      ),
    );
    const signoff = await measure(CLIENTS, 2, (client, i) =>
      fetch(`${stack.apiUrl}/proposals/${proposalIds[client]}/reviews`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve', note: 'sesuai' }),
      }),
    );
    return { health, read, signoff };
  } finally {
    await stack.stop();
  }
}

async function measure(
  clients: number,
  perClient: number,
  request: (client: number, i: number) => Promise<Response>,
): Promise<LatencyFigures> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; i < perClient; i++) {
        const begin = performance.now();
        const response = await request(client, i);
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`HTTP ${response.status} during the benchmark`);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, p50: at(0.5), p99: at(0.99), perSecond: latencies.length / seconds };
}

/** 50 proposals in IN_REVIEW, each with a small imported list. */
async function prepareProposals(stack: LocalStack): Promise<string[]> {
  const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
  const { s3Client } = await import('#shared/adapters/clients.ts');
  const { env } = await import('#shared/config/env.ts');
  const { planChecksCompleted, planSubmit } = await import('#shared/domain/workflow.ts');
  const { REGIONS } = await import('#shared/domain/wilayah.ts');
  const { fileBuffer } = await import('../local/sample-data.ts');
  const config = env();
  const proposals = new ProposalsRepository(config.tableName);
  const system = { sub: 'system:bench', name: 'Benchmark', role: 'system' };
  const slots = Array.from({ length: CLIENTS }, (_, n) => ({
    region: REGIONS[n % REGIONS.length]?.code ?? '62.01',
    period: `2026-${String((Math.floor(n / REGIONS.length) % 12) + 1).padStart(2, '0')}`,
  }));
  // The stack's own S3 trigger imports each file, as it would any upload.
  for (const [n, { region, period }] of slots.entries()) {
    const { body } = await fileBuffer({ region, rows: 20, seed: n, messy: false, format: 'csv' });
    await s3Client.send(
      new PutObjectCommand({
        Bucket: config.uploadsBucket,
        Key: `uploads/${region}/${period}/bench-${n}.csv`,
        Body: body,
      }),
    );
  }
  await stack.s3Events.scan();
  await stack.s3Events.whenIdle();
  const ids: string[] = [];
  for (const [n, { region, period }] of slots.entries()) {
    let proposal = await proposals.getCurrent(region, period);
    if (!proposal) throw new Error(`no proposal for ${region} ${period}`);
    const now = new Date().toISOString();
    proposal = await proposals.apply(
      proposal,
      planSubmit(proposal, config.requiredAgencies.BKK, system, now),
      system,
      now,
    );
    proposal = await proposals.apply(
      proposal,
      planChecksCompleted(proposal, {
        listId: proposal.currentListId ?? '',
        blocking: 0,
        warnings: 0,
        openBlocking: 0,
        runId: `bench-${n}`,
        startedAt: now,
        at: now,
      }),
      system,
      now,
    );
    ids.push(proposal.proposalId);
  }
  return ids;
}
