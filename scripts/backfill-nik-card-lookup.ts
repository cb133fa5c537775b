/**
 * Adds the NIK → card lookup item (`NIKCARD#<nik>` / `CARD#<number>`: `shared/adapters/keys.ts`) of
 * every card numbered before the lookup existed, so that the EDC import's NIK_DUA_KARTU sees those
 * cards too. Walks each kabupaten's cards (`CARDS#<region>`, paged) and writes only the missing
 * items; a card that has its item is left alone, so it may be run again (a second run writes 0).
 * One kabupaten when its code is given, else all 14. Prints counts only (no NIK or card number).
 *
 *   TABLE_NAME=<table> npx tsx scripts/backfill-nik-card-lookup.ts [62.03]     # AWS (credentials, region from the env)
 *   AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:<port> TABLE_NAME=khbs-main npx tsx scripts/backfill-nik-card-lookup.ts
 */
import { DistributionRepository } from '#shared/adapters/distribution-repo.ts';
import { isRegionCode, REGIONS } from '#shared/domain/regions.ts';

export interface NikCardBackfill {
  readonly region: string;
  /** Lookup items written (cards that had none). */
  readonly written: number;
  /** Cards whose lookup item was there already. */
  readonly present: number;
}

export async function backfillNikCardLookup(
  tableName: string,
  regions: readonly string[] = REGIONS.map((region) => region.code),
): Promise<NikCardBackfill[]> {
  const distribution = new DistributionRepository(tableName);
  const done: NikCardBackfill[] = [];
  for (const region of regions) {
    if (!isRegionCode(region)) throw new Error(`not a kabupaten/kota code: ${region}`);
    done.push({ region, ...(await distribution.addNikCardLookup(region)) });
  }
  return done;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) {
    console.error('TABLE_NAME is required');
    process.exit(2);
  }
  const regions = process.argv.slice(2);
  const done = await backfillNikCardLookup(tableName, regions.length > 0 ? regions : undefined);
  for (const { region, written, present } of done) {
    console.log(`${region}: NIK → card lookup written for ${written} cards, ${present} had it already`);
  }
}
