import { describe, expect, it } from 'vitest';
import { keyDigits, NumberIndex, NumberIndexBuilder, numberKey } from '#shared/domain/family/number-index.ts';

const nik = (n: number) => numberKey(`620310${String(n).padStart(10, '0')}`);

describe('NumberIndex', () => {
  it('answers every value of a key, each pair once, including keys above 2^53', () => {
    const builder = new NumberIndexBuilder();
    const papua = numberKey('9471014101900001'); // above 2^53: a double would round it
    builder.add(nik(2), nik(20));
    builder.add(nik(1), nik(10));
    builder.add(nik(2), nik(21));
    builder.add(nik(2), nik(20)); // the same pair twice
    builder.add(papua, nik(30));
    const index = builder.build();
    expect(index.size).toBe(4);
    expect(index.valuesOf(nik(2))).toEqual([nik(20), nik(21)]);
    expect(index.valuesOf(nik(1))).toEqual([nik(10)]);
    expect(index.valuesOf(nik(3))).toEqual([]);
    expect(index.valuesOf(papua).map(keyDigits)).toEqual([keyDigits(nik(30))]);
    expect(keyDigits(papua)).toBe('9471014101900001');
    expect([...index.keysWithSeveralValues()]).toEqual([nik(2)]);
  });

  it('survives a round trip through bytes (as stored in S3) and merges snapshots', () => {
    const a = new NumberIndexBuilder();
    const b = new NumberIndexBuilder();
    for (let i = 0; i < 5_000; i++) a.add(nik(i), nik(i + 100_000));
    for (let i = 4_990; i < 6_000; i++) b.add(nik(i), nik(i + 200_000));
    const restored = NumberIndex.fromBytes(a.build().toBytes());
    expect(restored.valuesOf(nik(4_321))).toEqual([nik(104_321)]);
    const merged = NumberIndex.merge([restored, b.build()]);
    expect(merged.size).toBe(6_010);
    expect([...merged.keysWithSeveralValues()]).toHaveLength(10);
    expect(() => NumberIndex.fromBytes(new Uint8Array(12))).toThrow(RangeError);
  });

  it('refuses what is not a 16-digit number', () => {
    expect(() => numberKey('123')).toThrow(RangeError);
    expect(() => numberKey('62031a0000000001')).toThrow(RangeError);
  });
});
