import { buildConsole } from '../../local/console.ts';

/**
 * Global setup of the `browser` project: the console is built once for the run, before any file
 * starts its stack (`console: 'prebuilt'`), so files running at the same time never rebuild
 * `web/dist/` under each other.
 */
export default async function setup(): Promise<void> {
  const { ms } = await buildConsole();
  console.error(`console built in ${Math.round(ms)} ms`);
}
