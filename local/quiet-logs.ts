/**
 * Imported first (before anything that loads `shared/logger.ts`) by commands that print their own
 * tables (`npm run demo`): the functions they run in-process log at WARN, so their INFO lines do not
 * interleave with the output. `VERBOSE=1` or `--verbose` shows every line (INFO); an explicit
 * `POWERTOOLS_LOG_LEVEL` wins. The business metrics (EMF lines) follow the same switch. It must run before the logger is built: Powertools puts the level
 * back to the one it was built with on every invocation, so a later `setLogLevel` would not last.
 */
export const VERBOSE = process.env.VERBOSE === '1' || process.argv.slice(2).includes('--verbose');
process.env.POWERTOOLS_LOG_LEVEL ??= VERBOSE ? 'INFO' : 'WARN';
// The business metrics' EMF lines (`shared/observability/telemetry.ts`) are shown with the INFO lines.
process.env.POWERTOOLS_METRICS_DISABLED ??= VERBOSE ? 'false' : 'true';
