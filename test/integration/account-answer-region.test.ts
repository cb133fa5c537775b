import { beforeAll, describe, expect, it } from 'vitest';
import { admin, callRoute, operator } from '../support/api.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The bank's account-opening answer uploaded by a regional operator (issue #15): accounts are keyed
 * by NIK alone, so an operator's file answers for its own kabupaten's penerima only. A line naming a
 * penerima of another kabupaten (or a NIK that is no decreed family's penerima there) goes to the
 * error report and records nothing; the bank's and the province's files answer for every kabupaten.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const emulator = useEmulatorEnv();
const { AccountsRepository } = await import('#shared/adapters/accounts-repo.ts');
const { importUploaded, KAPUAS, KOTIM, nik, openedKapuas, freshTahap } = await import(
  '../support/families.ts'
);

const TABLE = emulator.TABLE_NAME as string;
const accounts = new AccountsRepository(TABLE);
/** Kapuas's decreed families 1 and 5 (their heads are the penerima); family 2 is not decreed. */
const KAPUAS_ONE = nik(KAPUAS, 10);
const KAPUAS_FIVE = nik(KAPUAS, 50);
const NOT_DECREED = nik(KAPUAS, 20);

type View = {
  status: string;
  counts?: { rows: number; accepted: number; rejected: number };
  problems?: { row: number; code: string; message: string }[];
};

async function upload(claims: ReturnType<typeof operator>, lines: string[], region?: string): Promise<View> {
  const asked = await callRoute<{ importId: string; uploadUrl: string }>('CreateImport', {
    claims,
    body: { kind: 'JAWABAN_REKENING', filename: 'jawaban-rekening.csv', ...(region ? { region } : {}) },
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  const csv = ['NIK;No Rekening;Status;Alasan', ...lines].join('\r\n');
  expect((await fetch(asked.body.uploadUrl, { method: 'PUT', body: csv })).ok).toBe(true);
  await importUploaded(asked.body.importId);
  const view = await callRoute<View>('GetImport', {
    claims: admin(),
    pathParameters: { importId: asked.body.importId },
  });
  expect(view.status).toBe(200);
  return view.body;
}

beforeAll(async () => {
  await freshTahap();
  await openedKapuas();
}, 120_000);

describe("a regional operator's account answer", () => {
  it("refuses every line naming another kabupaten's penerima, and records nothing for them", async () => {
    const view = await upload(operator(KOTIM), [
      `${KAPUAS_ONE};1111111111;BERHASIL;`,
      `${KAPUAS_FIVE};;GAGAL;Data beda`,
    ]);
    expect(view.status).toBe('REJECTED');
    expect(view.counts).toMatchObject({ rows: 2, accepted: 0 });
    expect(view.problems?.map((problem) => problem.code)).toEqual([
      'PENERIMA_KABUPATEN_LAIN',
      'PENERIMA_KABUPATEN_LAIN',
    ]);
    // The message names the kabupaten, never the NIK.
    expect(view.problems?.[0]?.message).toContain(KAPUAS);
    expect(JSON.stringify(view.problems)).not.toContain(KAPUAS_ONE);
    expect(await accounts.get(KAPUAS_ONE)).toBeUndefined();
    expect(await accounts.get(KAPUAS_FIVE)).toBeUndefined();
  });

  it("takes its own penerima and refuses a NIK that is no decreed family's penerima", async () => {
    const view = await upload(operator(KAPUAS), [
      `${KAPUAS_ONE};1234567890;BERHASIL;`,
      `${NOT_DECREED};2222222222;BERHASIL;`,
    ]);
    expect(view).toMatchObject({ status: 'COMPLETED', counts: { rows: 2, accepted: 1 } });
    expect(view.problems).toEqual([expect.objectContaining({ row: 3, code: 'PENERIMA_KABUPATEN_LAIN' })]);
    expect(await accounts.get(KAPUAS_ONE)).toMatchObject({ status: 'AKTIF', noRekening: '1234567890' });
    expect(await accounts.get(NOT_DECREED)).toBeUndefined();
  });

  it("an admin naming a kabupaten is held to it too; the province's file without one answers for all", async () => {
    const named = await upload(admin(), [`${KAPUAS_FIVE};3333333333;BERHASIL;`], KOTIM);
    expect(named.problems?.map((problem) => problem.code)).toEqual(['PENERIMA_KABUPATEN_LAIN']);
    expect(await accounts.get(KAPUAS_FIVE)).toBeUndefined();
    const province = await upload(admin(), [`${KAPUAS_FIVE};3333333333;BERHASIL;`]);
    expect(province).toMatchObject({ status: 'COMPLETED', counts: { accepted: 1 } });
    expect(await accounts.get(KAPUAS_FIVE)).toMatchObject({ status: 'AKTIF', noRekening: '3333333333' });
  });
});
