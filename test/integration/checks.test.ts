import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLambdaContext } from '../../local/lambda.ts';
import { importFile } from '../support/api.ts';
import { purgeQueue, receiveMessages, resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

const env = useEmulatorEnv();
// Modules that create SDK clients at import time come after the environment is set.
const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
const { documentClient } = await import('#shared/adapters/clients.ts');
const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
const { RecipientsRepository } = await import('#shared/adapters/recipients-repo.ts');
const { RegistryRepository } = await import('#shared/adapters/registry-repo.ts');
const { RegistryIndex } = await import('#shared/domain/registry-index.ts');
const { BatchWriter } = await import('#shared/adapters/batch-writer.ts');
const { dependencies: relayDependencies } = await import('../../functions/relay/handler.ts');
const { sweepOutbox } = await import('../../functions/relay/relay.ts');
const { recipientKey, waiverKey } = await import('#shared/adapters/keys.ts');
const { planReview, planSubmit, planWaiver } = await import('#shared/domain/workflow.ts');
const { FLAGS } = await import('#shared/domain/checks.ts');
const { runChecks } = await import('../../functions/checks/run-checks.ts');
const { WaiverReader } = await import('../../functions/checks/waivers.ts');
const { countCalls } = await import('../../functions/checks/call-counter.ts');
const { handler } = await import('../../functions/checks/handler.ts');
const { ChecksRequestedSchema } = await import('#shared/messages.ts');
type RunChecksDeps = import('../../functions/checks/run-checks.ts').RunChecksDeps;
type ChecksRequested = import('#shared/messages.ts').ChecksRequested;
type ProposalRecord = import('#shared/model.ts').ProposalRecord;
type StoredRecipient = import('#shared/model.ts').StoredRecipient;

const TABLE = env.TABLE_NAME as string;
const CHECKS_QUEUE = env.CHECKS_QUEUE_URL as string;
const PERIOD = '2026-S1';
const KOBAR = '62.01';
const KAPUAS = '62.03';
const operator = { sub: 'op-1', name: 'Operator Dinsos', role: 'operator' };
const verifier = { sub: 'ver-1', name: 'Verifikator Dinsos', role: 'verifier', opd: 'DINSOS' };

const proposals = new ProposalsRepository(TABLE);
const recipientsRepo = new RecipientsRepository(TABLE);

/** The checks' own client, so the DynamoDB calls of a run can be counted. */
const checksDynamo = new DynamoDBClient({ endpoint: env.AWS_ENDPOINT_URL_DYNAMODB });
const calls = countCalls(checksDynamo);
const checksClient = DynamoDBDocumentClient.from(checksDynamo, {
  marshallOptions: { removeUndefinedValues: true },
});

function deps(overrides: Partial<RunChecksDeps> = {}): RunChecksDeps {
  return {
    proposals: new ProposalsRepository(TABLE, checksClient),
    recipients: new RecipientsRepository(TABLE, checksClient),
    registry: new RegistryRepository(TABLE, checksClient),
    waivers: new WaiverReader(TABLE, checksClient),
    tableName: TABLE,
    client: checksClient,
    calls,
    ...overrides,
  };
}

/** A NIK registered in `region4` (`6203`), kecamatan 01, born on DDMMYY (women: DD + 40). */
const nik = (region4: string, birth: string, serial: number) =>
  `${region4}01${birth}${String(serial).padStart(4, '0')}`;

/** NIKs that appear in both regions' lists, and one account used by two NIKs across them. */
const SHARED_TWO_ROLES = nik('6203', '010180', 901);
const SHARED_SAME_ROLE = nik('6201', '020280', 902);
const CROSS_ACCOUNT = '3000000001';

const HEADER = 'No;NIK;Nama Lengkap;Jabatan;Kecamatan;Desa/Kelurahan;RT;No Rekening;Atas Nama';
const csv = (lines: string[]) => `\uFEFF${['DAFTAR PENERIMA BKK', '', HEADER, ...lines].join('\r\n')}\r\n`;

/** `[nik, nama, jabatan, kecamatan, desa, rt, rekening, atas nama]` → numbered CSV lines. */
const lines = (rows: string[][]) => rows.map((cells, index) => [index + 1, ...cells].join(';'));

/** Clean Ketua RT rows of Kumai / Candi, RT 101 upward, own accounts. */
function cleanKobar(count: number, start = 1): string[][] {
  return Array.from({ length: count }, (_, i) => {
    const n = start + i;
    const name = `Warga Bersih ${String.fromCharCode(65 + (n % 26))}${String.fromCharCode(97 + Math.floor(n / 26))}`;
    return [
      nik('6201', '120385', n),
      name,
      'Ketua RT',
      'Kumai',
      'Candi',
      String(100 + n),
      `${1000000000 + n}`,
      name,
    ];
  });
}

/** Kotawaringin Barat: one crafted row per check, plus clean rows. */
const KOBAR_CRAFTED: string[][] = [
  [
    SHARED_TWO_ROLES,
    'Ahmad Dua Wilayah',
    'Ketua RT',
    'Kumai',
    'Candi',
    '1',
    '2000000101',
    'Ahmad Dua Wilayah',
  ],
  [
    SHARED_SAME_ROLE,
    'Bambang Sama Peran',
    'Ketua RT',
    'Kumai',
    'Candi',
    '2',
    '2000000102',
    'Bambang Sama Peran',
  ],
  [
    nik('6201', '030380', 3),
    'Candra Rekening',
    'Pemuka Agama',
    'Kumai',
    'Candi',
    '',
    '2000000001',
    'Candra Rekening',
  ],
  [
    nik('6201', '040480', 4),
    'Dedi Rekening',
    'Pemuka Agama',
    'Kumai',
    'Candi',
    '',
    '2000000001',
    'Dedi Rekening',
  ],
  [nik('6201', '050580', 5), 'Eko Lintas', 'Pemuka Agama', 'Kumai', 'Candi', '', CROSS_ACCOUNT, 'Eko Lintas'],
  [nik('6201', '550610', 6), 'Gita Muda', 'Pemuka Agama', 'Kumai', 'Candi', '', '2000000106', 'Gita Muda'],
  [
    nik('6205', '070780', 7),
    'Hadi Pindahan',
    'Pemuka Agama',
    'Kumai',
    'Candi',
    '',
    '2000000107',
    'Hadi Pindahan',
  ],
  [nik('6201', '080880', 8), 'Indra Nama', 'Pemuka Agama', 'Kumai', 'Candi', '', '2000000108', 'Joko Lain'],
  [nik('6201', '090980', 9), 'Kurnia Damang', 'Damang', 'Kumai', '', '', '2000000109', 'Kurnia Damang'],
  [nik('6201', '101080', 10), 'Lukman Damang', 'Damang', 'Kumai', '', '', '2000000110', 'Lukman Damang'],
  [
    nik('6201', '111180', 11),
    'Mira Sekretaris',
    'Sekretaris Damang',
    'Kumai',
    '',
    '',
    '2000000111',
    'Mira Sekretaris',
  ],
  [
    nik('6201', '121280', 12),
    'Nanda Sekretaris',
    'Sekretaris Damang',
    'Kumai',
    '',
    '',
    '2000000112',
    'Nanda Sekretaris',
  ],
  [nik('6201', '130180', 13), 'Oka Ketua', 'Ketua RT', 'Kumai', 'Candi', '7', '2000000113', 'Oka Ketua'],
  [nik('6201', '140180', 14), 'Putu Ketua', 'Ketua RT', 'Kumai', 'Candi', '7', '2000000114', 'Putu Ketua'],
  [
    nik('6201', '150180', 15),
    'Rudi Diubah',
    'Pemuka Agama',
    'Kumai',
    'Candi',
    '',
    '2000000115',
    'Rudi Diubah',
  ],
  ...cleanKobar(5),
];

/** What each crafted Kotawaringin Barat recipient must carry after its first run. */
const KOBAR_EXPECTED: Record<string, string[]> = {
  'Ahmad Dua Wilayah': ['NIK_IN_OTHER_LIST', 'NIK_TWO_ROLES', 'NIK_OTHER_REGION'],
  'Bambang Sama Peran': ['NIK_IN_OTHER_LIST'],
  'Candra Rekening': ['ACCOUNT_SHARED'],
  'Dedi Rekening': ['ACCOUNT_SHARED'],
  'Eko Lintas': ['ACCOUNT_SHARED'],
  'Gita Muda': ['UNDER_AGE'],
  'Hadi Pindahan': ['NIK_OTHER_REGION'],
  'Indra Nama': ['ACCOUNT_NAME_MISMATCH'],
  'Kurnia Damang': ['DAMANG_MULTIPLE'],
  'Lukman Damang': ['DAMANG_MULTIPLE'],
  'Mira Sekretaris': ['SEKRETARIS_DAMANG_MULTIPLE'],
  'Nanda Sekretaris': ['SEKRETARIS_DAMANG_MULTIPLE'],
  'Oka Ketua': ['KETUA_RT_MULTIPLE'],
  'Putu Ketua': ['KETUA_RT_MULTIPLE'],
  'Rudi Diubah': ['NIK_INVALID'],
};

/** Kapuas: the other side of the cross-region conflicts, plus clean rows. */
const KAPUAS_ROWS: string[][] = [
  [SHARED_TWO_ROLES, 'Ahmad Dua Wilayah', 'Damang', 'Selat', '', '', '2000000201', 'Ahmad Dua Wilayah'],
  [
    SHARED_SAME_ROLE,
    'Bambang Sama Peran',
    'Ketua RT',
    'Selat',
    'Murung Keramat',
    '2',
    '2000000202',
    'Bambang Sama Peran',
  ],
  [
    nik('6203', '030380', 203),
    'Fajar Lintas',
    'Pemuka Agama',
    'Selat',
    'Murung Keramat',
    '',
    CROSS_ACCOUNT,
    'Fajar Lintas',
  ],
  [
    nik('6203', '040480', 204),
    'Warga Kapuas Satu',
    'Ketua RT',
    'Selat',
    'Murung Keramat',
    '5',
    '2000000204',
    'Warga Kapuas Satu',
  ],
  [
    nik('6203', '050580', 205),
    'Warga Kapuas Dua',
    'Ketua RT',
    'Selat',
    'Murung Keramat',
    '6',
    '2000000205',
    'Warga Kapuas Dua',
  ],
];

/** Uploads a CSV for a region and imports it; resolves with the region's proposal (DRAFT). */
async function importList(region: string, rows: string[][]): Promise<ProposalRecord> {
  const { outcome } = await importFile(region, PERIOD, csv(lines(rows)));
  expect(outcome).toMatchObject({ kind: 'completed', record: { counts: { rejected: 0 } } });
  const proposal = await proposals.getCurrent(region, PERIOD);
  if (!proposal) throw new Error('import made no proposal');
  return proposal;
}

/** Pengajuan: DRAFT → SUBMITTED, as the submit route does. */
async function submit(proposal: ProposalRecord): Promise<ProposalRecord> {
  const now = new Date().toISOString();
  return proposals.apply(proposal, planSubmit(proposal, ['DINSOS', 'BKAD'], operator, now), operator, now);
}

const request = (proposal: ProposalRecord, trigger: 'submit' | 'recheck' = 'submit'): ChecksRequested => ({
  type: 'checks.requested',
  proposalId: proposal.proposalId,
  listId: proposal.currentListId ?? '',
  trigger,
  requestedAt: new Date().toISOString(),
});

async function current(region: string): Promise<ProposalRecord> {
  const proposal = await proposals.getCurrent(region, PERIOD);
  if (!proposal) throw new Error(`no proposal for ${region}`);
  return proposal;
}

/** Every recipient of the region's current list, by name, with the raw item (to see removed attributes). */
async function recipientsByName(region: string) {
  const proposal = await current(region);
  const byName = new Map<string, { recipient: StoredRecipient; item: Record<string, unknown> }>();
  for await (const entry of recipientsRepo.stream(proposal.currentListId ?? '')) {
    byName.set(entry.recipient.nama, entry);
  }
  return byName;
}

const flagCodes = (recipient: StoredRecipient | undefined) =>
  (recipient?.flags ?? []).map((flag) => flag.code);

/** Alters a stored NIK behind the import's back (serial 0000), as old or tampered data would be. */
async function corruptNik(region: string, name: string): Promise<void> {
  const proposal = await current(region);
  const entry = (await recipientsByName(region)).get(name);
  if (!entry || !proposal.currentListId) throw new Error(`no ${name}`);
  await documentClient.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: recipientKey(proposal.currentListId, entry.recipient.row),
      UpdateExpression: 'SET nik = :nik',
      ExpressionAttributeValues: { ':nik': `${entry.recipient.nik.slice(0, 12)}0000` },
    }),
  );
}

