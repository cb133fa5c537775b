import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { parse } from 'csv-parse';
import { FileRejection, type SourceRecord } from './source.ts';

/**
 * Reads CSV as Indonesian offices produce it: UTF-8 with or without BOM, or Windows-1252 when Excel
 * saved "CSV (Comma delimited)" in a Windows code page; `,`, `;` or `|` between fields (Excel with
 * Indonesian regional settings writes `;`, DTSEN extracts often `|`); CRLF or LF; quoted fields with embedded delimiters and
 * line breaks. Streams: memory stays bounded by one record.
 *
 * The delimiter is decided from the first lines (see {@link sniffDelimiter}) and reported through
 * `onDelimiter`, so the error report can use the same one (it then opens correctly in the
 * operator's own Excel); a pipe-separated file gets a `;` report, which Excel opens.
 */
export async function* readCsvRecords(
  input: Readable,
  onDelimiter?: (delimiter: ',' | ';') => void,
): AsyncGenerator<SourceRecord> {
  const decoded = decode(input);
  const first = await decoded.next();
  if (first.done) return;
  const delimiter = sniffDelimiter(first.value);
  onDelimiter?.(delimiter === '|' ? ';' : delimiter);

  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    info: true,
    // A record longer than this means a wrong delimiter or a runaway quote, not a real row.
    max_record_size: 64 * 1024,
  });
  // Feed the parser from the decoded text, honouring its back-pressure.
  const feeding = (async () => {
    try {
      if (!parser.write(first.value)) await onceDrained(parser);
      for await (const text of decoded) {
        if (!parser.write(text)) await onceDrained(parser);
      }
      parser.end();
    } catch (error) {
      parser.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();

  try {
    // Excel shows one row per record (a quoted line break stays inside its cell, and blank lines are
    // rows too), so the row an operator looks for is the record's ordinal, not the physical line.
    for await (const entry of parser as AsyncIterable<{ record: string[]; info: { records: number } }>) {
      yield { row: entry.info.records, cells: entry.record };
    }
  } catch (error) {
    if (error instanceof FileRejection) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new FileRejection(
      'FILE_UNREADABLE',
      `Berkas CSV tidak dapat dibaca (${message.slice(0, 120)}). Simpan ulang dari Excel sebagai "CSV UTF-8" lalu unggah kembali.`,
    );
  } finally {
    // The consumer may stop early (a limit was hit): stop reading the object too.
    if (!parser.writableFinished) parser.destroy();
    input.destroy();
    await feeding;
  }
}

/** Decides between `,`, `;` and `|` by counting them outside quotes in the first lines (a tie: `,`). */
export function sniffDelimiter(sample: string): ',' | ';' | '|' {
  let commas = 0;
  let semicolons = 0;
  let pipes = 0;
  let quoted = false;
  let lines = 0;
  for (const char of sample) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ',') commas++;
    else if (!quoted && char === ';') semicolons++;
    else if (!quoted && char === '|') pipes++;
    else if (!quoted && char === '\n' && ++lines >= 50) break;
  }
  if (pipes > commas && pipes > semicolons) return '|';
  return semicolons > commas ? ';' : ',';
}

/**
 * Decodes the byte stream to text. UTF-8 is tried first on the first 64 KB; bytes that are not
 * valid UTF-8 mean a Windows code page (Excel's "CSV (Comma delimited)"), decoded as Windows-1252.
 */
async function* decode(input: Readable): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  let head: Buffer[] = [];
  let headBytes = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    if (!decoder) {
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < 64 * 1024) continue;
      const joined = Buffer.concat(head);
      head = [];
      decoder = chooseDecoder(joined);
      yield decoder.decode(joined, { stream: true });
      continue;
    }
    yield decoder.decode(chunk, { stream: true });
  }
  if (!decoder) {
    const joined = Buffer.concat(head);
    decoder = chooseDecoder(joined);
    yield decoder.decode(joined);
    return;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

function chooseDecoder(sample: Buffer): TextDecoder {
  try {
    // A sample cut inside a multi-byte character is still valid UTF-8 in streaming mode.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return new TextDecoder('utf-8');
  } catch {
    return new TextDecoder('windows-1252');
  }
}

/** Resolves when the parser wants more input, or can take none because it was closed. */
const onceDrained = (stream: NodeJS.WritableStream & NodeJS.EventEmitter) =>
  new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
