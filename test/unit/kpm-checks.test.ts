import { describe, expect, it } from 'vitest';
import { FLAGS, type Flag } from '#shared/domain/checks.ts';
import type { Relationship } from '#shared/domain/family/hubungan.ts';
import { isAdult, memberOn } from '#shared/domain/family/verval.ts';
import {
  cameAfter,
  type KpmCheckedRecipient,
  kpmCrossFlags,
  kpmRegistryRows,
  LaterExclusions,
  penerimaFlags,
} from '#shared/domain/kpm-checks.ts';
import { RegistryIndex } from '#shared/domain/registry-index.ts';

const KAPUAS = '62.03';
const KOTIM = '62.02';
const KK = '6203010101200001';
const HEAD = '6203011508850001';
const WIFE = '6203015203900002';
const CHILD = '6203010104120003';

type Member = readonly [string, Relationship, string];

function family(
  members: readonly Member[],
  penerima = members[0]?.[0] ?? '',
  extra: { row?: number; listId?: string; noKk?: string; tanggal?: string } = {},
): KpmCheckedRecipient {
  const row = extra.row ?? 1;
  return {
    recipientId: `${extra.listId ?? 'LK'}.${row}`,
    row,
    nik: penerima,
    peran: 'KPM',
    family: {
      noKk: extra.noKk ?? KK,
      tahapId: '2026-1',
      runId: 'run-1',
      desil: 2,
      members: members.map(([nik, hubungan, tanggalLahir]) => ({ nik, hubungan, tanggalLahir })),
      verval: { result: 'LAYAK', tanggal: extra.tanggal ?? '2026-10-10', nomorBeritaAcara: 'BA/1' },
    },
  };
}

const HEAD_M: Member = [HEAD, 'KEPALA_KELUARGA', '1985-08-15'];
const WIFE_M: Member = [WIFE, 'ISTRI', '2010-03-12'];
const CHILD_M: Member = [CHILD, 'ANAK', '2012-04-01'];

const codes = (flags: readonly Flag[]) => flags.map((item) => item.code);

function expectNoNumbers(flags: readonly Flag[]) {
  for (const item of flags) expect(item.detail ?? '').not.toMatch(/\d{10,}/);
}

describe('KPM flag catalogue', () => {
  it('is blocking throughout, with an Indonesian label', () => {
    for (const code of [
      'KPM_KK_IN_OTHER_LIST',
      'KPM_NIK_IN_OTHER_LIST',
      'KPM_NIK_TWO_FAMILIES',
      'KPM_PENERIMA_NOT_ADULT',
      'KPM_EXCLUDED_AFTER_RUN',
    ] as const) {
      expect(FLAGS[code].severity).toBe('blocking');
      expect(FLAGS[code].label).toMatch(/\S/);
    }
  });
});

describe('one definition of an adult member', () => {
  it('is 17 on the day, or married (head, spouse, menantu)', () => {
    expect(
      isAdult(memberOn({ nik: CHILD, hubungan: 'ANAK', tanggalLahir: '2009-10-10' }, '2026-10-10')),
    ).toBe(true);
    expect(
      isAdult(memberOn({ nik: CHILD, hubungan: 'ANAK', tanggalLahir: '2009-10-11' }, '2026-10-10')),
    ).toBe(false);
    for (const hubungan of ['KEPALA_KELUARGA', 'SUAMI', 'ISTRI', 'MENANTU'] as const) {
      expect(isAdult(memberOn({ nik: WIFE, hubungan, tanggalLahir: '2012-01-01' }, '2026-10-10'))).toBe(true);
    }
    expect(memberOn({ nik: CHILD, hubungan: 'ANAK', tanggalLahir: '' }, '2026-10-10').age).toBe(-1);
  });
});

