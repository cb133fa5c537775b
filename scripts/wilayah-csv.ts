import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

/** The shipped data files: the CSV is the source of truth, the JSON is generated from it. */
const DATA_DIR = join(fileURLToPath(new URL('..', import.meta.url)), 'shared', 'data');
export const WILAYAH_CSV_PATH = join(DATA_DIR, 'wilayah-62.csv');
export const WILAYAH_JSON_PATH = join(DATA_DIR, 'wilayah-62.json');

/** One entry of the official list: Kemendagri code and name. */
export type WilayahPair = readonly [kode: string, nama: string];

const CODE = /^62(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/;

/**
 * Reads `wilayah-62.csv` (`kode,nama`, header first) strictly: a malformed code, an empty name or a
 * repeated code stops the conversion rather than shipping a broken list.
 */
export function parseWilayahCsv(text: string): WilayahPair[] {
  const records: string[][] = parse(text, { bom: true, skip_empty_lines: true, trim: true });
  const [header, ...rows] = records;
  if (header?.join(',') !== 'kode,nama') throw new Error(`Unexpected header: ${header?.join(',')}`);
  const seen = new Set<string>();
  return rows.map((row, index) => {
    const [kode, nama] = row;
    if (row.length !== 2 || kode === undefined || nama === undefined || !CODE.test(kode) || nama === '') {
      throw new Error(`Malformed line ${index + 2}: ${row.join(',')}`);
    }
    if (seen.has(kode)) throw new Error(`Repeated code ${kode} on line ${index + 2}`);
    seen.add(kode);
    return [kode, nama] as const;
  });
}

/** The JSON text: one pair per line, so a change to the list reads as a small diff. */
export const wilayahJson = (pairs: readonly WilayahPair[]): string =>
  `[\n${pairs.map((pair) => JSON.stringify(pair)).join(',\n')}\n]\n`;
