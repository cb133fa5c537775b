import { execFile as execFileCallback } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DRY_RUN_SAMPLE_ROWS,
  dryRunDecreePdf,
  renderBareTablePdf,
  renderDecreePdf,
} from '#functions/decree/render-pdf.ts';
import { DEFAULT_MENGINGAT, DEFAULT_MENIMBANG } from '#shared/config/decree.ts';
import { RATE_TABLE } from '#shared/config/rates.ts';
import {
  amountsForPeriod,
  buildLampiran,
  type DecreeDocument,
  type DecreeLine,
  type DecreeRecipient,
  type DecreeSettings,
  decreeDocument,
  formatRupiah,
} from '#shared/domain/decree.ts';
import type { RoleCode } from '#shared/domain/roles.ts';
import { desaList, kecamatanList } from '#shared/domain/wilayah.ts';

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
const VERIFY_CODE = 'K7QM-4XPD-9H2T';
const CREATED_AT = new Date('2026-11-29T03:15:00Z');
const LONG_NAME =
  'Raden Ayu Siti Nurhaliza Kusumawardhani binti Haji Abdurrahman Wahid Syahputra Tjokroaminoto Hadiningrat';

const FIRST_NAMES = [
  'Ahmad',
  'Siti',
  'Yohanes',
  'Rahmawati',
  'Dedy',
  'Nurul',
  'Agustinus',
  'Marlina',
  'Hendra',
  'Sri',
  'Tambun',
  'Bungai',
  'Eka',
  'Rusdiansyah',
];
const FAMILY_NAMES = [
  'Saputra',
  'Lestari',
  'Dohong',
  'Ranying',
  'Tingang',
  'Hidayat',
  'Nyahu',
  'Sahay',
  'Ilah',
];

/**
 * Recipients in three kecamatan of Kabupaten Kapuas (62.03), as a real list has them: the
 * kecamatan-level roles, then per desa a Mantir, Ketua RT, Babinsa, Bhabinkamtibmas and a Pemuka
 * Agama. A few names carry an apostrophe, accents, or are long enough to wrap.
 */
function kapuasRecipients(desaPerKecamatan: number, rtPerDesa: number): DecreeRecipient[] {
  const recipients: DecreeRecipient[] = [];
  const add = (
    peran: RoleCode,
    kecamatan: { code: string; name: string },
    desa?: { code: string; name: string },
  ) => {
    const index = recipients.length;
    const nama =
      index === 17
        ? LONG_NAME
        : index === 5
          ? "Ma'ruf Amin"
          : index === 40
            ? 'José Hérlina Situmorang'
            : `${FIRST_NAMES[index % FIRST_NAMES.length]} ${FAMILY_NAMES[(index * 5) % FAMILY_NAMES.length]}`;
    const rt = peran === 'KETUA_RT' ? String((index % rtPerDesa) + 1).padStart(3, '0') : undefined;
    recipients.push({
      nama,
      nik: `${kecamatan.code.replace(/\./g, '')}${String(100_000 + index * 37).slice(-6)}${String(index).padStart(4, '0')}`,
      peran,
      kecamatanCode: kecamatan.code,
      kecamatan: kecamatan.name,
      desaCode: desa?.code,
      desa: desa?.name,
      rt,
    });
  };
  const kecamatans = kecamatanList('62.03').filter((kecamatan) => desaList(kecamatan.code).length >= 8);
  for (const kecamatan of kecamatans.slice(0, 3)) {
    for (const role of ['DAMANG', 'SEKRETARIS_DAMANG', 'MANTIR_KECAMATAN', 'MANTIR_KECAMATAN'] as const) {
      add(role, kecamatan);
    }
    for (const desa of desaList(kecamatan.code).slice(0, desaPerKecamatan)) {
      add('MANTIR_DESA', kecamatan, desa);
      for (let rt = 0; rt < rtPerDesa; rt++) add('KETUA_RT', kecamatan, desa);
      add('BABINSA', kecamatan, desa);
      add('BHABINKAMTIBMAS', kecamatan, desa);
      add('PEMUKA_AGAMA', kecamatan, desa);
    }
  }
  return recipients;
}

