import { describe, expect, it } from 'vitest';
import { type AuditRecord, GENESIS_HASH, sealEntry, verifyChain } from '#shared/domain/audit.ts';

function chain(length: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (let seq = 1; seq <= length; seq++) {
    records.push(
      sealEntry({
        entityId: '62.03-2026-S1',
        seq,
        at: `2026-11-29T08:00:0${seq}.000Z`,
        actor: { sub: `u${seq}`, name: 'Petugas', role: 'verifier', opd: 'DINSOS' },
        action: seq === 1 ? 'CREATED' : 'REVIEW_APPROVED',
        reason: `catatan ${seq}`,
        details: { count: seq },
        prevHash: records.at(-1)?.hash ?? GENESIS_HASH,
      }),
    );
  }
  return records;
}

describe('audit chain', () => {
  it('verifies an untouched chain against its head', () => {
    const records = chain(5);
    expect(verifyChain(records, records.at(-1)?.hash)).toEqual({ valid: true, length: 5 });
  });

  it('detects an altered field, a removed record, a reordering and a cut-off tail', () => {
    const records = chain(5);
    const head = records.at(-1)?.hash;
    const altered = records.map((record) => (record.seq === 3 ? { ...record, reason: 'diubah' } : record));
    expect(verifyChain(altered, head)).toMatchObject({
      valid: false,
      brokenAt: 3,
      problem: 'content altered',
    });
    const actorChanged = records.map((record) =>
      record.seq === 2 ? { ...record, actor: { ...record.actor, name: 'Orang Lain' } } : record,
    );
    expect(verifyChain(actorChanged, head)).toMatchObject({ valid: false, brokenAt: 2 });
    expect(
      verifyChain(
        records.filter((record) => record.seq !== 4),
        head,
      ),
    ).toMatchObject({ valid: false });
    const swapped = [records[0], records[2], records[1], records[3], records[4]] as AuditRecord[];
    expect(verifyChain(swapped, head)).toMatchObject({ valid: false });
    expect(verifyChain(records.slice(0, 4), head)).toMatchObject({ valid: false, problem: 'head mismatch' });
  });

  it('hashes independently of key order', () => {
    const [record] = chain(1);
    if (!record) throw new Error('no record');
    const { hash, ...entry } = record;
    const reordered = Object.fromEntries(Object.entries(entry).reverse()) as typeof entry;
    expect(sealEntry(reordered).hash).toBe(hash);
  });
});
