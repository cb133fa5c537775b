import { beforeAll, describe, expect, it } from 'vitest';
import { admin, callRoute, type ErrorBody, machine, operator } from '../support/api.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The answers Bank Kalteng and BULOG put through their own machine routes (issue #15): the bank's
 * account-opening answer (JAWABAN_REKENING) and EDC transactions (EDC), BULOG's BAST, each a
 * presigned PUT to the folder its family import reads, attributed to the machine client, imported,
 * and read back on the party's own status route; another party's or staff's import is 404 there,
 * and an import that names a party's client for the other party's kind is refused by the import.
 * (The real client-credentials token against the local stack: `local-auth.test.ts`.)
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const emulator = useEmulatorEnv();
const { env } = await import('#shared/config/env.ts');
const { AccountsRepository } = await import('#shared/adapters/accounts-repo.ts');
const { DistributionRepository } = await import('#shared/adapters/distribution-repo.ts');
const { ImportsRepository } = await import('#shared/adapters/imports-repo.ts');
const { importUploaded, KAPUAS, KOTIM, TAHAP, kk, nik, openedKapuas, freshTahap } = await import(
  '../support/families.ts'
);

const TABLE = emulator.TABLE_NAME as string;
const config = env();
const imports = new ImportsRepository(TABLE);

type Created = { importId: string; uploadUrl: string; statusUrl: string; kind: string };
type ImportView = {
  importId: string;
  kind: string;
  status: string;
  counts?: { rows: number; accepted: number; rejected: number };
  createdBy?: { name: string };
  reasons: { code: string }[];
  reportUrl?: string;
};

/** The key a presigned URL writes (the emulator's path-style URL). */
const keyOf = (url: string) =>
  decodeURIComponent(new URL(url).pathname.replace(`/${config.uploadsBucket}/`, ''));

/** Asks on the party's route, PUTs the bytes, runs the import as the S3 trigger would, reads it back. */
async function answer(
  route: 'CreateBankAccountAnswer' | 'CreateBankEdcFile' | 'CreateBulogBast',
  body: Record<string, string>,
  csv: string,
): Promise<{ created: Created; view: ImportView }> {
  const party = route === 'CreateBulogBast' ? 'bulog' : 'bank';
  const asked = await callRoute<Created>(route, { claims: machine(party), body });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  expect((await fetch(asked.body.uploadUrl, { method: 'PUT', body: csv })).ok).toBe(true);
  await importUploaded(asked.body.importId);
  const view = await callRoute<ImportView>(party === 'bank' ? 'GetBankImport' : 'GetBulogImport', {
    claims: machine(party),
    pathParameters: { importId: asked.body.importId },
  });
  expect(view.status, JSON.stringify(view.body)).toBe(200);
  return { created: asked.body, view: view.body };
}

const ids: Record<'account' | 'edc' | 'bast', string> = { account: '', edc: '', bast: '' };

beforeAll(async () => {
  await freshTahap();
  await openedKapuas();
}, 120_000);

describe("the bank's answers", () => {
  it('the account-opening answer lands under imports/jawaban-rekening/, attributed to the bank, and opens the account', async () => {
    const penerima = nik(KAPUAS, 10);
    const { created, view } = await answer(
      'CreateBankAccountAnswer',
      { filename: 'jawaban-rekening.csv' },
      ['NIK;No Rekening;Status;Alasan', `${penerima};1234567890;BERHASIL;`].join('\r\n'),
    );
    ids.account = created.importId;
    expect(keyOf(created.uploadUrl)).toBe(`imports/jawaban-rekening/${created.importId}.csv`);
    expect(created.statusUrl).toBe(`/exchange/bank/imports/${created.importId}`);
    expect(view).toMatchObject({
      kind: 'JAWABAN_REKENING',
      status: 'COMPLETED',
      counts: { rows: 1, accepted: 1 },
      createdBy: { name: 'Bank Kalteng (sistem)' },
    });
    const record = await imports.get(created.importId);
    expect(record?.createdBy).toMatchObject({ role: 'bank', sub: machine('bank').sub });
    expect(await new AccountsRepository(TABLE).get(penerima)).toMatchObject({
      status: 'AKTIF',
      noRekening: '1234567890',
    });
  });

  it('the EDC file lands under imports/edc/ for an opened kabupaten, and is refused (409) for one not open', async () => {
    const cards = [];
    for await (const card of new DistributionRepository(TABLE).cardsOf(KAPUAS)) cards.push(card);
    const card = cards[0];
    if (!card) throw new Error('no card');
    const { created, view } = await answer(
      'CreateBankEdcFile',
      { filename: 'edc-kapuas.csv', tahapId: TAHAP, region: KAPUAS },
      [
        'No Kartu;Terminal;Waktu Transaksi;Jumlah;Jenis;Referensi',
        `${card.cardNumber};EDC001;2026-11-10T09:00:00+07:00;250000;TUNAI;TRX-1`,
      ].join('\n'),
    );
    ids.edc = created.importId;
    expect(keyOf(created.uploadUrl)).toBe(`imports/edc/${created.importId}.csv`);
    expect(view).toMatchObject({ kind: 'EDC', status: 'COMPLETED', counts: { rows: 1, accepted: 1 } });
    expect(await imports.get(created.importId)).toMatchObject({ tahapId: TAHAP, region: KAPUAS });

    const notOpen = await callRoute<ErrorBody>('CreateBankEdcFile', {
      claims: machine('bank'),
      body: { filename: 'edc-kotim.csv', tahapId: TAHAP, region: KOTIM },
    });
    expect(notOpen.status).toBe(409);
    expect(notOpen.body.error.details).toMatchObject({ reason: 'DISTRIBUTION_NOT_OPEN' });
    const unknown = await callRoute('CreateBankEdcFile', {
      claims: machine('bank'),
      body: { filename: 'edc.csv', tahapId: TAHAP, region: '62.99' },
    });
    expect(unknown.status).toBe(400);
  });
});