function kapuasDecree(recipients: readonly DecreeRecipient[], verifyCode = VERIFY_CODE): DecreeDocument {
  const lampiran = buildLampiran(recipients, amountsForPeriod(RATE_TABLE.monthly, '2026'), SETTINGS.nikMask);
  return decreeDocument(
    {
      number: '188.44/7/2026',
      region: '62.03',
      period: '2026',
      decreeDate: '2026-11-29',
      verifyCode,
      proposalId: 'P-62.03-2026',
    },
    lampiran,
    SETTINGS,
  );
}

const allLines = (doc: DecreeDocument): DecreeLine[] => doc.lampiran.groups.flatMap((group) => group.lines);
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const count = (text: string, needle: string): number => text.split(needle).length - 1;
/** Whitespace as single spaces, and words hyphenated over a line break joined again. */
const squash = (text: string): string => text.replace(/\s+/g, ' ').replace(/- /g, '-');

interface Word {
  readonly text: string;
  readonly xMin: number;
  readonly yMin: number;
  readonly xMax: number;
  readonly yMax: number;
}

/** Words and their boxes per page, from `pdftotext -bbox`. */
function parseBoxes(html: string): Word[][] {
  const decode = (text: string) =>
    text
      .replace(/&apos;|&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return html
    .split('<page ')
    .slice(1)
    .map((page) =>
      [
        ...page.matchAll(
          /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
        ),
      ].map((match) => ({
        text: decode(match[5] ?? ''),
        xMin: Number(match[1]),
        yMin: Number(match[2]),
        xMax: Number(match[3]),
        yMax: Number(match[4]),
      })),
    );
}

const CM = 72 / 2.54;
const PAGE = { width: 595.28, height: 841.89 };
/** Margins of the layout: 2.5 cm left, 2 cm right. */
const TEXT_LEFT = 2.5 * CM;
const TEXT_RIGHT = PAGE.width - 2 * CM;

describe('renderDecreePdf', () => {
  let dir: string;
  let doc: DecreeDocument;
  let rendered: { pdf: Buffer; pages: number; sha256: string };
  let file: string;
  let text: string;
  let pageTexts: string[];
  let boxes: Word[][];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'render-pdf-'));
    doc = kapuasDecree(kapuasRecipients(8, 8));
    rendered = await renderDecreePdf(doc, { createdAt: CREATED_AT });
    file = join(dir, 'decree.pdf');
    await writeFile(file, rendered.pdf);
    const [layout, bbox] = await Promise.all([
      execFile('pdftotext', ['-layout', file, '-']),
      execFile('pdftotext', ['-bbox', file, '-'], { maxBuffer: 64 * 1024 * 1024 }),
    ]);
    text = layout.stdout;
    pageTexts = text.split('\f').slice(0, rendered.pages);
    boxes = parseBoxes(bbox.stdout);
  }, 30_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has the test list it is meant to have', () => {
    expect(doc.lampiran.recipientCount).toBe(300);
    expect(doc.lampiran.groups.length).toBeGreaterThan(20);
  });

  it('reports its pages as pdfinfo counts them, with a sane count for 300 recipients', async () => {
    const { stdout } = await execFile('pdfinfo', [file]);
    expect(stdout).toMatch(new RegExp(`^Pages:\\s+${rendered.pages}$`, 'm'));
    expect(stdout).toMatch(/^Title:\s+Keputusan Gubernur Kalimantan Tengah Nomor 188\.44\/7\/2026$/m);
    expect(stdout).toMatch(/^Author:\s+Pemerintah Provinsi Kalimantan Tengah$/m);
    expect(stdout).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
    // 2 pages of decree, 300 lines + headings and subtotals at about 40 rows a page, the summary.
    expect(rendered.pages).toBeGreaterThanOrEqual(9);
    expect(rendered.pages).toBeLessThanOrEqual(16);
    expect(pageTexts).toHaveLength(rendered.pages);
  });

  it('prints the decree: number, title, subject, considerations and diktum', () => {
    const flat = squash(text);
    expect(text).toContain('NOMOR 188.44/7/2026');
    expect(text).toContain('KEPUTUSAN GUBERNUR KALIMANTAN TENGAH');
    expect(text).toMatch(/^\s*TENTANG\s*$/m);
    expect(flat).toContain(doc.subject);
    expect(text).toContain('DENGAN RAHMAT TUHAN YANG MAHA ESA');
    expect(text).toContain('Menimbang');
    expect(text).toContain('Mengingat');
    expect(text).toContain('MEMUTUSKAN:');
    expect(flat).toContain(`Menetapkan : KEPUTUSAN GUBERNUR TENTANG ${doc.subject}.`);
    for (const diktum of doc.diktum) expect(flat).toContain(`${diktum.label} : ${squash(diktum.text)}`);
    for (const item of [...doc.menimbang, ...doc.mengingat]) expect(flat).toContain(squash(item));
    // The signature block closes both the decree and the lampiran.
    expect(count(text, 'Ditetapkan di Palangka Raya')).toBe(2);
    expect(count(text, 'pada tanggal 29 November 2026')).toBe(2);
    expect(count(text, 'AGUSTIAR SABRAN')).toBe(2);
  });

  it('lists every recipient on one line: number, name, masked NIK, role and amount', () => {
    for (const line of allLines(doc)) {
      if (line.nama === LONG_NAME) continue;
      const row = new RegExp(
        [line.no, line.nama, line.nikMasked, line.peran, formatRupiah(line.amount)]
          .map((part) => escapeRegExp(String(part)))
          .join('\\s+'),
      );
      expect(text, `row ${line.no}`).toMatch(row);
      expect(line.nikMasked).toMatch(/^\d{6}\*{6}\d{4}$/);
    }
  });

  it('heads every group and closes it with its subtotal, then the grand total in figures and words', () => {
    for (const group of doc.lampiran.groups) {
      const heading = group.heading;
      expect(text).toContain(heading);
    }
    const subtotals = [...text.matchAll(/^\s*Jumlah\s+(Rp[\d.]+)\s*$/gm)].map((match) => match[1]);
    expect(subtotals).toEqual(doc.lampiran.groups.map((group) => formatRupiah(group.subtotal)));
    expect(text).toMatch(
      new RegExp(`JUMLAH SELURUHNYA\\s+${escapeRegExp(formatRupiah(doc.lampiran.total))}`),
    );
    const words = doc.lampiran.totalInWords;
    expect(squash(text)).toContain(`Terbilang: ${words.charAt(0).toUpperCase()}${words.slice(1)}`);
    expect(squash(text)).toContain('REKAPITULASI MENURUT PERAN');
    for (const role of doc.lampiran.byRole) {
      expect(text).toMatch(
        new RegExp(
          `${escapeRegExp(role.peran)}\\s+${role.count}\\s+${escapeRegExp(formatRupiah(role.amount))}`,
        ),
      );
    }
  });

  it('repeats the table header on every lampiran page and starts the lampiran with its heading', () => {
    const lampiranStart = pageTexts.findIndex((page) => page.includes('LAMPIRAN'));
    expect(lampiranStart).toBe(2);
    const lampiranPage = pageTexts[lampiranStart] ?? '';
    for (const line of doc.lampiranHeading) expect(lampiranPage).toContain(line);
    expect(squash(lampiranPage)).toContain(`DAFTAR ${doc.subject}`);
    const tablePages = pageTexts.slice(lampiranStart).filter((page) => /\d{6}\*{6}\d{4}/.test(page));
    expect(tablePages.length).toBeGreaterThan(3);
    for (const page of tablePages) expect(page).toMatch(/No\s+Nama\s+NIK\s+Peran\s+Jumlah \(Rp\)/);
  });

  it('prints the verification code and URL on every page and numbers pages from 2', () => {
    expect(count(text, `Kode verifikasi: ${VERIFY_CODE}`)).toBe(rendered.pages);
    for (const [index, page] of pageTexts.entries()) {
      expect(page).toContain(`Kode verifikasi: ${VERIFY_CODE}`);
      expect(page).toContain(`Periksa keaslian di https://khbs.kalteng.go.id/verify/${VERIFY_CODE}`);
      // pdftotext closes up the narrow spaces of `- 2 -`.
      if (index === 0) expect(page).not.toMatch(/^\s*-\s*1\s*-\s*$/m);
      else expect(page).toMatch(new RegExp(`^\\s*-\\s*${index + 1}\\s*-\\s*$`, 'm'));
    }
  });

  it('keeps Indonesian names with apostrophes and accents', () => {
    expect(text).toContain("Ma'ruf Amin");
    expect(text).toContain('José Hérlina Situmorang');
  });

  it('wraps a long name inside its cell', () => {
    const line = allLines(doc).find((candidate) => candidate.nama === LONG_NAME);
    expect(line).toBeDefined();
    const page = boxes.find((words) => words.some((word) => word.text === line?.nikMasked)) ?? [];
    const nik = page.find((word) => word.text === line?.nikMasked);
    expect(nik).toBeDefined();
    const nameWords = LONG_NAME.split(' ').map((part) => {
      const word = page.find(
        (candidate) => candidate.text === part && candidate.yMin >= (nik?.yMin ?? 0) - 1,
      );
      expect(word, part).toBeDefined();
      return word as Word;
    });
    // On several lines, all left of the NIK column, starting on the row's line.
    expect(new Set(nameWords.map((word) => Math.round(word.yMin))).size).toBeGreaterThanOrEqual(3);
    for (const word of nameWords) expect(word.xMax).toBeLessThan(nik?.xMin ?? 0);
    expect(Math.min(...nameWords.map((word) => word.yMin))).toBeCloseTo(nik?.yMin ?? 0, 0);
  });

  it('keeps every word inside the margins, clear of the footer, and off every other word', () => {
    expect(boxes).toHaveLength(rendered.pages);
    for (const [index, words] of boxes.entries()) {
      const footerTop = Math.min(
        ...words.filter((word) => word.text === 'Kode' || word.text === 'Periksa').map((word) => word.yMin),
      );
      const footerWords = new Set(words.filter((word) => word.yMin >= footerTop - 0.5));
      expect(footerWords.size, `page ${index + 1}`).toBeGreaterThanOrEqual(5);
      for (const word of words) {
        expect(word.xMin, `${word.text} p${index + 1}`).toBeGreaterThanOrEqual(TEXT_LEFT - 0.5);
        expect(word.xMax, `${word.text} p${index + 1}`).toBeLessThanOrEqual(TEXT_RIGHT + 0.5);
        // The QR code and the rule above it start about 15 pt above the footer's first line.
        if (!footerWords.has(word))
          expect(word.yMax, `${word.text} p${index + 1}`).toBeLessThan(footerTop - 18);
      }
      const sorted = [...words].sort((a, b) => a.yMin - b.yMin);
      for (const [i, a] of sorted.entries()) {
        for (const b of sorted.slice(i + 1)) {
          if (b.yMin >= a.yMax - 0.5) break;
          const overlaps = a.xMin < b.xMax - 0.5 && b.xMin < a.xMax - 0.5;
          expect(overlaps, `"${a.text}" and "${b.text}" overlap on page ${index + 1}`).toBe(false);
        }
      }
    }
  });

  it('leaves no blank page', () => {
    for (const page of pageTexts) {
      const body = page
        .split('\n')
        .filter((line) => !/Kode verifikasi|Periksa keaslian|^\s*-\s*\d+\s*-\s*$/.test(line))
        .join('')
        .trim();
      expect(body.length).toBeGreaterThan(20);
    }
  });

  it('embeds both faces of Liberation Sans and no other font', async () => {
    const { stdout } = await execFile('pdffonts', [file]);
    const fonts = stdout.split('\n').slice(2).filter(Boolean);
    expect(fonts).toHaveLength(2);
    expect(stdout).toMatch(/\+LiberationSans\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(stdout).toMatch(/\+LiberationSans-Bold\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
  });

  it('stores the QR code once, however many pages show it', async () => {
    expect(count(rendered.pdf.toString('latin1'), '/Subtype /Image')).toBe(1);
    const { stdout } = await execFile('pdfimages', ['-list', file]);
    const uses = stdout
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((line) => line.trim().split(/\s+/));
    expect(uses.map((use) => use[0])).toEqual(pageTexts.map((_, index) => String(index + 1)));
    expect(new Set(uses.map((use) => `${use[10]} ${use[11]}`)).size).toBe(1);
  });

  it('draws the QR code of the verification URL', async () => {
    // No QR decoder here: compare the embedded image, module by module, with the symbol qrcode
    // builds for the URL.
    const prefix = join(dir, 'qr');
    await execFile('pdfimages', ['-f', '1', '-l', '1', file, prefix]);
    const [image] = (await readdir(dir)).filter((name) => name.startsWith('qr-'));
    const bytes = await readFile(join(dir, image ?? 'missing'));
    const header = /^(P[56])\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 40).toString('latin1'));
    expect(header).not.toBeNull();
    const [head, kind, width, height] = header ?? [];
    const pixels = bytes.subarray(head?.length ?? 0);
    const channels = kind === 'P6' ? 3 : 1;
    const { modules } = QRCode.create(doc.verifyUrl, { errorCorrectionLevel: 'M' });
    const scale = Number(width) / (modules.size + 2);
    expect(Number(height)).toBe(Number(width));
    expect(Number.isInteger(scale)).toBe(true);
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) {
        const x = Math.floor((col + 1.5) * scale);
        const y = Math.floor((row + 1.5) * scale);
        const dark = (pixels[(y * Number(width) + x) * channels] ?? 255) < 128;
        expect(dark, `module ${row},${col}`).toBe(modules.data[row * modules.size + col] === 1);
      }
    }
  });

  it('renders the same bytes for the same document and date, and says their SHA-256', async () => {
    expect(rendered.sha256).toBe(createHash('sha256').update(rendered.pdf).digest('hex'));
    const again = await renderDecreePdf(doc, { createdAt: new Date(CREATED_AT.getTime()) });
    expect(again.sha256).toBe(rendered.sha256);
    expect(again.pdf.equals(rendered.pdf)).toBe(true);
    const later = await renderDecreePdf(doc, { createdAt: new Date(CREATED_AT.getTime() + 1000) });
    expect(later.sha256).not.toBe(rendered.sha256);
  });

  it('renders pages that look like pages (first, lampiran, last)', async () => {
    const lampiranPage = pageTexts.findIndex((page) => page.includes('LAMPIRAN')) + 1;
    for (const page of [1, lampiranPage, rendered.pages]) {
      const prefix = join(dir, `page-${page}`);
      await execFile('pdftoppm', [
        '-png',
        '-r',
        '60',
        '-f',
        String(page),
        '-l',
        String(page),
        '-singlefile',
        file,
        prefix,
      ]);
      const { size } = await stat(`${prefix}.png`);
      expect(size, `page ${page}`).toBeGreaterThan(10_000);
    }
  });
});

