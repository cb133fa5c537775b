import { inject } from 'vitest';
import { resetEnvForTests } from '#shared/config/env.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * The environments (`Emulators.env`) of the emulator sets, one per integration worker, provided
     * by `test/support/emulators.setup.ts`.
     */
    emulatorEnvs: Record<string, string>[];
  }
}

/** This worker's emulators' environment: the set numbered by `VITEST_POOL_ID` (1…n). */
export function workerEmulatorEnv(): Readonly<Record<string, string>> {
  const sets = inject('emulatorEnvs');
  const worker = Number(process.env.VITEST_POOL_ID ?? '1');
  const env = sets[(worker - 1) % sets.length];
  if (!env) throw new Error('no emulators were provided to this project (emulators.setup.ts)');
  return env;
}

/**
 * Makes sure this test worker talks to its own emulators, and returns their environment.
 *
 * `test/support/emulator-worker.ts` (the integration project's setup file) already applied it before
 * the file was imported; this applies it again (a test file may have changed the variables) and
 * clears `shared/config/env.ts`'s cache. Call it before dynamically importing any module that creates
 * SDK clients at module scope (`shared/adapters/clients.ts` and handlers).
 */
export function useEmulatorEnv(): Readonly<Record<string, string>> {
  const env = workerEmulatorEnv();
  Object.assign(process.env, env);
  resetEnvForTests();
  return env;
}
