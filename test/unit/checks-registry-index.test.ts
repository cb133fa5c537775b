import { describe, expect, it } from 'vitest';
import { crossFlags, isLive, liveHits } from '#shared/domain/checks.ts';
import {
  decodeRegistryChunk,
  encodeRegistryChunk,
  REGISTRY_CHUNK_ENTRIES,
  RegistryIndex,
} from '#shared/domain/registry-index.ts';

const NIK_A = '6201011203850001';
const NIK_B = '6203011203850002';
const ACCOUNT = '1234567890';
const kobar = { region: '62.01', proposalId: '62.01-2026-S1', listId: 'LA' };
const kapuas = { region: '62.03', proposalId: '62.03-2026-S1', listId: 'LB' };
const katingan = { region: '62.06', proposalId: '62.06-2026-S1', listId: 'LC' };

describe('registry chunks', () => {
  it('round-trip their entries, one per line', () => {
    const rows = [
      { nik: NIK_A, noRekening: ACCOUNT, row: 7, peran: 'KETUA_RT' },
      { nik: NIK_B, noRekening: '9876543210123456', row: 1_234_567, peran: 'SEKRETARIS_DAMANG' },
    ];
    const text = encodeRegistryChunk(rows);
    expect(text.split('\n')).toHaveLength(2);
    expect([...decodeRegistryChunk(text)]).toEqual(rows);
    expect([...decodeRegistryChunk('')]).toEqual([]);
  });

  it('stay well under the 400 KB item limit at their largest', () => {
    const widest = { nik: NIK_A, noRekening: '9'.repeat(16), row: 9_999_999, peran: 'SEKRETARIS_DAMANG' };
    const text = encodeRegistryChunk(Array.from({ length: REGISTRY_CHUNK_ENTRIES }, () => widest));
    expect(Buffer.byteLength(text)).toBeLessThan(200_000);
  });

  it('refuse a corrupt line without quoting it', () => {
    expect(() => [...decodeRegistryChunk(`${NIK_A}|${ACCOUNT}|1|KETUA_RT\n${NIK_B}|${ACCOUNT}`)]).toThrow(
      /^registry chunk line 2 is not an entry$/,
    );
    expect(() => [...decodeRegistryChunk(`${NIK_A}|${ACCOUNT}|x|KETUA_RT`)]).toThrow(/line 1/);
  });
});

describe('RegistryIndex', () => {
  it('answers as the per-NIK and per-account look-ups did: by region, by NIK then region', () => {
    const index = new RegistryIndex();
    // Added out of order, as lists read in parallel arrive.
    index.add(katingan, { nik: NIK_A, noRekening: '5555555555', row: 3, peran: 'DAMANG' });
    index.add(kapuas, { nik: NIK_B, noRekening: ACCOUNT, row: 9, peran: 'KETUA_RT' });
    index.add(kobar, { nik: NIK_A, noRekening: ACCOUNT, row: 1, peran: 'KETUA_RT' });
    expect(index.size).toBe(3);
    const hits = index.hits(NIK_A, ACCOUNT);
    expect(hits.niks).toEqual([
      { ...kobar, recipientId: 'LA.1', peran: 'KETUA_RT' },
      { ...katingan, recipientId: 'LC.3', peran: 'DAMANG' },
    ]);
    expect(hits.accounts).toEqual([
      { ...kobar, recipientId: 'LA.1', row: 1, nik: NIK_A },
      { ...kapuas, recipientId: 'LB.9', row: 9, nik: NIK_B },
    ]);
    expect(index.hits('0000000000000000', '0')).toEqual({ niks: [], accounts: [] });
  });

  it('holds one NIK hit per list and one account hit per NIK and list', () => {
    const index = new RegistryIndex();
    index.add(kobar, { nik: NIK_A, noRekening: ACCOUNT, row: 1, peran: 'KETUA_RT' });
    index.add(kobar, { nik: NIK_A, noRekening: ACCOUNT, row: 2, peran: 'KETUA_RT' });
    const hits = index.hits(NIK_A, ACCOUNT);
    expect(hits.niks).toHaveLength(1);
    expect(hits.accounts).toHaveLength(1);
  });

  it('feeds the same rules: a conflict across regions is flagged, a list that no longer counts is not', () => {
    const index = new RegistryIndex();
    index.add(kobar, { nik: NIK_A, noRekening: ACCOUNT, row: 1, peran: 'KETUA_RT' });
    index.add(kapuas, { nik: NIK_A, noRekening: '2222222222', row: 4, peran: 'DAMANG' });
    const recipient = {
      recipientId: 'LA.1',
      nik: NIK_A,
      nama: 'Ahmad',
      peran: 'KETUA_RT',
      kecamatanCode: '62.01.01',
      kecamatan: 'Kumai',
      noRekening: ACCOUNT,
    };
    const lists = new Map([
      ['62.01', { ...kobar, status: 'SUBMITTED' as const }],
      ['62.03', { ...kapuas, status: 'IN_REVIEW' as const }],
    ]);
    const hits = liveHits(index.hits(NIK_A, ACCOUNT), lists);
    expect(crossFlags(recipient, '62.01', hits).map((flag) => flag.code)).toEqual([
      'NIK_IN_OTHER_LIST',
      'NIK_TWO_ROLES',
    ]);
    const replaced = new Map(lists).set('62.03', { ...kapuas, listId: 'LB2', status: 'IN_REVIEW' });
    expect(isLive(kapuas, replaced)).toBe(false);
    expect(crossFlags(recipient, '62.01', liveHits(index.hits(NIK_A, ACCOUNT), replaced))).toEqual([]);
  });
});
