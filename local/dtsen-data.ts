import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import {
  FAMILY_ALIASES,
  FAMILY_COLUMNS,
  type FamilyColumn,
  MEMBER_ALIASES,
  MEMBER_COLUMNS,
  type MemberColumn,
} from '#shared/domain/family/dtsen-columns.ts';
import { DUKCAPIL_SHDK, type Relationship } from '#shared/domain/family/hubungan.ts';
import { PLACE_ALIASES } from '#shared/domain/family/place.ts';
import type { Region } from '#shared/domain/regions.ts';
import {
  desaList,
  findDesa,
  kecamatanList,
  type Place,
  regionOf,
  suggestDesa,
} from '#shared/domain/wilayah.ts';
import {
  csvField,
  DOC_DATE,
  excelScientific,
  mulberry32,
  pick,
  plainPersonName,
  type Rng,
} from './sample-data.ts';

/**
 * Deterministic generator of realistic DTSEN extracts (families.md, "Files users exchange"): for one
 * kabupaten/kota, a families file (one line per family) and a members file (one line per person),
 * joined by No KK, as BPS or Kemensos hand them out: pipe-separated (or `;`/`,` CSV, or XLSX), title
 * rows above a header whose spellings vary, dates in mixed forms, relationship as words or Dukcapil
 * SHDK numbers, and wilayah codes of Kemendagri or of BPS (whose desa codes are sometimes valid
 * Kemendagri codes of a different village: the trap of families.md).
 *
 * Families are realistic: a head, usually a spouse, children born when their mother was 19–42,
 * sometimes a parent or grandchildren; sex agrees with the relationship and with the NIK (women's
 * day of birth + 40); NIKs carry the Kemendagri region and kecamatan, the birth date and a serial,
 * No KKs the region, kecamatan, the issue date and a serial; desil leans to 1–5.
 *
 * Unless `clean`, one row per messy kind ({@link DTSEN_MESSY_KINDS}) carries exactly that problem,
 * and {@link DtsenExpected} says, row by row, what the validators (`validateFamilyRow`,
 * `validateMemberRow`) and the cross-file checks must report. Rows are streamed: 60,000 families
 * and their ~220,000 members never sit in memory together.
 */

// ─── Public contract ──────────────────────────────────────────────────────────────────────────────

export type DtsenCodes = 'kemendagri' | 'bps';
export type RelationshipStyle = 'words' | 'dukcapil-numbers' | 'mixed';

export interface DtsenOptions {
  /** Kemendagri code of the kabupaten/kota, e.g. `62.03`. */
  region: string;
  /** Lines of the families file (members follow: 1–8 per family, ~3.7 on average). */
  families: number;
  seed: number;
  format: 'csv' | 'xlsx';
  /** CSV only. Default `|`, as DTSEN extracts come. */
  delimiter?: '|' | ';' | ',';
  /** Which wilayah codes the extract carries. Default `kemendagri`. */
  codes?: DtsenCodes;
  /** No damaged rows, one spelling per column, one date form. Default false. */
  clean?: boolean;
  /** How the relationship is written. Default `words` when clean, else `mixed`. */
  relationships?: RelationshipStyle;
  /** Title rows above the header. Default: true unless clean CSV. */
  titleRows?: boolean;
  /** CSV only: a UTF-8 BOM first. Default false (extracts are not saved by Excel). */
  bom?: boolean;
}

/** The day the extract was taken: no one in it was born later. */
export const DTSEN_AS_OF = '2026-09-30';
/** For `validateMemberRow(raw, { latestBirthYear })`. */
export const DTSEN_LATEST_BIRTH_YEAR = 2026;

export interface ExpectedProblem {
  /** The row number the operator sees (as `toRows` reports it). */
  readonly row: number;
  readonly code: string;
  readonly severity: 'error' | 'warning';
}

export interface FileExpectation {
  /** Non-blank data rows below the header. */
  rows: number;
  /** Rows without an error (rows with only warnings count here too). */
  validRows: number;
  errorRows: number;
  /** Valid rows that carry a warning. */
  warningRows: number;
  /** Every problem of every row, in row order; no other row has any. */
  problems: ExpectedProblem[];
}

export interface DtsenExpected {
  region: string;
  codes: DtsenCodes;
  families: FileExpectation;
  members: FileExpectation;
  /** What the cross-check of the two files must find, among the rows the validators keep. */
  crossFile: {
    /** Member rows whose No KK is the No KK of no kept family row (absent, or its row refused). */
    memberWithoutFamily: { row: number; noKk: string }[];
    /** Kept family rows with no kept member row as head. */
    familyWithoutHead: { row: number; noKk: string }[];
    /** A member row repeated in the same KK (same NIK): the second row, and the first. */
    memberTwice: { row: number; firstRow: number; noKk: string }[];
  };
  /** How many rows got each messy kind (for tests of the generator itself). */
  messyKinds: Record<string, number>;
}