/** The per-code counts of a run where nothing is waived: codes as listed per recipient. */
function expectedByCode(expected: Record<string, readonly string[]>) {
  const byCode: Record<string, { severity: string; count: number; open: number }> = {};
  for (const code of Object.values(expected).flat()) {
    const severity = FLAGS[code as keyof typeof FLAGS].severity;
    const count = (byCode[code]?.count ?? 0) + 1;
    byCode[code] = { severity, count, open: count };
  }
  return byCode;
}

/** A verifier's waiver, as the waiver route records it: the waiver item and the audited plan. */
async function waive(region: string, name: string, flag: string): Promise<void> {
  const proposal = await current(region);
  const entry = (await recipientsByName(region)).get(name);
  if (!entry) throw new Error(`no ${name}`);
  const now = new Date().toISOString();
  const { recipientId } = entry.recipient;
  await proposals.apply(
    proposal,
    planWaiver(
      proposal,
      verifier.opd,
      verifier,
      recipientId,
      flag,
      'Sudah diklarifikasi dengan dinas terkait.',
    ),
    verifier,
    now,
    [
      {
        Put: {
          TableName: TABLE,
          Item: {
            ...waiverKey(proposal.proposalId, recipientId, flag),
            recipientId,
            flag,
            reason: 'Sudah diklarifikasi dengan dinas terkait.',
            by: verifier,
            at: now,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
  );
}

/** What the run handed off: the relay (as deployed) sends the outbox to the queue, which is then read. */
async function drainChecksQueue() {
  await sweepOutbox(0, relayDependencies());
  const messages = await receiveMessages(CHECKS_QUEUE, 10, 1_500);
  await purgeQueue(CHECKS_QUEUE);
  return messages.map((message) => ({
    id: message.MessageId ?? '',
    body: ChecksRequestedSchema.parse(JSON.parse(message.Body ?? '')),
  }));
}

beforeAll(async () => {
  await resetTable();
  await purgeQueue(CHECKS_QUEUE);
});

describe('automatic checks on a clean list', () => {
  beforeEach(async () => {
    await resetTable();
    await purgeQueue(CHECKS_QUEUE);
  });

  it('moves the proposal to IN_REVIEW with no flags, writes no recipient and asks no re-check', async () => {
    const proposal = await submit(await importList(KOBAR, cleanKobar(12)));
    const outcome = await runChecks(request(proposal), 'run-clean', deps());
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { recipients: 12, flagged: 0, blocking: 0, warnings: 0, openBlocking: 0 },
      written: 0,
      rechecks: [],
    });
    expect(await current(KOBAR)).toMatchObject({
      status: 'IN_REVIEW',
      version: proposal.version + 1,
      openBlocking: 0,
      checks: {
        listId: proposal.currentListId,
        blocking: 0,
        warnings: 0,
        openBlocking: 0,
        runId: 'run-clean',
        // No finding, no code: the per-code counts are empty, not a row of zeros.
        byCode: {},
      },
    });
    for (const { item } of (await recipientsByName(KOBAR)).values()) expect(item.flags).toBeUndefined();
    const audit = await proposals.audit(proposal.proposalId);
    expect(audit.at(-1)).toMatchObject({
      action: 'CHECKS_COMPLETED',
      fromStatus: 'SUBMITTED',
      toStatus: 'IN_REVIEW',
      actor: { sub: 'system:checks', role: 'system' },
      details: { blocking: 0, warnings: 0, openBlocking: 0, runId: 'run-clean' },
    });
    expect(await drainChecksQueue()).toEqual([]);
    // Registry: two entries per recipient, and a bounded number of calls (≈ 2 lookups each).
    if (outcome.kind !== 'completed') throw new Error('not completed');
    expect(outcome.dynamoCalls).toBeGreaterThanOrEqual(24);
    expect(outcome.dynamoCalls).toBeLessThan(24 + 32 * 2 + 40);
  });
});

describe('automatic checks across two regions', () => {
  beforeAll(async () => {
    await resetTable();
    await purgeQueue(CHECKS_QUEUE);
  });

  it('a first list with no other region submitted has only its own findings', async () => {
    const kapuas = await submit(await importList(KAPUAS, KAPUAS_ROWS));
    const outcome = await runChecks(request(kapuas), 'run-kapuas-1', deps());
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { recipients: 5, blocking: 0, warnings: 1, openBlocking: 0 },
      rechecks: [],
    });
    const byName = await recipientsByName(KAPUAS);
    expect(flagCodes(byName.get('Bambang Sama Peran')?.recipient)).toEqual(['NIK_OTHER_REGION']);
    expect(flagCodes(byName.get('Ahmad Dua Wilayah')?.recipient)).toEqual([]);
    expect(await drainChecksQueue()).toEqual([]);
  });

  it('flags each check on the right recipient, counts open blocking flags and asks the other region to re-check', async () => {
    const kobar = await importList(KOBAR, KOBAR_CRAFTED);
    await corruptNik(KOBAR, 'Rudi Diubah');
    const submitted = await submit(kobar);
    const outcome = await runChecks(request(submitted), 'run-kobar-1', deps());

    const byName = await recipientsByName(KOBAR);
    for (const [name, expected] of Object.entries(KOBAR_EXPECTED)) {
      expect({ name, codes: flagCodes(byName.get(name)?.recipient) }).toEqual({ name, codes: expected });
    }
    for (const [name, { recipient, item }] of byName) {
      if (name.startsWith('Warga Bersih')) expect(item.flags, name).toBeUndefined();
      else expect(item.flagCodes).toEqual(flagCodes(recipient));
      for (const flag of recipient.flags ?? []) {
        expect(flag.detail).toMatch(/\S/);
        // UU PDP: no NIK or account number in a detail.
        expect(flag.detail).not.toMatch(/\d{10,}/);
      }
    }
    // The import's own warnings stay next to the flags.
    expect(byName.get('Dedi Rekening')?.recipient.warnings).toContain('ACCOUNT_DUPLICATE');
    const ahmad = byName.get('Ahmad Dua Wilayah')?.recipient.flags ?? [];
    expect(ahmad[0]).toMatchObject({ code: 'NIK_IN_OTHER_LIST', severity: 'blocking' });
    expect(ahmad[0]?.detail).toContain(
      'NIK yang sama ada di daftar Kabupaten Kapuas (usulan 62.03-2026-S1) sebagai Damang Kepala Adat',
    );
    expect(byName.get('Candra Rekening')?.recipient.flags?.[0]?.detail).toMatch(/baris \d+ daftar ini/);
    expect(byName.get('Eko Lintas')?.recipient.flags?.[0]?.detail).toContain(
      'daftar Kabupaten Kapuas (usulan 62.03-2026-S1)',
    );

    // Blocking: Ahmad 2, Bambang, Candra, Dedi, Eko, Gita, Rudi; warnings: the other 9 codes.
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { recipients: 20, flagged: 15, blocking: 8, warnings: 9, openBlocking: 8 },
      written: 15,
      rechecks: ['62.03-2026-S1'],
    });
    expect(await current(KOBAR)).toMatchObject({
      status: 'IN_REVIEW',
      openBlocking: 8,
      checks: { blocking: 8, warnings: 9, openBlocking: 8, runId: 'run-kobar-1' },
    });
    // Per code: what a verifier's screen groups the flags by (every flag still open).
    expect((await current(KOBAR)).checks?.byCode).toEqual(expectedByCode(KOBAR_EXPECTED));

    const kapuas = await current(KAPUAS);
    const messages = await drainChecksQueue();
    expect(messages.map((message) => message.body)).toEqual([
      expect.objectContaining({
        proposalId: kapuas.proposalId,
        listId: kapuas.currentListId,
        trigger: 'recheck',
      }),
    ]);

    // The re-check shows Kapuas the same conflicts, and asks nobody else.
    const recheck = messages[0];
    if (!recheck) throw new Error('no recheck');
    const again = await runChecks(recheck.body, recheck.id, deps());
    expect(again).toMatchObject({
      kind: 'completed',
      counts: { recipients: 5, blocking: 4, warnings: 1, openBlocking: 4 },
      rechecks: [],
    });
    const kapuasByName = await recipientsByName(KAPUAS);
    expect(flagCodes(kapuasByName.get('Ahmad Dua Wilayah')?.recipient)).toEqual([
      'NIK_IN_OTHER_LIST',
      'NIK_TWO_ROLES',
    ]);
    expect(kapuasByName.get('Ahmad Dua Wilayah')?.recipient.flags?.[0]?.detail).toContain(
      'daftar Kabupaten Kotawaringin Barat (usulan 62.01-2026-S1) sebagai Ketua RT',
    );
    expect(flagCodes(kapuasByName.get('Bambang Sama Peran')?.recipient)).toEqual([
      'NIK_IN_OTHER_LIST',
      'NIK_OTHER_REGION',
    ]);
    expect(flagCodes(kapuasByName.get('Fajar Lintas')?.recipient)).toEqual(['ACCOUNT_SHARED']);
    expect(await drainChecksQueue()).toEqual([]);
  });

  it('does not count a waived flag as open on the next run', async () => {
    await waive(KOBAR, 'Gita Muda', 'UNDER_AGE');
    expect(await current(KOBAR)).toMatchObject({ openBlocking: 7 });
    // The waiver itself keeps the per-code counts right, before any run.
    const underAge = { severity: 'blocking', count: 1, open: 0 };
    expect((await current(KOBAR)).checks?.byCode).toMatchObject({
      UNDER_AGE: underAge,
      NIK_INVALID: { severity: 'blocking', count: 1, open: 1 },
    });
    const outcome = await runChecks(request(await current(KOBAR), 'recheck'), 'run-kobar-2', deps());
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { blocking: 8, openBlocking: 7 },
      written: 0,
      rechecks: [],
    });
    expect(await current(KOBAR)).toMatchObject({ openBlocking: 7, checks: { blocking: 8, openBlocking: 7 } });
    // The next run counts the waiver too.
    expect((await current(KOBAR)).checks?.byCode).toEqual({
      ...expectedByCode(KOBAR_EXPECTED),
      UNDER_AGE: underAge,
    });
    // Still flagged on the recipient: a waiver sets a flag aside, it does not make it untrue.
    expect(flagCodes((await recipientsByName(KOBAR)).get('Gita Muda')?.recipient)).toEqual(['UNDER_AGE']);
  });

  it('recomputes when a waiver lands while the run is recording its result', async () => {
    let interfered = false;
    const interfering = new ProposalsRepository(TABLE, checksClient);
    const apply = interfering.apply.bind(interfering);
    interfering.apply = async (proposal, plan, actor, now, extra) => {
      if (!interfered && plan.action === 'CHECKS_COMPLETED') {
        interfered = true;
        await waive(KOBAR, 'Rudi Diubah', 'NIK_INVALID');
      }
      return apply(proposal, plan, actor, now, extra);
    };
    const before = await current(KOBAR);
    const outcome = await runChecks(
      request(before, 'recheck'),
      'run-kobar-3',
      deps({ proposals: interfering }),
    );
    expect(interfered).toBe(true);
    expect(outcome).toMatchObject({ kind: 'completed', counts: { blocking: 8, openBlocking: 6 } });
    // Waiver (+1) and the checks (+1): both recorded, in that order, in one unbroken chain.
    const after = await current(KOBAR);
    expect(after).toMatchObject({ version: before.version + 2, openBlocking: 6 });
    expect(after.checks?.byCode).toMatchObject({
      UNDER_AGE: { count: 1, open: 0 },
      NIK_INVALID: { count: 1, open: 0 },
      ACCOUNT_SHARED: { count: 3, open: 3 },
    });
    const audit = await proposals.audit(after.proposalId);
    expect(audit.slice(-2).map((record) => record.action)).toEqual(['FLAG_WAIVED', 'CHECKS_COMPLETED']);
  });

  it('does nothing for a redelivered message, a stale list or a proposal no longer in review', async () => {
    const before = await current(KOBAR);
    // The SQS message id is the run id: this one already completed.
    expect(await runChecks(request(before, 'recheck'), 'run-kobar-3', deps())).toEqual({
      kind: 'skipped',
      proposalId: before.proposalId,
      reason: 'already-done',
    });
    expect(
      await runChecks({ ...request(before, 'recheck'), listId: 'an-older-list' }, 'run-stale', deps()),
    ).toMatchObject({ kind: 'skipped', reason: 'stale-list' });
    expect(
      await runChecks({ ...request(before), proposalId: '62.71-2026-S1' }, 'run-none', deps()),
    ).toMatchObject({ kind: 'skipped', reason: 'not-found' });
    expect(await current(KOBAR)).toEqual(before);
    expect(await drainChecksQueue()).toEqual([]);
  });

  it('clears the other region’s findings once this list no longer counts, keeping import warnings', async () => {
    // Kotawaringin Barat's list is sent back: a draft does not count against anyone.
    const kobar = await current(KOBAR);
    const now = new Date().toISOString();
    await proposals.apply(
      kobar,
      planReview(kobar, 'DINSOS', 'return', 'Perbaiki NIK ganda.', verifier, now),
      verifier,
      now,
    );
    expect(await runChecks(request(kobar, 'recheck'), 'run-kobar-4', deps())).toMatchObject({
      kind: 'skipped',
      reason: 'not-in-review',
    });

    const kapuas = await current(KAPUAS);
    const outcome = await runChecks(request(kapuas, 'recheck'), 'run-kapuas-3', deps());
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { blocking: 0, warnings: 1, openBlocking: 0 },
      written: 3,
    });
    const byName = await recipientsByName(KAPUAS);
    for (const name of ['Ahmad Dua Wilayah', 'Fajar Lintas']) {
      expect(byName.get(name)?.item.flags).toBeUndefined();
      expect(byName.get(name)?.item.flagCodes).toBeUndefined();
    }
    const bambang = byName.get('Bambang Sama Peran');
    expect(flagCodes(bambang?.recipient)).toEqual(['NIK_OTHER_REGION']);
    expect(bambang?.recipient.warnings).toContain('NIK_OTHER_REGION');
  });
});

