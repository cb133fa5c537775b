import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FAMILY_LAYOUT, MEMBER_LAYOUT } from '#shared/domain/family/dtsen-columns.ts';
import { type FamilyRow, validateFamilyRow, validateMemberRow } from '#shared/domain/family/dtsen-rows.ts';
import { placeFamily } from '#shared/domain/family/place.ts';
import { nikBirthDate } from '#shared/domain/nik.ts';
import { readCsvRecords } from '#shared/import/csv-records.ts';
import { type RowLayout, toRows } from '#shared/import/rows.ts';
import type { SourceRecord } from '#shared/import/source.ts';
import { readXlsxRecords } from '#shared/import/xlsx-records.ts';
import {
  DTSEN_LATEST_BIRTH_YEAR,
  type DtsenExpected,
  type DtsenOptions,
  dtsenBuffers,
  dtsenMessyKinds,
  type ExpectedProblem,
} from '../../local/dtsen-data.ts';
import { parseDtsenArgs } from '../../local/generate.ts';

const XLSX_LIMITS = { maxUncompressedBytes: 200 * 1024 * 1024, maxRatio: 200 };

function records(body: Buffer, format: 'csv' | 'xlsx'): AsyncIterable<SourceRecord & { sheet?: number }> {
  const input = Readable.from([body]);
  return format === 'xlsx' ? readXlsxRecords(input, XLSX_LIMITS) : readCsvRecords(input);
}

async function rowsOf<C extends string>(body: Buffer, format: 'csv' | 'xlsx', layout: RowLayout<C>) {
  const rows = [];
  for await (const row of toRows(records(body, format), layout)) rows.push(row);
  return rows;
}

interface Validated {
  problems: { families: ExpectedProblem[]; members: ExpectedProblem[] };
  families: { row: number; value: FamilyRow }[];
  members: { row: number; noKk: string; nik: string; head: boolean; female?: boolean; born: string }[];
  familyRows: number;
  memberRows: number;
}

/** Reads both files back the way the importer does and runs the row validators. */
async function validate(options: DtsenOptions): Promise<{ expected: DtsenExpected; got: Validated }> {
  const { families, members, expected } = await dtsenBuffers(options);
  const got: Validated = {
    problems: { families: [], members: [] },
    families: [],
    members: [],
    familyRows: 0,
    memberRows: 0,
  };
  for (const row of await rowsOf(families, options.format, FAMILY_LAYOUT)) {
    got.familyRows++;
    const checked = validateFamilyRow(row.raw, options.region);
    for (const problem of [...checked.errors, ...checked.warnings])
      got.problems.families.push({ row: row.sourceRow, code: problem.code, severity: problem.severity });
    if (checked.value) got.families.push({ row: row.sourceRow, value: checked.value });
  }
  for (const row of await rowsOf(members, options.format, MEMBER_LAYOUT)) {
    got.memberRows++;
    const checked = validateMemberRow(row.raw, { latestBirthYear: DTSEN_LATEST_BIRTH_YEAR });
    for (const problem of [...checked.errors, ...checked.warnings])
      got.problems.members.push({ row: row.sourceRow, code: problem.code, severity: problem.severity });
    const value = checked.value;
    if (value) {
      got.members.push({
        row: row.sourceRow,
        noKk: value.noKk,
        nik: value.nik,
        head: value.hubungan === 'KEPALA_KELUARGA',
        ...(value.jenisKelamin ? { female: value.jenisKelamin === 'P' } : {}),
        born: value.tanggalLahir,
      });
    }
  }
  return { expected, got };
}

const byRow = (a: ExpectedProblem, b: ExpectedProblem) => a.row - b.row || a.code.localeCompare(b.code);
const sortedProblems = (problems: readonly ExpectedProblem[]) => [...problems].sort(byRow);