/**
 * The kinds of damage of a messy extract, each on one row, with the code reported for it
 * (`cross` ones are found by the cross-check of the two files, not by a row validator).
 */
export const DTSEN_MESSY_KINDS = {
  NO_KK_SCIENTIFIC: { file: 'families', severity: 'error' },
  NO_KK_TIDAK_SAH: { file: 'families', severity: 'warning' },
  NAMA_ALIAS: { file: 'families', severity: 'warning' },
  DESA_TIDAK_DIKENAL: { file: 'families', severity: 'error' },
  DESIL_INVALID: { file: 'families', severity: 'error' },
  FAMILY_WITHOUT_HEAD: { file: 'families', severity: 'cross' },
  NIK_LENGTH: { file: 'members', severity: 'error' },
  NIK_TIDAK_SAH: { file: 'members', severity: 'warning' },
  HUBUNGAN_TIDAK_DIKENAL: { file: 'members', severity: 'error' },
  MEMBER_WITHOUT_FAMILY: { file: 'members', severity: 'cross' },
  MEMBER_TWICE: { file: 'members', severity: 'cross' },
} as const;
export type DtsenMessyKind = keyof typeof DTSEN_MESSY_KINDS;

/**
 * The messy kinds an extract of `region` can carry: NAMA_ALIAS only where the region has a desa
 * spelled otherwise in other lists (`PLACE_ALIASES`: Katingan, Gunung Mas).
 */
export function dtsenMessyKinds(region: string): DtsenMessyKind[] {
  return (Object.keys(DTSEN_MESSY_KINDS) as DtsenMessyKind[]).filter(
    (kind) => kind !== 'NAMA_ALIAS' || aliasDesa(region).length > 0,
  );
}

/** Writes both files (streamed; XLSX through ExcelJS's streaming writer) and returns what to expect. */
export async function writeDtsenFiles(
  opts: DtsenOptions,
  paths: { families: string; members: string },
): Promise<DtsenExpected> {
  if (opts.format === 'xlsx') {
    return write(
      opts,
      xlsxSink({ filename: paths.families }, 'Keluarga'),
      xlsxSink({ filename: paths.members }, 'Anggota'),
    );
  }
  const families = createWriteStream(paths.families);
  const members = createWriteStream(paths.members);
  try {
    return await write(opts, csvSink(opts, families), csvSink(opts, members));
  } finally {
    families.destroy();
    members.destroy();
  }
}

/** Both files in memory, for tests (keep them small). */
export async function dtsenBuffers(
  opts: DtsenOptions,
): Promise<{ families: Buffer; members: Buffer; expected: DtsenExpected }> {
  const families = collector();
  const members = collector();
  const expected =
    opts.format === 'xlsx'
      ? await write(
          opts,
          xlsxSink({ stream: families.sink }, 'Keluarga'),
          xlsxSink({ stream: members.sink }, 'Anggota'),
        )
      : await write(opts, csvSink(opts, families.sink), csvSink(opts, members.sink));
  return { families: families.body(), members: members.body(), expected };
}

// ─── Writers ──────────────────────────────────────────────────────────────────────────────────────

/** A cell: text, or a number (an Excel date serial or a desil in XLSX). */
type Cell = string | number;
type LineKind = 'title' | 'blank' | 'header' | 'data';

interface Sink {
  line(kind: LineKind, cells: readonly Cell[]): Promise<void>;
  close(): Promise<void>;
}

async function write(opts: DtsenOptions, families: Sink, members: Sink): Promise<DtsenExpected> {
  const plan = new DtsenPlan(opts);
  for (const line of plan.preamble('families')) await families.line(line.kind, line.cells);
  for (const line of plan.preamble('members')) await members.line(line.kind, line.cells);
  for (const unit of plan.units()) {
    if (unit.family) await families.line('data', unit.family);
    for (const member of unit.members) await members.line('data', member);
  }
  await families.close();
  await members.close();
  return plan.expected();
}

const CHUNK_CHARS = 64 * 1024;

function csvSink(opts: DtsenOptions, out: Writable): Sink {
  const delimiter = opts.delimiter ?? '|';
  const field = csvField(delimiter);
  let chunk = opts.bom ? '\uFEFF' : '';
  const flush = async () => {
    const ok = out.write(chunk);
    chunk = '';
    if (!ok) await once(out, 'drain');
  };
  return {
    async line(_kind, cells) {
      let text = field(String(cells[0] ?? ''));
      for (let i = 1; i < cells.length; i++) text += delimiter + field(String(cells[i] ?? ''));
      chunk += `${text}\r\n`;
      if (chunk.length >= CHUNK_CHARS) await flush();
    },
    async close() {
      if (chunk) await flush();
      out.end();
      await finished(out);
    },
  };
}

