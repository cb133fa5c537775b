/**
 * Adds the family search's lookup attributes (gsi1 by No KK and NIK, gsi2 by desa and head's name:
 * `shared/adapters/keys.ts`) to the DTSEN snapshot items imported before the search existed. Reads
 * every kabupaten's snapshots and rewrites the items of both halves that lack them; items that have
 * them are left alone, so it may be run again. Prints counts only (no NIK, No KK or name).
 *
 *   TABLE_NAME=<table> npx tsx scripts/backfill-family-lookup.ts            # AWS (credentials, region from the env)
 *   AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:<port> TABLE_NAME=khbs-main npx tsx scripts/backfill-family-lookup.ts
 */
import { FamiliesRepository } from '#shared/adapters/families-repo.ts';
import { SnapshotsRepository } from '#shared/adapters/snapshots-repo.ts';
import { REGIONS } from '#shared/domain/regions.ts';

export async function backfillFamilyLookup(tableName: string): Promise<{ imports: number; items: number }> {
  const snapshots = new SnapshotsRepository(tableName);
  const families = new FamiliesRepository(tableName);
  let imports = 0;
  let items = 0;
  for (const region of REGIONS) {
    for (const snapshot of await snapshots.list(region.code, 1_000)) {
      for (const half of [snapshot.families, snapshot.members]) {
        if (!half) continue;
        imports++;
        items += await families.addLookup(half.importId);
      }
    }
  }
  return { imports, items };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) {
    console.error('TABLE_NAME is required');
    process.exit(2);
  }
  const result = await backfillFamilyLookup(tableName);
  console.log(`lookup attributes added to ${result.items} items of ${result.imports} imports`);
}
