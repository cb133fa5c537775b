/**
 * A list scope's registry (`listScope(kind, period)`: a BKK period, or a KPM tahap) as the automatic
 * checks hold it in memory: every live list's recipients, indexed by NIK and by their second key, so a list is checked against all the others without a look-up per
 * recipient. Plain data and rules, no AWS: `shared/adapters/registry-repo.ts` stores the entries as
 * a few chunk items per list and reads them back in bulk.
 *
 * A chunk holds up to {@link REGISTRY_CHUNK_ENTRIES} entries as text, one per line:
 * `<nik>|<account>|<row>|<peran>` (digits, digits, digits, a role code: none can hold `|` or a line
 * break). What the second field holds depends on the kind of list:
 * - BKK: the recipient's account number (one entry per recipient; `peran` its role);
 * - KPM: the family's No KK (one entry per member of the family, and one for the penerima should
 *   they not be a member; `peran` is `KPM`), so "same account" reads "same family" there. The list's region, proposal and id are on the chunk, and the recipient's id is
 * `<listId>.<row>`, so an entry is ~50 bytes and a 300,000-recipient province ~15 MB of text.
 */

import type { AccountHit, NikHit, RegistryHits } from './checks.ts';

/** Entries per chunk item: ≤ ~120 KB of text each, well under DynamoDB's 400 KB item limit. */
export const REGISTRY_CHUNK_ENTRIES = 2000;

/** What one recipient (BKK) or one member of a family (KPM) puts in the registry. */
export interface RegistryRow {
  readonly nik: string;
  /** BKK: the account number; KPM: the family's No KK (see above). */
  readonly noRekening: string;
  readonly row: number;
  readonly peran: string;
}

/** The list a chunk's entries belong to. */
export interface RegisteredList {
  readonly region: string;
  readonly proposalId: string;
  readonly listId: string;
}

const SEPARATOR = '|';

/** One entry as a chunk line. */
export function encodeRegistryRow(row: RegistryRow): string {
  return `${row.nik}${SEPARATOR}${row.noRekening}${SEPARATOR}${row.row}${SEPARATOR}${row.peran}`;
}

/** A chunk's text: its entries, one per line. */
export const encodeRegistryChunk = (rows: readonly RegistryRow[]): string =>
  rows.map(encodeRegistryRow).join('\n');

/**
 * The entries of a chunk's text.
 * @throws Error on a line that is not an entry (a corrupt item must not pass unnoticed: it would
 * hide conflicts). The message names the line's position, never its content.
 */
export function* decodeRegistryChunk(text: string): Generator<RegistryRow> {
  if (text === '') return;
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    const end = text.indexOf('\n', start);
    const stop = end < 0 ? text.length : end;
    const parts = text.slice(start, stop).split(SEPARATOR);
    const [nik, noRekening, row, peran] = parts;
    if (parts.length !== 4 || !nik || !noRekening || !row || !peran || !/^\d+$/.test(row)) {
      throw new Error(`registry chunk line ${line + 1} is not an entry`);
    }
    yield { nik, noRekening, row: Number(row), peran };
    line++;
    if (end < 0) break;
    start = end + 1;
  }
}

/** One entry, indexed: its list shared with the list's other entries. */
interface IndexedEntry {
  readonly list: RegisteredList;
  readonly nik: string;
  readonly row: number;
  readonly peran: string;
}

/**
 * Every entry of the lists added, by NIK and by account. Holds what the reader decided counts (the
 * caller adds live lists only, {@link isLive} in `checks.ts`); answers in the shape of the per-recipient
 * look-ups it replaces, so {@link crossFlags} and {@link conflictingProposals} are unchanged.
 */
export class RegistryIndex {
  private readonly byNik = new Map<string, IndexedEntry[]>();
  private readonly byAccount = new Map<string, IndexedEntry[]>();
  private entryCount = 0;

  /** Entries held. */
  get size(): number {
    return this.entryCount;
  }

  add(list: RegisteredList, row: RegistryRow): void {
    const entry: IndexedEntry = { list, nik: row.nik, row: row.row, peran: row.peran };
    push(this.byNik, row.nik, entry);
    push(this.byAccount, row.noRekening, entry);
    this.entryCount++;
  }

  /**
   * What the registry holds for one recipient's NIK and account. As the per-NIK entries did, one
   * NIK hit per list (a list holds a NIK once) and one account hit per NIK and list, in a stable
   * order.
   */
  hits(nik: string, account: string): RegistryHits {
    const niks: NikHit[] = [];
    const byNik = this.byNik.get(nik) ?? NONE;
    const lists = byNik.length > 1 ? new Set<RegisteredList>() : undefined;
    for (const entry of byNik) {
      if (lists?.has(entry.list)) continue;
      lists?.add(entry.list);
      niks.push({ ...listFields(entry.list), recipientId: recipientIdOf(entry), peran: entry.peran });
    }
    const accounts: AccountHit[] = [];
    const byAccount = this.byAccount.get(account) ?? NONE;
    const holders = byAccount.length > 1 ? new Set<string>() : undefined;
    for (const entry of byAccount) {
      const holder = `${entry.nik}#${entry.list.listId}`;
      if (holders?.has(holder)) continue;
      holders?.add(holder);
      accounts.push({
        ...listFields(entry.list),
        recipientId: recipientIdOf(entry),
        row: entry.row,
        nik: entry.nik,
      });
    }
    // In the order the per-NIK and per-account partitions gave (by region; by NIK, then region):
    // lists are read in parallel, and a detail must not change with the order they arrived in.
    if (niks.length > 1) niks.sort((x, y) => compare(x.region, y.region));
    if (accounts.length > 1) accounts.sort((x, y) => compare(x.nik, y.nik) || compare(x.region, y.region));
    return { niks, accounts };
  }

  /**
   * The rows of list `listId` holding `nik`, every one (where {@link hits} gives one per list): a KPM
   * list may hold a NIK in two families, which is itself a finding.
   */
  rowsOf(nik: string, listId: string): number[] {
    const rows: number[] = [];
    for (const entry of this.byNik.get(nik) ?? NONE) if (entry.list.listId === listId) rows.push(entry.row);
    return rows;
  }
}

const NONE: readonly IndexedEntry[] = [];

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function push(map: Map<string, IndexedEntry[]>, key: string, entry: IndexedEntry): void {
  const entries = map.get(key);
  if (entries) entries.push(entry);
  else map.set(key, [entry]);
}

const listFields = (list: RegisteredList) => ({
  region: list.region,
  proposalId: list.proposalId,
  listId: list.listId,
});

/** The recipient id of an entry (`<listId>.<row>`, as `shared/adapters/keys.ts` builds it). */
const recipientIdOf = (entry: IndexedEntry) => `${entry.list.listId}.${entry.row}`;