describe("BULOG's BAST", () => {
  it('lands under imports/bast/, attributed to BULOG, and is imported', async () => {
    const { created, view } = await answer(
      'CreateBulogBast',
      { filename: 'bast-kapuas.csv', tahapId: TAHAP, region: KAPUAS },
      [
        'No KK;NIK Penerima;Nama Penerima;Hubungan;Tanggal Serah Terima;Status;Alasan',
        `${kk(KAPUAS, 1)};${nik(KAPUAS, 10)};Warga Uji;KPM;02-11-2026;DITERIMA;`,
      ].join('\n'),
    );
    ids.bast = created.importId;
    expect(keyOf(created.uploadUrl)).toBe(`imports/bast/${created.importId}.csv`);
    expect(created.statusUrl).toBe(`/exchange/bulog/imports/${created.importId}`);
    expect(view).toMatchObject({
      kind: 'BAST',
      status: 'COMPLETED',
      counts: { rows: 1 },
      createdBy: { name: 'Perum BULOG (sistem)' },
    });
  });
});

describe('each party reads only its own answers', () => {
  it("another party's import, a staff import and an unknown id are all 404 on a party's status route", async () => {
    const staff = await callRoute<Created>('CreateImport', {
      claims: admin(),
      body: { kind: 'JAWABAN_REKENING', filename: 'jawaban-staf.csv' },
    });
    expect(staff.status).toBe(201);
    for (const [route, importId] of [
      ['GetBankImport', ids.bast],
      ['GetBankImport', staff.body.importId],
      ['GetBankImport', 'tidak-ada'],
      ['GetBulogImport', ids.account],
      ['GetBulogImport', ids.edc],
      ['GetBulogImport', staff.body.importId],
    ] as const) {
      const party = route === 'GetBankImport' ? 'bank' : 'bulog';
      const reply = await callRoute<ErrorBody>(route, {
        claims: machine(party),
        pathParameters: { importId },
      });
      expect(reply.status, `${route} ${importId}`).toBe(404);
      expect(JSON.stringify(reply.body)).not.toContain('COMPLETED');
    }
    // The parties' answers are not staff's to put through these routes, nor theirs to read there.
    for (const route of ['CreateBankAccountAnswer', 'CreateBulogBast'] as const) {
      const refused = await callRoute(route, {
        claims: operator(KAPUAS),
        body: { filename: 'x.csv', tahapId: TAHAP, region: KAPUAS },
      });
      expect(refused.status).toBe(403);
    }
    const bulogOnBank = await callRoute('CreateBankEdcFile', {
      claims: machine('bulog'),
      body: { filename: 'edc.csv', tahapId: TAHAP, region: KAPUAS },
    });
    expect(bulogOnBank.status).toBe(403);
    const bankOnBulog = await callRoute('CreateBulogBast', {
      claims: machine('bank'),
      body: { filename: 'bast.csv', tahapId: TAHAP, region: KAPUAS },
    });
    expect(bankOnBulog.status).toBe(403);
  });

  it("refuses at import a file whose record names a party's client for the other party's kind", async () => {
    // As if the bank's client had got a BAST record and a URL under imports/bast/: the import refuses it.
    const asked = await callRoute<Created>('CreateBulogBast', {
      claims: machine('bulog'),
      body: { filename: 'bast-palsu.csv', tahapId: TAHAP, region: KAPUAS },
    });
    expect(asked.status).toBe(201);
    const record = await imports.get(asked.body.importId);
    if (!record) throw new Error('no record');
    const forgedId = `${asked.body.importId.slice(0, 30)}-palsu`;
    await imports.createAwaiting(
      {
        ...record,
        importId: forgedId,
        s3Key: `imports/bast/${forgedId}.csv`,
        createdBy: { sub: machine('bank').sub as string, name: 'Bank Kalteng (sistem)', role: 'bank' },
      },
      new Date(Date.now() + 3600_000),
    );
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const { testClients } = await import('../support/aws.ts');
    await testClients().s3.send(
      new PutObjectCommand({
        Bucket: config.uploadsBucket,
        Key: `imports/bast/${forgedId}.csv`,
        Body: `No KK;NIK Penerima;Nama Penerima;Hubungan;Tanggal Serah Terima;Status;Alasan\n${kk(KAPUAS, 5)};${nik(KAPUAS, 50)};Warga;KPM;02-11-2026;DITERIMA;`,
      }),
    );
    await importUploaded(forgedId);
    expect(await imports.get(forgedId)).toMatchObject({
      status: 'REJECTED',
      reasons: [expect.objectContaining({ code: 'UPLOAD_NOT_ALLOWED' })],
    });
  });
});
