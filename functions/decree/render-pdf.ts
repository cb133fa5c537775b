/**
 * The decree (SK Gubernur) as a PDF, laid out from what `decreeDocument` worded: the decree itself
 * (considerations, legal bases, diktum, signature), then the lampiran listing every recipient by
 * kecamatan and desa with subtotals, the grand total in figures and in words, a summary per role and
 * the signature again. Every page carries the QR code of the verification URL and the verification
 * code; pages after the first are numbered `- 2 -` at the top, as Indonesian official documents are.
 *
 * The output is deterministic (same document and `createdAt` → the same bytes, so the stored hash
 * can be recomputed), and memory holds only the finished PDF: pages are written out as soon as the
 * next one starts (no `bufferPages`), hence no "page X of Y". Nothing is logged: the document holds
 * personal data.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { type DecreeDocument, type DecreeGroup, formatRupiah, type Lampiran } from '#shared/domain/decree.ts';

// --- Fonts ---------------------------------------------------------------------------------------

/** Next to the module, both in the repository and in the Lambda bundle (which copies the folder). */
const FONT_DIR = new URL('./fonts/', import.meta.url);

/**
 * A font as fontkit parsed it (what pdfkit makes of a TTF, and accepts in its place). Parsing a TTF
 * is most of the cost of a short decree (~40 % of a dry rendering), so it is done once per process
 * and the parsed font is shared by every document: pdfkit takes a parsed font as it is and makes
 * each document's own subset from it, and the bytes it writes are the same.
 */
interface ParsedFont {
  readonly layout: (...args: never[]) => unknown;
}

interface Fonts {
  readonly regular: ParsedFont;
  readonly bold: ParsedFont;
}

let fontsLoading: Promise<Fonts> | undefined;

/** The TTF parsed the way pdfkit parses it (fontkit, a dependency of pdfkit's, not of ours). */
function parseFont(ttf: Buffer): ParsedFont {
  const doc = new PDFDocument({ autoFirstPage: false, font: ttf as unknown as string });
  const parsed = (doc as unknown as { _font?: { font?: Partial<ParsedFont> } })._font?.font;
  doc.end();
  if (typeof parsed?.layout !== 'function') throw new Error('pdfkit did not parse the decree font');
  return parsed as ParsedFont;
}

/** The TTFs, read and parsed once per process. */
function loadFonts(): Promise<Fonts> {
  if (!fontsLoading) {
    fontsLoading = Promise.all([
      readFile(new URL('LiberationSans-Regular.ttf', FONT_DIR)),
      readFile(new URL('LiberationSans-Bold.ttf', FONT_DIR)),
    ]).then(([regular, bold]) => ({ regular: parseFont(regular), bold: parseFont(bold) }));
    // A failed read is retried on the next call rather than cached.
    fontsLoading.catch(() => {
      fontsLoading = undefined;
    });
  }
  return fontsLoading;
}

type FontName = 'regular' | 'bold';

/**
 * The names the faces are registered under: their PostScript names. pdfkit caches an opened font
 * under that name, and the document's first font (the `font` constructor option) is opened without
 * any other key; a different alias for it would be parsed again on every switch (pdfkit finds it
 * equal to the cached face but does not cache the alias), which made tables several times slower.
 */
const FONT_KEY: Readonly<Record<FontName, string>> = {
  regular: 'LiberationSans',
  bold: 'LiberationSans-Bold',
};

// --- Page geometry (points) ----------------------------------------------------------------------

const CM = 72 / 2.54;
const PAGE_WIDTH = 595.28; // A4
const PAGE_HEIGHT = 841.89;
const LEFT = 2.5 * CM;
const RIGHT = PAGE_WIDTH - 2 * CM;
const TOP = 2 * CM;
const CONTENT_WIDTH = RIGHT - LEFT;

/** The footer: the QR code 1 cm above the bottom edge, a thin rule above it. */
const QR_SIZE = 1.8 * CM;
const QR_TOP = PAGE_HEIGHT - 1 * CM - QR_SIZE;
const FOOTER_RULE_Y = QR_TOP - 5;
/** The lowest point content may reach: the rest of the page belongs to the footer. */
const CONTENT_BOTTOM = FOOTER_RULE_Y - 9;
/** Page numbers sit in the top margin. */
const PAGE_NUMBER_Y = 1.1 * CM;

const BODY_SIZE = 11;
const BODY_GAP = 2;
const SMALL_SIZE = 10;
const TABLE_SIZE = 9;
const FOOTER_SIZE = 8;

/** Menimbang / Mengingat / diktum: the label, its colon, the letter or number, the text. */
const COLON_X = LEFT + 82;
const MARKER_X = COLON_X + 10;
const MARKER_WIDTH = 18;

/** Light grey behind table headers and group headings. */
const HEADER_SHADE = '#e3e3e3';
const GROUP_SHADE = '#f2f2f2';

/** Rounding slack, so that a line ending exactly on the limit does not trigger pdfkit's own break. */
const EPSILON = 0.5;

// pdfkit's `openImage` and the image object it returns are not in @types/pdfkit. Passing that object
// to `image()` embeds it on first use (`if (!image.obj) image.embed(doc)`) and then only references
// the same XObject on every page, so the QR code is stored once however many pages there are.
interface OpenedImage {
  readonly width: number;
  readonly height: number;
}
interface ImageDocument {
  openImage(src: Buffer): OpenedImage;
  image(src: OpenedImage, x: number, y: number, options: { width: number }): unknown;
}

/**
 * pdfkit keeps, per font, the shaped glyph run of every distinct word it has measured or written
 * (`layoutCache`, about 4 KB a word) for the whole document: with a unique running number and NIK
 * on every row that is some 250 MB for 30,000 rows. Turning it off (`fontLayoutCache: false`) makes
 * every measurement shape the text again, three times per cell. Emptying it every few pages keeps
 * the repeated words (roles, amounts, common names) fast and memory flat. The property is not part of
 * pdfkit's API: if a later version drops it, this does nothing and only memory grows again.
 */
const LAYOUT_CACHE_PAGES = 8;
interface FontInternals {
  layoutCache?: unknown;
}