describe('the SQS handler', () => {
  beforeAll(async () => {
    await resetTable();
    await purgeQueue(CHECKS_QUEUE);
  });

  const record = (messageId: string, body: string): SQSRecord => ({
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAKHBSLOCAL',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:khbs-checks',
    awsRegion: 'us-east-1',
  });

  it('reports malformed records as batch item failures and processes the good one', async () => {
    const proposal = await submit(await importList(KOBAR, cleanKobar(4)));
    const event: SQSEvent = {
      Records: [
        record('not-json', '{"type": "checks.requested", '),
        record('wrong-shape', JSON.stringify({ proposalId: proposal.proposalId, revision: 1 })),
        record('good', JSON.stringify(request(proposal))),
        record('unknown-field', JSON.stringify({ ...request(proposal), extra: true })),
      ],
    };
    const response = await handler(
      event,
      createLambdaContext({ functionName: 'RunChecks', timeoutMs: 60_000 }),
    );
    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: 'not-json' },
        { itemIdentifier: 'wrong-shape' },
        { itemIdentifier: 'unknown-field' },
      ],
    });
    expect(await current(KOBAR)).toMatchObject({ status: 'IN_REVIEW', checks: { runId: 'good' } });
  });
});

describe('two regions checked at the same time', () => {
  beforeAll(async () => {
    await resetTable();
    await purgeQueue(CHECKS_QUEUE);
  });

  it('each writes its list before reading the other: both sides end up flagged', async () => {
    const kapuas = await submit(await importList(KAPUAS, KAPUAS_ROWS));
    const kobar = await submit(await importList(KOBAR, cleanKobar(3).concat(KOBAR_CRAFTED.slice(0, 1))));
    const both = await Promise.all([
      runChecks(request(kapuas), 'run-kapuas-together', deps()),
      runChecks(request(kobar), 'run-kobar-together', deps()),
    ]);
    // At least the later of the two saw the other, and asked it to re-check.
    const asked = both.flatMap((outcome) => (outcome.kind === 'completed' ? outcome.rechecks : []));
    expect(asked.length).toBeGreaterThanOrEqual(1);
    for (const { id, body } of await drainChecksQueue()) {
      expect(await runChecks(body, id, deps())).toMatchObject({ kind: 'completed', rechecks: [] });
    }
    for (const region of [KAPUAS, KOBAR]) {
      expect(flagCodes((await recipientsByName(region)).get('Ahmad Dua Wilayah')?.recipient)).toContain(
        'NIK_IN_OTHER_LIST',
      );
      expect(await current(region)).toMatchObject({ status: 'IN_REVIEW', openBlocking: 2 });
    }
  });

  it("ignores a region's replaced list and deletes its chunks on the new list's run", async () => {
    // Kotawaringin Barat is sent back and replaces its list with one that no longer has Ahmad.
    const kobar = await current(KOBAR);
    const now = new Date().toISOString();
    await proposals.apply(
      kobar,
      planReview(kobar, 'DINSOS', 'return', 'Hapus penerima ganda.', verifier, now),
      verifier,
      now,
    );
    const replaced = await submit(await importList(KOBAR, cleanKobar(3)));
    expect(replaced.currentListId).not.toBe(kobar.currentListId);
    const outcome = await runChecks(request(replaced), 'run-kobar-replaced', deps());
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { blocking: 0 },
      registry: { lists: 1, chunks: 1, entries: 5, chunksWritten: 1, backfilled: 0, staleDeleted: 1 },
    });
    const kapuas = await runChecks(request(await current(KAPUAS), 'recheck'), 'run-kapuas-after', deps());
    expect(kapuas).toMatchObject({ kind: 'completed', counts: { blocking: 0 }, registry: { entries: 3 } });
    expect(flagCodes((await recipientsByName(KAPUAS)).get('Ahmad Dua Wilayah')?.recipient)).toEqual([]);
  });
});

