import { logger } from '#shared/logger.ts';

type Level = Parameters<typeof logger.setLogLevel>[0];

/**
 * Runs `work` with the shared Powertools logger at `level`, then puts the level back. Tests run with
 * `POWERTOOLS_LOG_LEVEL=WARN` unless `VERBOSE=1` (see `vitest.config.ts`), so a test that reads the
 * INFO lines it checks asks for them here. Only for code called directly: a handler wrapped in
 * Powertools' `injectLambdaContext` puts the level back to the one the logger was built with on each
 * invocation (set `POWERTOOLS_LOG_LEVEL` in `vi.hoisted` there, as `local-logs.test.ts` does).
 */
export async function atLogLevel<T>(level: Level, work: () => Promise<T>): Promise<T> {
  const before = logger.getLevelName();
  logger.setLogLevel(level);
  try {
    return await work();
  } finally {
    logger.setLogLevel(before);
  }
}