function xlsxSink(target: { filename: string } | { stream: Writable }, sheetName: string): Sink {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    ...target,
    // Inline strings: a shared-strings table would hold every NIK and No KK in memory until the end.
    useSharedStrings: false,
    useStyles: true,
  });
  workbook.creator = 'Pusdatin';
  workbook.lastModifiedBy = 'Pusdatin';
  workbook.created = DOC_DATE;
  workbook.modified = DOC_DATE;
  const sheet = workbook.addWorksheet(sheetName);
  let rowNumber = 0;
  return {
    async line(kind, cells) {
      rowNumber++;
      if (kind === 'blank') return; // Excel stores no element for an empty row
      const row = sheet.getRow(rowNumber);
      row.values = cells.map((cell) => (cell === '' ? null : cell));
      if (kind !== 'data') row.font = { bold: true, size: kind === 'title' ? 13 : 11 };
      else {
        // Numbers as text cells (so Excel keeps all 16 digits); dates as serials show as numbers.
        cells.forEach((cell, index) => {
          if (typeof cell === 'string' && /^\d{15,16}$/.test(cell)) row.getCell(index + 1).numFmt = '@';
        });
      }
      row.commit();
      // The streaming writer has no back-pressure of its own: let the ZIP stream drain now and then.
      if (rowNumber % 2000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    },
    async close() {
      sheet.commit();
      await workbook.commit();
    },
  };
}

function collector(): { sink: Writable; body(): Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { sink, body: () => Buffer.concat(chunks) };
}

// ─── The plan: every line of both files, and what must be reported about it ──────────────────────

interface Day {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

interface Person {
  readonly nama: string;
  readonly female: boolean;
  readonly born: Day;
  readonly relationship: Relationship;
  nik: string;
}

interface DesaSlot {
  readonly kecamatan: Place;
  readonly kecamatanIndex: number;
  readonly desa: Place;
  readonly desaIndex: number;
  readonly count: number;
}

interface Style {
  readonly familyHeader: string[];
  readonly memberHeader: string[];
  readonly runningNumber: boolean;
  kabupaten(): string;
  kecamatan(name: string, rng: Rng): string;
  desa(place: Place, rng: Rng): string;
  code(digits: string): string;
  name(text: string): string;
  date(day: Day, rng: Rng): Cell;
  sex(female: boolean): string;
  relationship(relationship: Relationship, rng: Rng): string;
}

const AS_OF: Day = { y: 2026, m: 9, d: 30 };
/** Share of BPS rows whose desa code is a valid Kemendagri code of another village of the region. */
const TRAP_SHARE = 0.01;
const DESIL_WEIGHTS = [18, 17, 16, 14, 12, 8, 6, 4, 3, 2];

class DtsenPlan {
  private readonly rng: Rng;
  private readonly region: Region;
  private readonly codes: DtsenCodes;
  private readonly clean: boolean;
  private readonly xlsx: boolean;
  private readonly titles: boolean;
  private readonly style: Style;
  private readonly slots: DesaSlot[];
  private readonly regionDesa: Place[];
  private readonly damage = new Map<number, DtsenMessyKind>();
  private readonly typos = new Map<number, string>();
  private readonly counters = new Map<string, number>();
  private familyRow = 0;
  private memberRow = 0;
  private readonly result: DtsenExpected;

  constructor(opts: DtsenOptions) {
    if (!Number.isSafeInteger(opts.families) || opts.families < 0)
      throw new RangeError('families must be a whole number ≥ 0');
    const region = regionOf(opts.region);
    if (!region) throw new RangeError(`unknown region ${opts.region}`);
    this.region = region;
    this.rng = mulberry32(opts.seed);
    this.codes = opts.codes ?? 'kemendagri';
    this.clean = opts.clean ?? false;
    this.xlsx = opts.format === 'xlsx';
    this.titles = opts.titleRows ?? !(this.clean && !this.xlsx);
    const relationships = opts.relationships ?? (this.clean ? 'words' : 'mixed');
    this.style = makeStyle(this.region, this.clean, this.xlsx, relationships, this.rng);
    this.slots = this.distribute(opts.families);
    this.regionDesa = this.slots.map((slot) => slot.desa);
    if (!this.clean) this.placeDamage(opts.families);
    this.result = {
      region: region.code,
      codes: this.codes,
      families: emptyExpectation(),
      members: emptyExpectation(),
      crossFile: { memberWithoutFamily: [], familyWithoutHead: [], memberTwice: [] },
      messyKinds: {},
    };
  }

  /** Title rows, a blank line and the header of one file. */
  preamble(file: 'families' | 'members'): { kind: LineKind; cells: Cell[] }[] {
    const lines: { kind: LineKind; cells: Cell[] }[] = [];
    if (this.titles) {
      lines.push({
        kind: 'title',
        cells: [
          file === 'families'
            ? 'DATA TUNGGAL SOSIAL DAN EKONOMI NASIONAL (DTSEN) - DATA KELUARGA'
            : 'DATA TUNGGAL SOSIAL DAN EKONOMI NASIONAL (DTSEN) - DATA ANGGOTA KELUARGA',
        ],
      });
      lines.push({ kind: 'title', cells: [`${this.region.name.toUpperCase()} - KEADAAN 30 SEPTEMBER 2026`] });
      lines.push({ kind: 'blank', cells: [] });
    }
    const header = file === 'families' ? this.style.familyHeader : this.style.memberHeader;
    lines.push({ kind: 'header', cells: this.style.runningNumber ? ['No', ...header] : header });
    if (file === 'families') this.familyRow = lines.length;
    else this.memberRow = lines.length;
    return lines;
  }

