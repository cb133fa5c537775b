import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnswerTo } from '#shared/contract/client.ts';
import { type LocalClaims, signLocalToken } from '../../local/auth.ts';
import { clientCredentialsToken } from '../../local/machine-token.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { launchChromium, signInAs } from '../browser/support.ts';

/**
 * The family programme end to end through the local stack's HTTP API (issue #14), as its people
 * drive it: two kabupaten upload their DTSEN extracts (families and members files: presigned PUT,
 * the real import on the S3 trigger, the cross-check on the families queue), Dinsos uploads a PKH
 * list by NIK and a BPNT list by No KK, the province creates the tahap and runs eligibility (a
 * family excluded for each reason), relawan download their desa's sheets and upload the results,
 * the operators compose their KPM lists, submit them; the automatic checks, both agencies' sign-offs
 * and the approval follow, and the decree worker issues each kabupaten's SK Gubernur, whose PDF
 * lists the families by kecamatan and desa with masked numbers. A listed family's history then names
 * its proposal and decree.
 *
 * The steps share one stack and build on each other, in order.
 */
let stack: LocalStack;

const KAPUAS = '62.03';
const KOTIM = '62.02';
const VERSION = '2026-09-30';
const TAHAP = '2026-1';
/** Kapuas, kecamatan Selat, desa Murung Keramat; Kotawaringin Timur, kecamatan and desa alike from the data. */
const K_PLACE = { kec: '62.03.01', kecName: 'Selat', desa: '62.03.01.1006', desaName: 'Murung Keramat' };

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    quiet: true,
    // The console as the group's global setup built it: the tahap is read in Chromium at the end.
    console: 'prebuilt',
    s3Events: { pollIntervalMs: 50 },
    checks: { waitTimeSeconds: 1 },
    families: { waitTimeSeconds: 1 },
    decree: { waitTimeSeconds: 1 },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

// ─── People ───────────────────────────────────────────────────────────────────────────────────────

const token = (claims: LocalClaims) => signLocalToken(claims);
const operator = (region: string) =>
  token({ sub: `op-${region}`, name: `Operator ${region}`, groups: ['operator'], region });
const relawan = (region: string) =>
  token({ sub: `relawan-${region}`, name: `Relawan ${region}`, groups: ['relawan'], region });
const admin = () => token({ sub: 'admin-khbs', name: 'Admin KHBS', groups: ['admin'] });
const verifier = (opd: string) =>
  token({ sub: `ver-${opd.toLowerCase()}`, name: `Verifikator ${opd}`, groups: ['verifier'], opd });
const approver = () => token({ sub: 'sekda-1', name: 'Sekretaris Daerah', groups: ['approver'] });

// ─── HTTP ─────────────────────────────────────────────────────────────────────────────────────────

interface Reply<T> {
  readonly status: number;
  readonly body: T;
}

