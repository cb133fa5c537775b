import { describe, expect, it } from 'vitest';
import {
  type AccountHit,
  type CheckedRecipient,
  type CurrentList,
  conflictingProposals,
  crossFlags,
  FLAG_CODES,
  FLAGS,
  type Flag,
  GroupCounter,
  isLive,
  liveHits,
  localFlags,
  type NikHit,
  periodStart,
  sameFlags,
  sortFlags,
} from '#shared/domain/checks.ts';

const REGION = '62.01';
const START = periodStart('2026-S1');

/** NIK registered in `region` (4 digits), kecamatan 01, born on DD-MM-YY (women: DD + 40). */
const nik = (birth: string, serial = 1, region = '6201') =>
  `${region}01${birth}${String(serial).padStart(4, '0')}`;

/** A clean recipient of Kumai (62.01.01), Desa Candi: a man born 12-03-1985, own account. */
function recipient(overrides: Partial<CheckedRecipient> = {}): CheckedRecipient {
  return {
    recipientId: 'L1.5',
    nik: nik('120385'),
    nama: 'Budi Santoso',
    peran: 'KETUA_RT',
    kecamatanCode: '62.01.01',
    kecamatan: 'Kumai',
    desaCode: '62.01.01.1011',
    desa: 'Candi',
    rt: '003',
    noRekening: '1000000001',
    namaRekening: 'BUDI SANTOSO',
    ...overrides,
  };
}

const codes = (flags: readonly Flag[]) => flags.map((flag) => flag.code);
const context = { region: REGION, periodStart: START };

/** No detail may quote a NIK or an account number (UU PDP). */
function expectNoPersonalNumbers(flags: readonly Flag[], ...numbers: string[]) {
  for (const flag of flags) {
    for (const value of numbers) expect(flag.detail ?? '').not.toContain(value);
    expect(flag.detail ?? '').not.toMatch(/\d{10,}/);
  }
}

describe('flag catalogue', () => {
  it('has a severity and an Indonesian label for every code, blocking ones first', () => {
    expect(FLAG_CODES.map((code) => FLAGS[code].severity)).toEqual([
      // BKK's five, then KPM's five (issue #14)
      ...Array(10).fill('blocking'),
      ...Array(5).fill('warning'),
    ]);
    for (const code of FLAG_CODES) expect(FLAGS[code].label).toMatch(/\S/);
  });
});

describe('periodStart', () => {
  it.each([
    ['2026', '2026-01-01'],
    ['2026-S1', '2026-01-01'],
    ['2026-S2', '2026-07-01'],
    ['2026-T1', '2026-01-01'],
    ['2026-T2', '2026-04-01'],
    ['2026-T4', '2026-10-01'],
    ['2026-03', '2026-03-01'],
    ['2026-12', '2026-12-01'],
  ])('%s starts on %s', (period, day) => {
    expect(periodStart(period).toISOString()).toBe(`${day}T00:00:00.000Z`);
  });

  it('refuses what is not a period', () => {
    expect(() => periodStart('2026-13')).toThrow(RangeError);
    expect(() => periodStart('S1-2026')).toThrow(RangeError);
  });
});