function emptyLayoutCaches(pdf: PDFKit.PDFDocument): void {
  const families = (pdf as unknown as { _fontFamilies?: Record<string, FontInternals> })._fontFamilies;
  if (!families) return;
  for (const font of Object.values(families)) {
    if (font && typeof font.layoutCache === 'object' && font.layoutCache !== null) {
      font.layoutCache = Object.create(null);
    }
  }
}

/** What every page's footer shows: the QR code (a PNG) of `url`, and `code`. */
interface Footer {
  readonly qrPng: Buffer;
  readonly code: string;
  readonly url: string;
  /** A warning printed in red under the verification lines (a decree on placeholder rates). */
  readonly notice?: string | undefined;
}

// --- The writer ------------------------------------------------------------------------------------

/**
 * A pdfkit document with its own pagination: blocks that must stay together are measured and moved
 * to the next page when they do not fit; a new page (ours or pdfkit's own break inside a long
 * paragraph) gets its footer and number from the `pageAdded` handler, which puts position and font
 * back as they were.
 */
class Writer {
  readonly pdf: PDFKit.PDFDocument;
  pages = 0;
  private fontName: FontName = 'regular';
  private fontSize = BODY_SIZE;
  private readonly lineHeights = new Map<string, number>();
  /** Opened once; embedded as one image XObject on its first use. */
  private readonly qr: OpenedImage | undefined;

  constructor(
    fonts: Fonts,
    info: PDFKit.DocumentInfo,
    private readonly footer: Footer | undefined,
    private readonly numbered: boolean,
  ) {
    this.pdf = new PDFDocument({
      size: 'A4',
      margins: { top: TOP, left: LEFT, right: PAGE_WIDTH - RIGHT, bottom: PAGE_HEIGHT - CONTENT_BOTTOM },
      autoFirstPage: false,
      info,
      // The standard fonts are AFM files that pdfkit reads from its own folder, which an esbuild
      // bundle does not have: start with the embedded TTF instead (@types/pdfkit only allows a name).
      font: fonts.regular as unknown as string,
    });
    // @types/pdfkit lists only file sources; pdfkit takes a parsed font too.
    this.pdf.registerFont(FONT_KEY.regular, fonts.regular as unknown as Buffer);
    this.pdf.registerFont(FONT_KEY.bold, fonts.bold as unknown as Buffer);
    this.pdf.font(FONT_KEY.regular, BODY_SIZE);
    this.qr = footer ? (this.pdf as unknown as ImageDocument).openImage(footer.qrPng) : undefined;
    this.pdf.on('pageAdded', () => this.decoratePage());
  }

  setFont(name: FontName, size: number): void {
    if (name === this.fontName && size === this.fontSize) return;
    this.fontName = name;
    this.fontSize = size;
    this.pdf.font(FONT_KEY[name], size);
  }

  /** Height of one line (with the font's own gap) of the current font. */
  lineHeight(): number {
    const key = `${this.fontName}:${this.fontSize}`;
    let height = this.lineHeights.get(key);
    if (height === undefined) {
      height = this.pdf.currentLineHeight(true);
      this.lineHeights.set(key, height);
    }
    return height;
  }

  newPage(): void {
    this.pdf.addPage();
  }

  get y(): number {
    return this.pdf.y;
  }

  set y(value: number) {
    this.pdf.y = value;
  }

  /** Starts a new page unless `height` still fits on this one (or this page is still empty). */
  ensureSpace(height: number): void {
    if (this.pdf.y + height > CONTENT_BOTTOM - EPSILON && this.pdf.y > TOP + EPSILON) this.newPage();
  }

  /** One line at a fixed place: no wrapping, so no page break either. */
  textAt(text: string, x: number, y: number): void {
    this.pdf.text(text, x, y, { lineBreak: false });
  }

  /** A paragraph at `x`…`x + width`, kept on one page when it fits on one. */
  paragraph(
    text: string,
    x: number,
    width: number,
    options: { font?: FontName; size?: number; align?: 'left' | 'center' | 'justify'; after?: number } = {},
  ): void {
    this.setFont(options.font ?? 'regular', options.size ?? BODY_SIZE);
    const textOptions = { width, align: options.align ?? 'left', lineGap: BODY_GAP } as const;
    this.ensureSpace(this.pdf.heightOfString(text, textOptions));
    this.pdf.text(text, x, this.pdf.y, textOptions);
    this.pdf.y += options.after ?? 0;
  }

  /** Footer on every page, number from page 2; then position and font as they were. */
  private decoratePage(): void {
    this.pages += 1;
    if (this.pages % LAYOUT_CACHE_PAGES === 0) emptyLayoutCaches(this.pdf);
    const { pdf } = this;
    const { x, y } = pdf;
    if (this.footer && this.qr) this.drawFooter(this.footer, this.qr);
    if (this.numbered && this.pages > 1) {
      pdf.font(FONT_KEY.regular, SMALL_SIZE);
      const label = `- ${this.pages} -`;
      this.textAt(label, LEFT + (CONTENT_WIDTH - pdf.widthOfString(label)) / 2, PAGE_NUMBER_Y);
    }
    pdf.fillColor('black');
    pdf.font(FONT_KEY[this.fontName], this.fontSize);
    pdf.x = x;
    pdf.y = y;
  }

  private drawFooter(footer: Footer, qr: OpenedImage): void {
    const { pdf } = this;
    pdf.save().lineWidth(0.5).strokeColor('#808080');
    pdf.moveTo(LEFT, FOOTER_RULE_Y).lineTo(RIGHT, FOOTER_RULE_Y).stroke();
    pdf.restore();
    (pdf as unknown as ImageDocument).image(qr, LEFT, QR_TOP, { width: QR_SIZE });
    const textX = LEFT + QR_SIZE + 8;
    const room = RIGHT - textX;
    const codeLabel = 'Kode verifikasi: ';
    const urlLine = `Periksa keaslian di ${footer.url}`;
    // A long verification URL gets a smaller type rather than running off the page.
    pdf.font(FONT_KEY.regular, FOOTER_SIZE);
    const size = Math.min(FOOTER_SIZE, (FOOTER_SIZE * room) / pdf.widthOfString(urlLine));
    pdf.font(FONT_KEY.regular, size);
    const lineHeight = pdf.currentLineHeight(true);
    const lines = footer.notice ? 3 : 2;
    const top = QR_TOP + QR_SIZE / 2 - (lines * (lineHeight + 2)) / 2;
    this.textAt(codeLabel, textX, top);
    const codeX = textX + pdf.widthOfString(codeLabel);
    pdf.font(FONT_KEY.bold, size);
    this.textAt(footer.code, codeX, top);
    pdf.font(FONT_KEY.regular, size);
    this.textAt(urlLine, textX, top + lineHeight + 2);
    if (footer.notice) {
      pdf.font(FONT_KEY.bold, size).fillColor('#b00000');
      this.textAt(footer.notice, textX, top + 2 * (lineHeight + 2));
      pdf.fillColor('black');
    }
  }