describe('penerimaFlags', () => {
  it('accepts the head, and a married 16-year-old wife', () => {
    expect(penerimaFlags(family([HEAD_M, WIFE_M, CHILD_M]))).toEqual([]);
    expect(penerimaFlags(family([HEAD_M, WIFE_M, CHILD_M], WIFE))).toEqual([]);
  });

  it('flags a child under 17 on the verval date, with the age and the day', () => {
    const flags = penerimaFlags(family([HEAD_M, WIFE_M, CHILD_M], CHILD));
    expect(codes(flags)).toEqual(['KPM_PENERIMA_NOT_ADULT']);
    expect(flags[0]?.detail).toContain('anak');
    expect(flags[0]?.detail).toContain('14 tahun pada tanggal verval 10 Oktober 2026');
    expectNoNumbers(flags);
  });

  it('flags a penerima who is not a member, an unreadable birth date and a row without its family', () => {
    expect(penerimaFlags(family([HEAD_M], WIFE))[0]?.detail).toContain('bukan anggota KK');
    const unreadable = penerimaFlags(family([HEAD_M, [CHILD, 'ANAK', '2012']], CHILD));
    expect(unreadable[0]?.detail).toContain('tidak terbaca');
    const bare: KpmCheckedRecipient = { recipientId: 'LK.1', row: 1, nik: HEAD, peran: 'KPM' };
    expect(codes(penerimaFlags(bare))).toEqual(['KPM_PENERIMA_NOT_ADULT']);
  });
});

describe('kpmRegistryRows', () => {
  it('registers every member under the No KK, and a penerima who is not a member', () => {
    expect(kpmRegistryRows(family([HEAD_M, CHILD_M], HEAD, { row: 4 }))).toEqual([
      { nik: HEAD, noRekening: KK, row: 4, peran: 'KPM' },
      { nik: CHILD, noRekening: KK, row: 4, peran: 'KPM' },
    ]);
    expect(kpmRegistryRows(family([HEAD_M], WIFE)).map((row) => row.nik)).toEqual([HEAD, WIFE]);
    expect(kpmRegistryRows({ recipientId: 'LK.1', row: 1, nik: HEAD, peran: 'KPM' })).toEqual([]);
  });
});

describe('kpmCrossFlags', () => {
  const lists = {
    own: { region: KAPUAS, proposalId: 'KPM-62.03-2026-1', listId: 'LK' },
    other: { region: KOTIM, proposalId: 'KPM-62.02-2026-1', listId: 'LT' },
  };
  /** The index a run holds: its own list's rows and the other kabupaten's, then a lookup over it. */
  function lookupOver(own: readonly KpmCheckedRecipient[], other: readonly KpmCheckedRecipient[]) {
    const index = new RegistryIndex();
    for (const row of own) for (const entry of kpmRegistryRows(row)) index.add(lists.own, entry);
    for (const row of other) for (const entry of kpmRegistryRows(row)) index.add(lists.other, entry);
    return {
      hits: (nik: string, key: string) => index.hits(nik, key),
      rowsOf: (nik: string) => index.rowsOf(nik, 'LK'),
    };
  }

  it('the same family in another kabupaten: the No KK flag alone, naming the list and row', () => {
    const mine = family([HEAD_M, CHILD_M]);
    const theirs = family([HEAD_M, CHILD_M], HEAD, { listId: 'LT', row: 3 });
    const found = kpmCrossFlags(mine, KAPUAS, lookupOver([mine], [theirs]));
    expect(codes(found.flags)).toEqual(['KPM_KK_IN_OTHER_LIST']);
    expect(found.flags[0]?.detail).toContain('(usulan KPM-62.02-2026-1) baris 3');
    expect(found.conflicts).toEqual(['KPM-62.02-2026-1']);
    expectNoNumbers(found.flags);
  });

  it('a member in another family of another kabupaten: the NIK flag, naming the member by relationship', () => {
    const mine = family([HEAD_M, CHILD_M]);
    const theirs = family([['6202011508850009', 'KEPALA_KELUARGA', '1980-01-01'], CHILD_M], undefined, {
      listId: 'LT',
      row: 2,
      noKk: '6202010101200009',
    });
    const found = kpmCrossFlags(mine, KAPUAS, lookupOver([mine], [theirs]));
    expect(codes(found.flags)).toEqual(['KPM_NIK_IN_OTHER_LIST']);
    expect(found.flags[0]?.detail).toContain('(anak)');
    expect(found.conflicts).toEqual(['KPM-62.02-2026-1']);
    expectNoNumbers(found.flags);
  });

  it('a NIK in two families of the same list: both rows named, no conflict elsewhere', () => {
    const first = family([HEAD_M, CHILD_M], HEAD, { row: 1 });
    const second = family([['6203011508850005', 'KEPALA_KELUARGA', '1980-01-01'], CHILD_M], undefined, {
      row: 2,
      noKk: '6203010101200005',
    });
    const lookup = lookupOver([first, second], []);
    const one = kpmCrossFlags(first, KAPUAS, lookup);
    const two = kpmCrossFlags(second, KAPUAS, lookup);
    expect(codes(one.flags)).toEqual(['KPM_NIK_TWO_FAMILIES']);
    expect(one.flags[0]?.detail).toContain('baris 2');
    expect(two.flags[0]?.detail).toContain('baris 1');
    expect(one.conflicts).toEqual([]);
  });

  it('a clean family, alone or beside others, has none', () => {
    const mine = family([HEAD_M, CHILD_M]);
    const theirs = family([['6202011508850009', 'KEPALA_KELUARGA', '1980-01-01']], undefined, {
      listId: 'LT',
      noKk: '6202010101200009',
    });
    expect(kpmCrossFlags(mine, KAPUAS, lookupOver([mine], [theirs]))).toEqual({ flags: [], conflicts: [] });
  });
});

