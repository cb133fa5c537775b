import { defineConfig } from 'vitest/config';

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
 * Every file that needs nothing shared (unit and infra files, and the files that start a local
 * stack of their own: its own emulators, ports and console) runs in one group, two at a time, while
 * the integration files, which share one set of emulators, run one at a time afterwards. Vitest puts
 * every single-worker project in one sequential group, so without this each stack's file waited
 * for all the others, and a CPU-bound synth never overlapped a stack waiting on its JVM.
 */
const TWO_AT_A_TIME = { maxWorkers: 2, sequence: { groupOrder: 1 } } as const;
/**
 * The end-to-end files likewise, but in a group of their own, after the browser files: the group
 * builds the console into `web/dist/` once more (its global setup), which must never happen while a
 * browser file's stack reads it.
 */
const TWO_AT_A_TIME_AFTER_THE_BROWSER = { maxWorkers: 2, sequence: { groupOrder: 2 } } as const;

/** Integration files that use none of the shared emulators (see the `stacks` project). */
const STACK_FILES = [
  'test/integration/local-auth.test.ts',
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
          ...TWO_AT_A_TIME,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: STACK_FILES,
          // local-cleanup's `npm start` cases serve the console prebuilt (`KHBS_CONSOLE=prebuilt`).
          globalSetup: ['test/support/emulators.setup.ts', 'test/support/console-build.setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // The files that start stacks of their own (own emulators, ports and state folders) or none:
          // they share nothing, so they run two at a time beside the unit and infra files rather than
          // one by one in the integration group. local-cleanup stays there: its six `npm start` cases
          // at once need the machine to themselves.
          name: 'stacks',
          include: STACK_FILES,
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
          ...TWO_AT_A_TIME_AFTER_THE_BROWSER,
        },
      },
    ],
  },
});