  /** Ends the document and counts its bytes, keeping none (a dry run). */
  async count(): Promise<number> {
    let bytes = 0;
    const done = new Promise<number>((resolve, reject) => {
      this.pdf.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      this.pdf.on('end', () => resolve(bytes));
      this.pdf.on('error', reject);
    });
    this.pdf.end();
    return done;
  }

  /** Ends the document and returns its bytes. */
  async finish(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      this.pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
      this.pdf.on('end', () => resolve(Buffer.concat(chunks)));
      this.pdf.on('error', reject);
    });
    this.pdf.end();
    return done;
  }
}

// --- Tables ----------------------------------------------------------------------------------------

type Align = 'left' | 'center' | 'right';

interface Column {
  readonly header: string;
  readonly width: number;
  readonly align: Align;
}

/** A cell covers columns `from` up to (not including) `to`. */
interface Cell {
  readonly from: number;
  readonly to: number;
  readonly text: string;
  readonly align: Align;
  readonly bold: boolean;
}

interface Row {
  readonly cells: readonly Cell[];
  readonly shade?: string | undefined;
}

/** A row and what drawing it needs: its height and, per cell, the one-line width (or -1 if it wraps). */
interface MeasuredRow {
  readonly row: Row;
  readonly height: number;
  readonly widths: readonly number[];
}

const PAD_X = 3;
const PAD_Y = 2.5;

/**
 * A ruled table: rows never split, the header row is repeated at the top of every page, and a row
 * can carry the heading that is repeated after the header when its group goes on over a page.
 * A cell's text is measured only when it is wider than its column (`heightOfString` is the slow
 * part); the rules of a page are drawn in one path when the page is done.
 */
class Table {
  private readonly edges: number[];
  private readonly header: MeasuredRow;
  /** Repeated after the header on a new page while a group goes on. */
  continuation: MeasuredRow | undefined;
  private y = 0;
  private freshPage = false;
  /** Horizontal rules (y), and vertical runs per column edge: [top, bottom] or undefined. */
  private rules: number[] = [];
  private runs: ([number, number] | undefined)[];
  private verticals: number[] = [];

  constructor(
    private readonly w: Writer,
    columns: readonly Column[],
    private readonly size: number,
  ) {
    this.edges = [LEFT];
    for (const column of columns) this.edges.push((this.edges.at(-1) ?? LEFT) + column.width);
    this.runs = this.edges.map(() => undefined);
    this.header = this.measure({
      shade: HEADER_SHADE,
      cells: columns.map((column, index) => ({
        from: index,
        to: index + 1,
        text: column.header,
        align: 'center',
        bold: true,
      })),
    });
  }

  get headerHeight(): number {
    return this.header.height;
  }

  /** The header row where the writer is, with `keep` points of the first rows on the same page. */
  start(keep: number): void {
    this.w.ensureSpace(this.header.height + keep);
    this.y = this.w.y;
    this.draw(this.header);
    this.freshPage = true;
  }

  measure(row: Row): MeasuredRow {
    const { w } = this;
    let height = 0;
    const widths: number[] = [];
    for (const cell of row.cells) {
      w.setFont(cell.bold ? 'bold' : 'regular', this.size);
      const inner = this.innerWidth(cell);
      const width = w.pdf.widthOfString(cell.text);
      if (width <= inner) {
        widths.push(width);
        height = Math.max(height, w.lineHeight());
      } else {
        widths.push(-1);
        height = Math.max(
          height,
          w.pdf.heightOfString(cell.text, { width: inner, align: cell.align, lineGap: 0 }),
        );
      }
    }
    return { row, height: height + 2 * PAD_Y, widths };
  }

  /** Draws a row, on a new page unless it and the `keep` points after it fit on this one. */
  place(row: MeasuredRow, keep = 0): void {
    if (this.y + row.height + keep > CONTENT_BOTTOM - EPSILON && !this.freshPage) {
      this.flushRules();
      this.w.newPage();
      this.y = this.w.y;
      this.draw(this.header);
      if (this.continuation) this.draw(this.continuation);
      this.freshPage = true;
    }
    this.draw(row);
    this.freshPage = false;
  }

  /** Draws the page's rules and leaves the writer below the table. */
  end(): void {
    this.flushRules();
    this.w.y = this.y;
  }

  private innerWidth(cell: Cell): number {
    return (this.edges[cell.to] ?? RIGHT) - (this.edges[cell.from] ?? LEFT) - 2 * PAD_X;
  }

  private draw({ row, height, widths }: MeasuredRow): void {
    const { w } = this;
    const { pdf } = w;
    const top = this.y;
    const bottom = top + height;
    if (row.shade) {
      const left = this.edges[0] ?? LEFT;
      pdf
        .rect(left, top, (this.edges.at(-1) ?? RIGHT) - left, height)
        .fill(row.shade)
        .fillColor('black');
    }
    for (const [index, cell] of row.cells.entries()) {
      w.setFont(cell.bold ? 'bold' : 'regular', this.size);
      const x = (this.edges[cell.from] ?? LEFT) + PAD_X;
      const inner = this.innerWidth(cell);
      const width = widths[index] ?? -1;
      if (width >= 0) {
        const offset =
          cell.align === 'right' ? inner - width : cell.align === 'center' ? (inner - width) / 2 : 0;
        w.textAt(cell.text, x + offset, top + PAD_Y);
      } else {
        // The row was measured to fit above the footer; an unbounded height keeps pdfkit from ever
        // breaking the page (or cutting the text) inside a cell.
        pdf.text(cell.text, x, top + PAD_Y, {
          width: inner,
          align: cell.align,
          lineGap: 0,
          height: Number.POSITIVE_INFINITY,
        });
      }
    }
    if (this.rules.length === 0) this.rules.push(top);
    this.rules.push(bottom);
    this.extendRun(0, top, bottom);
    for (const cell of row.cells) this.extendRun(cell.to, top, bottom);
    this.y = bottom;
  }

