/**
 * A compact, sorted index from one 16-digit number to another (NIK → No KK, No KK → region), for
 * the questions eligibility asks of the whole programme at once: is this NIK in another family, is
 * this No KK in another kabupaten, is it on an exclusion list. 300,000 families hold about 1.1
 * million members; as JavaScript strings in a Map that is ~150 MB, as two sorted 64-bit arrays it
 * is 17.6 MB, answered by binary search, and saved to S3 as it is (one object per snapshot), so a
 * run loads the province's indexes instead of reading every member twice.
 *
 * Numbers are kept as unsigned 64-bit integers: 16 digits are below 2^54, which a double cannot hold
 * exactly (NIKs of provinces 91–96 exceed 2^53) but a BigUint64Array can.
 */

/** 16 digits → bigint; anything else is not a key. */
export function numberKey(digits: string): bigint {
  if (!/^\d{16}$/.test(digits)) throw new RangeError('not a 16-digit number');
  return BigInt(digits);
}

export const keyDigits = (key: bigint): string => key.toString().padStart(16, '0');

/** Pairs as they are added, before sorting (grows by doubling). */
export class NumberIndexBuilder {
  private keys = new BigUint64Array(1024);
  private values = new BigUint64Array(1024);
  private size = 0;

  add(key: bigint, value: bigint): void {
    if (this.size === this.keys.length) {
      const keys = new BigUint64Array(this.size * 2);
      const values = new BigUint64Array(this.size * 2);
      keys.set(this.keys);
      values.set(this.values);
      this.keys = keys;
      this.values = values;
    }
    this.keys[this.size] = key;
    this.values[this.size] = value;
    this.size++;
  }

  /** The index, sorted by key then value, each pair once. */
  build(): NumberIndex {
    const order = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) order[i] = i;
    const { keys, values } = this;
    order.sort((a, b) => {
      const ka = keys[a] as bigint;
      const kb = keys[b] as bigint;
      if (ka !== kb) return ka < kb ? -1 : 1;
      const va = values[a] as bigint;
      const vb = values[b] as bigint;
      return va === vb ? 0 : va < vb ? -1 : 1;
    });
    const sortedKeys = new BigUint64Array(this.size);
    const sortedValues = new BigUint64Array(this.size);
    let n = 0;
    for (const i of order) {
      const key = keys[i] as bigint;
      const value = values[i] as bigint;
      if (n > 0 && sortedKeys[n - 1] === key && sortedValues[n - 1] === value) continue;
      sortedKeys[n] = key;
      sortedValues[n] = value;
      n++;
    }
    return new NumberIndex(sortedKeys.subarray(0, n), sortedValues.subarray(0, n));
  }
}

export class NumberIndex {
  constructor(
    private readonly keys: BigUint64Array,
    private readonly values: BigUint64Array,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  /** Bytes held (for the benchmark's memory report). */
  get bytes(): number {
    return this.keys.byteLength + this.values.byteLength;
  }

  /** Every value stored for `key`, in ascending order. */
  valuesOf(key: bigint): bigint[] {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.keys[mid] as bigint) < key) low = mid + 1;
      else high = mid;
    }
    const found: bigint[] = [];
    for (let i = low; i < this.keys.length && this.keys[i] === key; i++) found.push(this.values[i] as bigint);
    return found;
  }

  /** Keys stored with more than one value (a NIK in two KKs), each once, ascending. */
  *keysWithSeveralValues(): Generator<bigint> {
    for (let i = 1; i < this.keys.length; i++) {
      if (this.keys[i] === this.keys[i - 1] && (i < 2 || this.keys[i - 2] !== this.keys[i])) {
        yield this.keys[i] as bigint;
      }
    }
  }

  /** The index as bytes (keys then values, little-endian as the platform's typed arrays). */
  toBytes(): Uint8Array {
    const out = new Uint8Array(8 + this.bytes);
    new DataView(out.buffer).setUint32(0, this.size, true);
    out.set(new Uint8Array(this.keys.buffer, this.keys.byteOffset, this.keys.byteLength), 8);
    out.set(
      new Uint8Array(this.values.buffer, this.values.byteOffset, this.values.byteLength),
      8 + this.keys.byteLength,
    );
    return out;
  }

  static fromBytes(bytes: Uint8Array): NumberIndex {
    const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
    if (bytes.byteLength !== 8 + size * 16) throw new RangeError('not a number index');
    // Copied into aligned arrays (the bytes may sit at any offset of a larger buffer).
    const keys = new BigUint64Array(size);
    const values = new BigUint64Array(size);
    new Uint8Array(keys.buffer).set(bytes.subarray(8, 8 + size * 8));
    new Uint8Array(values.buffer).set(bytes.subarray(8 + size * 8));
    return new NumberIndex(keys, values);
  }

  /** Several indexes as one (a tahap's snapshots), sorted and each pair once. */
  static merge(indexes: readonly NumberIndex[]): NumberIndex {
    const builder = new NumberIndexBuilder();
    for (const index of indexes) {
      for (let i = 0; i < index.size; i++) builder.add(index.keys[i] as bigint, index.values[i] as bigint);
    }
    return builder.build();
  }
}