describe('a live list the registry holds no chunk of', () => {
  beforeAll(async () => {
    await resetTable();
    await purgeQueue(CHECKS_QUEUE);
  });

  it('is registered from its recipients by the run that finds it missing, and its conflicts found', async () => {
    // Kapuas was submitted (and, say, checked before the registry was kept in chunks): no chunk.
    await submit(await importList(KAPUAS, KAPUAS_ROWS));
    const kobar = await submit(await importList(KOBAR, cleanKobar(3).concat(KOBAR_CRAFTED.slice(0, 1))));
    const outcome = await runChecks(request(kobar), 'run-kobar-backfill', deps());
    expect(outcome).toMatchObject({
      kind: 'completed',
      counts: { blocking: 2 },
      rechecks: [(await current(KAPUAS)).proposalId],
      registry: { lists: 1, chunks: 0, backfilled: 1 },
    });
    expect(flagCodes((await recipientsByName(KOBAR)).get('Ahmad Dua Wilayah')?.recipient)).toEqual([
      'NIK_IN_OTHER_LIST',
      'NIK_TWO_ROLES',
      'NIK_OTHER_REGION',
    ]);
    // Registered once: the next run reads Kapuas's chunk.
    const again = await runChecks(request(await current(KOBAR), 'recheck'), 'run-kobar-backfill-2', deps());
    expect(again).toMatchObject({
      kind: 'completed',
      counts: { blocking: 2 },
      written: 0,
      registry: { lists: 1, chunks: 1, entries: 5, backfilled: 0 },
    });
    await drainChecksQueue();
  });
});