  private extendRun(edge: number, top: number, bottom: number): void {
    const run = this.runs[edge];
    if (run && run[1] === top) {
      run[1] = bottom;
      return;
    }
    if (run) this.verticals.push(this.edges[edge] ?? LEFT, run[0], run[1]);
    this.runs[edge] = [top, bottom];
  }

  private flushRules(): void {
    const { pdf } = this.w;
    for (const [edge, run] of this.runs.entries()) {
      if (run) this.verticals.push(this.edges[edge] ?? LEFT, run[0], run[1]);
      this.runs[edge] = undefined;
    }
    if (this.rules.length === 0) return;
    const left = this.edges[0] ?? LEFT;
    const right = this.edges.at(-1) ?? RIGHT;
    pdf.lineWidth(0.5).strokeColor('black');
    for (const y of this.rules) pdf.moveTo(left, y).lineTo(right, y);
    for (let i = 0; i + 2 < this.verticals.length; i += 3) {
      const x = this.verticals[i] ?? left;
      pdf.moveTo(x, this.verticals[i + 1] ?? 0).lineTo(x, this.verticals[i + 2] ?? 0);
    }
    pdf.stroke();
    this.rules = [];
    this.verticals = [];
  }
}

const cell = (from: number, to: number, text: string, align: Align = 'left', bold = false): Cell => ({
  from,
  to,
  text,
  align,
  bold,
});

// --- The decree ------------------------------------------------------------------------------------

/** Lampiran columns: No | Nama | NIK | Peran | Jumlah (Rp); Nama takes what the others leave. */
const NO_WIDTH = 34;
const NIK_WIDTH = 82;
const PERAN_WIDTH = 122;
const AMOUNT_WIDTH = 88;
const RECIPIENT_COLUMNS: readonly Column[] = [
  { header: 'No', width: NO_WIDTH, align: 'right' },
  { header: 'Nama', width: CONTENT_WIDTH - NO_WIDTH - NIK_WIDTH - PERAN_WIDTH - AMOUNT_WIDTH, align: 'left' },
  { header: 'NIK', width: NIK_WIDTH, align: 'left' },
  { header: 'Peran', width: PERAN_WIDTH, align: 'left' },
  { header: 'Jumlah (Rp)', width: AMOUNT_WIDTH, align: 'right' },
];

const SUMMARY_COUNT_WIDTH = 96;
const SUMMARY_COLUMNS: readonly Column[] = [
  { header: 'No', width: NO_WIDTH, align: 'right' },
  { header: 'Peran', width: CONTENT_WIDTH - NO_WIDTH - SUMMARY_COUNT_WIDTH - AMOUNT_WIDTH, align: 'left' },
  { header: 'Jumlah Penerima (orang)', width: SUMMARY_COUNT_WIDTH, align: 'right' },
  { header: 'Jumlah (Rp)', width: AMOUNT_WIDTH, align: 'right' },
];

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const countText = (count: number): string => count.toLocaleString('id-ID');

/** The QR code as a greyscale PNG: no alpha channel, so pdfkit embeds one image without a soft mask. */
async function qrPng(url: string): Promise<Buffer> {
  // Passed through to pngjs; @types/qrcode lists only the deflate options.
  const rendererOpts = { deflateLevel: 9, colorType: 0 };
  return QRCode.toBuffer(url, { errorCorrectionLevel: 'M', margin: 1, scale: 8, rendererOpts });
}

function documentInfo(title: string, subject: string, createdAt: Date): PDFKit.DocumentInfo {
  return {
    Title: title,
    Author: 'Pemerintah Provinsi Kalimantan Tengah',
    Subject: subject,
    CreationDate: createdAt,
    ModDate: createdAt,
  };
}

/** The considerations and legal bases: `Menimbang : a. …`, the label on the first item only. */
function labelledList(
  w: Writer,
  label: string,
  items: readonly string[],
  marker: (index: number) => string,
): void {
  const textX = MARKER_X + MARKER_WIDTH;
  const width = RIGHT - textX;
  for (const [index, item] of items.entries()) {
    w.setFont('regular', BODY_SIZE);
    const options = { width, align: 'justify', lineGap: BODY_GAP } as const;
    w.ensureSpace(w.pdf.heightOfString(item, options));
    const top = w.y;
    if (index === 0) {
      w.textAt(label, LEFT, top);
      w.textAt(':', COLON_X, top);
    }
    w.textAt(marker(index), MARKER_X, top);
    w.pdf.text(item, textX, top, options);
    w.y += 3;
  }
  w.y += BODY_SIZE;
}

/** `KESATU : text` (and `Menetapkan : …`): the label column, then the text with a hanging indent. */
function labelledParagraph(
  w: Writer,
  label: string,
  text: string,
  options: { bold?: boolean; keep?: number } = {},
): void {
  const bold = options.bold ?? false;
  const width = RIGHT - MARKER_X;
  w.setFont(bold ? 'bold' : 'regular', BODY_SIZE);
  // Justified, except the bold upper-case title of `Menetapkan`, whose few long words would be
  // spread across the line.
  const textOptions = { width, align: bold ? 'left' : 'justify', lineGap: BODY_GAP } as const;
  w.ensureSpace(w.pdf.heightOfString(text, textOptions) + (options.keep ?? 0));
  const top = w.y;
  w.setFont('regular', BODY_SIZE);
  w.textAt(label, LEFT, top);
  w.textAt(':', COLON_X, top);
  w.setFont(bold ? 'bold' : 'regular', BODY_SIZE);
  w.pdf.text(text, MARKER_X, top, textOptions);
  w.y += 6;
}

/** A block measured before it is drawn, to be kept on one page (and to keep others with it). */
interface Block {
  readonly height: number;
  draw(): void;
}

