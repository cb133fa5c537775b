/**
 * The family part of `npm run demo` (issue #14, `docs`/families.md): two kabupaten's DTSEN
 * extracts imported and cross-checked, a PKH exclusion list from Dinsos, a tahap with its
 * eligibility run, and the verval of one desa by its relawan — everything through the local API,
 * with the tokens the people would hold. The console shows No KK and NIK masked (`maskNik`): the
 * demo's output is pasted into issues and chats; the files in `out/demo/` hold them whole, as the
 * users' own files do.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type * as z from 'zod';
import {
  AssignmentListSchema,
  DecreeDetailSchema,
  EligibilityRequestedSchema,
  ExclusionListsSchema,
  ImportCreatedSchema,
  ImportViewSchema,
  KpmComposeViewSchema,
  ProposalDetailSchema,
  SnapshotViewSchema,
  TahapFamilyPageSchema,
  TahapFileSchema,
  TahapSummarySchema,
  TahapViewSchema,
  VervalProgressSchema,
} from '#shared/contract/responses.ts';
import { FAMILY_LAYOUT, MEMBER_LAYOUT } from '#shared/domain/family/dtsen-columns.ts';
import { EXCLUSION_REASON_LABEL, type ExclusionReason } from '#shared/domain/family/eligibility.ts';
import { parseRelationship, RELATIONSHIP_LABEL } from '#shared/domain/family/hubungan.ts';
import { VERVAL_RESULT_LABEL, type VervalResult } from '#shared/domain/family/verval.ts';
import { VERVAL_RESULT_LAYOUT } from '#shared/domain/family/verval-sheet.ts';
import type { HeaderReader } from '#shared/domain/header.ts';
import { maskNik } from '#shared/domain/mask.ts';
import { desaName } from '#shared/domain/wilayah.ts';
import { distributionFlow } from './demo-distribution.ts';
import { call, download, OUT, operatorToken, printTable, token, waitUntil } from './demo-support.ts';
import { dtsenBuffers } from './dtsen-data.ts';

const VERSION_DATE = '2026-09-30';
const TAHAP = { year: 2026, number: 1 } as const;
const TAHAP_ID = `${TAHAP.year}-${TAHAP.number}`;

/**
 * Kapuas as BPS hands it out (pipe-separated CSV); Kotawaringin Timur as an XLSX. The generator
 * spreads families over every desa of the kabupaten (Kapuas has over 200), so Kapuas gets 1,600:
 * with 400 no desa has more than three families, too few to show a verval sheet.
 */
const EXTRACTS = [
  { region: '62.03', name: 'Kapuas', families: 1_600, seed: 1403, format: 'csv', delimiter: '|' },
  { region: '62.02', name: 'Kotawaringin Timur', families: 420, seed: 1402, format: 'xlsx' },
] as const;
/** Kotawaringin Timur gets fewer families than it has eligible: the rest are reserve (cadangan). */
const QUOTA_KOTIM = 150;

type ImportView = z.infer<typeof ImportViewSchema>;
type Whenidle = () => Promise<void>;

/** The province: Dinsos Provinsi sends the exclusion lists, the KHBS admin runs the tahap. */
const dinsosProvinsi = () =>
  token({ sub: 'demo-dinsos-provinsi', name: 'Dinsos Provinsi', groups: ['admin'] });
const khbsAdmin = () => token({ sub: 'demo-admin-khbs', name: 'Admin KHBS', groups: ['admin'] });
const relawan = (sub: string, name: string, region: string) =>
  token({ sub, name, groups: ['relawan'], region });

