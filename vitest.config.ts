import { defineConfig } from 'vitest/config';
import { TEST_WORKERS } from './test/support/workers.ts';

/**
 * Tests by kind. Unit tests touch no network; integration and end-to-end tests share one set of
 * real emulators (DynamoDB Local + fauxqs) started once by the global setup; infra tests synthesise
 * the CDK app offline; security tests probe the API through the local stack as an attacker would.
 */
// Quiet by default: the functions' Powertools INFO lines (~100 of them) would bury the results.
// `VERBOSE=1 npm test` shows them; an explicit POWERTOOLS_LOG_LEVEL wins. Set here, in the main
// process, so every worker and every process a test spawns inherits it. A test that checks INFO
// lines raises the level around what it captures (`test/support/logs.ts`).
process.env.POWERTOOLS_LOG_LEVEL ??= process.env.VERBOSE === '1' ? 'INFO' : 'WARN';
// The business metrics' EMF lines likewise (`shared/observability/telemetry.ts`); a test that reads
// them turns them on around what it captures.
// The AWS SDK's notice that releases after January 2027 need Node 22 is known (README); a unit test
// importing a client directly would print it (`local/emulators.ts` silences it for the rest).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= process.env.VERBOSE === '1' ? 'false' : 'true';

/**
 * Every project runs in one pool, two files at a time (the machines have two cores): unit and infra
 * files, the files that start a local stack of their own (its own emulators, ports and console), and
 * the integration files, each worker of which has emulators of its own (`emulators.setup.ts`), so
 * two integration files at once share nothing either. Vitest runs projects with the same group order
 * in one pool and refuses different `maxWorkers` within a group, so every project says the same.
 * The console is built once for the run, before any file starts (`console-build.setup.ts`).
 */
const TWO_AT_A_TIME = { maxWorkers: TEST_WORKERS, sequence: { groupOrder: 1 } } as const;

/** Integration files that use none of the shared emulators (see the `stacks` project). */
const STACK_FILES = [
  'test/integration/family-import-wiring.test.ts',
  'test/integration/local-auth.test.ts',
  'test/integration/local-cleanup.test.ts',
  'test/integration/local-cli.test.ts',
  'test/integration/local-gateway.test.ts',
  'test/integration/local-logs.test.ts',
  'test/integration/local-persistence.test.ts',
  'test/integration/local-sqs-stack.test.ts',
  'test/integration/local-stack.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // The console's logic (web/src) is unit-tested here too; its screens in test/browser.
          include: ['test/unit/**/*.test.ts', 'web/src/**/*.test.ts'],
          environment: 'node',
          // Modules loaded once per worker, not once per file (no file mocks a module).
          isolate: false,
          ...TWO_AT_A_TIME,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: STACK_FILES,
          globalSetup: ['test/support/emulators.setup.ts'],
          // This worker's emulators, applied before each file is imported.
          setupFiles: ['test/support/emulator-worker.ts'],
          // Modules loaded once per worker, not once per file: the SDK clients a file creates at
          // import time stay pointed at the worker's own emulators, and `useEmulatorEnv` clears the
          // cached configuration before each file. Half the project's time went into imports.
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          ...TWO_AT_A_TIME,
        },
      },
      {
        test: {
          // The files that start stacks of their own (own emulators, ports and state folders) or none.
          // local-cleanup's `npm start` cases serve the console prebuilt (`KHBS_CONSOLE=prebuilt`).
          name: 'stacks',
          include: STACK_FILES,
          globalSetup: ['test/support/console-build.setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          ...TWO_AT_A_TIME,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          ...TWO_AT_A_TIME,
        },
      },
      {
        test: {
          // The API probed as an attacker and a careless admin would, through the whole local stack.
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          ...TWO_AT_A_TIME,
        },
      },
      {
        test: {
          // The console in headless Chromium (Debian's package) against the whole local stack.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/console-build.setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          ...TWO_AT_A_TIME,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // The console built once for the group: the families file shows its tahap in Chromium and
          // `npm start` (restart) serves it prebuilt, so no file rebuilds `web/dist/` under another.
          globalSetup: ['test/support/console-build.setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          ...TWO_AT_A_TIME,
        },
      },
    ],
  },
});