/** `Ditetapkan di …`, the date, the title, room for the signature, the name. */
function signatureBlock(w: Writer, doc: DecreeDocument): Block {
  const { pdf } = w;
  const title = `${doc.signerTitle},`;
  const lines = [`Ditetapkan di ${doc.place}`, `pada tanggal ${doc.dateText}`];
  w.setFont('bold', BODY_SIZE);
  const widest = Math.max(pdf.widthOfString(title), pdf.widthOfString(doc.signerName));
  w.setFont('regular', BODY_SIZE);
  const x = Math.max(
    LEFT + CONTENT_WIDTH / 2,
    RIGHT - Math.max(widest, ...lines.map((line) => pdf.widthOfString(line))),
  );
  const width = RIGHT - x;
  const options = { width, lineGap: BODY_GAP } as const;
  const linesHeight = pdf.heightOfString(lines.join('\n'), options);
  const lineHeight = w.lineHeight() + BODY_GAP;
  const signatureSpace = 4.5 * lineHeight;
  w.setFont('bold', BODY_SIZE);
  const titleHeight = pdf.heightOfString(title, options);
  const nameHeight = pdf.heightOfString(doc.signerName, options);
  const height = linesHeight + 6 + titleHeight + signatureSpace + nameHeight;
  return {
    height,
    draw: () => {
      w.ensureSpace(height);
      w.setFont('regular', BODY_SIZE);
      pdf.text(lines.join('\n'), x, w.y, options);
      pdf
        .lineWidth(0.5)
        .strokeColor('black')
        .moveTo(x, w.y + 2)
        .lineTo(RIGHT, w.y + 2)
        .stroke();
      w.y += 6;
      w.setFont('bold', BODY_SIZE);
      pdf.text(title, x, w.y, options);
      w.y += signatureSpace;
      const nameTop = w.y;
      pdf.text(doc.signerName, x, nameTop, options);
      // Underlined as signed names are; a name too long for one line is left plain.
      if (nameHeight <= lineHeight + EPSILON) {
        const underline = nameTop + w.lineHeight() - 1.5;
        pdf
          .lineWidth(0.75)
          .moveTo(x, underline)
          .lineTo(x + pdf.widthOfString(doc.signerName), underline)
          .stroke();
      }
    },
  };
}

function decreeBody(w: Writer, doc: DecreeDocument): void {
  const gap = BODY_SIZE * 0.9;
  const centred = (text: string, font: FontName = 'bold', after = 0) =>
    w.paragraph(text, LEFT, CONTENT_WIDTH, { font, align: 'center', after });

  for (const line of doc.heading) centred(line);
  w.y += 2 * gap;
  for (const line of doc.titleLines) centred(line);
  w.y += gap;
  centred('TENTANG', 'bold', gap / 2);
  w.paragraph(doc.subject, LEFT + 30, CONTENT_WIDTH - 60, { font: 'bold', align: 'center', after: 2 * gap });
  centred('DENGAN RAHMAT TUHAN YANG MAHA ESA', 'bold', 2 * gap);
  centred(`${doc.signerTitle},`, 'bold', 2 * gap);

  labelledList(w, 'Menimbang', doc.menimbang, (index) => `${String.fromCharCode(97 + (index % 26))}.`);
  labelledList(w, 'Mengingat', doc.mengingat, (index) => `${index + 1}.`);

  w.ensureSpace(6 * (BODY_SIZE + BODY_GAP));
  centred('MEMUTUSKAN:', 'bold', gap);
  labelledParagraph(w, 'Menetapkan', doc.menetapkan, { bold: true });
  w.y += 2;
  // The signature never stands alone on a page: the last diktum goes with it.
  const signature = signatureBlock(w, doc);
  for (const [index, diktum] of doc.diktum.entries()) {
    const last = index === doc.diktum.length - 1;
    labelledParagraph(w, diktum.label, diktum.text, { keep: last ? 2 * gap + signature.height : 0 });
  }
  w.y += 2 * gap;
  signature.draw();
}

function lampiranHeading(w: Writer, doc: DecreeDocument): void {
  const { pdf } = w;
  w.setFont('regular', SMALL_SIZE);
  const widest = Math.max(...doc.lampiranHeading.map((line) => pdf.widthOfString(line)));
  const x = Math.max(LEFT + CONTENT_WIDTH / 2, RIGHT - widest);
  for (const line of doc.lampiranHeading) pdf.text(line, x, w.y, { width: RIGHT - x, lineGap: 1 });
  w.y += 2 * SMALL_SIZE;
  w.paragraph(doc.lampiranTitle, LEFT + 20, CONTENT_WIDTH - 40, {
    font: 'bold',
    align: 'center',
    after: SMALL_SIZE,
  });
}

function recipientTable(w: Writer, doc: DecreeDocument): void {
  const { lampiran } = doc;
  const table = new Table(w, RECIPIENT_COLUMNS, TABLE_SIZE);
  const groupRow = (text: string): Row => ({ shade: GROUP_SHADE, cells: [cell(0, 5, text, 'left', true)] });
  const totalRow = (label: string, amount: number): Row => ({
    cells: [cell(0, 4, label, 'center', true), cell(4, 5, formatRupiah(amount), 'right', true)],
  });

  w.setFont('regular', SMALL_SIZE);
  const words = `Terbilang: ${capitalise(lampiran.totalInWords)}`;
  const wordsHeight = w.pdf.heightOfString(words, { width: CONTENT_WIDTH, lineGap: BODY_GAP }) + 6;
  const grandTotal = table.measure(totalRow('JUMLAH SELURUHNYA', lampiran.total));

  // What must share a page, so that no heading ends a page and no total opens one: a group heading
  // with its first line, a group's last line with its subtotal, the last subtotal with the grand
  // total, and the grand total with the amount in words.
  const firstGroup = lampiran.groups[0];
  const firstHeading = firstGroup ? table.measure(groupRow(firstGroup.heading)) : undefined;
  const firstLine = firstGroup?.lines[0];
  table.start((firstHeading?.height ?? 0) + (firstLine ? table.measure(lineRow(firstLine)).height : 0));
  for (const [groupIndex, group] of lampiran.groups.entries()) {
    const title = group.heading;
    const heading = groupIndex === 0 && firstHeading ? firstHeading : table.measure(groupRow(title));
    const subtotal = table.measure(totalRow('Jumlah', group.subtotal));
    const afterSubtotal = groupIndex === lampiran.groups.length - 1 ? grandTotal.height + wordsHeight : 0;
    const afterLastLine = subtotal.height + afterSubtotal;
    let next = group.lines[0] ? table.measure(lineRow(group.lines[0])) : undefined;
    table.continuation = undefined;
    table.place(heading, (next?.height ?? 0) + (group.lines.length === 1 ? afterLastLine : 0));
    table.continuation = table.measure(groupRow(`${title} (lanjutan)`));
    for (let index = 0; next; index++) {
      const current = next;
      const following = group.lines[index + 1];
      next = following ? table.measure(lineRow(following)) : undefined;
      table.place(current, next ? 0 : afterLastLine);
    }
    table.continuation = undefined;
    table.place(subtotal, afterSubtotal);
  }
  table.place(grandTotal, wordsHeight);
  table.end();
  w.y += 6;
  w.paragraph(words, LEFT, CONTENT_WIDTH, { size: SMALL_SIZE, align: 'justify', after: 2 * SMALL_SIZE });
}

