import { buildConsole } from '../../local/console.ts';

/**
 * Global setup of the projects whose stacks serve the console (`integration` for `npm start`, `browser`, `e2e`): it is
 * built once for the run, before any file starts its stack (`console: 'prebuilt'`,
 * `KHBS_CONSOLE=prebuilt`), so files running at the same time never rebuild `web/dist/` under
 * each other.
 */
export default async function setup(): Promise<void> {
  // Several projects name this setup, each loading it afresh: one build for
  // the whole run, shared through the main process's global object, never two writing at once.
  const shared = globalThis as { khbsConsoleBuild?: Promise<{ ms: number }> };
  const first = shared.khbsConsoleBuild === undefined;
  shared.khbsConsoleBuild ??= buildConsole();
  const { ms } = await shared.khbsConsoleBuild;
  if (first) console.error(`console built in ${Math.round(ms)} ms`);
}
