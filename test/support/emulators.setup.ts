import type { TestProject } from 'vitest/node';
import { startEmulators } from '../../local/emulators.ts';

/**
 * Global setup of the `integration` project: one DynamoDB Local and one fauxqs for the whole run,
 * with every resource of `shared/resources.ts`. Their environment goes into `process.env`, which
 * the test workers (forked afterwards) inherit, and is also provided as `emulatorEnv` (see
 * `test/support/env.ts`). The returned teardown stops them; the process guard kills the JVM even if
 * Vitest is interrupted.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulators = await startEmulators();
  Object.assign(process.env, emulators.env);
  project.provide('emulatorEnv', { ...emulators.env });
  // One line per run, so a slow start shows up in CI logs.
  const { dynamoMs, fauxqsMs, resourcesMs, totalMs } = emulators.startup;
  console.error(
    `emulators up in ${Math.round(totalMs)} ms (DynamoDB Local ${Math.round(dynamoMs)} ms, ` +
      `fauxqs ${Math.round(fauxqsMs)} ms, resources ${Math.round(resourcesMs)} ms)`,
  );
  return () => emulators.stop();
}