  /** One family at a time: its line of the families file and its lines of the members file. */
  *units(): Generator<{ family?: Cell[]; members: Cell[][] }, void, undefined> {
    let index = 0;
    let familyNo = 0;
    let memberNo = 0;
    for (const slot of this.slots) {
      for (let i = 0; i < slot.count; i++, index++) {
        const kind = this.damage.get(index);
        if (kind) this.result.messyKinds[kind] = (this.result.messyKinds[kind] ?? 0) + 1;
        const people = this.family(slot, kind);
        const head = people[0];
        if (!head) throw new Error('a family without people');
        const kk = this.noKk(slot.kecamatan.code);
        const noKk = kind === 'NO_KK_TIDAK_SAH' ? `${kk.slice(0, 6)}00${kk.slice(8)}` : kk;

        // The families file.
        const familyRow = ++this.familyRow;
        const familyProblems: ExpectedProblem[] = [];
        const desil = kind === 'DESIL_INVALID' ? pick(this.rng, ['0', '11', '12']) : String(this.desil());
        let desaText = this.style.desa(slot.desa, this.rng);
        let desaCode = this.desaCode(slot);
        if (kind === 'NAMA_ALIAS') {
          desaText =
            aliasDesa(this.region.code).find((entry) => entry.code === slot.desa.code)?.alias ?? desaText;
          familyProblems.push({ row: familyRow, code: 'NAMA_ALIAS', severity: 'warning' });
        } else if (kind === 'DESA_TIDAK_DIKENAL') {
          desaText = this.typos.get(index) ?? desaText;
          familyProblems.push({ row: familyRow, code: 'DESA_TIDAK_DIKENAL', severity: 'error' });
        } else if (kind === undefined && this.codes === 'bps' && this.rng.chance(TRAP_SHARE)) {
          // BPS numbered this village with a code Kemendagri gives to another one.
          const other = pick(this.rng, this.regionDesa);
          if (other.code !== slot.desa.code) {
            desaCode = this.style.code(other.code.replaceAll('.', ''));
            familyProblems.push({ row: familyRow, code: 'KODE_DESA_DIABAIKAN', severity: 'warning' });
          }
        }
        if (kind === 'NO_KK_SCIENTIFIC') {
          familyProblems.push({ row: familyRow, code: 'NO_KK_SCIENTIFIC', severity: 'error' });
        }
        if (kind === 'NO_KK_TIDAK_SAH') {
          familyProblems.push({ row: familyRow, code: 'NO_KK_TIDAK_SAH', severity: 'warning' });
        }
        if (kind === 'DESIL_INVALID') {
          familyProblems.push({ row: familyRow, code: 'DESIL_INVALID', severity: 'error' });
        }
        const familyRefused = familyProblems.some((problem) => problem.severity === 'error');
        const familyCells: Record<FamilyColumn, Cell> = {
          no_kk: kind === 'NO_KK_SCIENTIFIC' ? excelScientific(noKk, '.') : noKk,
          kode_kabupaten: this.style.code(this.kabupatenCode()),
          kabupaten: this.style.kabupaten(),
          kode_kecamatan: this.style.code(this.kecamatanCode(slot)),
          kecamatan: this.style.kecamatan(slot.kecamatan.name, this.rng),
          kode_desa: desaCode,
          desa: desaText,
          alamat: this.address(),
          nama_kepala_keluarga: this.style.name(head.nama),
          jumlah_anggota: String(people.length),
          desil_nasional: this.xlsx && /^\d+$/.test(desil) ? Number(desil) : desil,
        };
        const family = FAMILY_COLUMNS.map((column) => familyCells[column]);
        this.tally(this.result.families, familyProblems);
        if (kind === 'FAMILY_WITHOUT_HEAD')
          this.result.crossFile.familyWithoutHead.push({ row: familyRow, noKk });

        // The members file.
        const members: Cell[][] = [];
        const listed = kind === 'FAMILY_WITHOUT_HEAD' ? people.slice(1) : people;
        const damaged = listed[listed.length - 1];
        let firstRowOfDamaged = 0;
        for (const person of listed) {
          const row = ++this.memberRow;
          const problems: ExpectedProblem[] = [];
          let nik = person.nik;
          let relationship = this.style.relationship(person.relationship, this.rng);
          if (person === damaged && kind === 'NIK_LENGTH') {
            nik = nik.slice(0, 15);
            problems.push({ row, code: 'NIK_LENGTH', severity: 'error' });
          } else if (person === damaged && kind === 'NIK_TIDAK_SAH') {
            nik = `${nik.slice(0, 8)}13${nik.slice(10)}`;
            problems.push({ row, code: 'NIK_TIDAK_SAH', severity: 'warning' });
          } else if (person === damaged && kind === 'HUBUNGAN_TIDAK_DIKENAL') {
            relationship = pick(this.rng, ['12', '13', '15']);
            problems.push({ row, code: 'HUBUNGAN_TIDAK_DIKENAL', severity: 'error' });
          }
          if (kind === 'NO_KK_TIDAK_SAH')
            problems.push({ row, code: 'NO_KK_TIDAK_SAH', severity: 'warning' });
          if (person === damaged) firstRowOfDamaged = row;
          const cells = this.memberCells(noKk, nik, person, relationship);
          members.push(this.style.runningNumber ? [String(++memberNo), ...cells] : cells);
          this.tally(this.result.members, problems);
          if (familyRefused) this.result.crossFile.memberWithoutFamily.push({ row, noKk });
        }
        if (kind === 'MEMBER_TWICE' && damaged) {
          const row = ++this.memberRow;
          const cells = this.memberCells(
            noKk,
            damaged.nik,
            damaged,
            this.style.relationship(damaged.relationship, this.rng),
          );
          members.push(this.style.runningNumber ? [String(++memberNo), ...cells] : cells);
          this.tally(this.result.members, []);
          this.result.crossFile.memberTwice.push({ row, firstRow: firstRowOfDamaged, noKk });
        }
        if (kind === 'MEMBER_WITHOUT_FAMILY') {
          // A family whose line is missing from the families file: only its head is in the members file.
          const row = ++this.memberRow;
          const orphanKk = this.noKk(slot.kecamatan.code);
          const [orphan] = this.family(slot, undefined);
          if (orphan) {
            const cells = this.memberCells(
              orphanKk,
              orphan.nik,
              orphan,
              this.style.relationship(orphan.relationship, this.rng),
            );
            members.push(this.style.runningNumber ? [String(++memberNo), ...cells] : cells);
            this.tally(this.result.members, []);
            this.result.crossFile.memberWithoutFamily.push({ row, noKk: orphanKk });
          }
        }
        yield { family: this.style.runningNumber ? [String(++familyNo), ...family] : family, members };
      }
    }
  }