/** The cross-file checks, computed from what the validators kept. */
function crossCheck(got: Validated) {
  const kept = new Map(got.families.map((family) => [family.value.noKk, family.row]));
  const memberWithoutFamily = got.members
    .filter((member) => !kept.has(member.noKk))
    .map((member) => ({ row: member.row, noKk: member.noKk }));
  const heads = new Map<string, number>();
  for (const member of got.members)
    if (member.head) heads.set(member.noKk, (heads.get(member.noKk) ?? 0) + 1);
  const familyWithoutHead = got.families
    .filter((family) => !heads.has(family.value.noKk))
    .map((family) => ({ row: family.row, noKk: family.value.noKk }));
  const seen = new Map<string, number>();
  const memberTwice: { row: number; firstRow: number; noKk: string }[] = [];
  for (const member of got.members) {
    const key = `${member.noKk}:${member.nik}`;
    const first = seen.get(key);
    if (first !== undefined) memberTwice.push({ row: member.row, firstRow: first, noKk: member.noKk });
    else seen.set(key, member.row);
  }
  return { memberWithoutFamily, familyWithoutHead, memberTwice, heads };
}

const CASES: { name: string; options: DtsenOptions }[] = [
  {
    name: 'Kapuas, Kemendagri codes, CSV |',
    options: { region: '62.03', families: 300, seed: 3, format: 'csv', codes: 'kemendagri' },
  },
  {
    name: 'Katingan, BPS codes, CSV |',
    options: { region: '62.06', families: 300, seed: 5, format: 'csv', codes: 'bps' },
  },
  {
    name: 'Gunung Mas, BPS codes, XLSX',
    options: { region: '62.10', families: 150, seed: 7, format: 'xlsx', codes: 'bps' },
  },
  {
    name: 'Palangka Raya, Kemendagri codes, CSV ;, Dukcapil numbers',
    options: {
      region: '62.71',
      families: 200,
      seed: 9,
      format: 'csv',
      delimiter: ';',
      relationships: 'dukcapil-numbers',
    },
  },
];

