import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cardNumber } from '#shared/domain/family/distribution.ts';
import {
  type CardFacts,
  DoubleReceiptDetector,
  EDC_LAYOUT,
  type EdcLine,
  EdcLineSchema,
  edcLineKey,
  formatWib,
  nikWithTwoCards,
  parseCardCell,
  parseJenis,
  parseTahapCell,
  parseWaktu,
  validateEdcLine,
} from '#shared/domain/family/edc.ts';
import { readCsvRecords } from '#shared/import/csv-records.ts';
import { toRows } from '#shared/import/rows.ts';

async function rowsOf(text: string) {
  const rows = [];
  for await (const row of toRows(readCsvRecords(Readable.from([Buffer.from(text)])), EDC_LAYOUT))
    rows.push(row);
  return rows;
}

const NOW = '2026-03-20T00:00:00Z';
const CARD = cardNumber('62.03', 4567);
const CARD_NEW = cardNumber('62.03', 4568);
const CARD_OTHER = cardNumber('62.03', 4569);
const [, region = '', serial = '', check = ''] = /^HB-(\d{4})-(\d{7})-(\d)$/.exec(CARD) ?? [];
const WRONG_CHECK = `HB-${region}-${serial}-${(Number(check) + 1) % 10}`;
const NIK = '6203011203800001';
const PAN = '5264221234567890';