  expected(): DtsenExpected {
    return this.result;
  }

  // ─── Places ────────────────────────────────────────────────────────────────────────────────────

  /** Families per desa: every desa of the region, some much bigger than others, in code order. */
  private distribute(families: number): DesaSlot[] {
    const places: {
      kecamatan: Place;
      kecamatanIndex: number;
      desa: Place;
      desaIndex: number;
      weight: number;
    }[] = [];
    kecamatanList(this.region.code).forEach((kecamatan, kecamatanIndex) => {
      desaList(kecamatan.code).forEach((desa, desaIndex) => {
        places.push({ kecamatan, kecamatanIndex, desa, desaIndex, weight: 0.3 + this.rng.next() * 1.7 });
      });
    });
    const total = places.reduce((sum, place) => sum + place.weight, 0);
    const counts = places.map((place) => Math.floor((families * place.weight) / total));
    let left = families - counts.reduce((sum, count) => sum + count, 0);
    for (let i = 0; left > 0; i = (i + 1) % counts.length, left--) counts[i] = (counts[i] ?? 0) + 1;
    // The alias desa must have a family to carry NAMA_ALIAS.
    if (!this.clean && families >= dtsenMessyKinds(this.region.code).length) {
      const alias = aliasDesa(this.region.code)[0];
      const at = places.findIndex((place) => place.desa.code === alias?.code);
      if (at >= 0 && counts[at] === 0) {
        const donor = counts.findIndex((count) => count > 1);
        if (donor >= 0) {
          counts[donor] = (counts[donor] ?? 0) - 1;
          counts[at] = 1;
        }
      }
    }
    return places.map((place, i) => ({ ...place, count: counts[i] ?? 0 }));
  }

  /** One family of each messy kind, spread through the file (a kind that does not fit is left out). */
  private placeDamage(families: number): void {
    const kinds = dtsenMessyKinds(this.region.code);
    if (families < kinds.length) return;
    const desaOf: DesaSlot[] = [];
    for (const slot of this.slots) for (let i = 0; i < slot.count; i++) desaOf.push(slot);
    const alias = aliasDesa(this.region.code)[0];
    if (alias && kinds.includes('NAMA_ALIAS')) {
      const at = desaOf.findIndex((slot) => slot.desa.code === alias.code);
      if (at >= 0) this.damage.set(at, 'NAMA_ALIAS');
    }
    const others = kinds.filter((kind) => kind !== 'NAMA_ALIAS');
    others.forEach((kind, k) => {
      let at = Math.floor(((k + 0.5) * families) / others.length);
      for (let tries = 0; tries < families; tries++, at = (at + 1) % families) {
        if (this.damage.has(at)) continue;
        if (kind === 'DESA_TIDAK_DIKENAL') {
          const slot = desaOf[at];
          const typo = slot ? desaTypo(slot) : undefined;
          if (!typo) continue;
          this.typos.set(at, typo);
        }
        this.damage.set(at, kind);
        return;
      }
    });
  }

