/**
 * Text normalisation shared by the matching rules (regions, kecamatan, desa, roles, column headers).
 * Uploaded files are typed by hand in many offices: the same name arrives as "Kec. Kumai", "KUMAI",
 * "kumai " or "Sei Rungun" for the official "Sei. Rungun", so every lookup compares normalised keys,
 * never raw text.
 */

/** Whitespace Excel and web forms leave behind that `\s` does not cover (zero-width space, word joiner). */
const INVISIBLE = /[\u200B-\u200D\u2060]/g;
const SPACES = /\s+/g;

/** Anything {@link foldSpaces} would change; most cells have none, and skip the replacing. */
const NEEDS_FOLDING = /^\s|\s$|\s\s|[^\S ]|[\u200B-\u200D\u2060]/;

/**
 * Control characters, format characters (bidi overrides such as U+202E, zero-width joiners, BOM)
 * and the line and paragraph separators: what makes text read differently from what is stored.
 */
export const UNSAFE_CHARACTER = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const UNSAFE_CHARACTERS = new RegExp(UNSAFE_CHARACTER.source, 'gu');

/** One line of text to show a person (a name in the audit trail): unsafe characters as spaces, folded. */
export const safeLine = (value: string): string => foldSpaces(value.replace(UNSAFE_CHARACTERS, ' '));

/** Trims and folds every run of whitespace (including non-breaking spaces) into one plain space. */
export function foldSpaces(value: string): string {
  if (!NEEDS_FOLDING.test(value)) return value;
  return value.replace(INVISIBLE, '').replace(SPACES, ' ').trim();
}

const COMBINING_MARKS = /\p{M}+/gu;
const NON_ALPHANUMERIC = /[^a-z0-9]+/;
/** Printable ASCII: nothing to decompose. */
const ASCII = /^[ -~]*$/;

/**
 * Lower-case words of `value` without accents or punctuation: `"Kec. Kumai-Hulu"` →
 * `['kec', 'kumai', 'hulu']`.
 */
export function words(value: string): string[] {
  // Decomposing accents is the costly step, and most text is plain ASCII.
  const plain = ASCII.test(value) ? value : value.normalize('NFKD').replace(COMBINING_MARKS, '');
  return plain
    .toLowerCase()
    .split(NON_ALPHANUMERIC)
    .filter((word) => word !== '');
}

/**
 * Abbreviations that Kalimantan Tengah place names are written with, in both directions: the
 * official list itself has "Sei. Rungun" next to "Sungai Cabang", and "Gn. Bintang Awai". Roman
 * numerals become digits so that "Patas I" and "Patas 1" meet.
 */
const PLACE_WORDS: ReadonlyMap<string, string> = new Map([
  ['sei', 'sungai'],
  ['sui', 'sungai'],
  ['sg', 'sungai'],
  ['sgi', 'sungai'],
  ['gn', 'gunung'],
  ['gng', 'gunung'],
  ['gunun', 'gunung'],
  ['tbg', 'tumbang'],
  ['tb', 'tumbang'],
  ['tj', 'tanjung'],
  ['tjg', 'tanjung'],
  ['tg', 'tanjung'],
  ['i', '1'],
  ['ii', '2'],
  ['iii', '3'],
  ['iv', '4'],
  ['v', '5'],
  ['vi', '6'],
  ['vii', '7'],
  ['viii', '8'],
  ['ix', '9'],
  ['x', '10'],
]);

/**
 * Remembers the last few thousand results of a key function. A file repeats the same kecamatan,
 * desa and role text on thousands of rows, so most lookups are served from here; the cap keeps a
 * file of unique values from growing it without bound.
 */
export function memoize(compute: (value: string) => string, capacity = 5_000): (value: string) => string {
  const cache = new Map<string, string>();
  return (value) => {
    let key = cache.get(value);
    if (key === undefined) {
      if (cache.size >= capacity) cache.clear();
      key = compute(value);
      cache.set(value, key);
    }
    return key;
  };
}

/** A key with no spaces, so "Palangka Raya" and "Palangkaraya", "Kota Besi" and "Kotabesi" meet. */
export const compactKey: (value: string) => string = memoize((value) => words(value).join(''));

/**
 * The matching key of a place name: words as in {@link words}, the leading words in `prefixes`
 * removed (e.g. `kec`, `kecamatan`), abbreviations expanded, then joined without spaces.
 */
export function placeKey(value: string, prefixes: ReadonlySet<string> = NO_PREFIXES): string {
  const list = words(value);
  let start = 0;
  // Keep at least one word: a place may be named like a prefix.
  while (start < list.length - 1 && prefixes.has(list[start] ?? '')) start++;
  let key = '';
  for (let i = start; i < list.length; i++) {
    const word = list[i] ?? '';
    key += PLACE_WORDS.get(word) ?? word;
  }
  return key;
}

const NO_PREFIXES: ReadonlySet<string> = new Set();

/**
 * Levenshtein distance between `a` and `b`, or `limit + 1` as soon as it is known to exceed
 * `limit` (suggestions only care about small distances, and the lists are short).
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}

/** How many typing mistakes a suggestion may undo, by the length of the key. */
export const suggestionLimit = (key: string): number => (key.length <= 4 ? 1 : key.length <= 8 ? 2 : 3);

/**
 * The candidate closest to `key` within {@link suggestionLimit}, or undefined when none is close
 * enough or two are equally close (a coin-flip suggestion would mislead more than it helps).
 */
export function closest<T>(key: string, candidates: Iterable<readonly [string, T]>): T | undefined {
  if (key === '') return undefined;
  const limit = suggestionLimit(key);
  let best: T | undefined;
  let bestDistance = limit + 1;
  let tie = false;
  for (const [candidateKey, value] of candidates) {
    const distance = editDistance(key, candidateKey, limit);
    if (distance < bestDistance) {
      best = value;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance && distance <= limit && value !== best) {
      tie = true;
    }
  }
  return bestDistance <= limit && !tie ? best : undefined;
}

/**
 * A name as a search compares it: lower case, accents dropped (`É` → `e`), any run of spaces or
 * punctuation between words as one space. `Siti  Nur'aini` and `siti nuraini` differ only in the
 * apostrophe, which is dropped too, so both read `siti nuraini`. Used by the recipient search and
 * by the family name index (`keys.ts`), so both normalise alike.
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['\u2019`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