const lineRow = (line: DecreeGroup['lines'][number]): Row => ({
  cells: [
    cell(0, 1, String(line.no), 'right'),
    cell(1, 2, line.nama),
    cell(2, 3, line.nikMasked),
    cell(3, 4, line.peran),
    cell(4, 5, formatRupiah(line.amount), 'right'),
  ],
});

const SIGNATURE_GAP = 3 * BODY_SIZE;

/** The summary per role, then the signature (kept with the summary's last row at least). */
function roleSummary(w: Writer, doc: DecreeDocument, signature: Block): void {
  const { lampiran } = doc;
  const table = new Table(w, SUMMARY_COLUMNS, TABLE_SIZE);
  const rows = lampiran.byRole.map((role, index) =>
    table.measure({
      cells: [
        cell(0, 1, String(index + 1), 'right'),
        cell(1, 2, role.peran),
        cell(2, 3, countText(role.count), 'right'),
        cell(3, 4, formatRupiah(role.amount), 'right'),
      ],
    }),
  );
  const total = table.measure({
    cells: [
      cell(0, 2, 'JUMLAH', 'center', true),
      cell(2, 3, countText(lampiran.recipientCount), 'right', true),
      cell(3, 4, formatRupiah(lampiran.total), 'right', true),
    ],
  });
  placeSummary(w, 'REKAPITULASI MENURUT PERAN', table, rows, total, signature);
}

/**
 * A summary table under its title, then the signature: on one page when they fit on one; at the
 * least the title goes with the header and the first row, and the signature with the total.
 */
function placeSummary(
  w: Writer,
  title: string,
  table: Table,
  rows: readonly MeasuredRow[],
  total: MeasuredRow,
  signature: Block,
): void {
  w.setFont('bold', SMALL_SIZE);
  const titleHeight = w.lineHeight() + 4;
  const tableHeight = table.headerHeight + rows.reduce((sum, row) => sum + row.height, 0) + total.height;
  const whole = titleHeight + tableHeight + SIGNATURE_GAP + signature.height;
  w.ensureSpace(
    whole <= CONTENT_BOTTOM - TOP ? whole : titleHeight + table.headerHeight + (rows[0]?.height ?? 0),
  );
  w.setFont('bold', SMALL_SIZE);
  w.textAt(title, LEFT, w.y);
  w.y += titleHeight;
  table.start(rows[0]?.height ?? total.height);
  for (const row of rows) table.place(row);
  table.place(total, SIGNATURE_GAP + signature.height);
  table.end();
  w.y += SIGNATURE_GAP;
  signature.draw();
}

// --- The KPM lampiran -----------------------------------------------------------------------------

/**
 * A KPM decree's table: No | Nama Penerima | NIK | No KK | ART (members) | one column per component
 * (what the family receives, in Rupiah without the prefix: the header says `(Rp)`). Smaller type
 * than the BKK table: seven columns share the width.
 */
const KPM_TABLE_SIZE = 8;
const KPM_NO_WIDTH = 32;
const KPM_NUMBER_WIDTH = 74;
const KPM_MEMBERS_WIDTH = 32;
const KPM_COMPONENT_WIDTH = 66;

function kpmColumns(lampiran: Lampiran): Column[] {
  const components = lampiran.components ?? [];
  const fixed = KPM_NO_WIDTH + 2 * KPM_NUMBER_WIDTH + KPM_MEMBERS_WIDTH;
  return [
    { header: 'No', width: KPM_NO_WIDTH, align: 'right' },
    {
      header: 'Nama Penerima',
      width: CONTENT_WIDTH - fixed - components.length * KPM_COMPONENT_WIDTH,
      align: 'left',
    },
    { header: 'NIK', width: KPM_NUMBER_WIDTH, align: 'left' },
    { header: 'No KK', width: KPM_NUMBER_WIDTH, align: 'left' },
    { header: 'ART', width: KPM_MEMBERS_WIDTH, align: 'right' },
    ...components.map(
      (component): Column => ({
        header: `${component.label} (Rp)`,
        width: KPM_COMPONENT_WIDTH,
        align: 'right',
      }),
    ),
  ];
}

/** `15000000000` → `15.000.000.000`: Rupiah in a column whose header says `(Rp)`. */
const formatAmount = (amount: number): string => formatRupiah(amount).replace('Rp', '');

/** The rows of a KPM table, each made when it is placed (so no row is held longer than its page). */
function kpmRows(lampiran: Lampiran) {
  const components = lampiran.components ?? [];
  const last = 5 + components.length;
  const heading = (text: string, shade: string): Row => ({
    shade,
    cells: [cell(0, last, text, 'left', true)],
  });
  const totalRow = (label: string, families: number, members: number): Row => ({
    cells: [
      cell(0, 4, `${label}: ${countText(families)} KPM`, 'center', true),
      cell(4, 5, countText(members), 'right', true),
      ...components.map((component, index) =>
        cell(5 + index, 6 + index, formatAmount(component.amount * families), 'right', true),
      ),
    ],
  });
  return {
    kecamatan: (text: string) => heading(text, KECAMATAN_SHADE),
    desa: (text: string) => heading(text, GROUP_SHADE),
    total: totalRow,
    line: (line: DecreeGroup['lines'][number]): Row => ({
      cells: [
        cell(0, 1, String(line.no), 'right'),
        cell(1, 2, line.nama),
        cell(2, 3, line.nikMasked),
        cell(3, 4, line.noKkMasked ?? ''),
        cell(4, 5, String(line.members ?? 0), 'right'),
        ...components.map((component, index) =>
          cell(5 + index, 6 + index, formatAmount(component.amount), 'right'),
        ),
      ],
    }),
  };
}

