import { describe, expect, it } from 'vitest';
import {
  accountDelta,
  cardDelta,
  cashDelta,
  dashboardSheet,
  dashboardTable,
  deltasByDesa,
  foodDelta,
} from '#shared/domain/family/dashboard.ts';

describe('the deltas a move makes', () => {
  it('counts a card once, when it first becomes DIBAGIKAN', () => {
    expect(cardDelta('TERDAFTAR', 'DIBAGIKAN')).toEqual({ cardsDistributed: 1 });
    expect(cardDelta('DICETAK', 'DIBAGIKAN')).toEqual({ cardsDistributed: 1 });
    expect(cardDelta('DIBAGIKAN', 'DIBAGIKAN')).toEqual({});
    expect(cardDelta('TERDAFTAR', 'DICETAK')).toEqual({});
    expect(cardDelta('DIBAGIKAN', 'DIBLOKIR')).toEqual({});
  });

  it('counts cash paid, and failed until paid: a failed follow-up is not a second failure', () => {
    expect(cashDelta('DIKIRIM', 'DITERIMA')).toEqual({ cashPaid: 1 });
    expect(cashDelta('DIKIRIM', 'GAGAL')).toEqual({ cashFailed: 1 });
    expect(cashDelta('DIULANG', 'GAGAL')).toEqual({});
    expect(cashDelta('DIULANG', 'DITERIMA')).toEqual({ cashPaid: 1, cashFailed: -1 });
    expect(cashDelta('GAGAL', 'DITERIMA')).toEqual({ cashPaid: 1, cashFailed: -1 });
    // Amounts recorded without a status move, or the same status: nothing.
    expect(cashDelta('DIKIRIM', undefined)).toEqual({});
    expect(cashDelta('DITERIMA', 'DITERIMA')).toEqual({});
    // A failure, its follow-up failing, then paid: one paid, no failed left.
    const path = [
      cashDelta('DIKIRIM', 'GAGAL'),
      cashDelta('DIULANG', 'GAGAL'),
      cashDelta('DIULANG', 'DITERIMA'),
    ];
    const sum = deltasByDesa(path.map((delta) => ({ tahapId: 't', desaCode: 'd', delta })));
    expect(sum).toEqual([{ tahapId: 't', desaCode: 'd', delta: { cashPaid: 1 } }]);
  });

  it('counts food and accounts once, when they first arrive', () => {
    expect(foodDelta('DIKIRIM', 'DITERIMA')).toEqual({ foodDelivered: 1 });
    expect(foodDelta('DIULANG', 'DITERIMA')).toEqual({ foodDelivered: 1 });
    expect(foodDelta('DIKIRIM', 'GAGAL')).toEqual({});
    expect(accountDelta(undefined, 'AKTIF')).toEqual({ accountsOpened: 1 });
    expect(accountDelta('GAGAL', 'AKTIF')).toEqual({ accountsOpened: 1 });
    expect(accountDelta('DIAJUKAN', 'GAGAL')).toEqual({});
    expect(accountDelta('AKTIF', 'AKTIF')).toEqual({});
  });
});

describe('a batch summed per desa', () => {
  it('gives one sum per tahap and desa, and leaves out the moves that count nothing', () => {
    const A = '62.03.01.2001';
    const B = '62.03.02.2002';
    expect(
      deltasByDesa([
        { tahapId: '2026-1', desaCode: A, delta: { cardsDistributed: 1 } },
        { tahapId: '2026-1', desaCode: B, delta: { cardsDistributed: 1 } },
        { tahapId: '2026-1', desaCode: A, delta: { cardsDistributed: 1 } },
        { tahapId: '2026-2', desaCode: A, delta: { cardsDistributed: 1 } },
        { tahapId: '2026-1', desaCode: '62.03.03.2003', delta: {} },
        { tahapId: '2026-1', desaCode: B, delta: { cashPaid: 1, cashFailed: -1 } },
        { tahapId: '2026-1', desaCode: B, delta: { cashFailed: 1 } },
      ]),
    ).toEqual([
      { tahapId: '2026-1', desaCode: A, delta: { cardsDistributed: 2 } },
      { tahapId: '2026-1', desaCode: B, delta: { cardsDistributed: 1, cashPaid: 1 } },
      { tahapId: '2026-2', desaCode: A, delta: { cardsDistributed: 1 } },
    ]);
  });
});

describe('the table of a level', () => {
  const desa = [
    { desaCode: '62.03.01.2001', counts: { decreed: 4, cardsDistributed: 2 } },
    { desaCode: '62.03.01.2002', counts: { decreed: 1 } },
    { desaCode: '62.01.02.2001', counts: { decreed: 5, foodDelivered: 3 } },
  ];
  const complaints = new Map([['62.03.01.2002', { open: 2, overdue: 1 }]]);

  it('sums desa into kabupaten and kecamatan rows, ordered by code, with names and totals', () => {
    const kabupaten = dashboardTable(desa, complaints, 'kabupaten');
    expect(
      kabupaten.rows.map((row) => [row.code, row.name, row.counts.decreed, row.counts.complaintsOpen]),
    ).toEqual([
      ['62.01', 'Kabupaten Kotawaringin Barat', 5, 0],
      ['62.03', 'Kabupaten Kapuas', 5, 2],
    ]);
    expect(kabupaten.totals).toMatchObject({
      decreed: 10,
      cardsDistributed: 2,
      foodDelivered: 3,
      complaintsOverdue: 1,
    });
    const kecamatan = dashboardTable(desa, complaints, 'kecamatan');
    expect(kecamatan.rows.map((row) => row.code)).toEqual(['62.01.02', '62.03.01']);
    expect(kecamatan.totals).toEqual(kabupaten.totals);
    expect(dashboardTable(desa, complaints, 'desa').rows).toHaveLength(3);
  });

  it('exports a header in Bahasa Indonesia, a line per row and the totals', () => {
    const sheet = dashboardSheet(dashboardTable(desa, complaints, 'kabupaten'), 'kabupaten');
    expect(sheet.header.slice(0, 4)).toEqual(['Kode', 'Kabupaten/Kota', 'KPM Ditetapkan', 'Kartu Dibagikan']);
    expect(sheet.rows.at(-1)).toEqual(['', 'Jumlah', 10, 2, 0, 0, 0, 3, 2, 1]);
  });
});
