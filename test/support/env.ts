import { inject } from 'vitest';
import { resetEnvForTests } from '#shared/config/env.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The emulators' environment (`Emulators.env`), provided by `test/support/emulators.setup.ts`. */
    emulatorEnv: Record<string, string>;
  }
}

/**
 * Makes sure this test worker talks to the shared emulators, and returns their environment.
 *
 * Vitest 4 forks its workers after the global setup has run, and they inherit its `process.env`, so
 * the variables are normally there already. This also applies them from `inject()` (which works in
 * any pool), so a test file that changed them, or a pool that does not inherit, still gets the right
 * ones; and it clears `shared/config/env.ts`'s cache. Call it before dynamically importing any
 * module that creates SDK clients at module scope (`shared/adapters/clients.ts` and handlers).
 */
export function useEmulatorEnv(): Readonly<Record<string, string>> {
  const env = inject('emulatorEnv');
  Object.assign(process.env, env);
  resetEnvForTests();
  return env;
}