/** Behind a kecamatan's heading: a shade between the table header's and a desa's. */
const KECAMATAN_SHADE = '#ebebeb';

const desaTitle = (group: DecreeGroup): string => `Kecamatan ${group.kecamatan} — ${group.heading}`;

/**
 * The KPM lampiran: per kecamatan a heading, per desa a heading, its families, and its subtotal;
 * after a kecamatan's last desa the kecamatan's subtotal; at the end the grand total, in words too.
 * Rows are made, measured and drawn one at a time (the finished pages are already written out), so
 * the table holds one page of rows at most.
 */
function kpmTable(w: Writer, doc: DecreeDocument): void {
  const { lampiran } = doc;
  const rows = kpmRows(lampiran);
  const table = new Table(w, kpmColumns(lampiran), KPM_TABLE_SIZE);

  w.setFont('regular', SMALL_SIZE);
  const words =
    `Jumlah seluruhnya ${formatRupiah(lampiran.total)} ` +
    `(Terbilang: ${capitalise(lampiran.totalInWords)}).`;
  const wordsHeight = w.pdf.heightOfString(words, { width: CONTENT_WIDTH, lineGap: BODY_GAP }) + 6;
  const grandTotal = table.measure(
    rows.total('JUMLAH SELURUHNYA', lampiran.recipientCount, lampiran.memberCount ?? 0),
  );

  const headingsOf = (group: DecreeGroup) => [
    ...(group.kecamatanHeading ? [table.measure(rows.kecamatan(group.kecamatanHeading))] : []),
    table.measure(rows.desa(group.heading)),
  ];
  const first = lampiran.groups[0];
  const firstHeadings = first ? headingsOf(first) : [];
  const firstLine = first?.lines[0];
  table.start(
    firstHeadings.reduce((sum, row) => sum + row.height, 0) +
      (firstLine ? table.measure(rows.line(firstLine)).height : 0),
  );
  for (const [groupIndex, group] of lampiran.groups.entries()) {
    const headings = groupIndex === 0 ? firstHeadings : headingsOf(group);
    const families = group.lines.length;
    const subtotal = table.measure(rows.total(`Jumlah ${group.heading}`, families, group.members ?? 0));
    const kecamatanTotal = group.kecamatanTotal
      ? table.measure(
          rows.total(
            `Jumlah Kecamatan ${group.kecamatan}`,
            group.kecamatanTotal.families,
            group.kecamatanTotal.members,
          ),
        )
      : undefined;
    const isLast = groupIndex === lampiran.groups.length - 1;
    const afterKecamatan = isLast ? grandTotal.height + wordsHeight : 0;
    const afterSubtotal = (kecamatanTotal?.height ?? 0) + (kecamatanTotal ? afterKecamatan : 0);
    const afterLastLine = subtotal.height + afterSubtotal;
    let next = group.lines[0] ? table.measure(rows.line(group.lines[0])) : undefined;
    table.continuation = undefined;
    // The headings go with the first line (and with the subtotals when the desa has one family).
    for (const [index, heading] of headings.entries()) {
      const below = headings.slice(index + 1).reduce((sum, row) => sum + row.height, 0);
      table.place(heading, below + (next?.height ?? 0) + (families === 1 ? afterLastLine : 0));
    }
    table.continuation = table.measure(rows.desa(`${desaTitle(group)} (lanjutan)`));
    for (let index = 0; next; index++) {
      const current = next;
      const following = group.lines[index + 1];
      next = following ? table.measure(rows.line(following)) : undefined;
      table.place(current, next ? 0 : afterLastLine);
    }
    table.continuation = undefined;
    table.place(subtotal, afterSubtotal);
    if (kecamatanTotal) table.place(kecamatanTotal, afterKecamatan);
  }
  table.place(grandTotal, wordsHeight);
  table.end();
  w.y += 6;
  w.paragraph(words, LEFT, CONTENT_WIDTH, { size: SMALL_SIZE, align: 'justify', after: 2 * SMALL_SIZE });
}

/** Every row of a KPM table laid out without output (the dry run's part after its sample). */
function measureKpmRows(w: Writer, lampiran: Lampiran): number {
  const rows = kpmRows(lampiran);
  const table = new Table(w, kpmColumns(lampiran), KPM_TABLE_SIZE);
  let measured = 0;
  for (const group of lampiran.groups) {
    if (group.kecamatanHeading) table.measure(rows.kecamatan(group.kecamatanHeading));
    table.measure(rows.desa(group.heading));
    table.measure(rows.total(`Jumlah ${group.heading}`, group.lines.length, group.members ?? 0));
    for (const line of group.lines) {
      table.measure(rows.line(line));
      measured += 1;
      if (measured % MEASURED_ROWS_PER_CACHE === 0) emptyLayoutCaches(w.pdf);
    }
  }
  return measured;
}

const COMPONENT_SUMMARY_COLUMNS: readonly Column[] = [
  { header: 'No', width: NO_WIDTH, align: 'right' },
  { header: 'Komponen', width: CONTENT_WIDTH - NO_WIDTH - 80 - 2 * AMOUNT_WIDTH, align: 'left' },
  { header: 'Jumlah KPM (keluarga)', width: 80, align: 'right' },
  { header: 'Per KPM (Rp)', width: AMOUNT_WIDTH, align: 'right' },
  { header: 'Jumlah (Rp)', width: AMOUNT_WIDTH, align: 'right' },
];

/** A KPM decree's summary per component, then the signature (as {@link roleSummary} for BKK). */
function componentSummary(w: Writer, doc: DecreeDocument, signature: Block): void {
  const { lampiran } = doc;
  const table = new Table(w, COMPONENT_SUMMARY_COLUMNS, TABLE_SIZE);
  const perFamily = new Map((lampiran.components ?? []).map((c) => [c.component, c.amount]));
  const rows = (lampiran.byComponent ?? []).map((component, index) =>
    table.measure({
      cells: [
        cell(0, 1, String(index + 1), 'right'),
        cell(1, 2, `Bantuan ${component.label.toLowerCase()}`),
        cell(2, 3, countText(component.count), 'right'),
        cell(3, 4, formatRupiah(perFamily.get(component.component) ?? 0), 'right'),
        cell(4, 5, formatRupiah(component.amount), 'right'),
      ],
    }),
  );
  const total = table.measure({
    cells: [
      cell(0, 2, 'JUMLAH', 'center', true),
      cell(2, 3, countText(lampiran.recipientCount), 'right', true),
      cell(
        3,
        4,
        formatRupiah(lampiran.recipientCount ? lampiran.total / lampiran.recipientCount : 0),
        'right',
        true,
      ),
      cell(4, 5, formatRupiah(lampiran.total), 'right', true),
    ],
  });
  placeSummary(w, 'REKAPITULASI MENURUT KOMPONEN BANTUAN', table, rows, total, signature);
}

