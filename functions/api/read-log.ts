import { FamilyDirectoryRepository } from '#shared/adapters/family-directory-repo.ts';
import { env } from '#shared/config/env.ts';
import { actorOf, type Scope } from '#shared/http/caller.ts';
import type { BulkRead } from '#shared/model.ts';

let directory: FamilyDirectoryRepository | undefined;

/** The read log's writer, for the routes that show many families at once. */
export function readLog(): FamilyDirectoryRepository {
  directory ??= new FamilyDirectoryRepository(env().tableName);
  return directory;
}

/**
 * Logs one bulk read (UU PDP): who (from the token), when, through which route, and what it showed
 * (a desa's families in a tahap, a page of a KPM list), as one item keyed by what was read. Called
 * after the answer is computed and before it leaves; a failure fails the request, so a read that
 * cannot be logged is not served.
 */
export async function logBulkRead(
  scope: Scope,
  route: string,
  read: BulkRead,
  purpose?: string,
): Promise<void> {
  await readLog().logReads([
    { read, at: new Date().toISOString(), who: actorOf(scope), route, ...(purpose ? { purpose } : {}) },
  ]);
}