describe('localFlags', () => {
  it('stays quiet on a clean recipient (titles and case in the account name are the same holder)', () => {
    expect(localFlags(recipient(), context)).toEqual([]);
    expect(localFlags(recipient({ namaRekening: 'Drs. H. Budi Santoso, S.Pd.' }), context)).toEqual([]);
    expect(localFlags(recipient({ namaRekening: undefined }), context)).toEqual([]);
  });

  it('NIK_INVALID: a stored NIK that fails the re-check is blocking, and gets no age flag', () => {
    for (const bad of [nik('120385', 0), `99${nik('120385').slice(2)}`, nik('350385')]) {
      const flags = localFlags(recipient({ nik: bad }), context);
      expect(codes(flags)).toEqual(['NIK_INVALID']);
      expect(flags[0]?.severity).toBe('blocking');
      expect(flags[0]?.detail).toMatch(/^NIK tidak lolos pemeriksaan ulang\./);
      expectNoPersonalNumbers(flags, bad);
    }
  });

  it('UNDER_AGE: younger than 17 on the first day of the period, for men and women', () => {
    const boy = localFlags(recipient({ nik: nik('150610') }), context);
    expect(codes(boy)).toEqual(['UNDER_AGE']);
    expect(boy[0]).toMatchObject({ severity: 'blocking' });
    expect(boy[0]?.detail).toContain('berumur 15 tahun pada 1 Januari 2026');
    // A woman born 2 January 2009 (day 02 + 40) is 16 on 1 January 2026.
    expect(codes(localFlags(recipient({ nik: nik('420109') }), context))).toEqual(['UNDER_AGE']);
  });

  it('UNDER_AGE: quiet from the 17th birthday on, counted at the start of the period, not today', () => {
    expect(localFlags(recipient({ nik: nik('010109') }), context)).toEqual([]);
    // 17 on 1 July 2026 (S2 start) but not on 1 January (S1 start).
    const julyBirthday = recipient({ nik: nik('010709') });
    expect(codes(localFlags(julyBirthday, context))).toEqual(['UNDER_AGE']);
    expect(localFlags(julyBirthday, { region: REGION, periodStart: periodStart('2026-S2') })).toEqual([]);
  });

  it('NIK_OTHER_REGION: a warning naming the region of registration, inside or outside the province', () => {
    const kapuas = localFlags(recipient({ nik: nik('120385', 1, '6203') }), context);
    expect(codes(kapuas)).toEqual(['NIK_OTHER_REGION']);
    expect(kapuas[0]?.severity).toBe('warning');
    expect(kapuas[0]?.detail).toContain('Kabupaten Kapuas (62.03)');
    expect(kapuas[0]?.detail).toContain('bukan di Kabupaten Kotawaringin Barat');
    const outside = localFlags(recipient({ nik: nik('120385', 1, '6301') }), context);
    expect(outside[0]?.detail).toContain('luar Kalimantan Tengah (kode provinsi 63)');
  });

  it('ACCOUNT_NAME_MISMATCH: another holder name is a warning that quotes no name', () => {
    const flags = localFlags(recipient({ namaRekening: 'Siti Aminah' }), context);
    expect(codes(flags)).toEqual(['ACCOUNT_NAME_MISMATCH']);
    expect(flags[0]?.severity).toBe('warning');
    expect(flags[0]?.detail).not.toContain('Siti');
    expect(flags[0]?.detail).not.toContain('Budi');
  });
});

describe('GroupCounter', () => {
  const damang = (id: string, kecamatanCode = '62.01.01', kecamatan = 'Kumai') =>
    recipient({
      recipientId: id,
      peran: 'DAMANG',
      kecamatanCode,
      kecamatan,
      desaCode: undefined,
      rt: undefined,
    });

  function count(list: CheckedRecipient[]) {
    const counter = new GroupCounter();
    for (const member of list) counter.add(member);
    return list.map((member) => counter.flags(member));
  }

  it('stays quiet with one Damang and one Sekretaris Damang per kecamatan and one Ketua RT per RT', () => {
    const flags = count([
      damang('L.1'),
      damang('L.2', '62.01.02', 'Kotawaringin Lama'),
      recipient({ recipientId: 'L.3', peran: 'SEKRETARIS_DAMANG' }),
      recipient({ recipientId: 'L.4', rt: '001' }),
      recipient({ recipientId: 'L.5', rt: '002' }),
      // The same RT number in another desa is another RT.
      recipient({ recipientId: 'L.6', rt: '001', desaCode: '62.01.01.1012', desa: 'Kumai Hulu' }),
      // No one-per-place rule for these roles.
      recipient({ recipientId: 'L.7', peran: 'MANTIR_KECAMATAN' }),
      recipient({ recipientId: 'L.8', peran: 'MANTIR_KECAMATAN' }),
      recipient({ recipientId: 'L.9', peran: 'PEMUKA_AGAMA' }),
      recipient({ recipientId: 'L.10', peran: 'PEMUKA_AGAMA' }),
    ]);
    expect(flags.flat()).toEqual([]);
  });

  it('DAMANG_MULTIPLE: every Damang of a kecamatan with more than one', () => {
    const flags = count([damang('L.1'), damang('L.2'), damang('L.3', '62.01.02', 'Kotawaringin Lama')]);
    expect(flags.map(codes)).toEqual([['DAMANG_MULTIPLE'], ['DAMANG_MULTIPLE'], []]);
    expect(flags[0]?.[0]).toMatchObject({ severity: 'warning' });
    expect(flags[0]?.[0]?.detail).toContain('Ada 2 Damang di Kecamatan Kumai');
  });

  it('SEKRETARIS_DAMANG_MULTIPLE: every Sekretaris Damang of a kecamatan with more than one', () => {
    const sekretaris = (id: string) => recipient({ recipientId: id, peran: 'SEKRETARIS_DAMANG' });
    const flags = count([sekretaris('L.1'), sekretaris('L.2'), sekretaris('L.3'), damang('L.4')]);
    expect(flags.map(codes)).toEqual([
      ['SEKRETARIS_DAMANG_MULTIPLE'],
      ['SEKRETARIS_DAMANG_MULTIPLE'],
      ['SEKRETARIS_DAMANG_MULTIPLE'],
      [],
    ]);
    expect(flags[2]?.[0]?.detail).toContain('Ada 3 Sekretaris Damang di Kecamatan Kumai');
  });

  it('KETUA_RT_MULTIPLE: every Ketua RT of an RT with more than one', () => {
    const flags = count([
      recipient({ recipientId: 'L.1', rt: '007' }),
      recipient({ recipientId: 'L.2', rt: '007' }),
      recipient({ recipientId: 'L.3', rt: '008' }),
    ]);
    expect(flags.map(codes)).toEqual([['KETUA_RT_MULTIPLE'], ['KETUA_RT_MULTIPLE'], []]);
    expect(flags[0]?.[0]?.detail).toContain(
      'Ada 2 Ketua RT untuk RT 007 Desa/Kelurahan Candi (Kecamatan Kumai)',
    );
  });
});