describe('DTSEN extract generator', () => {
  for (const { name, options } of CASES) {
    it(`messy: exactly the expected problems at the expected rows (${name})`, async () => {
      const { expected, got } = await validate(options);
      expect(got.familyRows).toBe(expected.families.rows);
      expect(got.memberRows).toBe(expected.members.rows);
      expect(sortedProblems(got.problems.families)).toEqual(sortedProblems(expected.families.problems));
      expect(sortedProblems(got.problems.members)).toEqual(sortedProblems(expected.members.problems));
      expect(got.families.length).toBe(expected.families.validRows);
      expect(got.members.length).toBe(expected.members.validRows);

      const cross = crossCheck(got);
      expect(cross.memberWithoutFamily).toEqual(expected.crossFile.memberWithoutFamily);
      expect(cross.familyWithoutHead).toEqual(expected.crossFile.familyWithoutHead);
      expect(cross.memberTwice).toEqual(expected.crossFile.memberTwice);

      // Every messy kind the region allows is there, once.
      expect(Object.keys(expected.messyKinds).sort()).toEqual(dtsenMessyKinds(options.region).sort());
      expect(Object.values(expected.messyKinds).every((count) => count === 1)).toBe(true);
    });
  }

  it('makes NAMA_ALIAS only where the region has an alias desa', () => {
    expect(dtsenMessyKinds('62.06')).toContain('NAMA_ALIAS');
    expect(dtsenMessyKinds('62.03')).not.toContain('NAMA_ALIAS');
  });

  for (const codes of ['kemendagri', 'bps'] as const) {
    for (const format of ['csv', 'xlsx'] as const) {
      it(`clean (${codes}, ${format}): no errors, one head per family, sex agrees with the NIK`, async () => {
        const region = codes === 'bps' ? '62.12' : '62.01';
        const { expected, got } = await validate({
          region,
          families: 120,
          seed: 11,
          format,
          codes,
          clean: true,
        });
        expect(got.problems.families.filter((problem) => problem.severity === 'error')).toEqual([]);
        expect(got.problems.members).toEqual([]);
        // BPS extracts carry the trap (a desa code of another village) even when clean: warnings only.
        expect(sortedProblems(got.problems.families)).toEqual(sortedProblems(expected.families.problems));
        expect(got.families).toHaveLength(120);
        const cross = crossCheck(got);
        expect(cross.memberWithoutFamily).toEqual([]);
        for (const family of got.families) expect(cross.heads.get(family.value.noKk)).toBe(1);
        expect(expected.crossFile).toEqual({
          memberWithoutFamily: [],
          familyWithoutHead: [],
          memberTwice: [],
        });
        for (const member of got.members) {
          const fromNik = nikBirthDate(member.nik, new Date(Date.UTC(2026, 8, 30)));
          expect(fromNik.female).toBe(member.female);
          const pad = (n: number) => String(n).padStart(2, '0');
          expect(member.born).toBe(`${fromNik.year}-${pad(fromNik.month)}-${pad(fromNik.day)}`);
        }
      });
    }
  }

  it('places every family of a BPS extract in the right Kemendagri desa', async () => {
    for (const region of ['62.06', '62.08', '62.03']) {
      const bps = await validate({
        region,
        families: 200,
        seed: 13,
        format: 'csv',
        codes: 'bps',
        clean: true,
      });
      const kemendagri = await validate({ region, families: 200, seed: 13, format: 'csv', clean: true });
      expect(bps.got.families.map((family) => family.value.desaCode)).toEqual(
        kemendagri.got.families.map((family) => family.value.desaCode),
      );
      // And the Kemendagri extract's codes alone (no names) place every family the same way.
      for (const family of kemendagri.got.families) {
        const placed = placeFamily(region, {
          kecamatanCode: family.value.kecamatanCode.replaceAll('.', ''),
          desaCode: family.value.desaCode.replaceAll('.', ''),
        });
        expect(placed.ok && placed.desa.code).toBe(family.value.desaCode);
      }
      expect(new Set(bps.got.families.map((family) => family.value.desaCode)).size).toBeGreaterThan(20);
    }
  });

  it('gives the same bytes for the same seed (CSV) and the same cells (XLSX)', async () => {
    const options: DtsenOptions = { region: '62.02', families: 80, seed: 21, format: 'csv' };
    const a = await dtsenBuffers(options);
    const b = await dtsenBuffers(options);
    expect(a.families.equals(b.families)).toBe(true);
    expect(a.members.equals(b.members)).toBe(true);
    const c = await dtsenBuffers({ ...options, seed: 22 });
    expect(c.members.equals(a.members)).toBe(false);

    const xlsx = { ...options, format: 'xlsx' as const };
    const cells = async () => {
      const { families, members } = await dtsenBuffers(xlsx);
      const text: string[] = [];
      for await (const record of records(families, 'xlsx')) text.push(record.cells.join('|'));
      for await (const record of records(members, 'xlsx')) text.push(record.cells.join('|'));
      return text;
    };
    expect(await cells()).toEqual(await cells());
  });

  it('writes pipe-separated files by default, with title rows above the header when messy', async () => {
    const { families } = await dtsenBuffers({ region: '62.04', families: 30, seed: 1, format: 'csv' });
    const lines = families.toString('utf8').split('\r\n');
    expect(lines[0]).toContain('DTSEN');
    expect(lines[3]?.split('|').length).toBeGreaterThanOrEqual(11);
  });

  it('npm run generate --kind dtsen: two files in --out, or named; options parsed', () => {
    const parsed = parseDtsenArgs([
      '--kind',
      'dtsen',
      '--region',
      '62.06',
      '--families',
      '60000',
      '--codes',
      'bps',
      '--out',
      'out/dtsen',
    ]);
    expect(parsed.paths).toEqual({
      families: 'out/dtsen/dtsen-keluarga-6206.csv',
      members: 'out/dtsen/dtsen-anggota-6206.csv',
    });
    expect(parsed.options).toMatchObject({ region: '62.06', families: 60000, codes: 'bps', format: 'csv' });
    const named = parseDtsenArgs([
      '--kind=dtsen',
      '--region=62.03',
      '--families=10',
      '--out-families=a/k.xlsx',
      '--out-members=a/m.xlsx',
      '--relationships=dukcapil-numbers',
      '--clean',
    ]);
    expect(named.options).toMatchObject({ format: 'xlsx', relationships: 'dukcapil-numbers', clean: true });
    expect(() => parseDtsenArgs(['--kind', 'dtsen', '--region', '62.03', '--families', '5'])).toThrow(
      /--out <dir>, or both --out-families and --out-members/,
    );
  });
});