  private kabupatenCode(): string {
    return (this.codes === 'bps' ? this.region.bpsCode : this.region.code).replace('.', '');
  }

  private kecamatanCode(slot: DesaSlot): string {
    return this.codes === 'bps'
      ? `${this.kabupatenCode()}${String((slot.kecamatanIndex + 1) * 10).padStart(3, '0')}`
      : slot.kecamatan.code.replaceAll('.', '');
  }

  private desaCode(slot: DesaSlot): string {
    return this.style.code(
      this.codes === 'bps'
        ? `${this.kecamatanCode(slot)}${String(slot.desaIndex + 1).padStart(3, '0')}`
        : slot.desa.code.replaceAll('.', ''),
    );
  }

  // ─── People ────────────────────────────────────────────────────────────────────────────────────

  /** A family: the head first, then spouse, children, a parent, grandchildren (at most 8). */
  private family(slot: DesaSlot, kind: DtsenMessyKind | undefined): Person[] {
    const { rng } = this;
    const kecamatan = slot.kecamatan.code;
    const headFemale = rng.chance(0.15);
    const headAge = 22 + rng.int(51);
    const head = this.person(
      kecamatan,
      headFemale,
      randomDay(rng, AS_OF.y - headAge - 1, AS_OF.y - headAge),
      'KEPALA_KELUARGA',
    );
    const people: Person[] = [head];
    let mother: Person | undefined = headFemale ? head : undefined;
    if (!headFemale && rng.chance(0.88)) {
      const year = Math.min(AS_OF.y - 18, head.born.y - 1 + rng.int(9));
      mother = this.person(kecamatan, true, randomDay(rng, year, year), 'ISTRI');
      people.push(mother);
    }
    if (mother) {
      const first = mother.born.y + 19;
      const last = Math.min(mother.born.y + 42, AS_OF.y);
      let children = first <= last ? pick(rng, [0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5]) : 0;
      while (children-- > 0) {
        const year = first + rng.int(last - first + 1);
        people.push(this.person(kecamatan, rng.chance(0.49), randomDay(rng, year, year), 'ANAK'));
      }
    }
    if (headAge < 55 && rng.chance(0.07)) {
      const year = Math.max(1930, head.born.y - 20 - rng.int(15));
      const relationship = !headFemale && mother && rng.chance(0.4) ? 'MERTUA' : 'ORANG_TUA';
      people.push(this.person(kecamatan, rng.chance(0.7), randomDay(rng, year, year), relationship));
    }
    if (headAge >= 45 && rng.chance(0.1)) {
      for (let i = 1 + rng.int(2); i > 0; i--) {
        const year = AS_OF.y - rng.int(12);
        people.push(this.person(kecamatan, rng.chance(0.5), randomDay(rng, year, year), 'CUCU'));
      }
    }
    // A member-level damage needs a member besides the head.
    const needsTwo =
      kind !== undefined && DTSEN_MESSY_KINDS[kind].file === 'members' && kind !== 'MEMBER_WITHOUT_FAMILY';
    if (needsTwo && people.length < 2) {
      const year = Math.min(AS_OF.y, head.born.y + 20 + rng.int(5));
      people.push(this.person(kecamatan, rng.chance(0.5), randomDay(rng, year, year), 'ANAK'));
    }
    return people.slice(0, 8);
  }

  private person(kecamatan: string, female: boolean, born: Day, relationship: Relationship): Person {
    const { plain, muslim } = plainPersonName(this.rng, female);
    const nama =
      relationship === 'KEPALA_KELUARGA' && muslim && born.y < 1970 && this.rng.chance(0.15)
        ? `${female ? 'Hj.' : 'H.'} ${plain}`
        : plain;
    // Most were registered in the family's kecamatan; some elsewhere in the region.
    const where = this.rng.chance(0.85) ? kecamatan : pick(this.rng, this.slots).kecamatan.code;
    return { nama, female, born, relationship, nik: this.nik(where, female, born) };
  }

  /** `62 KK CC DDMMYY SSSS`, women's day + 40; the serial counts per kecamatan, sex and year. */
  private nik(kecamatan: string, female: boolean, born: Day): string {
    const yy = pad2(born.y % 100);
    const serial = this.serial(`nik:${kecamatan}:${female ? 'P' : 'L'}:${yy}`);
    return `62${kecamatan.slice(3, 5)}${kecamatan.slice(6, 8)}${pad2(born.d + (female ? 40 : 0))}${pad2(born.m)}${yy}${serial}`;
  }

  /** `62 KK CC DDMMYY SSSS` with the day the card was issued. */
  private noKk(kecamatan: string): string {
    const issued = randomDay(this.rng, 2012, AS_OF.y);
    const yy = pad2(issued.y % 100);
    const serial = this.serial(`kk:${kecamatan}:${yy}`);
    return `62${kecamatan.slice(3, 5)}${kecamatan.slice(6, 8)}${pad2(issued.d)}${pad2(issued.m)}${yy}${serial}`;
  }

