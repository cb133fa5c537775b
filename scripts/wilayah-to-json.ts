/**
 * Regenerates `shared/data/wilayah-62.json` from `shared/data/wilayah-62.csv` (the source of truth):
 * an array of `[kode, nama]` pairs, one per line, so runtime code can import the list as a module
 * instead of reading a file. Run after any change to the CSV: `npx tsx scripts/wilayah-to-json.ts`.
 * `test/unit/wilayah-data.test.ts` fails while the two differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseWilayahCsv, WILAYAH_CSV_PATH, WILAYAH_JSON_PATH, wilayahJson } from './wilayah-csv.ts';

const csvPath = WILAYAH_CSV_PATH;
const jsonPath = WILAYAH_JSON_PATH;

const pairs = parseWilayahCsv(readFileSync(csvPath, 'utf8'));
writeFileSync(jsonPath, wilayahJson(pairs));
console.log(`Wrote ${pairs.length} entries to ${jsonPath}`);