async function call<T = Record<string, unknown>>(
  path: string,
  bearer: string,
  init: { method?: 'GET' | 'POST'; body?: unknown } = {},
): Promise<Reply<T>> {
  const method = init.method ?? 'GET';
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      'content-type': 'application/json',
      ...(method === 'POST' ? { 'idempotency-key': crypto.randomUUID() } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : {};
  checkAnswerTo(method, path, response.status, body);
  return { status: response.status, body: body as T };
}
const post = <T = Record<string, unknown>>(path: string, bearer: string, body: unknown) =>
  call<T>(path, bearer, { method: 'POST', body });

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${ms / 1000} s: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface ImportView {
  status: string;
  counts?: { rows: number; accepted: number; rejected: number; warnings: number };
  problems?: { row: number; code: string }[];
}

/** Asks for the URL, PUTs the file, waits until its import is over. */
async function importFile(
  bearer: string,
  create: string,
  body: unknown,
  file: string,
  status: (id: string) => string,
) {
  const asked = await post<{ importId: string; uploadUrl: string }>(create, bearer, body);
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  const put = await fetch(asked.body.uploadUrl, { method: 'PUT', body: file });
  expect(put.ok).toBe(true);
  return until(
    `import ${asked.body.importId}`,
    async () => (await call<ImportView>(status(asked.body.importId), bearer)).body,
    (view) => !['AWAITING_FILE', 'PROCESSING'].includes(view.status),
  );
}

// ─── The extracts ─────────────────────────────────────────────────────────────────────────────────

/** A 16-digit number of a kabupaten's shape: region, kecamatan 01, a date, a serial. */
const number16 = (region: string, date: string, serial: number) =>
  `${region.replace('.', '')}01${date}${String(serial).padStart(4, '0')}`;
const kk = (region: string, serial: number) => number16(region, '010120', serial);
const nik = (region: string, serial: number) => number16(region, '150885', serial);
/** A member born in 2012: a child on the verval date. */
const childNik = (region: string, serial: number) => number16(region, '010612', serial);

interface Member {
  readonly nik: string;
  readonly nama: string;
  readonly lahir: string;
  readonly hubungan: string;
}
interface Family {
  readonly noKk: string;
  readonly desil: number;
  readonly head: string;
  readonly members: readonly Member[];
}

const head = (region: string, serial: number, nama: string): Member => ({
  nik: nik(region, serial),
  nama,
  lahir: '15-08-1985',
  hubungan: 'Kepala Keluarga',
});

/** Kapuas: three families that pass, and one excluded for each reason. */
const KAPUAS_FAMILIES: Family[] = [
  { noKk: kk(KAPUAS, 1), desil: 1, head: 'Adi', members: [head(KAPUAS, 10, 'Adi Saputra')] },
  {
    noKk: kk(KAPUAS, 2),
    desil: 2,
    head: 'Bahrun',
    members: [
      head(KAPUAS, 20, 'Bahrun Hadi'),
      { nik: number16(KAPUAS, '550388', 21), nama: 'Siti Aminah', lahir: '15-03-1988', hubungan: 'Istri' },
    ],
  },
  { noKk: kk(KAPUAS, 3), desil: 3, head: 'Candra', members: [head(KAPUAS, 30, 'Candra Wijaya')] },
  // Excluded: desil 7.
  { noKk: kk(KAPUAS, 4), desil: 7, head: 'Dodi', members: [head(KAPUAS, 40, 'Dodi Rahman')] },
  // Excluded: its head is on the PKH list (by NIK).
  { noKk: kk(KAPUAS, 5), desil: 2, head: 'Eko', members: [head(KAPUAS, 50, 'Eko Prasetyo')] },
  // Excluded: on the BPNT list (by No KK).
  { noKk: kk(KAPUAS, 6), desil: 2, head: 'Fajar', members: [head(KAPUAS, 60, 'Fajar Nugroho')] },
  // Excluded: a member's NIK has an impossible birth date (month 13).
  {
    noKk: kk(KAPUAS, 7),
    desil: 2,
    head: 'Gani',
    members: [
      head(KAPUAS, 70, 'Gani Saleh'),
      { nik: number16(KAPUAS, '011399', 71), nama: 'Rudi Saleh', lahir: '01-01-2000', hubungan: 'Anak' },
    ],
  },
  // Excluded, both: a child listed in two families; the visit settles the first, the second waits.
  {
    noKk: kk(KAPUAS, 8),
    desil: 2,
    head: 'Hasan',
    members: [
      head(KAPUAS, 80, 'Hasan Basri'),
      { nik: childNik(KAPUAS, 99), nama: 'Nur Aini', lahir: '01-06-2012', hubungan: 'Anak' },
    ],
  },
  {
    noKk: kk(KAPUAS, 9),
    desil: 2,
    head: 'Imam',
    members: [
      head(KAPUAS, 90, 'Imam Syafii'),
      { nik: childNik(KAPUAS, 99), nama: 'Nur Aini', lahir: '01-06-2012', hubungan: 'Anak' },
    ],
  },
  // Excluded, here and in Kotawaringin Timur: the same No KK in both extracts.
  { noKk: kk(KAPUAS, 10), desil: 2, head: 'Joko', members: [head(KAPUAS, 100, 'Joko Susilo')] },
  // Excluded: no head in the members file.
  {
    noKk: kk(KAPUAS, 11),
    desil: 2,
    head: 'Kartini',
    members: [
      { nik: number16(KAPUAS, '550390', 110), nama: 'Kartini Dewi', lahir: '15-03-1990', hubungan: 'Istri' },
    ],
  },
];

const KOTIM_FAMILIES: Family[] = [
  { noKk: kk(KOTIM, 1), desil: 1, head: 'Lukman', members: [head(KOTIM, 10, 'Lukman Hakim')] },
  { noKk: kk(KAPUAS, 10), desil: 2, head: 'Joko', members: [head(KOTIM, 20, 'Joko Susilo')] },
];

function familiesCsv(region: string, name: string, place: typeof K_PLACE, families: readonly Family[]) {
  const lines = [
    'No KK|Kode Kabupaten|Kabupaten|Kode Kecamatan|Kecamatan|Kode Desa|Desa|Nama Kepala Keluarga|Desil Nasional',
  ];
  for (const family of families) {
    lines.push(
      [
        family.noKk,
        region,
        name,
        place.kec,
        place.kecName,
        place.desa,
        place.desaName,
        family.head,
        family.desil,
      ].join('|'),
    );
  }
  return `${lines.join('\n')}\n`;
}

function membersCsv(families: readonly Family[]) {
  const lines = ['No KK|NIK|Nama|Tanggal Lahir|Jenis Kelamin|Hubungan Keluarga'];
  for (const family of families) {
    for (const member of family.members) {
      const sex = member.hubungan === 'Istri' || member.nama === 'Nur Aini' ? 'P' : 'L';
      lines.push([family.noKk, member.nik, member.nama, member.lahir, sex, member.hubungan].join('|'));
    }
  }
  return `${lines.join('\n')}\n`;
}

let kotimPlace: typeof K_PLACE;

// ─── The steps ────────────────────────────────────────────────────────────────────────────────────

describe('the family programme, from DTSEN extracts to a decree per kabupaten', () => {
  it('1. two kabupaten import their extracts; each snapshot is cross-checked and READY', async () => {
    const wilayah = (await import('#shared/domain/wilayah.ts')) as typeof import('#shared/domain/wilayah.ts');
    const kec = wilayah.kecamatanList(KOTIM)[0];
    const desa = kec ? wilayah.desaList(kec.code)[0] : undefined;
    if (!kec || !desa) throw new Error('no Kotawaringin Timur place');
    kotimPlace = { kec: kec.code, kecName: kec.name, desa: desa.code, desaName: desa.name };

    for (const [region, name, place, families] of [
      [KAPUAS, 'Kapuas', K_PLACE, KAPUAS_FAMILIES],
      [KOTIM, 'Kotawaringin Timur', kotimPlace, KOTIM_FAMILIES],
    ] as const) {
      const bearer = await operator(region);
      for (const [kind, file] of [
        ['DTSEN_KELUARGA', familiesCsv(region, name, place, families)],
        ['DTSEN_ANGGOTA', membersCsv(families)],
      ] as const) {
        const view = await importFile(
          bearer,
          '/imports',
          { kind, filename: `${kind.toLowerCase()}-${region}.csv`, versionDate: VERSION, region },
          file,
          (id) => `/imports/${id}`,
        );
        expect(view.status, JSON.stringify(view)).toBe('COMPLETED');
      }
      await until(
        `snapshot ${region}`,
        async () => (await call<{ status: string }>(`/snapshots/${region}/${VERSION}`, bearer)).body,
        (snapshot) => snapshot.status === 'READY',
      );
    }
  });

  it('2. Dinsos uploads a PKH list (by NIK) and a BPNT list (by No KK)', async () => {
    const dinsos = await admin();
    for (const [programme, file] of [
      ['PKH', `program;nik;nama\nPKH;${nik(KAPUAS, 50)};Eko Prasetyo\n`],
      ['BPNT', `program;no_kk;nama\nBPNT;${kk(KAPUAS, 6)};Fajar Nugroho\n`],
    ] as const) {
      const view = await importFile(
        dinsos,
        '/imports',
        { kind: 'PENGECUALIAN', filename: `${programme}.csv`, programme, source: 'Kemensos', asOf: VERSION },
        file,
        (id) => `/imports/${id}`,
      );
      expect(view.status, JSON.stringify(view)).toBe('COMPLETED');
    }
  });

  it('3. the province creates the tahap and runs eligibility: every reason, per kabupaten', async () => {
    const bearer = await admin();
    const created = await post('/tahap', bearer, {
      year: 2026,
      number: 1,
      components: { TUNAI: 250_000, PANGAN: 150_000 },
      desil: { min: 1, max: 5 },
      snapshots: { [KAPUAS]: VERSION, [KOTIM]: VERSION },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await post(`/tahap/${TAHAP}/eligibility`, bearer, {})).status).toBe(202);
    await until(
      'eligibility',
      async () => (await call<{ eligibility?: { status: string } }>(`/tahap/${TAHAP}`, bearer)).body,
      (tahap) => tahap.eligibility?.status === 'COMPLETED',
    );
    const summary = await call<{
      items: {
        region: string;
        counts: { families: number; eligible: number; byReason: Record<string, number> };
      }[];
    }>(`/tahap/${TAHAP}/summary`, bearer);
    const kapuas = summary.body.items.find((item) => item.region === KAPUAS);
    expect(kapuas?.counts).toMatchObject({
      families: 11,
      eligible: 3,
      byReason: {
        DESIL_DI_LUAR_RENTANG: 1,
        DAFTAR_PENGECUALIAN: 2,
        NIK_TIDAK_SAH: 1,
        ANGGOTA_DI_KELUARGA_LAIN: 2,
        KK_DI_DUA_KABUPATEN: 1,
        TANPA_KEPALA_KELUARGA: 1,
      },
    });
    const kotim = summary.body.items.find((item) => item.region === KOTIM);
    expect(kotim?.counts).toMatchObject({ families: 2, eligible: 1, byReason: { KK_DI_DUA_KABUPATEN: 1 } });
  });

  it('4. relawan visit their desa: the sheet lists whom to visit, the results come back', async () => {
    const results: Record<string, string[]> = {
      [KAPUAS]: [
        `${kk(KAPUAS, 1)};Layak;01-10-2026;Relawan Kapuas;BA/001/2026;`,
        // The head died: the wife takes over as penerima.
        `${kk(KAPUAS, 2)};Meninggal;01-10-2026;Relawan Kapuas;BA/001/2026;${number16(KAPUAS, '550388', 21)}`,
        `${kk(KAPUAS, 3)};Mampu;01-10-2026;Relawan Kapuas;BA/001/2026;`,
        `${kk(KAPUAS, 8)};Layak;01-10-2026;Relawan Kapuas;BA/001/2026;`,
        `${kk(KAPUAS, 10)};Pindah;01-10-2026;Relawan Kapuas;BA/001/2026;`,
      ],
      [KOTIM]: [
        `${kk(KOTIM, 1)};Layak;02-10-2026;Relawan Kotim;BA/007/2026;`,
        `${kk(KAPUAS, 10)};Layak;02-10-2026;Relawan Kotim;BA/007/2026;`,
      ],
    };
    for (const region of [KAPUAS, KOTIM]) {
      const desa = region === KAPUAS ? K_PLACE.desa : kotimPlace.desa;
      const assigned = await post(`/tahap/${TAHAP}/relawan`, await operator(region), {
        desa,
        relawan: { sub: `relawan-${region}`, name: `Relawan ${region}` },
      });
      expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
      const worker = await relawan(region);
      const sheet = await call<{ url: string; families: number }>(
        `/tahap/${TAHAP}/files/verval?desa=${desa}`,
        worker,
      );
      expect(sheet.status).toBe(200);
      // Kapuas: the three eligible, and the four excluded only for what a visit settles.
      expect(sheet.body.families).toBe(region === KAPUAS ? 6 : 2);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Buffer.from(await (await fetch(sheet.body.url)).arrayBuffer()) as never);
      expect(workbook.worksheets.length).toBeGreaterThan(0);

      const csv = `No KK;Hasil Verval;Tanggal Verval;Nama Relawan;Nomor Berita Acara;NIK Penerima\n${(results[region] ?? []).join('\n')}\n`;
      const view = await importFile(
        worker,
        `/tahap/${TAHAP}/verval-results`,
        { desa, filename: `hasil-${region}.csv` },
        csv,
        (id) => `/tahap/${TAHAP}/verval-results/${id}`,
      );
      expect(view.status, JSON.stringify(view)).toBe('COMPLETED');
      expect(view.counts?.rejected).toBe(0);
    }
  });

  const proposalOf = (region: string) => `KPM-${region}-${TAHAP}`;

  it('5. each operator composes the KPM list and submits it; the checks find nothing to block', async () => {
    for (const region of [KAPUAS, KOTIM]) {
      const bearer = await operator(region);
      expect((await post(`/tahap/${TAHAP}/kpm`, bearer, { region })).status).toBe(202);
      const view = await until(
        `KPM list ${region}`,
        async () =>
          (
            await call<{
              compose?: { status: string; counts?: Record<string, unknown> };
              proposal?: { recipientCount: number };
            }>(`/tahap/${TAHAP}/kpm?region=${region}`, bearer)
          ).body,
        (body) => body.compose?.status === 'COMPLETED' || body.compose?.status === 'FAILED',
      );
      expect(view.compose?.status).toBe('COMPLETED');
      // Kapuas: Adi, Bahrun's family (the wife as penerima), and Hasan's (settled by the visit).
      expect(view.proposal?.recipientCount).toBe(region === KAPUAS ? 3 : 2);
      const submitted = await post(`/proposals/${proposalOf(region)}/submit`, bearer, {});
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    }
    for (const region of [KAPUAS, KOTIM]) {
      const proposal = await until(
        `checks ${region}`,
        async () =>
          (
            await call<{ status: string; openBlocking: number; requiredAgencies: string[] }>(
              `/proposals/${proposalOf(region)}`,
              await operator(region),
            )
          ).body,
        (body) => body.status === 'IN_REVIEW',
      );
      expect(proposal).toMatchObject({ openBlocking: 0, requiredAgencies: ['DINSOS', 'DISDUKCAPIL'] });
    }
    const penerima = await call<{ items: { nik: string; family?: { noKk: string } }[] }>(
      `/proposals/${proposalOf(KAPUAS)}/recipients`,
      await operator(KAPUAS),
    );
    const bahrun = penerima.body.items.find((row) => row.family?.noKk === kk(KAPUAS, 2));
    expect(bahrun?.nik).toBe(number16(KAPUAS, '550388', 21));
  });

  it('6. both agencies sign, the approver approves, and each kabupaten gets its SK with its lampiran', async () => {
    for (const region of [KAPUAS, KOTIM]) {
      for (const opd of ['DINSOS', 'DISDUKCAPIL']) {
        const signed = await post(`/proposals/${proposalOf(region)}/reviews`, await verifier(opd), {
          decision: 'approve',
        });
        expect(signed.status, JSON.stringify(signed.body)).toBe(200);
      }
      const approved = await post(`/proposals/${proposalOf(region)}/approval`, await approver(), {
        decision: 'approve',
      });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    }
    const reader = await approver();
    const decreeId = `SK-${proposalOf(KAPUAS)}`;
    const decree = await until(
      'the Kapuas decree',
      async () =>
        (
          await call<{ status?: string; pdfUrl?: string; number?: string; verifyCode?: string }>(
            `/decrees/${decreeId}`,
            reader,
          )
        ).body,
      (body) => body.status === 'ISSUED',
      90_000,
    );
    const pdf = Buffer.from(await (await fetch(decree.pdfUrl ?? '')).arrayBuffer());
    const dir = mkdtempSync(join(tmpdir(), 'kpm-decree-'));
    writeFileSync(join(dir, 'sk.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'sk.pdf'), '-'], {
      encoding: 'utf8',
    }).replace(/\s+/g, ' ');
    expect(text).toMatch(/Penetapan Keluarga Penerima Manfaat/i);
    expect(text).toContain('Selat');
    expect(text).toContain('Murung Keramat');
    expect(text).toContain('Siti Aminah');
    // Numbers masked in the lampiran: the whole NIK and No KK never printed.
    expect(text).not.toContain(number16(KAPUAS, '550388', 21));
    expect(text).not.toContain(kk(KAPUAS, 1));
    // Not listed: found well off, moved, or never visited.
    expect(text).not.toContain('Candra Wijaya');
    const verify = await fetch(`${stack.apiUrl}/verify/${decree.verifyCode}`);
    expect(verify.status).toBe(200);
    expect(await verify.json()).toMatchObject({ genuine: true, inForce: true, number: decree.number });
  });

  it('7. a listed family’s history names its proposal and its decree', async () => {
    const bearer = await operator(KAPUAS);
    const found = await post<{ items: { familyId: string }[] }>('/families/search', bearer, {
      noKk: kk(KAPUAS, 1),
    });
    const familyId = found.body.items[0]?.familyId ?? '';
    const history = await call<{
      proposals: { proposalId: string; status: string }[];
      decrees: { decreeId: string }[];
    }>(`/families/${familyId}`, bearer);
    expect(history.body.proposals).toEqual([
      expect.objectContaining({ proposalId: proposalOf(KAPUAS), status: 'DECREED' }),
    ]);
    expect(history.body.decrees).toEqual([expect.objectContaining({ decreeId: `SK-${proposalOf(KAPUAS)}` })]);
  });
});

