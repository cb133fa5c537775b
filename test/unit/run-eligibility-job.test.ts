import { describe, expect, it } from 'vitest';
import {
  type EligibilityJobDeps,
  runEligibilityJob,
  SYSTEM_FAILURE,
} from '#functions/families/run-eligibility.ts';
import type { RunFields } from '#shared/adapters/tahap-repo.ts';
import type { TahapRecord } from '#shared/model.ts';

/** The job against in-memory fakes: what it does when something breaks midway, or is not its run. */
const tahap: TahapRecord = {
  tahapId: '2026-1',
  year: 2026,
  number: 1,
  components: { TUNAI: 250_000 },
  desil: { min: 1, max: 5 },
  snapshots: { '62.03': '2026-09-30' },
  status: 'DRAFT',
  version: 2,
  createdAt: '2026-10-01T00:00:00.000Z',
  createdBy: { sub: 'a', name: 'A' },
  eligibility: { runId: 'run-1', status: 'QUEUED', requestedAt: '2026-10-01T00:00:00.000Z' },
};

function fakes(keys: EligibilityJobDeps['families']['keys']) {
  const marks: RunFields[] = [];
  const deps: EligibilityJobDeps = {
    tahap: {
      get: async () => tahap,
      markRun: async (_tahapId, _runId, fields) => {
        marks.push(fields);
        return true;
      },
    },
    results: {
      writer: () => ({ put: async () => undefined, flush: async () => undefined }),
      putSummary: async () => undefined,
    },
    families: { keys, groups: async function* () {} },
    snapshots: { ready: async () => ({ data: { families: 'f', members: 'm' } }) },
    exclusions: { lists: async () => [], entries: async function* () {} },
  };
  return { deps, marks };
}

describe('runEligibilityJob', () => {
  it('marks the run FAILED with a message for people and throws the error on', async () => {
    const { deps, marks } = fakes(async function* () {
      yield { noKk: '6203011203150001' };
      throw new Error('DynamoDB went away');
    });
    await expect(runEligibilityJob({ tahapId: '2026-1', runId: 'run-1' }, deps)).rejects.toThrow(
      'DynamoDB went away',
    );
    expect(marks.map((mark) => mark.status)).toEqual(['RUNNING', 'FAILED']);
    expect(marks[1]?.error).toBe(SYSTEM_FAILURE);
  });

  it('does nothing for a message of another run', async () => {
    const { deps, marks } = fakes(async function* () {});
    expect(await runEligibilityJob({ tahapId: '2026-1', runId: 'run-0' }, deps)).toEqual({
      outcome: 'SKIPPED',
      why: 'STALE_RUN',
    });
    expect(marks).toEqual([]);
  });
});