/** Today in WIB, `dd-mm-yyyy`, as a relawan writes the visit date. */
const wibDay = (daysAgo = 0) => {
  const iso = new Date(Date.now() + 7 * 3600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
  return `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;
};

/** `POST /imports` (or the verval route), PUT the bytes to the presigned URL, poll until done. */
async function importFile(
  base: string,
  bearer: string,
  create: { path: string; body: Record<string, unknown> },
  bytes: Buffer,
  statusPath: (importId: string) => string,
): Promise<ImportView> {
  const created = ImportCreatedSchema.parse(await call(base, bearer, 'POST', create.path, create.body));
  const put = await fetch(created.uploadUrl, { method: 'PUT', body: bytes });
  if (!put.ok) throw new Error(`PUT ${create.body.filename} → ${put.status}`);
  let view: ImportView | undefined;
  await waitUntil(`the import of ${String(create.body.filename)}`, async () => {
    view = ImportViewSchema.parse(await call(base, bearer, 'GET', statusPath(created.importId)));
    return ['COMPLETED', 'REJECTED', 'FAILED'].includes(view.status);
  });
  if (!view) throw new Error('no import view');
  if (view.status !== 'COMPLETED') {
    throw new Error(
      `import of ${String(create.body.filename)} ended ${view.status}: ${JSON.stringify(view.reasons)}`,
    );
  }
  return view;
}

/** Rows of a delimited text, quotes honoured (enough for the generator's own output). */
function csvRows(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (line === '') continue;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const char = line[i];
      if (quoted) {
        if (char === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (char === '"') quoted = false;
        else cell += char;
      } else if (char === '"') quoted = true;
      else if (char === delimiter) {
        cells.push(cell);
        cell = '';
      } else cell += char;
    }
    cells.push(cell);
    rows.push(cells);
  }
  return rows;
}

/** The data rows of a generated extract file as records keyed by column, after its detected header. */
function readExtract<C extends string>(
  text: string,
  delimiter: string,
  layout: { header: HeaderReader<C> },
): Partial<Record<C, string>>[] {
  const rows = csvRows(text, delimiter);
  const at = rows.findIndex((cells) => layout.header.detect(cells) !== undefined);
  const header = at < 0 ? undefined : layout.header.detect(rows[at] ?? []);
  if (!header) throw new Error('no header in the generated extract');
  return rows.slice(at + 1).map((cells) => {
    const record: Partial<Record<C, string>> = {};
    for (const [index, column] of header.columns) record[column] = (cells[index] ?? '').trim();
    return record;
  });
}

const digits = (text: string | undefined) => (text ?? '').replace(/\D/g, '');
/** `6203012001` → `62.03.01.2001`. */
const desaCode = (text: string | undefined) => {
  const d = digits(text);
  return d.length === 10 ? `${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}.${d.slice(6)}` : undefined;
};

interface Picked {
  /** The Kapuas desa the demo looks at (the one with most families in the extract). */
  desa: string;
  /** Exclusion list rows: program, NIK, No KK, name, desa code. */
  rows: string[][];
  /** What each row names, for the console (masked). */
  described: string[];
}

/**
 * From Kapuas's generated CSV: the desa with most families, and in it three families on PKH —
 * one named by the head's NIK, one by a spouse's or child's NIK, one by its No KK.
 */
function pickPkh(familiesCsv: string, membersCsv: string): Picked {
  const families = readExtract(familiesCsv, '|', FAMILY_LAYOUT);
  const members = readExtract(membersCsv, '|', MEMBER_LAYOUT);
  const byDesa = new Map<string, string[]>();
  for (const family of families) {
    const code = desaCode(family.kode_desa);
    const kk = digits(family.no_kk);
    const desil = Number(family.desil_nasional);
    if (!code || kk.length !== 16 || !(desil >= 1 && desil <= 5)) continue;
    byDesa.set(code, [...(byDesa.get(code) ?? []), kk]);
  }
  const [desa, kks] = [...byDesa.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
  if (!desa || !kks || kks.length < 6) throw new Error('no desa with enough families in the extract');
  const membersOf = (kk: string) => members.filter((member) => digits(member.no_kk) === kk);
  const relationship = (text: string | undefined) => {
    const parsed = parseRelationship(text ?? '');
    return parsed.ok ? parsed.value : undefined;
  };
  const isHead = (text: string | undefined) => relationship(text) === 'KEPALA_KELUARGA';
  const rows: string[][] = [];
  const described: string[] = [];
  const [first, second, third] = [kks[1], kks[3], kks[5]] as [string, string, string];
  const head = membersOf(first).find(
    (member) => isHead(member.hubungan_keluarga) && digits(member.nik).length === 16,
  );
  if (head?.nik) {
    rows.push(['PKH', digits(head.nik), '', head.nama ?? '', desa]);
    described.push(`NIK ${maskNik(digits(head.nik))} (kepala keluarga)`);
  }
  const other = membersOf(second).find(
    (member) => relationship(member.hubungan_keluarga) !== undefined && !isHead(member.hubungan_keluarga),
  );
  const otherRelationship = relationship(other?.hubungan_keluarga);
  if (other?.nik && otherRelationship) {
    rows.push(['PKH', digits(other.nik), '', other.nama ?? '', desa]);
    described.push(
      `NIK ${maskNik(digits(other.nik))} (${RELATIONSHIP_LABEL[otherRelationship].toLowerCase()})`,
    );
  }
  rows.push(['PKH', '', third, '', desa]);
  described.push(`No KK ${maskNik(third)}`);
  // A line the office typed without either number: refused with its reason.
  rows.push(['PKH', '', '', 'Warga tanpa nomor', desa]);
  described.push('a row with neither NIK nor No KK');
  return { desa, rows, described };
}

/** One family's reasons in words (the member by relationship, other numbers masked). */
function reasonText(detail: { reason: ExclusionReason } & Record<string, unknown>): string {
  const label = EXCLUSION_REASON_LABEL[detail.reason];
  const who =
    typeof detail.hubungan === 'string'
      ? ` (${RELATIONSHIP_LABEL[detail.hubungan as keyof typeof RELATIONSHIP_LABEL] ?? detail.hubungan})`
      : typeof detail.member === 'number'
        ? ` (anggota ke-${detail.member})`
        : '';
  switch (detail.reason) {
    case 'DESIL_DI_LUAR_RENTANG':
      return `${label}: desil ${detail.desil ?? 'tidak ada'}`;
    case 'DAFTAR_PENGECUALIAN':
      return `${label}: ${detail.programme} (${detail.source}, ${detail.asOf}), cocok ${detail.matchedBy === 'NIK' ? `NIK anggota${who}` : 'No KK'}`;
    case 'ANGGOTA_DI_KELUARGA_LAIN':
      return `${label}${who}: KK ${((detail.otherNoKk as string[]) ?? []).map(maskNik).join(', ')}`;
    case 'KK_DI_DUA_KABUPATEN':
      return `${label}: juga di ${((detail.otherRegions as string[]) ?? []).join(', ')}`;
    case 'NIK_TIDAK_SAH':
      return `${label}${who}`;
    default:
      return label;
  }
}

const cellText = (value: ExcelJS.CellValue): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((run) => run.text).join('');
  if (typeof value === 'object' && 'text' in value) return String(value.text);
  return String(value);
};

/**
 * The relawan's work on the sheet: every row LAYAK except one MAMPU, one MENINGGAL (the new penerima
 * an adult member listed in "Anggota Dewasa") and one GANDA. Returns what was written, by result.
 */
async function fillSheet(bytes: Buffer, relawanName: string): Promise<{ file: Buffer; planned: string[] }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.read(Readable.from([bytes]));
  const sheet = workbook.getWorksheet('Verval') ?? workbook.worksheets[0];
  if (!sheet) throw new Error('the verval sheet has no worksheet');
  let headerRow = 0;
  const columns = new Map<string, number>();
  let adultsColumn = 0;
  sheet.eachRow((row, rowNumber) => {
    if (headerRow) return;
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell.value);
    });
    const found = VERVAL_RESULT_LAYOUT.header.detect(cells.map((cell) => cell ?? ''));
    if (!found) return;
    headerRow = rowNumber;
    for (const [index, column] of found.columns) columns.set(column, index + 1);
    adultsColumn = cells.findIndex((cell) => /^anggota dewasa/i.test(cell ?? '')) + 1;
  });
  const col = (name: string) => columns.get(name);
  const [kkCol, hasilCol, tanggalCol, relawanCol, baCol, nikCol, ketCol] = [
    'no_kk',
    'hasil',
    'tanggal',
    'relawan',
    'nomor_berita_acara',
    'nik_penerima',
    'keterangan',
  ].map(col);
  if (!headerRow || !kkCol || !hasilCol || !tanggalCol || !relawanCol || !baCol)
    throw new Error('the verval sheet has no result header');
  const dataRows: ExcelJS.Row[] = [];
  for (let r = headerRow + 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    if (/^\d{16}$/.test(cellText(row.getCell(kkCol).value).trim())) dataRows.push(row);
  }
  // MENINGGAL on a family whose sheet lists an adult who is not the head.
  const adultOf = (row: ExcelJS.Row) =>
    adultsColumn
      ? cellText(row.getCell(adultsColumn).value)
          .split(/\r?\n/)
          .map((line) => line.trim())
          .find((line) => /^\d{16}/.test(line) && !/kepala keluarga/i.test(line))
          ?.slice(0, 16)
      : undefined;
  const meninggal = dataRows.findIndex((row) => adultOf(row) !== undefined);
  const others = dataRows.map((_, index) => index).filter((index) => index !== meninggal);
  const mampu = others[0];
  const ganda = others[others.length - 1];
  const planned: string[] = [];
  dataRows.forEach((row, index) => {
    let hasil: VervalResult = 'LAYAK';
    let keterangan = '';
    if (index === meninggal) {
      hasil = 'MENINGGAL';
      keterangan = 'Kepala keluarga meninggal; penerima diganti anggota dewasa.';
      if (nikCol) row.getCell(nikCol).value = adultOf(row) ?? '';
    } else if (index === mampu) {
      hasil = 'MAMPU';
      keterangan = 'Rumah permanen baru, usaha warung.';
    } else if (index === ganda) {
      hasil = 'GANDA';
      keterangan = 'Keluarga yang sama terdaftar di desa lain.';
    }
    row.getCell(hasilCol).value = hasil;
    row.getCell(tanggalCol).value = wibDay(2);
    row.getCell(relawanCol).value = relawanName;
    row.getCell(baCol).value = 'BA/MUSDES/07/XII/2026';
    if (ketCol && keterangan) row.getCell(ketCol).value = keterangan;
    row.commit();
    if (hasil !== 'LAYAK') {
      const kk = cellText(row.getCell(kkCol).value).trim();
      planned.push(
        `${maskNik(kk)} → ${hasil}${hasil === 'MENINGGAL' ? ` (penerima ${maskNik(adultOf(row) ?? '')})` : ''}`,
      );
    }
  });
  return { file: Buffer.from(await workbook.xlsx.writeBuffer()), planned };
}

/**
 * The family flow for Kapuas (62.03) and Kotawaringin Timur (62.02), after the BKK part of the
 * demo: DTSEN imports and their cross-check, a PKH exclusion list, the tahap and its eligibility,
 * and the verval of one Kapuas desa.
 */
export async function familyFlow(base: string, whenIdle: Whenidle): Promise<void> {
  console.log('\n═══ KHBS families: DTSEN extracts, exclusion list, tahap, verval ═══');

  // ─── 1. DTSEN extracts of two kabupaten ────────────────────────────────────────────────────────
  const imported: string[][] = [];
  let kapuasCsv: { families: string; members: string } | undefined;
  for (const extract of EXTRACTS) {
    const generated = await dtsenBuffers({
      region: extract.region,
      families: extract.families,
      seed: extract.seed,
      format: extract.format,
      ...(extract.format === 'csv' ? { delimiter: extract.delimiter } : {}),
    });
    const ext = extract.format;
    const files = {
      families: `dtsen-keluarga-${extract.region}-${VERSION_DATE}.${ext}`,
      members: `dtsen-anggota-${extract.region}-${VERSION_DATE}.${ext}`,
    };
    await writeFile(join(OUT, files.families), generated.families);
    await writeFile(join(OUT, files.members), generated.members);
    if (extract.format === 'csv') {
      kapuasCsv = {
        families: generated.families.toString('utf8'),
        members: generated.members.toString('utf8'),
      };
    }
    const operator = await operatorToken(extract.region);
    const views: Record<'families' | 'members', ImportView> = {} as never;
    for (const [half, kind] of [
      ['families', 'DTSEN_KELUARGA'],
      ['members', 'DTSEN_ANGGOTA'],
    ] as const) {
      const view = await importFile(
        base,
        operator,
        { path: '/imports', body: { kind, filename: files[half], versionDate: VERSION_DATE } },
        generated[half],
        (id) => `/imports/${id}`,
      );
      views[half] = view;
      if (view.reportUrl) {
        await download(
          view.reportUrl,
          join(
            OUT,
            `${extract.region}-dtsen-${half === 'families' ? 'keluarga' : 'anggota'}-laporan-kesalahan.csv`,
          ),
        );
      }
    }
    await whenIdle();
    let snapshot: z.infer<typeof SnapshotViewSchema> | undefined;
    await waitUntil(`the snapshot of ${extract.region}`, async () => {
      snapshot = SnapshotViewSchema.parse(
        await call(base, operator, 'GET', `/snapshots/${extract.region}/${VERSION_DATE}`),
      );
      return snapshot.status === 'READY';
    });
    if (snapshot?.reportUrl) {
      await download(snapshot.reportUrl, join(OUT, `${extract.region}-dtsen-pemeriksaan-silang.csv`));
    }
    const expected = generated.expected;
    imported.push([
      `${extract.region} ${extract.name}`,
      `${ext.toUpperCase()}${extract.format === 'csv' ? ` '${extract.delimiter}'` : ''}`,
      `${views.families.counts?.accepted ?? '-'}/${views.families.counts?.rejected ?? '-'}`,
      `${views.members.counts?.accepted ?? '-'}/${views.members.counts?.rejected ?? '-'}`,
      // A member repeated in one KK passes the row check but the import refuses its second row.
      `${expected.families.validRows}/${expected.families.errorRows} · ${expected.members.validRows - expected.crossFile.memberTwice.length}/${expected.members.errorRows + expected.crossFile.memberTwice.length}`,
      Object.entries(snapshot?.check?.byCode ?? {})
        .map(([code, count]) => `${code} ${count}`)
        .join(', ') || '-',
    ]);
  }
  console.log(`\nDTSEN extracts (version ${VERSION_DATE}) imported by each kabupaten's operator:`);
  printTable(
    [
      'kabupaten',
      'berkas',
      'keluarga diterima/ditolak',
      'anggota diterima/ditolak',
      'generator: baris sah/galat (keluarga · anggota)',
      'pemeriksaan silang',
    ],
    imported,
  );

  // ─── 2. The PKH exclusion list from Dinsos ─────────────────────────────────────────────────────
  if (!kapuasCsv) throw new Error('no Kapuas CSV');
  const picked = pickPkh(kapuasCsv.families, kapuasCsv.members);
  const exclusionCsv = `${['Program', 'NIK', 'No KK', 'Nama', 'Kode Desa'].join(';')}\r\n${picked.rows
    .map((row) => row.join(';'))
    .join('\r\n')}\r\n`;
  const exclusionFile = 'pengecualian-pkh-kemensos.csv';
  await writeFile(join(OUT, exclusionFile), exclusionCsv);
  const dinsos = await dinsosProvinsi();
  const list = await importFile(
    base,
    dinsos,
    {
      path: '/imports',
      body: {
        kind: 'PENGECUALIAN',
        filename: exclusionFile,
        programme: 'PKH',
        source: 'Kemensos',
        asOf: VERSION_DATE,
      },
    },
    Buffer.from(exclusionCsv),
    (id) => `/imports/${id}`,
  );
  if (list.reportUrl) await download(list.reportUrl, join(OUT, 'pengecualian-pkh-laporan-kesalahan.csv'));
  console.log(
    `\nDinsos uploads a PKH list (Kemensos, ${VERSION_DATE}) naming ${picked.described.join('; ')} → ` +
      `${list.status}, ${list.counts?.accepted} accepted, ${list.counts?.rejected} refused` +
      `${(list.problems ?? []).map((problem) => ` (row ${problem.row}: ${problem.code})`).join('')}`,
  );
  const lists = ExclusionListsSchema.parse(await call(base, dinsos, 'GET', '/exclusion-lists'));
  printTable(
    ['program', 'sumber', 'per tanggal', 'wilayah', 'entri', 'berlaku'],
    lists.items.map((item) => [
      item.programme,
      item.source,
      item.asOf,
      item.region ?? 'provinsi',
      String(item.entries),
      item.inForce ? 'ya' : 'tidak',
    ]),
  );

  // ─── 3. The tahap and its eligibility ──────────────────────────────────────────────────────────
  const admin = await khbsAdmin();
  const created = TahapViewSchema.parse(
    await call(base, admin, 'POST', '/tahap', {
      ...TAHAP,
      components: { TUNAI: 250_000, PANGAN: 150_000 },
      desil: { min: 1, max: 5 },
      snapshots: Object.fromEntries(EXTRACTS.map((extract) => [extract.region, VERSION_DATE])),
      quotas: { '62.02': QUOTA_KOTIM },
    }),
  );
  console.log(
    `\nThe admin creates ${created.label} (${created.status}): Rp250.000 tunai + Rp150.000 pangan, desil 1–5, ` +
      `snapshots ${VERSION_DATE}, quota Kotawaringin Timur ${QUOTA_KOTIM}`,
  );
  const run = EligibilityRequestedSchema.parse(
    await call(base, admin, 'POST', `/tahap/${TAHAP_ID}/eligibility`, {}),
  );
  await whenIdle();
  let tahap: z.infer<typeof TahapViewSchema> | undefined;
  await waitUntil('the eligibility run', async () => {
    tahap = TahapViewSchema.parse(await call(base, admin, 'GET', `/tahap/${TAHAP_ID}`));
    const state = tahap.eligibility?.status;
    if (state === 'FAILED') throw new Error(`eligibility run failed: ${tahap.eligibility?.error}`);
    return tahap.eligibility?.runId === run.runId && state === 'COMPLETED';
  });
  const e = tahap?.eligibility;
  console.log(
    `Eligibility run ${run.runId} → ${e?.status}: ${e?.families} families, ${e?.eligible} eligible, ` +
      `${e?.excluded} excluded, ${((e?.durationMs ?? 0) / 1000).toFixed(1)} s`,
  );
  for (const extract of EXTRACTS) {
    const summary = TahapSummarySchema.parse(
      await call(base, admin, 'GET', `/tahap/${TAHAP_ID}/summary?region=${extract.region}`),
    );
    for (const item of summary.items) {
      console.log(
        `\n${extract.region} ${extract.name}: ${item.counts.families} families, ${item.counts.eligible} eligible, ` +
          `${item.counts.excluded} excluded` +
          (item.quota
            ? `; quota ${item.quota.quota}: ${item.quota.selected} selected, ${item.quota.reserve} reserve (cadangan)`
            : '; no quota (every eligible family)'),
      );
      printTable(
        ['alasan dikecualikan', 'keluarga'],
        Object.entries(item.counts.byReason).map(([reason, count]) => [
          EXCLUSION_REASON_LABEL[reason as ExclusionReason] ?? reason,
          String(count),
        ]),
      );
    }
  }

  const desa = picked.desa;
  const excluded = TahapFamilyPageSchema.parse(
    await call(base, admin, 'POST', `/tahap/${TAHAP_ID}/families/search`, {
      desa,
      status: 'EXCLUDED',
      limit: 500,
    }),
  );
  console.log(
    `\nExcluded families of desa ${desaName(desa) ?? ''} (${desa}), Kapuas${excluded.nextCursor ? ' (first page)' : ''}:`,
  );
  printTable(
    ['No KK', 'desil', 'alasan'],
    excluded.items.map((family) => [
      maskNik(family.noKk),
      String(family.desil),
      family.reasons.map((detail) => reasonText(detail as never)).join('; '),
    ]),
  );

  // ─── 4. Verval of the desa ─────────────────────────────────────────────────────────────────────
  const opKapuas = await operatorToken('62.03');
  const sari = { sub: 'demo-relawan-sari', name: 'Sari Rahayu' };
  const assigned = AssignmentListSchema.parse(
    await call(base, opKapuas, 'POST', `/tahap/${TAHAP_ID}/relawan`, { desa, relawan: sari }),
  );
  console.log(
    `\nThe Kapuas operator assigns relawan ${assigned.items.map((item) => item.relawan.name).join(', ')} to ${desa}`,
  );
  const relawanSari = await relawan(sari.sub, sari.name, '62.03');
  const sheetFile = TahapFileSchema.parse(
    await call(base, relawanSari, 'GET', `/tahap/${TAHAP_ID}/files/verval?desa=${desa}`),
  );
  const sheetBytes = Buffer.from(await (await fetch(sheetFile.url)).arrayBuffer());
  const sheetPath = join(OUT, sheetFile.filename);
  await writeFile(sheetPath, sheetBytes);
  console.log(`The relawan downloads the verval sheet: ${sheetFile.families} families → ${sheetPath}`);
  const filled = await fillSheet(sheetBytes, sari.name);
  const filledPath = join(OUT, sheetFile.filename.replace(/\.xlsx$/, '-terisi.xlsx'));
  await writeFile(filledPath, filled.file);
  const result = await importFile(
    base,
    relawanSari,
    {
      path: `/tahap/${TAHAP_ID}/verval-results`,
      body: { desa, filename: 'hasil-verval.xlsx' },
    },
    await readFile(filledPath),
    (id) => `/tahap/${TAHAP_ID}/verval-results/${id}`,
  );
  if (result.reportUrl) await download(result.reportUrl, join(OUT, `verval-${desa}-laporan-kesalahan.csv`));
  console.log(
    `She fills it (all LAYAK except ${filled.planned.join('; ')}) and uploads it → ${result.status}, ` +
      `${result.counts?.accepted} accepted, ${result.counts?.rejected} refused` +
      `${(result.problems ?? []).map((problem) => ` (row ${problem.row}: ${problem.code})`).join('')}`,
  );
  const progress = VervalProgressSchema.parse(
    await call(base, relawanSari, 'GET', `/tahap/${TAHAP_ID}/verval?desa=${desa}`),
  );
  console.log(
    `Verval of ${desa}: ${progress.visited}/${progress.toVisit} visited — ` +
      Object.entries(progress.byResult)
        .map(([code, count]) => `${VERVAL_RESULT_LABEL[code as VervalResult]} ${count}`)
        .join(', '),
  );
  printTable(
    ['No KK', 'hasil', 'tetap di tahap', 'penerima diganti', 'tanggal', 'BA'],
    progress.results
      .filter((row) => row.result !== 'LAYAK')
      .map((row) => [
        maskNik(row.noKk),
        VERVAL_RESULT_LABEL[row.result],
        row.inTahap ? 'ya' : 'tidak',
        row.penerimaChanged ? 'ya' : '',
        row.tanggal,
        row.nomorBeritaAcara,
      ]),
  );

  const budi = await relawan('demo-relawan-budi', 'Budi Santoso', '62.03');
  for (const path of [
    `/tahap/${TAHAP_ID}/files/verval?desa=${desa}`,
    `/tahap/${TAHAP_ID}/verval?desa=${desa}`,
  ]) {
    const refused = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${budi}` } });
    console.log(
      `Relawan Budi (not assigned to ${desa}) GET ${path.split('?')[0]} → HTTP ${refused.status} ${await refused.text()}`,
    );
  }

  const proposalId = await kpmFlow(base, opKapuas);
  await distributionFlow(base, TAHAP_ID, proposalId, whenIdle);
}

/**
 * Kapuas's KPM list: composed from the run and the verval (only the visited desa's families are
 * in: the others are not visited yet), submitted, checked, signed by Dinsos and Disdukcapil,
 * approved, and fixed by its SK Gubernur, whose PDF lands in `out/demo/`.
 */
async function kpmFlow(base: string, opKapuas: string): Promise<string> {
  const region = '62.03';
  await call(base, opKapuas, 'POST', `/tahap/${TAHAP_ID}/kpm`, { region });
  let view = KpmComposeViewSchema.parse(
    await call(base, opKapuas, 'GET', `/tahap/${TAHAP_ID}/kpm?region=${region}`),
  );
  await waitUntil('the KPM list', async () => {
    view = KpmComposeViewSchema.parse(
      await call(base, opKapuas, 'GET', `/tahap/${TAHAP_ID}/kpm?region=${region}`),
    );
    return view.compose?.status === 'COMPLETED' || view.compose?.status === 'FAILED';
  });
  const counts = view.compose?.counts;
  const proposalId = view.proposal?.proposalId ?? '';
  console.log(
    `\nThe Kapuas operator composes the KPM list → ${proposalId}: ${counts?.listed} families listed ` +
      `(${counts?.selected} selected, ${counts?.settled} settled by the visit, ${counts?.replacements} from the reserve); ` +
      `${counts?.notVisited} not visited yet; dropped at the visit: ` +
      (Object.entries(counts?.droppedByResult ?? {})
        .map(([result, count]) => `${VERVAL_RESULT_LABEL[result as VervalResult]} ${count}`)
        .join(', ') || 'none'),
  );
  await call(base, opKapuas, 'POST', `/proposals/${proposalId}/submit`, {});
  let proposal = ProposalDetailSchema.parse(await call(base, opKapuas, 'GET', `/proposals/${proposalId}`));
  await waitUntil('the KPM checks', async () => {
    proposal = ProposalDetailSchema.parse(await call(base, opKapuas, 'GET', `/proposals/${proposalId}`));
    return proposal.status === 'IN_REVIEW';
  });
  console.log(
    `Submitted; the automatic checks: ${proposal.checks?.blocking ?? 0} blocking, ${proposal.checks?.warnings ?? 0} warnings. ` +
      `Sign-offs needed: ${proposal.requiredAgencies.join(', ')}`,
  );
  for (const opd of proposal.requiredAgencies) {
    const signer = await token({
      sub: `demo-${opd.toLowerCase()}`,
      name: `Verifikator ${opd}`,
      groups: ['verifier'],
      opd,
    });
    await call(base, signer, 'POST', `/proposals/${proposalId}/reviews`, {
      decision: 'approve',
      note: 'Sesuai hasil verval.',
    });
  }
  const sekda = await token({ sub: 'demo-sekda', name: 'Sekretaris Daerah', groups: ['approver'] });
  await call(base, sekda, 'POST', `/proposals/${proposalId}/approval`, { decision: 'approve' });
  const decreeId = `SK-${proposalId}`;
  let decree: z.infer<typeof DecreeDetailSchema> | undefined;
  await waitUntil('the KPM decree', async () => {
    const parsed = DecreeDetailSchema.safeParse(
      await call(base, sekda, 'GET', `/decrees/${decreeId}`, undefined, [404]),
    );
    if (parsed.success) decree = parsed.data;
    return decree?.status === 'ISSUED';
  });
  if (!decree) throw new Error(`no decree ${decreeId}`);
  const pdfPath = join(OUT, `${decreeId}.pdf`);
  if (decree.pdfUrl) await download(decree.pdfUrl, pdfPath);
  console.log(
    `Dinsos and Disdukcapil sign, the approver approves → SK ${decree.number} (${decree.recipientCount} families) → ${pdfPath}`,
  );
  return proposalId;
}