// ─── The distribution (issue #15) ─────────────────────────────────────────────────────────────────

/** Bank Kalteng's and BULOG's access tokens, by the client-credentials exchange the stack serves. */
const machine = async (client: 'bank' | 'bulog') =>
  (await clientCredentialsToken(stack.apiUrl, client)).access_token;

/** A generated file's rows (`;`, a BOM, CRLF), keyed by its header. */
async function csvRows(url: string): Promise<Record<string, string>[]> {
  const text = (await (await fetch(url)).text()).replace(/^\uFEFF/, '');
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const names = (header ?? '').split(';');
  return lines.map((line) => Object.fromEntries(line.split(';').map((cell, at) => [names[at] ?? '', cell])));
}

/** Kapuas's decreed families: their No KK and penerima (Bahrun's wife took over). */
const ADI = { noKk: kk(KAPUAS, 1), nik: nik(KAPUAS, 10), nama: 'Adi Saputra' };
const SITI = { noKk: kk(KAPUAS, 2), nik: number16(KAPUAS, '550388', 21), nama: 'Siti Aminah' };
const HASAN = { noKk: kk(KAPUAS, 8), nik: nik(KAPUAS, 80), nama: 'Hasan Basri' };
const cardOf: Record<string, string> = {};
const refOf: Record<string, string> = {};

