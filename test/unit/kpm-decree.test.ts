import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dryRunDecreePdf, renderDecreePdf } from '#functions/decree/render-pdf.ts';
import { DEFAULT_MENGINGAT, DEFAULT_MENIMBANG } from '#shared/config/decree.ts';
import { totalsForKpm } from '#shared/domain/amounts.ts';
import {
  buildKpmLampiran,
  componentAmounts,
  componentProblems,
  type DecreeRecipient,
  type DecreeSettings,
  decreeDocument,
  decreePeriodLabel,
  decreeSubject,
  kpmRecipientProblem,
  perFamily,
  tahapIdLabel,
} from '#shared/domain/decree.ts';
import { reconciledDecrees } from '#shared/domain/reconciliation.ts';
import { DecreeRequestedSchema } from '#shared/messages.ts';

/**
 * The KPM decree (issue #14) as pure rules and as a PDF: the tahap's components, the lampiran by
 * kecamatan then desa with subtotals at both levels, masked NIK and No KK, the wording, and the
 * decree request's period checked per kind.
 */
const execFile = promisify(execFileCallback);

const SETTINGS: DecreeSettings = {
  numberPattern: '188.44/{seq}/{year}',
  place: 'Palangka Raya',
  signerTitle: 'GUBERNUR KALIMANTAN TENGAH',
  signerName: 'AGUSTIAR SABRAN',
  verifyBaseUrl: 'https://khbs.kalteng.go.id/verify',
  nikMask: { head: 6, tail: 4 },
  menimbang: DEFAULT_MENIMBANG,
  mengingat: DEFAULT_MENGINGAT,
};
const COMPONENTS = componentAmounts({ PANGAN: 150_000, TUNAI: 250_000 });

/** A family of Kapuas: kecamatan `kec` (01 Selat, 02 Kapuas Hilir), desa `desa`, serial n. */
function family(kec: '01' | '02', desa: string, desaName: string, n: number, nama: string, members = 3) {
  const digits = String(n).padStart(4, '0');
  return {
    nama,
    nik: `620301150885${digits}`,
    peran: 'KPM',
    kecamatanCode: `62.03.${kec}`,
    kecamatan: kec === '01' ? 'Selat' : 'Kapuas Hilir',
    desaCode: `62.03.${kec}.${desa}`,
    desa: desaName,
    family: { noKk: `620301010120${digits}`, members },
  } satisfies DecreeRecipient;
}

const recipients = (): DecreeRecipient[] => [
  family('02', '2001', 'Mambulau', 5, 'Yohanes Dohong', 5),
  family('01', '2002', 'Pulau Telo', 3, 'Siti Lestari', 2),
  family('01', '2001', 'Murung Keramat', 2, 'Budi Tingang', 4),
  family('01', '2001', 'Murung Keramat', 1, 'Ahmad Saputra', 3),
];

