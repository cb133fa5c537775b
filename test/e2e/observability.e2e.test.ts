import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CHECKS_FUNCTION,
  DECREE_FUNCTION,
  IMPORT_FUNCTION,
  RELAY_FUNCTION,
} from '../../functions/api/routes.ts';
import type { LocalClaims } from '../../local/auth.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { recipientCsv } from '../support/api.ts';
import { captureJsonLines, type EmfLine, metricValues } from '../support/emf.ts';
import { clientAs, ok, people } from '../support/people.ts';

// INFO lines are read here: the level must be set before the logger is built (vi.hoisted runs above
// the imports), since Powertools puts each invocation back to the level it was built with.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

/**
 * What the engineer on call sees for one list going through the real handlers on the local stack
 * (upload → import → submit → checks → two reviews → approval → decree): the business metrics as EMF
 * lines, the ids that follow the list from the API through the outbox and the queues into each
 * worker's log lines, and no NIK, name or account number in any of it.
 */
let stack: LocalStack;

const REGION = '62.03';
const PERIOD = '2026-S1';
const PROPOSAL = `${REGION}-${PERIOD}`;
const RECIPIENTS = 12;

beforeAll(async () => {
  stack = await startLocalStack({ port: 0, quiet: true, outboxRelay: { intervalMs: 50, maxBackoffMs: 200 } });
});

afterAll(async () => {
  await stack?.stop();
});

const operator = people.operator(REGION);
const { approver, verifier } = people;

/** The typed client (from the API contract), as the given person. */
const as = (claims: LocalClaims) => clientAs(stack.apiUrl, claims);

let metrics: EmfLine[] = [];
let logs: Record<string, unknown>[] = [];
let uploadId = '';

describe('observability on the local stack', () => {
  it('runs one list from upload to decree with the metrics switched on', async () => {
    const captured = await captureJsonLines(async () => {
      const op = await as(operator);
      const created = ok(await op.call('CreateUpload', { body: { period: PERIOD, filename: 'daftar.csv' } }));
      uploadId = created.uploadId;
      const put = await fetch(created.uploadUrl, { method: 'PUT', body: recipientCsv(REGION, RECIPIENTS) });
      expect(put.status).toBe(200);
      await stack.whenIdle();
      ok(await op.call('SubmitProposal', { params: { proposalId: PROPOSAL }, body: {} }));
      await stack.whenIdle();
      for (const opd of ['DINSOS', 'BKAD']) {
        ok(
          await (await as(verifier(opd))).call('ReviewProposal', {
            params: { proposalId: PROPOSAL },
            body: { decision: 'approve' },
          }),
        );
      }
      const sekda = await as(approver);
      ok(
        await sekda.call('DecideProposal', {
          params: { proposalId: PROPOSAL },
          body: { decision: 'approve' },
        }),
      );
      await stack.whenIdle();
      return ok(await sekda.call('GetProposal', { params: { proposalId: PROPOSAL } })).status;
    });
    expect(captured.result).toBe('DECREED');
    metrics = captured.metrics;
    logs = captured.logs;
  });

  it('publishes the business metrics of each step, each once, with the region where it has one', () => {
    const values = metricValues(metrics);
    const sum = (name: string, dimensions: Record<string, unknown> = {}) =>
      values
        .filter((value) => value.name === name)
        .filter((value) => Object.entries(dimensions).every(([key, want]) => value.dimensions[key] === want))
        .reduce((total, value) => total + Number(value.value), 0);
    expect(sum('RowsImported', { region: REGION })).toBe(RECIPIENTS);
    expect(sum('RowsRefused', { region: REGION })).toBe(0);
    expect(sum('ProposalsSubmitted', { region: REGION })).toBe(1);
    expect(sum('RecipientsChecked')).toBe(RECIPIENTS);
    expect(sum('SignOffs')).toBe(3);
    expect(sum('DecreesIssued')).toBe(1);
    expect(sum('DecreeRecipients')).toBe(RECIPIENTS);
    // Submission → checks, approval → decree: two hand-offs through the outbox.
    expect(sum('HandoffsSent')).toBeGreaterThanOrEqual(2);
    const render = values.filter((value) => value.name === 'DecreeRenderTime');
    expect(render).toHaveLength(1);
    expect(Number(render[0]?.value)).toBeGreaterThan(0);
    const latencies = values.filter((value) => value.name === 'SignOffLatency');
    expect(latencies).toHaveLength(3);
    for (const metric of values) expect(metric.dimensions.service).toBe('khbs-bkk');
  });

  it("puts the upload's and the proposal's ids on the workers' log lines, carried through the queues", () => {
    const of = (id: string) => logs.filter((line) => line.function_name === `khbs-${id}`);
    const importLines = of(IMPORT_FUNCTION.id);
    const checksLines = of(CHECKS_FUNCTION.id);
    const decreeLines = of(DECREE_FUNCTION.id);
    expect(importLines.length).toBeGreaterThan(0);
    expect(checksLines.length).toBeGreaterThan(0);
    expect(decreeLines.length).toBeGreaterThan(0);
    for (const line of importLines) expect(line).toMatchObject({ uploadId, region: REGION });
    // The decree's lines do not name the proposal themselves ("Decree numbered", "Decree issued"):
    // the key comes from the queue message, set around the work by the worker wrapper.
    for (const line of [...checksLines, ...decreeLines]) expect(line).toMatchObject({ proposalId: PROPOSAL });
    expect(decreeLines.map((line) => line.message)).toContain('Decree issued');
    expect(of(RELAY_FUNCTION.id).every((line) => !('proposalId' in line))).toBe(true);
  });

  it('prints no NIK, account number or name, in the logs or the metrics', () => {
    const text = JSON.stringify([...logs, ...metrics]);
    expect(logs.length).toBeGreaterThan(3);
    // recipientCsv's NIKs are 16 digits starting with the region's four, accounts 1000000001…
    expect(text).not.toMatch(/6203\d{12}/);
    expect(text).not.toMatch(/\b10000000\d\d\b/);
    expect(text).not.toContain('Ketua RT');
  });
});