/** Asks for a presigned PUT as `bearer`, PUTs the file, and waits for its import. */
const importAs = (bearer: string, body: unknown, file: string) =>
  importFile(bearer, '/imports', body, file, (id) => `/imports/${id}`);

/** A party puts an answer through its own route (a presigned PUT) and follows its import there. */
async function answerAs(client: 'bank' | 'bulog', path: string, body: unknown, file: string) {
  const bearer = await machine(client);
  const asked = await post<{ importId: string; uploadUrl: string; statusUrl: string }>(path, bearer, body);
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  expect((await fetch(asked.body.uploadUrl, { method: 'PUT', body: file })).ok).toBe(true);
  return until(
    `${client} import ${asked.body.importId}`,
    async () => (await call<ImportView>(`/exchange/${client}/imports/${asked.body.importId}`, bearer)).body,
    (view) => !['AWAITING_FILE', 'PROCESSING'].includes(view.status),
  );
}

async function reconcileNow(): Promise<void> {
  const started = await post<{ runId: string }>('/reconciliations', await admin(), {});
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  await until(
    'the reconciliation run',
    async () =>
      (await call<{ status: string }>(`/reconciliations/${started.body.runId}`, await admin())).body,
    (run) => run.status === 'COMPLETED' || run.status === 'FAILED',
    90_000,
  );
  await stack.whenIdle();
}

