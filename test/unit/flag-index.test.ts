import { describe, expect, it } from 'vitest';
import type { BatchWriter } from '#shared/adapters/batch-writer.ts';
import {
  flagIndexKey,
  flagIndexSortKey,
  parseFlagIndexSortKey,
  ROW_SK_FIRST,
  ROW_SK_LAST,
  recipientKey,
  rowSortKey,
} from '#shared/adapters/keys.ts';
import { FlagIndex, indexedCodes, recipientItems } from '#shared/adapters/recipients-repo.ts';
import { FLAG_CODES } from '#shared/domain/checks.ts';
import { WARNING_CODES } from '#shared/domain/issues.ts';

const CODES = [...WARNING_CODES, ...FLAG_CODES];

const recipient = {
  nik: '6201011203850001',
  nama: 'Warga Satu',
  peran: 'BABINSA',
  kecamatanCode: '62.01.01',
  kecamatan: 'Kumai',
  noRekening: '1000000001',
} as const;

/** A BatchWriter stand-in that records what it is asked to write. */
function recordingWriter() {
  const puts: Record<string, unknown>[] = [];
  const deletes: Record<string, unknown>[] = [];
  const writer = {
    put: async (item: Record<string, unknown>) => {
      puts.push(item);
    },
    delete: async (key: Record<string, unknown>) => {
      deletes.push(key);
    },
  } as unknown as BatchWriter;
  return { writer, puts, deletes };
}

describe('flag index keys', () => {
  it('sort every entry after every recipient of the partition, and read back their code and row', () => {
    for (const code of CODES) {
      const sk = flagIndexSortKey(code, 42);
      expect(sk > ROW_SK_LAST, code).toBe(true);
      expect(parseFlagIndexSortKey(sk)).toEqual({ code, row: 42 });
    }
    expect(rowSortKey(1) >= ROW_SK_FIRST && rowSortKey(9_999_999) <= ROW_SK_LAST).toBe(true);
    expect(parseFlagIndexSortKey(rowSortKey(42))).toBeUndefined();
    expect(parseFlagIndexSortKey('F#NIK_CLEANED#42')).toBeUndefined();
  });

  it('put an entry in its recipient’s partition', () => {
    expect(flagIndexKey('L1', 'NIK_CLEANED', 70).pk).toBe(recipientKey('L1', 70).pk);
  });
});

describe('recipientItems', () => {
  it('is the recipient, then one entry per distinct warning or flag code', () => {
    const [item, ...entries] = recipientItems('L1', 70, {
      ...recipient,
      warnings: ['NIK_CLEANED', 'NIK_OTHER_REGION', 'NIK_CLEANED'],
      flags: [
        { code: 'NIK_OTHER_REGION', severity: 'warning' },
        { code: 'NIK_IN_OTHER_LIST', severity: 'blocking', detail: 'x' },
      ],
    });
    expect(item).toMatchObject({
      ...recipientKey('L1', 70),
      recipientId: 'L1.70',
      row: 70,
      nik: recipient.nik,
      warnings: ['NIK_CLEANED', 'NIK_OTHER_REGION'],
      flagCodes: ['NIK_OTHER_REGION', 'NIK_IN_OTHER_LIST'],
    });
    expect(entries).toEqual([
      flagIndexKey('L1', 'NIK_CLEANED', 70),
      flagIndexKey('L1', 'NIK_OTHER_REGION', 70),
      flagIndexKey('L1', 'NIK_IN_OTHER_LIST', 70),
    ]);
  });

  it('is the recipient alone when it carries nothing, with no flag attributes', () => {
    const items = recipientItems('L1', 2, { ...recipient, warnings: [] });
    expect(items).toHaveLength(1);
    expect(items[0]).not.toHaveProperty('flags');
    expect(items[0]).not.toHaveProperty('flagCodes');
  });
});

describe('FlagIndex.sync', () => {
  it('puts the missing entries, deletes the extra ones, and then has nothing left to do', async () => {
    const index = new FlagIndex('L1');
    index.add('NIK_CLEANED', 70);
    index.add('ACCOUNT_SHARED', 70);
    const { writer, puts, deletes } = recordingWriter();
    const codes = indexedCodes({ warnings: ['NIK_CLEANED'], flagCodes: ['NIK_IN_OTHER_LIST'] });
    expect(await index.sync(writer, 70, codes)).toBe(2);
    expect(puts).toEqual([flagIndexKey('L1', 'NIK_IN_OTHER_LIST', 70)]);
    expect(deletes).toEqual([flagIndexKey('L1', 'ACCOUNT_SHARED', 70)]);
    expect(await index.sync(writer, 70, codes)).toBe(0);
    expect([...index.codesOf(70)].sort()).toEqual(['NIK_CLEANED', 'NIK_IN_OTHER_LIST']);
  });

  it('writes nothing for a row with no codes and no entries', async () => {
    const { writer, puts, deletes } = recordingWriter();
    expect(await new FlagIndex('L1').sync(writer, 5, [])).toBe(0);
    expect([puts, deletes]).toEqual([[], []]);
  });
});
