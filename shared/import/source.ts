import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { ObjectStore } from '../adapters/object-store.ts';

/** One record of a spreadsheet-like file: its 1-based source row and its cells as text. */
export interface SourceRecord {
  readonly row: number;
  readonly cells: readonly string[];
}

/** A whole-file problem that stops the import: the file is refused with this code and message. */
export class FileRejection extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FileRejection';
  }
}

/**
 * Passes bytes through while hashing them (SHA-256, to recognise the same file uploaded twice) and
 * counting them, and fails the stream as soon as the file is larger than allowed, so an oversized
 * object is never read to its end.
 */
export class MeteredStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(fileTooLarge(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** Hex SHA-256 of everything that passed; call once the stream has ended. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * An object's bytes through a {@link MeteredStream}: counted, hashed, and cut off past `maxBytes`.
 * Reading may stop early (a limit, a refused file): the download stops with it.
 */
export async function readMetered(
  objects: Pick<ObjectStore, 'read'>,
  object: { readonly bucket: string; readonly key: string },
  maxBytes: number,
): Promise<MeteredStream> {
  const metered = new MeteredStream(maxBytes);
  const body = await objects.read(object.bucket, object.key);
  body.on('error', (error) => metered.destroy(error));
  metered.on('close', () => body.destroy());
  body.pipe(metered);
  return metered;
}

export const fileTooLarge = (maxBytes: number) =>
  new FileRejection(
    'FILE_TOO_LARGE',
    `Ukuran berkas melebihi batas ${formatMegabytes(maxBytes)}. Pecah daftar atau hapus kolom yang tidak diperlukan, lalu unggah ulang.`,
  );

export const formatMegabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;