  /** Unique serials in a key: spread out a little, as real registers skip numbers. */
  private serial(key: string): string {
    const count = this.counters.get(key) ?? 0;
    this.counters.set(key, count + 1);
    const serial = 1 + count * 2 + this.rng.int(2);
    if (serial > 9999) throw new RangeError(`too many serials for ${key}`);
    return String(serial).padStart(4, '0');
  }

  private desil(): number {
    let r = this.rng.int(100);
    for (let i = 0; i < DESIL_WEIGHTS.length; i++) {
      r -= DESIL_WEIGHTS[i] ?? 0;
      if (r < 0) return i + 1;
    }
    return 10;
  }

  private address(): string {
    const { rng } = this;
    const rt = `RT ${String(1 + rng.int(25)).padStart(3, '0')}`;
    const rw = rng.chance(0.6) ? ` RW ${String(1 + rng.int(6)).padStart(3, '0')}` : '';
    if (rng.chance(0.3)) return `Dusun ${pick(rng, ['I', 'II', 'III', 'IV'])} ${rt}${rw}`;
    const street = `${pick(rng, ['Jl.', 'Jalan', 'Gg.'])} ${pick(rng, STREETS)}`;
    return `${street}${rng.chance(0.4) ? ` No. ${1 + rng.int(120)}` : ''}${rng.chance(0.5) ? ',' : ''} ${rt}${rw}`;
  }

  private memberCells(noKk: string, nik: string, person: Person, relationship: string): Cell[] {
    const cells: Record<MemberColumn, Cell> = {
      no_kk: noKk,
      nik,
      nama: this.style.name(person.nama),
      tanggal_lahir: this.style.date(person.born, this.rng),
      jenis_kelamin: this.style.sex(person.female),
      hubungan_keluarga: relationship,
    };
    return MEMBER_COLUMNS.map((column) => cells[column]);
  }

