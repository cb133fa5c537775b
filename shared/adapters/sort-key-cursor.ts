import { BadRequestError } from '../errors.ts';

/**
 * A page cursor that names one sort key and nothing else: `{ s: <sort key> }` as base64url JSON.
 * The partition always comes from the query itself, never from the cursor, and a cursor is read
 * back only when its sort key has the shape the listing writes (`pattern`), so a cursor forged or
 * taken from another listing is refused (400) rather than used to start elsewhere.
 */
export const encodeSortKeyCursor = (sk: string): string =>
  Buffer.from(JSON.stringify({ s: sk })).toString('base64url');

/** The sort key a cursor names; {@link BadRequestError} for anything {@link encodeSortKeyCursor} did not make. */
export function decodeSortKeyCursor(cursor: string, pattern: RegExp): string {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      Object.keys(value).length === 1 &&
      's' in value &&
      typeof value.s === 'string' &&
      pattern.test(value.s)
    ) {
      return value.s;
    }
  } catch {
    // Falls through to the refusal.
  }
  throw new BadRequestError('Penanda halaman (cursor) tidak sah. Muat ulang daftar dari awal.', {
    reason: 'INVALID_CURSOR',
  });
}