/** The bank puts a disbursement report through its own route and waits for the import. */
async function bankReport(filename: string, lines: readonly string[]): Promise<void> {
  const bank = await machine('bank');
  const asked = await post<{ uploadUrl: string; reportKey: string }>('/exchange/bank/reports', bank, {
    filename,
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  const csv = ['No Referensi;No Rekening;Nama;Jumlah;Status;Tanggal Transaksi', ...lines].join('\r\n');
  expect((await fetch(asked.body.uploadUrl, { method: 'PUT', body: csv })).ok).toBe(true);
  const view = await until(
    `bank report ${filename}`,
    async () => await call<{ status: string }>(`/exchange/bank/reports/${asked.body.reportKey}`, bank),
    (answer) => answer.status === 200 && answer.body.status !== 'PROCESSING',
  );
  expect(view.body.status, JSON.stringify(view.body)).toBe('COMPLETED');
}

interface Finance {
  paid: { count: number; amount: number };
  failed: { count: number; amount: number };
  instructed: { count: number; amount: number };
  notInstructed: { count: number; amount: number };
  balanceToReturn: number;
}

describe('the distribution, from the decree to every family’s card, cash and food', () => {
  it('8. each decree opens its kabupaten’s distribution: a card and an entitlement per component', async () => {
    const view = await until(
      'both distributions open',
      async () =>
        (
          await call<{
            items: { region: string; status: string; families?: number; cards?: { issued: number } }[];
          }>(`/tahap/${TAHAP}/distribution`, await admin())
        ).body,
      (body) => body.items.length === 2 && body.items.every((item) => item.status === 'OPEN'),
    );
    const kapuas = view.items.find((item) => item.region === KAPUAS);
    expect(kapuas).toMatchObject({ families: 3, cards: { issued: 3 } });
    // A kabupaten's operator sees its own only.
    const own = await call<{ items: { region: string }[] }>(
      `/tahap/${TAHAP}/distribution`,
      await operator(KOTIM),
    );
    expect(own.body.items.map((item) => item.region)).toEqual([KOTIM]);
  });

  it('9. the printer gets its file, the cards come back printed, relawan hand them out; one is lost', async () => {
    const bearer = await operator(KAPUAS);
    const print = await call<{ downloadUrl: string; rows: number }>(
      `/cards/print-file?region=${KAPUAS}`,
      bearer,
    );
    expect(print.status, JSON.stringify(print.body)).toBe(200);
    const rows = await csvRows(print.body.downloadUrl);
    expect(rows.map((row) => row['Nama Penerima']).sort()).toEqual([ADI.nama, HASAN.nama, SITI.nama].sort());
    for (const row of rows) cardOf[row['Nama Penerima'] ?? ''] = row['Nomor Kartu'] ?? '';
    // No NIK or No KK in the printer's file.
    const printed = JSON.stringify(rows);
    for (const family of [ADI, SITI, HASAN]) {
      expect(printed).not.toContain(family.nik);
      expect(printed).not.toContain(family.noKk);
    }
    // The QR code's page says genuine and active, and nothing about the family.
    const code = rows[0]?.['Kode Verifikasi'] ?? '';
    const verified = await fetch(`${stack.apiUrl}/verify/card/${code}`);
    expect(await verified.json()).toMatchObject({ genuine: true, active: true, status: 'TERDAFTAR' });

    const status = [
      'No;Nomor Kartu;Status;Tanggal Cetak',
      ...rows.map((row, at) => `${at + 1};${row['Nomor Kartu']};DICETAK;2026-11-20`),
    ].join('\r\n');
    const imported = await importAs(bearer, { kind: 'STATUS_KARTU', filename: 'cetak.csv' }, `${status}\r\n`);
    expect(imported).toMatchObject({ status: 'COMPLETED', counts: { accepted: 3, rejected: 0 } });

    const worker = await relawan(KAPUAS);
    const records = [ADI, SITI].map((family) => ({
      tahapId: TAHAP,
      noKk: family.noKk,
      tanggal: '2026-11-25',
    }));
    const handed = await post<{ results: { outcome: string }[] }>('/cards/handovers', worker, { records });
    expect(handed.body.results.map((result) => result.outcome)).toEqual(['RECORDED', 'RECORDED']);
    // The phone sends its queue again a week later: nothing moves twice.
    const resent = await post<{ results: { outcome: string }[] }>('/cards/handovers', worker, { records });
    expect(resent.body.results.map((result) => result.outcome)).toEqual(['UNCHANGED', 'UNCHANGED']);
    // Kotim's relawan cannot hand out Kapuas's cards.
    const elsewhere = await post<{ results: { outcome: string }[] }>(
      '/cards/handovers',
      await relawan(KOTIM),
      {
        records: [{ tahapId: TAHAP, noKk: HASAN.noKk, tanggal: '2026-11-25' }],
      },
    );
    expect(elsewhere.body.results.map((result) => result.outcome)).toEqual(['REFUSED']);

    const blocked = await post('/cards/blocks', bearer, {
      cardNumber: cardOf[HASAN.nama],
      reason: 'Kartu hilang di pasar, dilaporkan keluarga',
    });
    expect(blocked.status, JSON.stringify(blocked.body)).toBe(200);
  });

  it('10. Bank Kalteng fetches the account-opening request and answers it: two accounts, one refusal', async () => {
    const province = await admin();
    expect((await post(`/tahap/${TAHAP}/accounts/requests`, province, { region: KAPUAS })).status).toBe(202);
    await until(
      'the account-opening request',
      async () =>
        (
          await call<{ request?: { status: string } }>(
            `/tahap/${TAHAP}/accounts/requests?region=${KAPUAS}`,
            province,
          )
        ).body,
      (body) => body.request?.status === 'COMPLETED',
    );
    const bank = await machine('bank');
    const files = await call<{ items: { fileId: string; kind: string; region: string }[] }>(
      '/exchange/bank/files',
      bank,
    );
    const request = files.body.items.find(
      (file) => file.region === KAPUAS && file.kind !== 'INSTRUKSI_BAYAR',
    );
    expect(request, JSON.stringify(files.body)).toBeDefined();
    const fetched = await call<{ url: string }>(`/exchange/bank/files/${request?.fileId}`, bank);
    const asked = await csvRows(fetched.body.url);
    expect(asked.map((row) => row.NIK).sort()).toEqual([ADI.nik, SITI.nik, HASAN.nik].sort());
    // BULOG may not read the bank's files.
    expect((await call(`/exchange/bank/files/${request?.fileId}`, await machine('bulog'))).status).toBe(403);

    const answer = [
      'NIK;No Rekening;Status;Alasan',
      `${ADI.nik};1100000001;BERHASIL;`,
      `${SITI.nik};1100000002;BERHASIL;`,
      `${HASAN.nik};;GAGAL;Data tidak sesuai Dukcapil`,
    ].join('\r\n');
    const imported = await answerAs(
      'bank',
      '/exchange/bank/account-answers',
      { filename: 'jawaban.csv' },
      answer,
    );
    expect(imported).toMatchObject({ status: 'COMPLETED', counts: { accepted: 3, rejected: 0 } });
  });

  it('11. cash: the instruction, the bank’s report, a failure paid by a follow-up, never twice', async () => {
    const province = await admin();
    const instruct = async (followUp: boolean) => {
      const asked = await post<{ instruction?: { fileId: string } }>(
        `/tahap/${TAHAP}/payments/instructions`,
        province,
        {
          region: KAPUAS,
          ...(followUp ? { followUp } : {}),
        },
      );
      expect(asked.status, JSON.stringify(asked.body)).toBe(202);
      return until(
        'the payment instruction',
        async () =>
          (
            await call<{ instruction?: { fileId: string; status: string; lines?: number; total?: number } }>(
              `/tahap/${TAHAP}/payments/instructions?region=${KAPUAS}`,
              province,
            )
          ).body,
        (body) =>
          body.instruction?.fileId === asked.body.instruction?.fileId &&
          body.instruction?.status === 'COMPLETED',
      );
    };
    const first = await instruct(false);
    // Hasan has no account: only two lines, with the control total.
    expect(first.instruction).toMatchObject({ lines: 2, total: 500_000 });
    const bank = await machine('bank');
    const fetched = await call<{ url: string; controlTotal?: number }>(
      `/exchange/bank/files/${first.instruction?.fileId}`,
      bank,
    );
    expect(fetched.body.controlTotal).toBe(500_000);
    for (const row of await csvRows(fetched.body.url)) refOf[row.NIK ?? ''] = row['No Referensi'] ?? '';
    expect(Object.keys(refOf).sort()).toEqual([ADI.nik, SITI.nik].sort());

    await bankReport('laporan-1.csv', [
      `${refOf[ADI.nik]};1100000001;Adi Saputra;250000;BERHASIL;2026-11-28`,
      `${refOf[SITI.nik]};1100000002;Siti Aminah;250000;GAGAL;2026-11-28`,
    ]);
    await reconcileNow();
    const money = async () =>
      (await call<Finance>(`/tahap/${TAHAP}/finance?region=${KAPUAS}`, await verifier('BKAD'))).body;
    expect(await money()).toMatchObject({
      paid: { count: 1, amount: 250_000 },
      failed: { count: 1, amount: 250_000 },
      notInstructed: { count: 1, amount: 250_000 },
    });

    // Siti's failed payment goes on a follow-up as its second attempt; Adi's paid one never again.
    const followUp = await instruct(true);
    expect(followUp.instruction).toMatchObject({ lines: 1, total: 250_000 });
    const again = await csvRows(
      (await call<{ url: string }>(`/exchange/bank/files/${followUp.instruction?.fileId}`, bank)).body.url,
    );
    expect(again.map((row) => row['No Referensi'])).toEqual([refOf[SITI.nik]?.replace(/-1$/, '-2')]);
    await bankReport('laporan-2.csv', [
      `${again[0]?.['No Referensi']};1100000002;Siti Aminah;250000;BERHASIL;2026-12-01`,
    ]);
    await reconcileNow();
    expect(await money()).toMatchObject({ paid: { count: 2, amount: 500_000 }, failed: { count: 0 } });
  });

  it('12. food: BULOG fetches its list, its BAST comes back with one of each finding', async () => {
    const province = await admin();
    expect((await post(`/tahap/${TAHAP}/food/lists`, province, { region: KAPUAS })).status).toBe(202);
    await until(
      'the food lists',
      async () =>
        (await call<{ job?: { status: string } }>(`/tahap/${TAHAP}/food/lists?region=${KAPUAS}`, province))
          .body,
      (body) => body.job?.status === 'COMPLETED',
    );
    const bulog = await machine('bulog');
    const files = await call<{ items: { fileId: string; desaCode?: string }[] }>(
      '/exchange/bulog/files',
      bulog,
    );
    expect(files.body.items.map((file) => file.desaCode)).toEqual([K_PLACE.desa]);
    const list = await csvRows(
      (await call<{ url: string }>(`/exchange/bulog/files/${files.body.items[0]?.fileId}`, bulog)).body.url,
    );
    expect(list.map((row) => row['No KK']).sort()).toEqual([ADI.noKk, SITI.noKk, HASAN.noKk].sort());
    // The bank may not read BULOG's lists.
    expect(
      (await call(`/exchange/bulog/files/${files.body.items[0]?.fileId}`, await machine('bank'))).status,
    ).toBe(403);

    const bast = [
      'No KK;NIK Penerima;Nama Penerima;Hubungan;Tanggal Serah Terima;Status;Alasan;Nomor Surat Kuasa;Foto;Latitude;Longitude',
      `${ADI.noKk};${ADI.nik};Adi Saputra;KPM;02-12-2026;DITERIMA;;;IMG_01.jpg;-3,01;114,38`,
      `${SITI.noKk};${nik(KAPUAS, 7_777)};Kuasa Siti;Kuasa;02-12-2026;DITERIMA;;SK/01/XII/2026;IMG_02.jpg;;`,
      `${HASAN.noKk};;;;02-12-2026;TIDAK DITERIMA;Tidak hadir;;;;`,
      // A family the decree does not list (found well off at the visit).
      `${kk(KAPUAS, 3)};${nik(KAPUAS, 30)};Candra Wijaya;KPM;02-12-2026;DITERIMA;;;;;`,
      // Adi's package a second time.
      `${ADI.noKk};${ADI.nik};Adi Saputra;KPM;03-12-2026;DITERIMA;;;;;`,
      // Hasan's package to someone neither in the KK nor holding a letter.
      `${HASAN.noKk};${nik(KAPUAS, 60)};Fajar Nugroho;Anggota Keluarga;04-12-2026;DITERIMA;;;;;`,
    ].join('\r\n');
    const imported = await answerAs(
      'bulog',
      '/exchange/bulog/bast-files',
      { filename: 'bast.csv', tahapId: TAHAP, region: KAPUAS },
      bast,
    );
    expect(imported.status, JSON.stringify(imported)).toBe('COMPLETED');
    const food = await call<{
      invoice: { packagesDelivered: number; total: number };
      findings: { code: string }[];
    }>(`/tahap/${TAHAP}/food/reconciliation?region=${KAPUAS}`, await verifier('BKAD'));
    expect(food.body.invoice).toMatchObject({ packagesDelivered: 2, total: 300_000 });
    expect(food.body.findings.map((finding) => finding.code).sort()).toEqual(
      ['BUKAN_KPM', 'PENERIMA_TIDAK_BERHAK', 'SERAH_TERIMA_KEDUA'].sort(),
    );
  });

  it('13. EDC: a double redemption and the lost card used are found', async () => {
    const edc = [
      'No Kartu;Terminal;Waktu Transaksi;Jumlah;Jenis;Referensi',
      `${cardOf[ADI.nama]};EDC01;2026-12-02T09:00:00+07:00;150000;PANGAN;TRX-1`,
      `${cardOf[ADI.nama]};EDC02;2026-12-03T09:30:00+07:00;150000;PANGAN;TRX-2`,
      `${cardOf[HASAN.nama]};EDC03;${new Date().toISOString().slice(0, 19)}Z;250000;TUNAI;TRX-3`,
    ].join('\r\n');
    const imported = await answerAs(
      'bank',
      '/exchange/bank/edc-files',
      { filename: 'edc.csv', tahapId: TAHAP, region: KAPUAS },
      edc,
    );
    expect(imported.status, JSON.stringify(imported)).toBe('COMPLETED');
    const findings = await call<{ items: { code: string; card: string }[] }>(
      `/tahap/${TAHAP}/edc/findings?region=${KAPUAS}`,
      await verifier('BKAD'),
    );
    expect(findings.body.items.map((item) => [item.code, item.card]).sort()).toEqual(
      [
        ['KARTU_DIBLOKIR', cardOf[HASAN.nama]],
        ['PENEBUSAN_GANDA', cardOf[ADI.nama]],
      ].sort(),
    );
  });

  it('14. a citizen complains without an account, staff answer, the citizen reads the answer; pungli goes to the province', async () => {
    const lodge = async (body: unknown) => {
      const response = await fetch(`${stack.apiUrl}/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { code: string };
    };
    const { code } = await lodge({
      category: 'KARTU',
      desaCode: K_PLACE.desa,
      text: 'Kartu keluarga kami belum dibagikan oleh relawan sampai hari ini.',
      noKk: HASAN.noKk,
    });
    const pungli = await lodge({
      category: 'PUNGLI',
      desaCode: K_PLACE.desa,
      text: 'Ada potongan Rp50.000 saat pencairan di kantor desa oleh oknum.',
    });
    const bearer = await operator(KAPUAS);
    const queue = await call<{ items: { complaintId: string; category: string }[] }>(
      `/complaints?region=${KAPUAS}`,
      bearer,
    );
    // The office a pungli complaint accuses never sees it.
    expect(queue.body.items.map((item) => item.category)).toEqual(['KARTU']);
    const complaintId = queue.body.items[0]?.complaintId ?? '';
    const assigned = await post(`/complaints/${complaintId}/assign`, bearer, {
      assignee: { sub: `op-${KAPUAS}`, name: 'Operator Kapuas' },
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    const answered = await post(`/complaints/${complaintId}/close`, bearer, {
      outcome: 'SELESAI',
      answer: 'Kartu sudah diblokir karena hilang; kartu pengganti diserahkan minggu depan.',
    });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const status = await (await fetch(`${stack.apiUrl}/complaints/status/${code}`)).json();
    expect(status).toMatchObject({ status: 'SELESAI', answer: expect.stringContaining('kartu pengganti') });
    const province = await call<{ items: { category: string }[] }>(
      '/complaints?region=PROVINSI',
      await admin(),
    );
    expect(province.body.items.map((item) => item.category)).toEqual(['PUNGLI']);
    expect(pungli.code).toMatch(/^ADU-/);
  });

  it('15. the family’s history shows its card and what it received', async () => {
    const bearer = await operator(KAPUAS);
    const found = await post<{ items: { familyId: string }[] }>('/families/search', bearer, {
      noKk: ADI.noKk,
    });
    const history = await call<{
      distribution?: {
        card?: { cardNumber: string; status: string };
        entitlements: { component: string; status: string }[];
      };
    }>(`/families/${found.body.items[0]?.familyId}`, bearer);
    expect(history.body.distribution?.card).toMatchObject({
      cardNumber: cardOf[ADI.nama],
      status: 'DIBAGIKAN',
    });
    expect(history.body.distribution?.entitlements.find((item) => item.component === 'TUNAI')?.status).toBe(
      'DITERIMA',
    );
  });

  it('16. BKAD reads the same tahap in the console (Chromium): the money, the BAST and EDC findings', async () => {
    const browser = await launchChromium();
    try {
      const page = await (
        await browser.newContext({ locale: 'id-ID', timezoneId: 'Asia/Jakarta' })
      ).newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await signInAs(page, stack.apiUrl, 'Verifikator BKAD');
      await page.goto(`${stack.apiUrl}/tahapan/${TAHAP}/penyaluran?kabupaten=${KAPUAS}`);
      const money = page.getByTestId('tabel-keuangan');
      const amount = async (key: string) =>
        ((await money.locator(`tr[data-key="${key}"]`).getByTestId('jumlah').textContent()) ?? '').replace(
          /\s/g,
          ' ',
        );
      await money.locator('tr[data-key="dibayar"]').waitFor();
      expect(await amount('dibayar')).toBe('Rp 500.000');
      expect(await amount('belum')).toBe('Rp 250.000');
      const codes = async (table: string) =>
        (
          await page
            .locator(`[data-testid="${table}"] tbody tr`)
            .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-code') ?? ''))
        ).sort();
      await page.locator('[data-testid="tabel-temuan-bast"] tbody tr').first().waitFor();
      expect(await codes('tabel-temuan-bast')).toEqual([
        'BUKAN_KPM',
        'PENERIMA_TIDAK_BERHAK',
        'SERAH_TERIMA_KEDUA',
      ]);
      await page.locator('[data-testid="tabel-temuan-edc"] tbody tr').first().waitFor();
      expect(await codes('tabel-temuan-edc')).toEqual(['KARTU_DIBLOKIR', 'PENEBUSAN_GANDA']);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('17. the dashboard counts what happened, once; the approver closes the tahap, and no more money moves', async () => {
    type Counts = Record<string, number>;
    const board = await call<{ rows: { code: string; counts: Counts }[]; totals: Counts }>(
      `/tahap/${TAHAP}/dashboard?level=kabupaten`,
      await admin(),
    );
    expect(board.status, JSON.stringify(board.body)).toBe(200);
    const kapuas = board.body.rows.find((row) => row.code === KAPUAS)?.counts;
    expect(kapuas).toMatchObject({
      decreed: 3,
      cardsDistributed: 2,
      accountsOpened: 2,
      cashPaid: 2,
      cashFailed: 0,
      foodDelivered: 2,
    });
    expect(board.body.rows.find((row) => row.code === KOTIM)?.counts).toMatchObject({
      decreed: 2,
      cashPaid: 0,
    });
    // Kotawaringin Timur's operator reads its own kabupaten only.
    const other = await call(`/tahap/${TAHAP}/dashboard?level=desa&region=${KAPUAS}`, await operator(KOTIM));
    expect(other.status).toBe(403);

    // The operator may not close a tahap; the approver does, with the reason.
    const reason = {
      reason: 'Penyaluran tahap 1 selesai dan sudah direkonsiliasi dengan Bank Kalteng dan BULOG.',
    };
    expect((await post(`/tahap/${TAHAP}/close`, await operator(KAPUAS), reason)).status).toBe(403);
    const closed = await post<{ status: string }>(`/tahap/${TAHAP}/close`, await approver(), reason);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body.status).toBe('SELESAI');
    const late = await post<{ error: { details?: { reason?: string } } }>(
      `/tahap/${TAHAP}/payments/instructions`,
      await admin(),
      { region: KAPUAS, followUp: true },
    );
    expect(late.status).toBe(409);
    expect(
      (await call<{ distributionClosed: boolean }>(`/tahap/${TAHAP}/finance?region=${KAPUAS}`, await admin()))
        .body,
    ).toMatchObject({ distributionClosed: true });
  });
});