describe('renderDecreePdf edge cases', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'render-pdf-edge-'));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const pdfText = async (pdf: Buffer, name: string): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, pdf);
    return (await execFile('pdftotext', ['-layout', file, '-'])).stdout;
  };

  it('renders a decree without recipients', async () => {
    const rendered = await renderDecreePdf(kapuasDecree([]), { createdAt: CREATED_AT });
    const text = await pdfText(rendered.pdf, 'empty.pdf');
    expect(text).toMatch(/JUMLAH SELURUHNYA\s+Rp0/);
    expect(text).toContain('Terbilang: Nol rupiah');
    expect(count(text, `Kode verifikasi: ${VERIFY_CODE}`)).toBe(rendered.pages);
  });

  it('repeats the group heading when a group goes on over a page', async () => {
    const doc = kapuasDecree(kapuasRecipients(2, 60));
    const rendered = await renderDecreePdf(doc, { createdAt: CREATED_AT });
    const text = await pdfText(rendered.pdf, 'long-groups.pdf');
    expect(text).toMatch(/(?:Desa|Kelurahan) \S.* \(lanjutan\)/);
    for (const line of allLines(doc).filter((candidate) => candidate.nama !== LONG_NAME)) {
      expect(text).toContain(line.nikMasked);
    }
  });
});