describe('the registry', () => {
  const registry = new RegistryRepository(TABLE);
  const row = (n: number, peran = 'KETUA_RT') => ({
    nik: nik('6201', '120385', n % 10_000).replace(/^6201/, String(1000 + Math.floor(n / 10_000))),
    noRekening: String(1_000_000_000 + n),
    row: n + 1,
    peran,
  });
  const writeList = async (region: string, listId: string, rows: number, registeredAt: string) => {
    const writer = new BatchWriter(TABLE);
    const chunks = registry.listWriter(
      { period: PERIOD, region, proposalId: `${region}-${PERIOD}`, listId },
      writer,
      registeredAt,
    );
    for (let n = 0; n < rows; n++) await chunks.add(row(n));
    await chunks.end();
    await writer.flush();
    return chunks.chunks;
  };
  const list = (region: string, listId: string) => ({ region, proposalId: `${region}-${PERIOD}`, listId });

  it('stores a list as chunks, reads back only the lists asked for and finds stale chunks', async () => {
    await resetTable();
    expect(await writeList(KOBAR, 'LA', 4_500, '2026-01-01T00:00:00.000Z')).toBe(3);
    await writeList(KOBAR, 'LA2', 10, '2026-01-02T00:00:00.000Z');
    await writeList(KAPUAS, 'LB', 7, '2026-01-02T00:00:00.000Z');

    const index = new RegistryIndex();
    const stats = await registry.readLists(PERIOD, [list(KOBAR, 'LA2'), list(KAPUAS, 'LB')], (l, r) =>
      index.add(l, r),
    );
    expect(stats).toEqual({ lists: 2, chunks: 2, entries: 17, queries: 2, unregistered: [] });
    // The same person in both lists; LA (replaced) is not read.
    const hits = index.hits(row(3).nik, row(3).noRekening);
    expect(hits.niks.map((hit) => [hit.region, hit.listId, hit.recipientId, hit.peran])).toEqual([
      [KOBAR, 'LA2', 'LA2.4', 'KETUA_RT'],
      [KAPUAS, 'LB', 'LB.4', 'KETUA_RT'],
    ]);
    expect(hits.accounts.map((hit) => [hit.region, hit.listId, hit.row, hit.nik])).toEqual([
      [KOBAR, 'LA2', 4, row(3).nik],
      [KAPUAS, 'LB', 4, row(3).nik],
    ]);
    // The run of LA2 (started after LA was registered) deletes LA's three chunks, nothing else.
    const stale = await registry.staleChunks(PERIOD, KOBAR, 'LA2', '2026-01-02T00:00:00.000Z');
    expect(stale.map((key) => key.sk)).toEqual(['LA#00000', 'LA#00001', 'LA#00002']);
    // A list registered after the run started is left alone.
    expect(await registry.staleChunks(PERIOD, KOBAR, 'LA', '2026-01-01T12:00:00.000Z')).toEqual([]);
    expect(await registry.readLists('2026-S2', [list(KAPUAS, 'LB')], () => undefined)).toMatchObject({
      entries: 0,
      unregistered: [list(KAPUAS, 'LB')],
    });
  });

  it('reads a 300,000-recipient province in a few dozen Query pages: the cost grows with the lists', async () => {
    await resetTable();
    // Ten regions of 30,000 (the family programme's scale: ~60,000 per kabupaten, 300,000 in all).
    const regions = [
      '62.02',
      '62.03',
      '62.04',
      '62.05',
      '62.06',
      '62.07',
      '62.08',
      '62.09',
      '62.10',
      '62.11',
    ];
    for (const region of regions) await writeList(region, `L${region.replace('.', '')}`, 30_000, 'x');
    const index = new RegistryIndex();
    const lists = regions.map((region) => list(region, `L${region.replace('.', '')}`));
    const send = vi.spyOn(documentClient, 'send');
    const all = await new RegistryRepository(TABLE, documentClient).readLists(PERIOD, lists, (l, r) =>
      index.add(l, r),
    );
    const sent = send.mock.calls.length;
    send.mockRestore();
    expect(all).toMatchObject({ lists: 10, chunks: 150, entries: 300_000 });
    expect(index.size).toBe(300_000);
    // ~1.6 MB of chunks per list: 2 pages each, against 60,000 Queries for 30,000 recipients before.
    expect(all.queries).toBeLessThanOrEqual(30);
    expect(sent).toBe(all.queries);
    // Half the lists, half the pages: linear in what is read, independent of the checked list.
    const half = await registry.readLists(PERIOD, lists.slice(0, 5), () => undefined);
    expect(half.queries * 2).toBe(all.queries);
    // Every region's copy of a person is found.
    expect(index.hits(row(29_999).nik, row(29_999).noRekening).niks).toHaveLength(10);
  });
});
