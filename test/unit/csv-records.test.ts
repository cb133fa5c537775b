import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsvRecords, sniffDelimiter } from '#shared/import/csv-records.ts';

async function collect(text: string | Buffer, chunkSize = 7) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  // Small chunks: multi-byte characters and CRLF pairs get split across reads.
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const out: { row: number; cells: readonly string[] }[] = [];
  for await (const record of readCsvRecords(Readable.from(chunks))) out.push(record);
  return out;
}

describe('readCsvRecords', () => {
  it('numbers rows as Excel shows them, whatever line breaks sit inside quotes', async () => {
    const records = await collect('Judul\r\n\r\nNIK;Nama\r\n1;"baris\r\ndua"\r\n\r\n2;Budi\r\n');
    expect(records.map((record) => [record.row, record.cells[0]])).toEqual([
      [1, 'Judul'],
      [2, ''],
      [3, 'NIK'],
      [4, '1'],
      [5, ''],
      [6, '2'],
    ]);
    expect(records[3]?.cells[1]).toBe('baris\r\ndua');
  });

  it('strips the BOM and keeps UTF-8 text split across chunks', async () => {
    const records = await collect('\uFEFFNIK,Nama\n1,Évi Sëlamat\n', 3);
    expect(records[0]?.cells).toEqual(['NIK', 'Nama']);
    expect(records[1]?.cells[1]).toBe('Évi Sëlamat');
  });

  it('reads Windows-1252 bytes that are not valid UTF-8', async () => {
    const records = await collect(Buffer.from('NIK;Nama\n1;José\n', 'latin1'));
    expect(records[1]?.cells[1]).toBe('José');
  });

  it('picks ; or , from the first lines, ignoring quoted text', () => {
    expect(sniffDelimiter('NIK;Nama;Peran\n1;"A, B";C\n')).toBe(';');
    expect(sniffDelimiter('NIK,Nama,Peran\n1,"A; B",C\n')).toBe(',');
    expect(sniffDelimiter('NO_KK|NIK|NAMA\n6203|6203|"A, B; C"\n')).toBe('|');
  });
});