describe('renderBareTablePdf', () => {
  it('writes one line per row and nothing else', async () => {
    const rows = allLines(kapuasDecree(kapuasRecipients(8, 8)));
    const { pdf, pages } = await renderBareTablePdf(rows);
    const dir = await mkdtemp(join(tmpdir(), 'render-pdf-bare-'));
    try {
      const file = join(dir, 'bare.pdf');
      await writeFile(file, pdf);
      const { stdout } = await execFile('pdftotext', ['-layout', file, '-']);
      expect(stdout.split('\f').filter((page) => page.trim())).toHaveLength(pages);
      // Plain lines are not wrapped: the long name's line runs off the page.
      for (const row of rows) if (row.nama !== LONG_NAME) expect(stdout).toContain(row.nikMasked);
      expect(stdout).not.toContain('Kode verifikasi');
      expect(count(pdf.toString('latin1'), '/Subtype /Image')).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('dryRunDecreePdf (the pre-flight)', () => {
  it('lays out every row, draws the first pages, and keeps no bytes', async () => {
    const doc = kapuasDecree(kapuasRecipients(8, 8));
    const dry = await dryRunDecreePdf(doc, { createdAt: CREATED_AT });
    expect(dry.rowsMeasured).toBe(doc.lampiran.recipientCount);
    expect(dry.rowsMeasured).toBeGreaterThan(DRY_RUN_SAMPLE_ROWS);
    expect(dry.bytes).toBeGreaterThan(10_000);
    // The decree's pages, a few of the lampiran, the summary.
    expect(dry.pages).toBeGreaterThanOrEqual(3);
    expect(dry).not.toHaveProperty('pdf');
  });

  it('fails on a row it does not draw, as the real rendering would', async () => {
    const doc = kapuasDecree(kapuasRecipients(8, 8));
    const [first, ...rest] = doc.lampiran.groups;
    const last = rest.at(-1);
    if (!first || !last) throw new Error('expected several groups');
    const broken = {
      ...doc,
      lampiran: {
        ...doc.lampiran,
        groups: [
          first,
          ...rest.slice(0, -1),
          {
            ...last,
            lines: last.lines.map((line, index) => (index === 0 ? { ...line, amount: 0.5 } : line)),
          },
        ],
      },
    };
    expect(allLines(broken).findIndex((line) => line.amount === 0.5)).toBeGreaterThan(DRY_RUN_SAMPLE_ROWS);
    await expect(dryRunDecreePdf(broken, { createdAt: CREATED_AT })).rejects.toThrow(/Rupiah/);
    await expect(renderDecreePdf(broken, { createdAt: CREATED_AT })).rejects.toThrow(/Rupiah/);
  });
});