describe('EDC file and records', () => {
  const FILE = [
    '\uFEFFLAPORAN TRANSAKSI EDC KARTU HUMA BETANG SEJAHTERA;;;;;;',
    'PT Bank Pembangunan Daerah Kalimantan Tengah;;;;;;',
    'No;Nomor Kartu;TID;Tanggal/Jam;Nominal;Jenis Transaksi;RRN;Tahap',
    `1;${CARD.toLowerCase().replaceAll('-', ' ')};EDC-0001;02/03/2026 10:15:00;Rp250.000;Tarik Tunai;000123456789;`,
    `2;${PAN.replace(/(\d{4})/g, '$1 ').trim()};EDC-0001;02/03/2026 10:16:00;250000;TUNAI;000123456790;`,
    '3;526422******7890;EDC-0001;02/03/2026 10:17:00;250000;TUNAI;000123456791;',
    `4;${WRONG_CHECK};EDC-0002;2026-03-02T10:15:00+07:00;150.000;Sembako;A-77;Tahap 1 Tahun 2026`,
    `5;${CARD};EDC-0002;02-03-2026;150000;Pangan;A-78;`,
    `6;${CARD};EDC-0002;2026-03-02 03:15:00 UTC;150000;Bantuan Pangan;;2026/1`,
    `7;${CARD};EDC-0003;46083.4270833;250000;cash;;`,
    '8;5.26422E+15;EDC-0003;02/03/2026 10:18;250000;TUNAI;;',
    `9;${CARD};EDC 3;02/03/2026 25:00;250000,50;transfer;bad ref!;tahap satu`,
  ].join('\n');

  it('finds the header below title rows and a BOM, reads our card in any spelling, refuses bank cards unechoed', async () => {
    const rows = await rowsOf(FILE);
    expect(rows.map((row) => row.sourceRow)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const checked = rows.map((row) => validateEdcLine(row.raw, { now: NOW }));

    expect(checked[0]?.value).toEqual({
      card: CARD,
      terminal: 'EDC-0001',
      waktu: '2026-03-02T03:15:00.000Z',
      jumlah: 250_000,
      component: 'TUNAI',
      bankRef: '000123456789',
    });
    for (const index of [1, 2, 7]) {
      expect(checked[index]?.value, `row ${index + 4}`).toBeUndefined();
      expect(checked[index]?.errors.map((problem) => problem.code)).toEqual(['NO_KARTU_BANK']);
      expect(checked[index]?.errors[0]?.message).toContain('tidak pernah menyimpan nomor kartu bank');
    }
    expect(checked[3]?.errors.map((problem) => problem.code)).toEqual(['NO_KARTU_TIDAK_SAH']);
    expect(checked[4]?.errors.map((problem) => problem.code)).toEqual(['WAKTU_TANPA_JAM']);
    expect(checked[5]?.value).toMatchObject({
      waktu: '2026-03-02T03:15:00.000Z',
      component: 'PANGAN',
      tahapId: '2026-1',
    });
    expect(checked[6]?.value?.waktu).toBe('2026-03-02T03:15:00.000Z');
    // Everything wrong at once: every problem is reported.
    expect(checked[8]?.errors.map((problem) => problem.code)).toEqual([
      'TERMINAL_TIDAK_SAH',
      'WAKTU_TIDAK_SAH',
      'JUMLAH_TIDAK_SAH',
      'JENIS_TIDAK_DIKENAL',
      'TAHAP_TIDAK_SAH',
    ]);
    expect(checked[8]?.warnings.map((problem) => problem.code)).toEqual(['REFERENSI_DIABAIKAN']);

    for (const result of checked)
      if (result.value) expect(EdcLineSchema.parse(result.value)).toEqual(result.value);
    const messages = checked.flatMap((result) =>
      [...result.errors, ...result.warnings].map((p) => p.message),
    );
    for (const message of messages) {
      expect(message).not.toMatch(/5264|7890|5\.26422/);
      expect(message).not.toContain(serial);
    }
  });

  it('reads the card cell strictly', () => {
    expect(parseCardCell(` ${CARD.replaceAll('-', '')} `)).toEqual({ ok: true, card: CARD });
    expect(parseCardCell('')).toMatchObject({ ok: false, code: 'NO_KARTU_WAJIB' });
    expect(parseCardCell('4111-1111-1111-1111')).toMatchObject({ ok: false, code: 'NO_KARTU_BANK' });
    expect(parseCardCell('4111 11xx xxxx 1111')).toMatchObject({ ok: false, code: 'NO_KARTU_BANK' });
    expect(parseCardCell('12345')).toMatchObject({ ok: false, code: 'NO_KARTU_TIDAK_SAH' });
  });

  it('reads times in WIB unless a zone says otherwise, and refuses a time in the future', () => {
    const at = (text: string) => parseWaktu(text, NOW);
    expect(at('2026-03-02 10:15')).toEqual({ ok: true, value: '2026-03-02T03:15:00.000Z' });
    expect(at('02.03.2026 10.15.30 WIB')).toEqual({ ok: true, value: '2026-03-02T03:15:30.000Z' });
    expect(at('02/03/2026 11:15 WITA')).toEqual({ ok: true, value: '2026-03-02T03:15:00.000Z' });
    expect(at('2026-03-02T03:15:00Z')).toEqual({ ok: true, value: '2026-03-02T03:15:00.000Z' });
    expect(at('2026-03-02T10:15:00+07:00')).toEqual({ ok: true, value: '2026-03-02T03:15:00.000Z' });
    expect(at('46083.4270833')).toEqual({ ok: true, value: '2026-03-02T03:15:00.000Z' });
    expect(at('46083')).toMatchObject({ ok: false });
    expect(at('2026-03-02T10:15:00.250+0700')).toEqual({ ok: true, value: '2026-03-02T03:15:00.000Z' });
    expect(at('2026-03-02 00:30')).toEqual({ ok: true, value: '2026-03-01T17:30:00.000Z' });
    expect(at('')).toMatchObject({ ok: false, code: 'WAKTU_WAJIB' });
    expect(at('31/02/2026 10:00')).toMatchObject({ ok: false, code: 'WAKTU_TIDAK_SAH' });
    expect(at('2026-03-21 10:00')).toMatchObject({ ok: false, code: 'WAKTU_TIDAK_SAH' });
    expect(at('2020-03-02 10:00')).toMatchObject({ ok: false, code: 'WAKTU_TIDAK_SAH' });
    expect(formatWib('2026-03-02T03:15:00.000Z')).toBe('02-03-2026 10:15:00 WIB');
  });

  it('reads the component and the tahap in their spellings', () => {
    expect(parseJenis('TARIK TUNAI')).toBe('TUNAI');
    expect(parseJenis('paket sembako')).toBe('PANGAN');
    expect(parseJenis('transfer')).toBeUndefined();
    for (const text of [
      '2026-1',
      '2026/1',
      '1/2026',
      'Tahap 1 2026',
      'tahap 1 tahun 2026',
      'Tahap 1 Th. 2026',
    ]) {
      expect(parseTahapCell(text), text).toBe('2026-1');
    }
    expect(parseTahapCell('Tahap 13 2026')).toBeUndefined();
    expect(parseTahapCell('2026')).toBeUndefined();
  });
});

describe('DoubleReceiptDetector', () => {
  const WINDOWS = [
    { tahapId: '2026-1', from: '2026-02-28T17:00:00Z', until: '2026-03-31T17:00:00Z' },
    { tahapId: '2026-2', from: '2026-05-31T17:00:00Z', until: '2026-06-30T17:00:00Z' },
  ];
  const active: CardFacts = {
    number: CARD,
    status: 'DIBAGIKAN',
    since: '2026-02-01T00:00:00Z',
    familyId: 'KEL-ABCDEFGHJKMN',
    penerimaNik: NIK,
  };
  const redemption = (overrides: Partial<EdcLine> = {}): EdcLine => ({
    card: CARD,
    terminal: 'EDC-0001',
    waktu: '2026-03-02T03:15:00.000Z',
    jumlah: 250_000,
    component: 'TUNAI',
    bankRef: 'R1',
    ...overrides,
  });

  it('the first redemption is recorded; the same record again is a no-op, by bank id or by terminal and time', () => {
    const detector = new DoubleReceiptDetector(WINDOWS);
    expect(detector.observe(redemption(), { card: active })).toEqual({
      kind: 'RECORDED',
      lineKey: 'REF#R1',
      key: '2026-1#TUNAI#KEL-ABCDEFGHJKMN',
      tahapId: '2026-1',
      first: true,
      findings: [],
    });
    expect(detector.observe(redemption(), { card: active })).toEqual({
      kind: 'DUPLICATE',
      lineKey: 'REF#R1',
    });

    const noRef = new DoubleReceiptDetector(WINDOWS);
    const line = redemption({ bankRef: undefined });
    expect(edcLineKey(line)).toBe('TRX#EDC-0001#2026-03-02T03:15:00.000Z#250000');
    expect(noRef.observe(line, { card: active })).toMatchObject({ first: true });
    expect(noRef.observe(line, { card: active }).kind).toBe('DUPLICATE');
  });

  it('a second redemption of the same component and tahap is a finding carrying the first; another component or tahap is not', () => {
    const detector = new DoubleReceiptDetector(WINDOWS);
    detector.observe(redemption(), { card: active });
    const second = detector.observe(
      redemption({ bankRef: 'R2', waktu: '2026-03-05T02:00:00.000Z', terminal: 'EDC-0009' }),
      { card: active },
    );
    expect(second).toMatchObject({ kind: 'RECORDED', first: false, key: '2026-1#TUNAI#KEL-ABCDEFGHJKMN' });
    const [found] = second.kind === 'RECORDED' ? second.findings : [];
    expect(found).toMatchObject({
      code: 'PENEBUSAN_GANDA',
      first: { card: CARD, terminal: 'EDC-0001', waktu: '2026-03-02T03:15:00.000Z', bankRef: 'R1' },
    });
    expect(found?.detail).toContain('02-03-2026 10:15:00 WIB');
    expect(found?.detail).toContain('R1');

    expect(
      detector.observe(redemption({ bankRef: 'R3', component: 'PANGAN' }), { card: active }),
    ).toMatchObject({
      first: true,
      findings: [],
    });
    expect(
      detector.observe(redemption({ bankRef: 'R4', waktu: '2026-06-02T03:00:00.000Z' }), { card: active }),
    ).toMatchObject({ tahapId: '2026-2', first: true, findings: [] });
    // The file's own tahap column wins over the window.
    expect(
      detector.observe(redemption({ bankRef: 'R5', waktu: '2026-06-02T04:00:00.000Z', tahapId: '2026-1' }), {
        card: active,
      }),
    ).toMatchObject({ tahapId: '2026-1', first: false });
  });

  it('finds a double against a redemption of an earlier file, and recognises that very record again', () => {
    const earlier = {
      card: CARD,
      terminal: 'EDC-0001',
      waktu: '2026-03-01T03:00:00.000Z',
      jumlah: 250_000,
      bankRef: 'R0',
      lineKey: 'REF#R0',
    };
    const detector = new DoubleReceiptDetector(WINDOWS);
    expect(detector.observe(redemption({ bankRef: 'R0' }), { card: active, earlier }).kind).toBe('DUPLICATE');
    const verdict = detector.observe(redemption(), { card: active, earlier });
    expect(verdict.kind === 'RECORDED' && verdict.findings.map((f) => f.code)).toEqual(['PENEBUSAN_GANDA']);
  });

  it("a replaced card and its replacement are one family's card: one redemption on each is a double", () => {
    const old: CardFacts = { ...active, status: 'DIGANTI', since: '2026-03-03T00:00:00Z' };
    const replacement: CardFacts = { ...active, number: CARD_NEW, since: '2026-03-03T00:00:00Z' };
    const detector = new DoubleReceiptDetector(WINDOWS);
    expect(detector.observe(redemption(), { card: old })).toMatchObject({ first: true, findings: [] });
    const second = detector.observe(
      redemption({ card: CARD_NEW, bankRef: 'R9', waktu: '2026-03-04T01:00:00.000Z' }),
      {
        card: replacement,
      },
    );
    expect(second.kind === 'RECORDED' && second.findings.map((f) => f.code)).toEqual(['PENEBUSAN_GANDA']);
  });

  it('a blocked or replaced card used at or after the block is a finding; a millisecond before is not', () => {
    const blockedAt = '2026-03-02T03:15:00.000Z';
    const blocked: CardFacts = { ...active, status: 'DIBLOKIR', since: blockedAt };
    const atBlock = new DoubleReceiptDetector(WINDOWS).observe(redemption({ waktu: blockedAt }), {
      card: blocked,
    });
    expect(atBlock).toMatchObject({ first: true });
    expect(atBlock.kind === 'RECORDED' && atBlock.findings.map((f) => f.code)).toEqual(['KARTU_DIBLOKIR']);
    expect(atBlock.kind === 'RECORDED' && atBlock.findings[0]?.detail).toContain(
      'diblokir sejak 02-03-2026 10:15:00 WIB',
    );

    const before = new DoubleReceiptDetector(WINDOWS).observe(
      redemption({ waktu: '2026-03-02T03:14:59.999Z' }),
      {
        card: blocked,
      },
    );
    expect(before).toMatchObject({ findings: [] });
    const replaced = new DoubleReceiptDetector(WINDOWS).observe(
      redemption({ waktu: '2026-03-09T00:00:00.000Z' }),
      {
        card: { ...active, status: 'DIGANTI', since: blockedAt },
      },
    );
    expect(replaced.kind === 'RECORDED' && replaced.findings.map((f) => f.code)).toEqual(['KARTU_DIBLOKIR']);
  });

  it('one NIK holding two active cards is found once per NIK, masked', () => {
    const other: CardFacts = { ...active, number: CARD_OTHER, familyId: 'KEL-ZZZZZZZZZZZZ' };
    const detector = new DoubleReceiptDetector(WINDOWS);
    const verdict = detector.observe(redemption(), { card: active, holderCards: [active, other] });
    const found = verdict.kind === 'RECORDED' ? verdict.findings : [];
    expect(found.map((f) => f.code)).toEqual(['NIK_DUA_KARTU']);
    expect(found[0]?.detail).toContain('620301******0001');
    expect(found[0]?.detail).not.toContain(NIK);
    const again = detector.observe(redemption({ card: CARD_OTHER, bankRef: 'R7' }), {
      card: other,
      holderCards: [active, other],
    });
    expect(again).toMatchObject({ first: true, findings: [] });
    // A blocked second card is not a second active card.
    expect(
      new DoubleReceiptDetector(WINDOWS).observe(redemption(), {
        card: active,
        holderCards: [active, { ...other, status: 'DIBLOKIR' }],
      }),
    ).toMatchObject({ findings: [] });

    const sweep = nikWithTwoCards([active, other, { ...active, number: CARD_NEW, status: 'DIGANTI' }]);
    expect(sweep.map((f) => f.code)).toEqual(['NIK_DUA_KARTU']);
    expect(sweep[0]?.detail).toContain(`2 kartu aktif: ${[CARD, CARD_OTHER].sort().join(', ')}`);
  });

  it('an unknown card, and a redemption in no tahap, are findings', () => {
    const detector = new DoubleReceiptDetector(WINDOWS);
    const unknown = detector.observe(redemption(), {});
    expect(unknown).toMatchObject({ key: `2026-1#TUNAI#${CARD}`, first: true });
    expect(unknown.kind === 'RECORDED' && unknown.findings.map((f) => f.code)).toEqual([
      'KARTU_TIDAK_DIKENAL',
    ]);
    const outside = detector.observe(redemption({ bankRef: 'R8', waktu: '2026-04-15T00:00:00.000Z' }), {
      card: active,
    });
    expect(outside).toMatchObject({ kind: 'RECORDED', first: false });
    expect(outside.kind === 'RECORDED' && outside.key).toBeUndefined();
    expect(outside.kind === 'RECORDED' && outside.findings.map((f) => f.code)).toEqual([
      'TAHAP_TIDAK_DIKETAHUI',
    ]);
  });

  it('refuses overlapping or empty windows', () => {
    expect(
      () =>
        new DoubleReceiptDetector([
          { tahapId: '2026-1', from: '2026-03-01T00:00:00Z', until: '2026-04-01T00:00:00Z' },
          { tahapId: '2026-2', from: '2026-03-31T00:00:00Z', until: '2026-05-01T00:00:00Z' },
        ]),
    ).toThrow(/overlap/);
    expect(
      () =>
        new DoubleReceiptDetector([
          { tahapId: '2026-1', from: '2026-03-01T00:00:00Z', until: '2026-03-01T00:00:00Z' },
        ]),
    ).toThrow(/bad distribution window/);
  });
});