describe('KPM decree rules', () => {
  it('orders the tahap’s components and sums what a family receives', () => {
    expect(COMPONENTS).toEqual([
      { component: 'TUNAI', label: 'Tunai', amount: 250_000 },
      { component: 'PANGAN', label: 'Pangan', amount: 150_000 },
    ]);
    expect(perFamily(COMPONENTS)).toBe(400_000);
    expect(componentProblems(COMPONENTS)).toEqual([]);
    expect(componentProblems([])).toHaveLength(1);
    expect(componentProblems([{ component: 'TUNAI', label: 'Tunai', amount: 0 }])[0]?.code).toBe(
      'RATES_INVALID',
    );
  });

  it('groups by kecamatan then desa, with subtotals per desa and per kecamatan and the grand total', () => {
    const lampiran = buildKpmLampiran(recipients(), COMPONENTS, SETTINGS.nikMask);
    expect(lampiran.kind).toBe('KPM');
    expect(
      lampiran.groups.map((group) => [group.kecamatanHeading, group.heading, group.lines.length]),
    ).toEqual([
      ['Kecamatan Kapuas Hilir', 'Desa Mambulau', 1],
      ['Kecamatan Selat', 'Desa Murung Keramat', 2],
      [undefined, 'Desa Pulau Telo', 1],
    ]);
    const [hilir, murung, telo] = lampiran.groups;
    expect(hilir?.kecamatanTotal).toEqual({ families: 1, members: 5, amount: 400_000 });
    expect(murung?.kecamatanTotal).toBeUndefined();
    expect(murung?.subtotal).toBe(800_000);
    expect(murung?.members).toBe(7);
    expect(telo?.kecamatanTotal).toEqual({ families: 3, members: 9, amount: 1_200_000 });
    expect(murung?.lines.map((line) => [line.no, line.nama, line.nikMasked, line.noKkMasked])).toEqual([
      [2, 'Ahmad Saputra', '620301******0001', '620301******0001'],
      [3, 'Budi Tingang', '620301******0002', '620301******0002'],
    ]);
    expect(lampiran.recipientCount).toBe(4);
    expect(lampiran.memberCount).toBe(14);
    expect(lampiran.total).toBe(1_600_000);
    expect(lampiran.totalInWords).toBe('satu juta enam ratus ribu rupiah');
    expect(lampiran.byRole).toEqual([]);
    expect(lampiran.byComponent).toEqual([
      { component: 'TUNAI', label: 'Tunai', count: 4, amount: 1_000_000 },
      { component: 'PANGAN', label: 'Pangan', count: 4, amount: 600_000 },
    ]);
  });

  it('refuses a family the lampiran cannot print', () => {
    const ok = recipients()[0] as DecreeRecipient;
    expect(kpmRecipientProblem(ok)).toBeUndefined();
    expect(kpmRecipientProblem({ ...ok, family: undefined })).toBe('data keluarga tidak ada');
    expect(kpmRecipientProblem({ ...ok, family: { noKk: '123', members: 2 } })).toBe('No KK bukan 16 digit');
    expect(kpmRecipientProblem({ ...ok, family: { noKk: '6203010101200005', members: 0 } })).toBe(
      'anggota keluarga kosong',
    );
    expect(kpmRecipientProblem({ ...ok, peran: 'KETUA_RT' })).toBe('peran "KETUA_RT" bukan KPM');
    expect(kpmRecipientProblem({ ...ok, desa: undefined })).toBe('desa/kelurahan kosong');
  });

  it('words the subject and the period per kind', () => {
    expect(tahapIdLabel('2026-1')).toBe('Tahap 1 Tahun 2026');
    expect(decreeSubject('KPM', '62.03', '2026-1')).toBe(
      'Penetapan Keluarga Penerima Manfaat Kartu Huma Betang Sejahtera Tahap 1 Tahun 2026 di Kabupaten Kapuas',
    );
    expect(decreeSubject('BKK', '62.03', '2026-S1')).toBe(
      'Penerima Bantuan Keuangan Khusus bagi Unsur Pendukung Program Kartu Huma Betang Sejahtera di Kabupaten Kapuas Semester I Tahun 2026',
    );
    // Tahap 10 is not October.
    expect(decreePeriodLabel('KPM', '2026-10')).toBe('Tahap 10 Tahun 2026');
    expect(decreePeriodLabel('BKK', '2026-10')).toBe('Oktober 2026');
  });

  it('sees no KPM decree in the BKK reconciliation', () => {
    const decrees = [
      { decreeId: 'SK-62.03-2026-S1', kind: 'BKK' as const },
      { decreeId: 'SK-KPM-62.03-2026-1', kind: 'KPM' as const },
    ];
    expect(reconciledDecrees(decrees).map((decree) => decree.decreeId)).toEqual(['SK-62.03-2026-S1']);
  });
});

describe('decree.requested per kind', () => {
  const base = {
    type: 'decree.requested',
    proposalId: 'KPM-62.03-2026-1',
    region: '62.03',
    listId: 'kpm-list',
    recipientCount: 3,
    version: 7,
    approvedAt: '2026-11-29T03:15:00.000Z',
    approvedBy: { sub: 'approver-sekda', name: 'Sekretaris Daerah' },
  };

  it('takes a tahap id for KPM and a payment period for BKK; BKK when the kind is absent', () => {
    expect(DecreeRequestedSchema.parse({ ...base, kind: 'KPM', period: '2026-1' }).kind).toBe('KPM');
    expect(
      DecreeRequestedSchema.parse({ ...base, proposalId: '62.03-2026-S1', period: '2026-S1' }).kind,
    ).toBe('BKK');
    expect(DecreeRequestedSchema.safeParse({ ...base, kind: 'KPM', period: '2026-S1' }).success).toBe(false);
    expect(DecreeRequestedSchema.safeParse({ ...base, kind: 'BKK', period: '2026-1' }).success).toBe(false);
    expect(DecreeRequestedSchema.safeParse({ ...base, kind: 'KPM', period: '2026-13' }).success).toBe(false);
  });
});

