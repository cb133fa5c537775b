import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, type Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { safeCell } from '../domain/report.ts';

/** Where a file's bytes go: `ObjectStore.openWrite` (a multipart upload), or {@link memoryTarget}. */
export interface FileTarget {
  readonly stream: Writable;
  readonly done: () => Promise<void>;
}

/**
 * A target that collects the bytes and hands them to `store` at the end (one PutObject): for a
 * route, whose bundle carries no multipart uploader, and a file of a few MB at most.
 */
export function memoryTarget(store: (body: Buffer) => Promise<void>): FileTarget {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(stream, 'end');
  ended.catch(() => undefined);
  return {
    stream,
    done: async () => {
      await ended;
      await store(Buffer.concat(chunks));
    },
  };
}

/** What a written file is: its data rows, its bytes and their SHA-256 (for whoever receives it). */
export interface WrittenFile {
  readonly key: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Writes a generated file (a print file, a bank or BULOG file) as CSV the way Excel in an Indonesian
 * office opens it (UTF-8 with BOM, `;` between cells, CRLF), streamed into S3 as a multipart upload:
 * memory stays at a few parts whatever the number of rows (with an upload as the target). Every cell goes through `safeCell`, so
 * a name that begins with `=` is text, not a formula. The SHA-256 is of the bytes as stored.
 */
export async function writeCsvFile(
  target: FileTarget,
  key: string,
  header: readonly string[],
  rows: AsyncIterable<readonly (string | number)[]> | Iterable<readonly (string | number)[]>,
): Promise<WrittenFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  const csv = stringify({ delimiter: ';', bom: true, record_delimiter: '\r\n' });
  csv.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  csv.pipe(target.stream);
  const write = async (cells: readonly (string | number)[]) => {
    if (!csv.write(cells.map((cell) => (typeof cell === 'number' ? String(cell) : safeCell(cell))))) {
      await once(csv, 'drain');
    }
  };
  let count = 0;
  try {
    await write(header);
    for await (const row of rows) {
      await write(row);
      count++;
    }
  } catch (error) {
    // Abort the multipart upload: a file cut short must never be stored as if whole.
    csv.destroy();
    target.stream.destroy(error instanceof Error ? error : new Error(String(error)));
    await target.done().catch(() => undefined);
    throw error;
  }
  csv.end();
  await target.done();
  return { key, rows: count, bytes, sha256: hash.digest('hex') };
}
