import type { TestProject } from 'vitest/node';
import { type Emulators, startEmulators } from '../../local/emulators.ts';
import { TEST_WORKERS } from './workers.ts';

/**
 * Global setup of the `integration` project: one DynamoDB Local and one fauxqs per test worker
 * (`TEST_WORKERS`, the pool's `maxWorkers`), each with every resource of
 * `shared/resources.ts`, started together. Two integration files run at once, and each worker
 * (`VITEST_POOL_ID` 1…n, unique among the workers running at a time) talks only to its own set, so
 * no file sees another's items, objects or messages. Their environments are provided as
 * `emulatorEnvs` (see `test/support/env.ts`, applied before each file by
 * `test/support/emulator-worker.ts`). The returned teardown stops them; the process guard kills the
 * JVMs even if Vitest is interrupted.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = await Promise.allSettled(Array.from({ length: TEST_WORKERS }, () => startEmulators()));
  const sets = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(sets.map((emulators) => emulators.stop()));
    throw failed.reason;
  }
  project.provide(
    'emulatorEnvs',
    sets.map((emulators) => ({ ...emulators.env })),
  );
  // One line per run, so a slow start shows up in CI logs.
  sets.forEach((emulators: Emulators, index) => {
    const { dynamoMs, fauxqsMs, resourcesMs, totalMs } = emulators.startup;
    console.error(
      `emulators ${index + 1}/${sets.length} up in ${Math.round(totalMs)} ms (DynamoDB Local ${Math.round(dynamoMs)} ms, ` +
        `fauxqs ${Math.round(fauxqsMs)} ms, resources ${Math.round(resourcesMs)} ms)`,
    );
  });
  return async () => {
    await Promise.all(sets.map((emulators) => emulators.stop()));
  };
}
