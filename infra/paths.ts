import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root, found from this file's own location so that `cdk synth` (run from the root)
 * and the infra tests (run by vitest from anywhere) resolve the same handler files.
 */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The lock file that pins what the functions bundle (NodejsFunction's `depsLockFilePath`). */
export const LOCK_FILE = join(REPO_ROOT, 'package-lock.json');

/** An entry module named relative to the repository root, as `functions/api/routes.ts` names them. */
export function repoPath(relative: string): string {
  if (isAbsolute(relative)) throw new Error(`Expected a path relative to the repository root: ${relative}`);
  return join(REPO_ROOT, relative);
}