describe('registry hits', () => {
  const me = recipient({ recipientId: 'LA.5' });
  const lists = new Map<string, CurrentList>([
    [REGION, { region: REGION, proposalId: '62.01-2026-S1', listId: 'LA', status: 'SUBMITTED' }],
    ['62.03', { region: '62.03', proposalId: '62.03-2026-S1', listId: 'LB', status: 'IN_REVIEW' }],
    ['62.05', { region: '62.05', proposalId: '62.05-2026-S1', listId: 'LC', status: 'DRAFT' }],
    ['62.06', { region: '62.06', proposalId: '62.06-2026-S1-r2', listId: 'LD', status: 'VERIFIED' }],
    ['62.07', { region: '62.07', proposalId: '62.07-2026-S1', listId: 'LE', status: 'REJECTED' }],
  ]);
  const own: NikHit = {
    region: REGION,
    proposalId: '62.01-2026-S1',
    listId: 'LA',
    recipientId: 'LA.5',
    peran: 'KETUA_RT',
  };
  const inKapuas = (peran = 'KETUA_RT', listId = 'LB'): NikHit => ({
    region: '62.03',
    proposalId: '62.03-2026-S1',
    listId,
    recipientId: `${listId}.9`,
    peran,
  });
  const account = (overrides: Partial<AccountHit>): AccountHit => ({
    region: REGION,
    proposalId: '62.01-2026-S1',
    listId: 'LA',
    recipientId: 'LA.5',
    row: 5,
    nik: me.nik,
    ...overrides,
  });

  it('counts only current lists past DRAFT, and not rejected ones', () => {
    expect(isLive({ region: '62.03', listId: 'LB' }, lists)).toBe(true);
    expect(isLive({ region: '62.06', listId: 'LD' }, lists)).toBe(true);
    expect(isLive({ region: '62.03', listId: 'LB-old' }, lists)).toBe(false);
    expect(isLive({ region: '62.05', listId: 'LC' }, lists)).toBe(false);
    expect(isLive({ region: '62.07', listId: 'LE' }, lists)).toBe(false);
    expect(isLive({ region: '62.71', listId: 'LX' }, lists)).toBe(false);
    const live = liveHits(
      {
        niks: [own, inKapuas('KETUA_RT', 'LB-old'), { ...inKapuas(), region: '62.05', listId: 'LC' }],
        accounts: [account({}), account({ region: '62.07', listId: 'LE', nik: '6207011203850001' })],
      },
      lists,
    );
    expect(live).toEqual({ niks: [own], accounts: [account({})] });
  });

  it('stays quiet when the only entries are the recipient’s own', () => {
    expect(crossFlags(me, REGION, { niks: [own], accounts: [account({})] })).toEqual([]);
    expect(conflictingProposals(me, REGION, { niks: [own], accounts: [account({})] })).toEqual([]);
  });

  it('NIK_IN_OTHER_LIST: names the region, the proposal and the role there, never the NIK', () => {
    const flags = crossFlags(me, REGION, { niks: [own, inKapuas()], accounts: [] });
    expect(codes(flags)).toEqual(['NIK_IN_OTHER_LIST']);
    expect(flags[0]).toMatchObject({ severity: 'blocking' });
    expect(flags[0]?.detail).toContain(
      'NIK yang sama ada di daftar Kabupaten Kapuas (usulan 62.03-2026-S1) sebagai Ketua RT',
    );
    expectNoPersonalNumbers(flags, me.nik);
    expect(conflictingProposals(me, REGION, { niks: [own, inKapuas()], accounts: [] })).toEqual([
      '62.03-2026-S1',
    ]);
  });

  it('NIK_TWO_ROLES: the NIK holds a different role in the other list', () => {
    const flags = crossFlags(me, REGION, { niks: [own, inKapuas('DAMANG')], accounts: [] });
    expect(codes(flags)).toEqual(['NIK_IN_OTHER_LIST', 'NIK_TWO_ROLES']);
    expect(flags[1]?.severity).toBe('blocking');
    expect(flags[1]?.detail).toContain(
      'tercatat sebagai Damang Kepala Adat di daftar Kabupaten Kapuas (usulan 62.03-2026-S1), sedangkan di daftar ini sebagai Ketua RT',
    );
  });

  it('ACCOUNT_SHARED: a different NIK on the same account, in this list (by row) or another', () => {
    const sameList = account({ recipientId: 'LA.12', row: 12, nik: nik('120385', 2) });
    const kapuas = account({
      region: '62.03',
      proposalId: '62.03-2026-S1',
      listId: 'LB',
      recipientId: 'LB.3',
      row: 3,
      nik: nik('120385', 3, '6203'),
    });
    const flags = crossFlags(me, REGION, { niks: [own], accounts: [account({}), sameList, kapuas] });
    expect(codes(flags)).toEqual(['ACCOUNT_SHARED']);
    expect(flags[0]?.severity).toBe('blocking');
    expect(flags[0]?.detail).toContain(
      'dipakai 2 penerima lain dengan NIK berbeda: baris 12 daftar ini; daftar Kabupaten Kapuas (usulan 62.03-2026-S1)',
    );
    expectNoPersonalNumbers(flags, me.nik, me.noRekening);
    expect(conflictingProposals(me, REGION, { niks: [own], accounts: [sameList] })).toEqual([]);
    expect(conflictingProposals(me, REGION, { niks: [own], accounts: [kapuas] })).toEqual(['62.03-2026-S1']);
  });

  it('the same person using the same account in two lists is a NIK finding, not a shared account', () => {
    const samePerson = account({
      region: '62.03',
      proposalId: '62.03-2026-S1',
      listId: 'LB',
      recipientId: 'LB.9',
    });
    expect(
      codes(crossFlags(me, REGION, { niks: [own, inKapuas()], accounts: [account({}), samePerson] })),
    ).toEqual(['NIK_IN_OTHER_LIST']);
  });
});

describe('sortFlags and sameFlags', () => {
  const warning: Flag = { code: 'KETUA_RT_MULTIPLE', severity: 'warning', detail: 'a' };
  const blocking: Flag = { code: 'UNDER_AGE', severity: 'blocking', detail: 'b' };

  it('orders by the catalogue and keeps one flag per code', () => {
    expect(sortFlags([warning, blocking, { ...blocking, detail: 'again' }])).toEqual([blocking, warning]);
  });

  it('tells whether stored flags already say exactly this', () => {
    expect(sameFlags(undefined, [])).toBe(true);
    expect(sameFlags([], [])).toBe(true);
    expect(sameFlags([blocking, warning], [blocking, warning])).toBe(true);
    expect(sameFlags(undefined, [blocking])).toBe(false);
    expect(sameFlags([blocking], [])).toBe(false);
    expect(sameFlags([{ ...blocking, detail: 'changed' }], [blocking])).toBe(false);
  });
});