describe('LaterExclusions', () => {
  const bpnt = {
    listId: 'bpnt',
    programme: 'BPNT',
    source: 'Dinsos Provinsi',
    asOf: '2026-10-05',
    uploadedAt: '2026-10-05T08:00:00.000Z',
  };
  const local = { ...bpnt, listId: 'lokal', programme: 'BANSOS PEMKAB', source: 'Pemkab Kapuas' };
  const RUN = '2026-10-01T00:00:00.000Z';

  it('a list counts when it came in after the run started, or when the run start is unknown', () => {
    expect(cameAfter(bpnt, RUN)).toBe(true);
    expect(cameAfter(bpnt, '2026-10-06T00:00:00.000Z')).toBe(false);
    expect(cameAfter(bpnt, undefined)).toBe(true);
  });

  it('matches the No KK or any member, naming the programme, the source and who matched', () => {
    const later = new LaterExclusions([bpnt, local]);
    later.add('bpnt', { nik: CHILD });
    later.add('lokal', { noKk: KK });
    later.add('unknown', { nik: HEAD });
    const flags = later.flags(family([HEAD_M, CHILD_M]), RUN);
    expect(codes(flags)).toEqual(['KPM_EXCLUDED_AFTER_RUN']);
    expect(flags[0]?.detail).toContain(
      'Bantuan sembako (BPNT) (sumber: Dinsos Provinsi, per 5 Oktober 2026; cocok: anak)',
    );
    expect(flags[0]?.detail).toContain('BANSOS PEMKAB (sumber: Pemkab Kapuas');
    expect(flags[0]?.detail).toContain('cocok: No KK');
    expectNoNumbers(flags);
    // The run started after the lists came in: it applied them itself.
    expect(later.flags(family([HEAD_M, CHILD_M]), '2026-10-06T00:00:00.000Z')).toEqual([]);
    // Nobody of this family on either list.
    expect(
      later.flags(family([[WIFE, 'KEPALA_KELUARGA', '1990-01-01']], WIFE, { noKk: '6203010101209999' }), RUN),
    ).toEqual([]);
  });
});
