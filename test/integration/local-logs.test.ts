import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The lines read here are INFO, and tests run at WARN unless VERBOSE=1 (vitest.config.ts). Set before
// the logger is built (vi.hoisted runs above the imports): Powertools puts each invocation back to
// the level it was built with, so a setLogLevel() would not last past the first message.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

import { z } from 'zod';
import { logger } from '#shared/logger.ts';
import { queueWorker } from '#shared/queue/queue-worker.ts';
import { QUEUES } from '#shared/resources.ts';
import { CHECKS_FUNCTION, ROUTES } from '../../functions/api/routes.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { captureJsonLines } from '../support/emf.ts';

/**
 * Every local log line names the function that wrote it. All functions share this process and the
 * one Powertools logger; a worker whose batch interleaves with API requests used to log under the
 * API route's name (`"function_name":"khbs-GetProposal"` on "Checks completed").
 */

let stack: LocalStack;
let sqs: SQSClient;
const HEALTH = ROUTES.find((route) => route.path === '/health');

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    quiet: true,
    // The real worker wrapper (Powertools' injectLambdaContext) around work that, mid-batch, lets
    // API requests run in the same process, as the real checks worker's reads and writes do.
    checksHandler: queueWorker({
      schema: z.object({ type: z.literal('log-test'), n: z.number() }),
      type: 'log-test',
      work: async (message) => {
        logger.info('Checks started', { n: message.n });
        const health = await fetch(`${stack.apiUrl}/health`);
        expect(health.status).toBe(200);
        logger.info('Checks completed', { n: message.n });
      },
    }),
  });
  sqs = new SQSClient({});
});

afterAll(async () => {
  sqs?.destroy();
  await stack?.stop();
});

describe('local logs', () => {
  it('name the function that wrote them, while workers and API routes run at once', async () => {
    expect(HEALTH).toBeDefined();
    const { logs: lines } = await captureJsonLines(async () => {
      const queueUrl = stack.emulators.env[QUEUES.checks.envVar];
      await Promise.all(
        Array.from({ length: 6 }, (_, n) =>
          sqs.send(
            new SendMessageCommand({
              QueueUrl: queueUrl,
              MessageBody: JSON.stringify({ type: 'log-test', n }),
            }),
          ),
        ),
      );
      // API requests alongside the batches.
      await Promise.all(Array.from({ length: 10 }, () => fetch(`${stack.apiUrl}/health`)));
      await stack.whenIdle();
    });
    const worker = lines.filter((line) => String(line.message).startsWith('Checks '));
    expect(worker).toHaveLength(12);
    for (const line of worker) {
      expect(line).toMatchObject({ function_name: `khbs-${CHECKS_FUNCTION.id}` });
      expect(line.function_request_id).toEqual(expect.any(String));
    }
    // The two lines of one message come from the same invocation.
    for (let n = 0; n < 6; n++) {
      const ids = new Set(worker.filter((line) => line.n === n).map((line) => line.function_request_id));
      expect(ids.size).toBe(1);
    }
  });
});