/** A writer with the decree's fonts, QR code and document info, its first page holding the decree itself. */
async function decreeWriter(doc: DecreeDocument, createdAt: Date): Promise<Writer> {
  const [fonts, png] = await Promise.all([loadFonts(), qrPng(doc.verifyUrl)]);
  const info = documentInfo(
    `Keputusan Gubernur Kalimantan Tengah Nomor ${doc.number}`,
    doc.subject,
    createdAt,
  );
  const w = new Writer(
    fonts,
    info,
    { qrPng: png, code: doc.verifyCode, url: doc.verifyUrl, notice: doc.draftNotice },
    true,
  );
  w.newPage();
  decreeBody(w, doc);
  return w;
}

/**
 * The decree as a PDF. The same document and `createdAt` give the same bytes: the file ID pdfkit
 * writes is an MD5 of the document info (dates included), and font subsets are tagged from their
 * sequence number, so nothing random ends up in the file.
 */
export async function renderDecreePdf(
  doc: DecreeDocument,
  options: { createdAt: Date },
): Promise<{ pdf: Buffer; pages: number; sha256: string }> {
  const w = await decreeWriter(doc, options.createdAt);

  w.newPage();
  lampiranHeading(w, doc);
  if (doc.lampiran.kind === 'KPM') {
    kpmTable(w, doc);
    componentSummary(w, doc, signatureBlock(w, doc));
  } else {
    recipientTable(w, doc);
    roleSummary(w, doc, signatureBlock(w, doc));
  }

  const pages = w.pages;
  const pdf = await w.finish();
  return { pdf, pages, sha256: createHash('sha256').update(pdf).digest('hex') };
}

/** About the rows of {@link LAYOUT_CACHE_PAGES} lampiran pages. */
const MEASURED_ROWS_PER_CACHE = 400;

/** Lampiran rows a dry run draws for real (the first pages: every kind of row is drawn at least once). */
export const DRY_RUN_SAMPLE_ROWS = 150;

/**
 * A dry run of {@link renderDecreePdf} for the pre-flight, before a number is taken: the same
 * fonts, QR code, decree body, lampiran heading, role summary and signature, and the recipient
 * table's first {@link DRY_RUN_SAMPLE_ROWS} rows with their group headings, subtotals, grand total
 * and amount in words, drawn into a sink that only counts bytes. Every other row is laid out (its
 * cells formatted and measured, as pagination measures them) but not drawn: what can fail in a row
 * (its text, its amount) fails here, at a fraction of a full rendering's cost.
 */
export async function dryRunDecreePdf(
  doc: DecreeDocument,
  options: { createdAt: Date; sampleRows?: number },
): Promise<{ pages: number; bytes: number; rowsMeasured: number }> {
  const w = await decreeWriter(doc, options.createdAt);

  // The first rows, drawn as the real table draws them (groups cut short keep their subtotal).
  let room = options.sampleRows ?? DRY_RUN_SAMPLE_ROWS;
  const sampled: DecreeGroup[] = [];
  for (const group of doc.lampiran.groups) {
    if (room <= 0) break;
    const lines = group.lines.slice(0, room);
    room -= lines.length;
    sampled.push({ ...group, lines });
  }
  w.newPage();
  lampiranHeading(w, doc);
  const sample = { ...doc, lampiran: { ...doc.lampiran, groups: sampled } };
  if (doc.lampiran.kind === 'KPM') {
    kpmTable(w, sample);
    componentSummary(w, doc, signatureBlock(w, doc));
    const rowsMeasured = measureKpmRows(w, doc.lampiran);
    const pages = w.pages;
    const bytes = await w.count();
    return { pages, bytes, rowsMeasured };
  }
  recipientTable(w, sample);
  roleSummary(w, doc, signatureBlock(w, doc));

  // Every row laid out without output.
  const table = new Table(w, RECIPIENT_COLUMNS, TABLE_SIZE);
  let rowsMeasured = 0;
  for (const group of doc.lampiran.groups) {
    table.measure({ shade: GROUP_SHADE, cells: [cell(0, 5, group.heading, 'left', true)] });
    table.measure({ cells: [cell(4, 5, formatRupiah(group.subtotal), 'right', true)] });
    for (const line of group.lines) {
      table.measure(lineRow(line));
      rowsMeasured += 1;
      // No page is added here, so the layout caches are emptied as often as pages would empty them.
      if (rowsMeasured % MEASURED_ROWS_PER_CACHE === 0) emptyLayoutCaches(w.pdf);
    }
  }
  const pages = w.pages;
  const bytes = await w.count();
  return { pages, bytes, rowsMeasured };
}

/**
 * The benchmark's baseline: the same library and font, one plain line per row on A4, and nothing
 * else (no grouping, no rules, no QR code, no headers).
 */
export async function renderBareTablePdf(
  rows: readonly { no: number; nama: string; nikMasked: string; peran: string; amount: number }[],
): Promise<{ pdf: Buffer; pages: number }> {
  const fonts = await loadFonts();
  const w = new Writer(fonts, documentInfo('Tabel', 'Tabel', new Date(0)), undefined, false);
  w.newPage();
  w.setFont('regular', TABLE_SIZE);
  const step = w.lineHeight() + 2 * PAD_Y;
  let y = TOP;
  for (const row of rows) {
    if (y + step > CONTENT_BOTTOM) {
      w.newPage();
      y = TOP;
    }
    w.textAt(`${row.no}  ${row.nama}  ${row.nikMasked}  ${row.peran}  ${formatRupiah(row.amount)}`, LEFT, y);
    y += step;
  }
  const pages = w.pages;
  return { pdf: await w.finish(), pages };
}