describe('the KPM decree as a PDF', () => {
  let dir: string;
  let text: string;
  let pages: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kpm-decree-'));
    const lampiran = buildKpmLampiran(recipients(), COMPONENTS, SETTINGS.nikMask);
    const doc = decreeDocument(
      {
        kind: 'KPM',
        number: '188.44/12/2026',
        region: '62.03',
        period: '2026-1',
        decreeDate: '2026-11-29',
        verifyCode: 'K7QM-4XPD-9H2T',
        proposalId: 'KPM-62.03-2026-1-r2',
        replaces: { number: '188.44/7/2026', revokedOn: '2026-11-20' },
      },
      lampiran,
      SETTINGS,
    );
    const rendered = await renderDecreePdf(doc, { createdAt: new Date('2026-11-29T03:15:00Z') });
    pages = rendered.pages;
    const file = join(dir, 'kpm.pdf');
    await writeFile(file, rendered.pdf);
    text = (await execFile('pdftotext', ['-layout', file, '-'])).stdout.replace(/[ \t]+/g, ' ');
    const dry = await dryRunDecreePdf(doc, { createdAt: new Date('2026-11-29T03:15:00Z'), sampleRows: 2 });
    expect(dry.rowsMeasured).toBe(4);
  }, 30_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is titled as the penetapan of the tahap’s families in the kabupaten, with KPM considerations', () => {
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('KEPUTUSAN GUBERNUR KALIMANTAN TENGAH NOMOR 188.44/12/2026');
    expect(flat).toContain(
      'PENETAPAN KELUARGA PENERIMA MANFAAT KARTU HUMA BETANG SEJAHTERA TAHAP 1 TAHUN 2026 DI KABUPATEN KAPUAS',
    );
    expect(flat).toContain('Data Tunggal Sosial dan Ekonomi Nasional');
    expect(flat).toContain('Menetapkan 4 (empat) Keluarga Penerima Manfaat');
    expect(flat).toContain('bantuan tunai sebesar Rp250.000 (dua ratus lima puluh ribu rupiah)');
    expect(flat).toContain('bantuan pangan sebesar Rp150.000');
    expect(flat).toContain('Rp1.600.000 (satu juta enam ratus ribu rupiah)');
    expect(flat).toContain('menggantikan Keputusan Gubernur Kalimantan Tengah Nomor 188.44/7/2026');
    expect(flat).not.toContain('CONTOH');
    expect(pages).toBeGreaterThanOrEqual(2);
  });

  it('prints the lampiran by kecamatan and desa, masked, with a column per component and the totals', () => {
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('No Nama Penerima NIK No KK ART Tunai (Rp) Pangan (Rp)');
    const order = [
      'Kecamatan Kapuas Hilir',
      'Desa Mambulau',
      'Jumlah Desa Mambulau: 1 KPM',
      'Jumlah Kecamatan Kapuas Hilir: 1 KPM',
      'Kecamatan Selat',
      'Desa Murung Keramat',
      'Ahmad Saputra 620301******0001 620301******0001 3 250.000 150.000',
      'Jumlah Desa Murung Keramat: 2 KPM 7 500.000 300.000',
      'Desa Pulau Telo',
      'Jumlah Kecamatan Selat: 3 KPM 9 750.000 450.000',
      'JUMLAH SELURUHNYA: 4 KPM 14 1.000.000 600.000',
      'Jumlah seluruhnya Rp1.600.000',
      'REKAPITULASI MENURUT KOMPONEN BANTUAN',
    ];
    let at = 0;
    for (const piece of order) {
      const found = flat.indexOf(piece, at);
      expect(found, piece).toBeGreaterThan(at - 1);
      at = found;
    }
    expect(text).not.toMatch(/6203011508850001/);
    expect(text).not.toMatch(/6203010101200001/);
  });
});

describe('a KPM proposal’s totals', () => {
  it('are families × each component of the tahap, under the one role KPM', () => {
    expect(totalsForKpm(3, { TUNAI: 250_000, PANGAN: 150_000 })).toEqual({
      months: 0,
      byRole: { KPM: { count: 3, amount: 1_200_000 } },
      byComponent: { TUNAI: { count: 3, amount: 750_000 }, PANGAN: { count: 3, amount: 450_000 } },
      total: 1_200_000,
    });
    expect(totalsForKpm(0, { TUNAI: 250_000 }).total).toBe(0);
  });
});
