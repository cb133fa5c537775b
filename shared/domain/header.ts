/**
 * Finding the header row of an office file and what each of its cells names: one reader for every
 * kind of file the system imports (recipient lists, bank reports, DTSEN extracts, exclusion lists,
 * verval results), each kind giving its columns, their spellings and what makes a row its header.
 * Offices write headers freely ("No. NIK", "Nama Lengkap", "Desa/Kelurahan"), often below a few
 * title rows; matching ignores case, spaces, punctuation and a note in brackets.
 */
import { compactKey } from './text.ts';

/**
 * Header text → matching key: a note in brackets ("NIK (16 digit)") and required-field stars are
 * dropped, then case, spaces and punctuation.
 */
export function headerKey(text: string): string {
  const key = compactKey(text.replace(/\([^)]*\)|\[[^\]]*\]/g, ' '));
  return key === '' ? compactKey(text) : key;
}

export interface HeaderMatch<C extends string> {
  /** Cell index (0-based) → column. */
  readonly columns: ReadonlyMap<number, C>;
  /** Required columns this header lacks: the file cannot be imported without them. */
  readonly missing: C[];
  /** Header texts that name no column (and repeats of a column already found); their cells are not read. */
  readonly unknown: string[];
}

export interface HeaderSpec<C extends string> {
  /** Every column's spellings, compared after {@link headerKey}. */
  readonly aliases: Readonly<Record<C, readonly string[]>>;
  readonly required: readonly C[];
  /** Whether the columns a row names make it the header (a title row or a data row names few or none). */
  isHeader(found: ReadonlySet<C>): boolean;
  /** Header keys that are not data and not worth a mention (a running-number column). */
  readonly ignored?: ReadonlySet<string>;
}

export interface HeaderReader<C extends string> {
  /** The column that a header cell names, or undefined. */
  columnFor(text: string): C | undefined;
  /**
   * Reads `cells` as a header row: a match only when the spec says the row is one. The first cell
   * naming a column wins.
   */
  detect(cells: readonly string[]): HeaderMatch<C> | undefined;
}

export function headerReader<C extends string>(spec: HeaderSpec<C>): HeaderReader<C> {
  const columnByKey = new Map<string, C>();
  for (const [column, aliases] of Object.entries(spec.aliases) as [C, readonly string[]][]) {
    for (const alias of aliases) columnByKey.set(headerKey(alias), column);
  }
  const ignored = spec.ignored ?? new Set<string>();
  return {
    columnFor: (text) => columnByKey.get(headerKey(text)),
    detect(cells) {
      const columns = new Map<number, C>();
      const found = new Set<C>();
      const unknown: string[] = [];
      cells.forEach((cell, index) => {
        const text = cell.trim();
        const key = headerKey(text);
        if (key === '' || ignored.has(key)) return;
        const column = columnByKey.get(key);
        if (!column || found.has(column)) {
          unknown.push(text);
          return;
        }
        columns.set(index, column);
        found.add(column);
      });
      if (!spec.isHeader(found)) return undefined;
      return { columns, missing: spec.required.filter((column) => !found.has(column)), unknown };
    },
  };
}