  private tally(file: FileExpectation, problems: readonly ExpectedProblem[]): void {
    file.rows++;
    file.problems.push(...problems);
    if (problems.some((problem) => problem.severity === 'error')) file.errorRows++;
    else {
      file.validRows++;
      if (problems.length > 0) file.warningRows++;
    }
  }
}

const emptyExpectation = (): FileExpectation => ({
  rows: 0,
  validRows: 0,
  errorRows: 0,
  warningRows: 0,
  problems: [],
});

const STREETS = [
  'Tjilik Riwut',
  'A. Yani',
  'Pemuda',
  'Merdeka',
  'Tambun Bungai',
  'Pelita',
  'Kenanga',
  'Mawar',
  'Sei Pinang',
  'Hiu Putih',
  'Cilik Riwut',
  'Pahlawan',
  'Trans Kalimantan',
  'Damang Batu',
];

/** The desa of `region` that other lists spell otherwise (`PLACE_ALIASES`), with that spelling. */
function aliasDesa(region: string): { code: string; alias: string }[] {
  const found: { code: string; alias: string }[] = [];
  for (const kecamatan of kecamatanList(region)) {
    for (const desa of desaList(kecamatan.code)) {
      for (const [alias, official] of Object.entries(PLACE_ALIASES)) {
        if (desa.name === official) found.push({ code: desa.code, alias });
      }
    }
  }
  return found;
}

/** A typing mistake in the desa's name that names no desa and for which the official name is suggested. */
function desaTypo(slot: DesaSlot): string | undefined {
  const name = slot.desa.name;
  const candidates: string[] = [];
  for (let i = 2; i < name.length - 1; i++) {
    const a = name[i];
    const b = name[i + 1];
    if (a && b && /[a-z]/.test(a) && /[a-z]/.test(b) && a !== b)
      candidates.push(`${name.slice(0, i)}${b}${a}${name.slice(i + 2)}`);
    if (a && /[a-z]/.test(a)) candidates.push(`${name.slice(0, i)}${a}${name.slice(i)}`);
  }
  return candidates.find(
    (typo) => !findDesa(slot.kecamatan.code, typo) && suggestDesa(slot.kecamatan.code, typo) === name,
  );
}

// ─── How this office writes its extract ───────────────────────────────────────────────────────────

const WORDS: Readonly<Record<Relationship, readonly string[]>> = {
  KEPALA_KELUARGA: ['Kepala Keluarga', 'KEPALA KELUARGA', 'Kepala Rumah Tangga'],
  SUAMI: ['Suami', 'SUAMI'],
  ISTRI: ['Istri', 'ISTRI', 'Isteri'],
  ANAK: ['Anak', 'ANAK', 'Anak Kandung'],
  MENANTU: ['Menantu', 'MENANTU'],
  CUCU: ['Cucu', 'CUCU'],
  ORANG_TUA: ['Orang Tua', 'ORANG TUA', 'Ortu'],
  MERTUA: ['Mertua', 'MERTUA'],
  FAMILI_LAIN: ['Famili Lain', 'FAMILI LAIN'],
  PEMBANTU: ['Pembantu', 'PEMBANTU'],
  LAINNYA: ['Lainnya', 'LAINNYA'],
};
const SHDK_NUMBER = new Map<Relationship, string>(
  Object.entries(DUKCAPIL_SHDK.codes).map(([number, relationship]) => [relationship, number]),
);

function makeStyle(
  region: Region,
  clean: boolean,
  xlsx: boolean,
  relationships: RelationshipStyle,
  rng: Rng,
): Style {
  const header = <C extends string>(
    columns: readonly C[],
    aliases: Readonly<Record<C, readonly string[]>>,
  ) => {
    if (clean) return columns.map((column) => aliases[column][0] ?? column);
    const upper = rng.chance(0.4);
    return columns.map((column) => {
      const text = pick(rng, aliases[column]);
      return upper ? text.toUpperCase() : text;
    });
  };
  const familyHeader = header(FAMILY_COLUMNS, FAMILY_ALIASES);
  const memberHeader = header(MEMBER_COLUMNS, MEMBER_ALIASES);
  const runningNumber = !clean && rng.chance(0.5);
  const kabupatenText = clean
    ? region.name
    : pick(rng, [region.shortName.toUpperCase(), region.name, region.name.toUpperCase(), region.shortName]);
  const upperPlaces = !clean && rng.chance(0.6);
  const upperNames = !clean && rng.chance(0.6);
  const dotted = !clean && rng.chance(0.2);
  type DateForm = (day: Day) => string;
  const dateForms: DateForm[] = [
    (day) => `${pad2(day.d)}-${pad2(day.m)}-${day.y}`,
    (day) => `${day.y}-${pad2(day.m)}-${pad2(day.d)}`,
    (day) => `${pad2(day.d)}/${pad2(day.m)}/${day.y}`,
  ];
  const usualDate = clean ? 0 : rng.int(dateForms.length);
  const sexForms: [string, string][] = [
    ['L', 'P'],
    ['Laki-laki', 'Perempuan'],
    ['LAKI-LAKI', 'PEREMPUAN'],
    ['1', '2'],
  ];
  const sex = clean ? sexForms[0] : pick(rng, sexForms);
  return {
    familyHeader,
    memberHeader,
    runningNumber,
    kabupaten: () => kabupatenText,
    kecamatan: (name, r) => {
      if (clean) return name;
      if (r.chance(0.05)) return `Kec. ${name}`;
      return upperPlaces ? name.toUpperCase() : name;
    },
    desa: (place, r) => {
      if (clean) return place.name;
      if (r.chance(0.05)) return `${place.code.charAt(9) === '1' ? 'Kel.' : 'Desa'} ${place.name}`;
      return upperPlaces ? place.name.toUpperCase() : place.name;
    },
    code: (digits) =>
      dotted && digits.length === 10
        ? `${digits.slice(0, 2)}.${digits.slice(2, 4)}.${digits.slice(4, 6)}.${digits.slice(6)}`
        : digits,
    name: (text) => (upperNames ? text.toUpperCase() : text),
    date: (day, r) => {
      if (xlsx && !clean && r.chance(0.3)) return excelSerial(day);
      const form = clean || r.chance(0.85) ? usualDate : r.int(dateForms.length);
      return (dateForms[form] ?? dateForms[0] ?? ((d: Day) => `${d.y}`))(day);
    },
    sex: (female) => (female ? sex?.[1] : sex?.[0]) ?? (female ? 'P' : 'L'),
    relationship: (relationship, r) => {
      const numbers = relationships === 'dukcapil-numbers' || (relationships === 'mixed' && r.chance(0.5));
      if (numbers) {
        const number = SHDK_NUMBER.get(relationship) ?? '11';
        return !clean && r.chance(0.2) ? number.padStart(2, '0') : number;
      }
      const words = WORDS[relationship];
      return (clean ? words[0] : pick(r, words)) ?? relationship;
    },
  };
}

// ─── Small helpers ────────────────────────────────────────────────────────────────────────────────

const pad2 = (n: number) => String(n).padStart(2, '0');
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** A day in years `from`–`to`, never after the extract's date and never 29 February (NIK years have two digits). */
function randomDay(rng: Rng, from: number, to: number): Day {
  const y = Math.min(from + rng.int(Math.max(1, to - from + 1)), AS_OF.y);
  const m = 1 + rng.int(y === AS_OF.y ? AS_OF.m : 12);
  const d = 1 + rng.int(Math.min(daysIn(y, m), 28 + (m === 2 ? 0 : 3)));
  return { y, m, d: Math.min(d, daysIn(y, m)) };
}

/** Excel's 1900-system serial of a day (what a date cell holds). */
const excelSerial = (day: Day): number =>
  Math.round((Date.UTC(day.y, day.m - 1, day.d) - Date.UTC(1899, 11, 30)) / 86_400_000);
