import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approver,
  callRoute,
  type ErrorBody,
  importList,
  issueDecreeFor,
  moveTo,
  nameOf,
  nik,
} from '../support/api.ts';
import { emptyBucket, resetTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * The decree worker against DynamoDB Local and the S3 emulator: numbering without gaps or repeats
 * under concurrency, redelivery, a crash between number and PDF, the PDF's text, verification,
 * revocation and replacement.
 */

process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
useEmulatorEnv();
const { env } = await import('#shared/config/env.ts');
const { ObjectStore } = await import('#shared/adapters/object-store.ts');
const { ProposalsRepository } = await import('#shared/adapters/proposals-repo.ts');
const { DecreesRepository } = await import('#shared/adapters/decrees-repo.ts');
const { RecipientsRepository } = await import('#shared/adapters/recipients-repo.ts');
const { verifyChain } = await import('#shared/domain/audit.ts');
type AuditRecord = import('#shared/domain/audit.ts').AuditRecord;
const { formatRupiah, PLACEHOLDER_NOTICE, wibDate } = await import('#shared/domain/decree.ts');
const { decreeRequestFor } = await import('#shared/messages.ts');
const { dependencies } = await import('../../functions/decree/handler.ts');
const { DecreePreflightError, issueDecree, numberDecree } = await import(
  '../../functions/decree/issue-decree.ts'
);
const { documentClient } = await import('#shared/adapters/clients.ts');
const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');

const run = promisify(execFile);
const config = env();
const proposals = new ProposalsRepository(config.tableName);
const decrees = new DecreesRepository(config.tableName);
const objects = new ObjectStore();
const year = wibDate(new Date()).year;
let dir: string;

beforeAll(async () => {
  await resetTable();
  await emptyBucket(config.documentsBucket);
  dir = await mkdtemp(join(tmpdir(), 'khbs-decree-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function approved(region: string, period: string, count = 5) {
  const list = await importList(region, period, count);
  return moveTo(list.proposalId, 'APPROVED');
}

const requestFor = async (proposalId: string) => {
  const proposal = await proposals.get(proposalId);
  if (!proposal) throw new Error(`no proposal ${proposalId}`);
  return decreeRequestFor(proposal, { sub: 'approver-sekda', name: 'Sekretaris Daerah' }, proposal.updatedAt);
};

async function pdfText(key: string): Promise<string> {
  const file = join(dir, `${key.replaceAll('/', '_')}`);
  const chunks: Buffer[] = [];
  for await (const chunk of await objects.read(config.documentsBucket, key)) chunks.push(chunk as Buffer);
  await writeFile(file, Buffer.concat(chunks));
  const { stdout } = await run('pdftotext', ['-layout', file, '-']);
  return stdout;
}

describe('issuing one decree', () => {
  it('numbers it, stores its PDF once with its SHA-256, and moves the proposal to DECREED with audit', async () => {
    const proposal = await approved('62.03', '2026-S1', 12);
    const decree = await issueDecreeFor(proposal);
    expect(decree).toMatchObject({
      decreeId: `SK-${proposal.proposalId}`,
      status: 'ISSUED',
      seq: 1,
      number: `188.44/1/${year}`,
      recipientCount: 12,
    });
    const stored = await objects.sha256(config.documentsBucket, decree.pdfKey ?? '');
    expect(stored.sha256).toBe(decree.sha256);
    expect(decree.pdfKey).toBe(`decrees/${year}/${decree.decreeId}.pdf`);

    const after = await proposals.get(proposal.proposalId);
    expect(after).toMatchObject({ status: 'DECREED', decreeId: decree.decreeId });
    const audit = await proposals.audit(proposal.proposalId);
    expect(audit.slice(-2).map((record) => record.action)).toEqual(['DECREE_NUMBERED', 'DECREED']);
    expect(audit.at(-1)?.details).toMatchObject({ number: decree.number, sha256: decree.sha256 });
    expect(verifyChain(audit, after?.lastAuditHash).valid).toBe(true);

    const text = await pdfText(decree.pdfKey ?? '');
    expect(text).toContain(`NOMOR ${decree.number}`);
    expect(text).toContain('KEPUTUSAN GUBERNUR KALIMANTAN TENGAH');
    expect(text).toMatch(/PENERIMA BANTUAN KEUANGAN KHUSUS/);
    for (let i = 1; i <= 12; i++) {
      expect(text).toContain(nameOf(i));
      expect(text).toContain(`${nik(i, '6203').slice(0, 6)}******${nik(i, '6203').slice(-4)}`);
      // Never the whole NIK.
      expect(text).not.toContain(nik(i, '6203'));
    }
    expect(text).toContain(formatRupiah(decree.total ?? -1));
    expect(text).toContain(decree.verifyCode);
    // The rate table is still a placeholder: every page says so.
    expect(text.split(PLACEHOLDER_NOTICE).length - 1).toBe(decree.pages);
  });

  it('answers a redelivered request with the same decree, numbering nothing', async () => {
    const [first] = await decrees.listByYear(year);
    if (!first) throw new Error('no decree from the test before');
    const again = await issueDecree(await requestFor(first.proposalId), dependencies());
    expect(again).toEqual(first);
    expect(await decrees.lastSeq(year)).toBe(1);
  });

  it('drops a request for a proposal that is not approved (stale), numbering nothing', async () => {
    const list = await importList('62.01', '2026-T1');
    await moveTo(list.proposalId, 'VERIFIED');
    const proposal = await proposals.get(list.proposalId);
    if (!proposal) throw new Error('no proposal');
    const stale = decreeRequestFor(
      { ...proposal, status: 'APPROVED', approvedListId: proposal.currentListId },
      { sub: 'approver-sekda', name: 'Sekretaris Daerah' },
      proposal.updatedAt,
    );
    expect(await issueDecree(stale, dependencies())).toBeUndefined();
    expect(await decrees.lastSeq(year)).toBe(1);
    expect((await proposals.get(list.proposalId))?.status).toBe('VERIFIED');
  });
});

describe('a failure between the number and the PDF', () => {
  it('is finished by the retry with the same number, and the next decree takes the next one', async () => {
    const proposal = await approved('62.01', '2026-T2');
    const request = await requestFor(proposal.proposalId);
    const failing = {
      ...dependencies(),
      objects: Object.assign(Object.create(objects) as typeof objects, {
        putOnce: () => Promise.reject(new Error('S3 unavailable (injected)')),
      }),
    };
    await expect(issueDecree(request, failing)).rejects.toThrow(/injected/);
    const half = await decrees.get(`SK-${proposal.proposalId}`);
    expect(half).toMatchObject({ status: 'ISSUING', seq: 2 });
    expect(await proposals.get(proposal.proposalId)).toMatchObject({
      status: 'APPROVED',
      decreeId: half?.decreeId,
    });
    // The printed code is not valid until the PDF exists.
    const early = await callRoute<ErrorBody>('VerifyDecree', {
      pathParameters: { code: half?.verifyCode ?? '' },
    });
    expect(early.status).toBe(404);

    const done = await issueDecree(request, dependencies());
    expect(done).toMatchObject({
      status: 'ISSUED',
      seq: 2,
      number: half?.number,
      verifyCode: half?.verifyCode,
    });
    const next = await issueDecreeFor(await approved('62.01', '2026-T3'));
    expect(next.seq).toBe(3);
  });

  it('records the PDF an earlier attempt stored before it could record it', async () => {
    const proposal = await approved('62.01', '2026-T4');
    const request = await requestFor(proposal.proposalId);
    let stored = false;
    const crashing = {
      ...dependencies(),
      objects: Object.assign(Object.create(objects) as typeof objects, {
        putOnce: async (...args: Parameters<typeof objects.putOnce>) => {
          stored = (await objects.putOnce(...args)).written;
          throw new Error('crashed after the write (injected)');
        },
      }),
    };
    await expect(issueDecree(request, crashing)).rejects.toThrow(/injected/);
    expect(stored).toBe(true);
    const done = await issueDecree(request, dependencies());
    expect(done?.status).toBe('ISSUED');
    expect(done?.sha256).toBe((await objects.sha256(config.documentsBucket, done?.pdfKey ?? '')).sha256);
  });
});

describe('100 decrees issued at once', () => {
  it('get the numbers after the ones before, exactly once each, with no gap', async () => {
    const before = await decrees.lastSeq(year);
    const periods = [2030, 2031, 2032, 2033, 2034].flatMap((y) =>
      Array.from({ length: 10 }, (_, m) => `${y}-${String(m + 1).padStart(2, '0')}`),
    );
    const targets = ['62.01', '62.03'].flatMap((region) => periods.map((period) => ({ region, period })));
    const ids: string[] = [];
    for (let i = 0; i < targets.length; i += 20) {
      const batch = await Promise.all(
        targets.slice(i, i + 20).map(({ region, period }) => approved(region, period, 1)),
      );
      ids.push(...batch.map((proposal) => proposal.proposalId));
    }
    const requests = await Promise.all(ids.map(requestFor));
    // All at once: each takes the year's next number in its own conditional transaction.
    const numbered = await Promise.all(requests.map((request) => numberDecree(request, dependencies())));
    const seqs = numbered.map((decree) => decree?.seq ?? 0).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => before + i + 1));
    expect(new Set(numbered.map((decree) => decree?.number)).size).toBe(100);
    expect(new Set(numbered.map((decree) => decree?.verifyCode)).size).toBe(100);
    expect(await decrees.lastSeq(year)).toBe(before + 100);

    // Then each is rendered and stored (eight workers at a time) and keeps its number.
    const issued: (Awaited<ReturnType<typeof issueDecree>> | undefined)[] = [];
    for (let i = 0; i < requests.length; i += 8) {
      issued.push(
        ...(await Promise.all(
          requests.slice(i, i + 8).map((request) => issueDecree(request, dependencies())),
        )),
      );
    }
    expect(issued.map((decree) => [decree?.status, decree?.seq])).toEqual(
      numbered.map((decree) => ['ISSUED', decree?.seq]),
    );
    expect(await decrees.lastSeq(year)).toBe(before + 100);
  }, 120_000);
});

describe('verification, revocation and replacement', () => {
  it('verifies a real code as genuine, a revoked one as revoked, and a made-up one as unknown', async () => {
    const proposal = await approved('62.03', '2026-S2');
    const decree = await issueDecreeFor(proposal);

    const genuine = await callRoute('VerifyDecree', {
      pathParameters: { code: decree.verifyCode.toLowerCase() },
    });
    expect(genuine).toMatchObject({
      status: 200,
      body: { genuine: true, inForce: true, status: 'ISSUED', number: decree.number, sha256: decree.sha256 },
    });
    // No personal data, no internal ids.
    expect(JSON.stringify(genuine.body)).not.toMatch(/nik|nama|Sekretaris|proposalId|listId/i);

    const unknown = await callRoute<ErrorBody>('VerifyDecree', {
      pathParameters: { code: 'ABCD-EFGH-JKMN' },
    });
    expect(unknown.status).toBe(404);
    const malformed = await callRoute<ErrorBody>('VerifyDecree', { pathParameters: { code: 'not-a-code' } });
    expect(malformed.status).toBe(400);

    const reason = 'Terdapat penerima ganda; daftar diperbaiki dan diajukan kembali.';
    const revoked = await callRoute('RevokeDecree', {
      pathParameters: { decreeId: decree.decreeId },
      body: { reason },
      claims: approver(),
    });
    expect(revoked).toMatchObject({ status: 200, body: { status: 'REVOKED', revocationReason: reason } });
    expect(await proposals.get(proposal.proposalId)).toMatchObject({ status: 'REVOKED' });
    const twice = await callRoute<ErrorBody>('RevokeDecree', {
      pathParameters: { decreeId: decree.decreeId },
      body: { reason },
      claims: approver(),
    });
    expect(twice.status).toBe(409);

    const after = await callRoute('VerifyDecree', { pathParameters: { code: decree.verifyCode } });
    expect(after).toMatchObject({ status: 200, body: { genuine: true, inForce: false, status: 'REVOKED' } });
    expect(String(after.body.message)).toContain('DICABUT');
    expect(JSON.stringify(after.body)).not.toContain(reason);

    // The PDF of a revoked decree stays, unchanged.
    expect((await objects.sha256(config.documentsBucket, decree.pdfKey ?? '')).sha256).toBe(decree.sha256);

    // The region's corrected list is a new proposal; its decree names the one it replaces.
    const corrected = await approved('62.03', '2026-S2', 4);
    expect(corrected.proposalId).toBe(`${proposal.proposalId}-r2`);
    // The revoked decree's list is a record: the new proposal's import leaves it in place.
    let kept = 0;
    for await (const _ of new RecipientsRepository(config.tableName).stream(decree.listId)) kept++;
    expect(kept).toBe(decree.recipientCount);
    const replacement = await issueDecreeFor(corrected);
    expect(replacement.replaces).toMatchObject({ decreeId: decree.decreeId, number: decree.number });
    expect(await decrees.get(decree.decreeId)).toMatchObject({
      replacedBy: { decreeId: replacement.decreeId, number: replacement.number },
    });
    const text = (await pdfText(replacement.pdfKey ?? '')).replace(/\s+/g, ' ');
    expect(text).toContain(`menggantikan Keputusan Gubernur Kalimantan Tengah Nomor ${decree.number}`);
    const replacedVerify = await callRoute('VerifyDecree', { pathParameters: { code: decree.verifyCode } });
    expect(replacedVerify.body).toMatchObject({ replacedBy: replacement.number });
  });
});

describe('the pre-flight, before a number is taken', () => {
  /** The year's sequence, the proposal and its audit as they were: nothing numbered, nothing written. */
  async function expectNothingTaken(proposalId: string, seqBefore: number, auditBefore: number) {
    expect(await decrees.lastSeq(year)).toBe(seqBefore);
    expect(await decrees.get(`SK-${proposalId}`)).toBeUndefined();
    const after = await proposals.get(proposalId);
    expect(after?.status).toBe('APPROVED');
    expect(after?.decreeId).toBeUndefined();
    expect((await proposals.audit(proposalId)).length).toBe(auditBefore);
  }

  /**
   * One delivery that fails the pre-flight with `code`: nothing numbered, and the reason on the
   * proposal's audit trail: one DECREE_PREFLIGHT_FAILED record (APPROVED → APPROVED, chained, in
   * Indonesian, no NIK), or none when the proposal already carries the same reason (`recorded`).
   */
  async function failsPreflight(
    proposalId: string,
    deps: ReturnType<typeof dependencies>,
    code: string,
    expected: 'recorded' | 'already recorded' = 'recorded',
  ): Promise<AuditRecord | undefined> {
    const before = await decrees.lastSeq(year);
    const audit = (await proposals.audit(proposalId)).length;
    const attempt = issueDecree(await requestFor(proposalId), deps);
    await expect(attempt).rejects.toBeInstanceOf(DecreePreflightError);
    const error = (await attempt.catch((caught: unknown) => caught)) as InstanceType<
      typeof DecreePreflightError
    >;
    expect(error.problems.map((problem) => problem.code)).toContain(code);
    await expectNothingTaken(proposalId, before, audit + (expected === 'recorded' ? 1 : 0));
    if (expected === 'already recorded') return undefined;

    const proposal = await proposals.get(proposalId);
    const trail = await proposals.audit(proposalId);
    expect(verifyChain(trail, proposal?.lastAuditHash)).toEqual({ valid: true, length: trail.length });
    const record = trail.at(-1);
    expect(record).toMatchObject({
      action: 'DECREE_PREFLIGHT_FAILED',
      fromStatus: 'APPROVED',
      toStatus: 'APPROVED',
      actor: { role: 'system' },
      reason: expect.stringMatching(/^Pra-pemeriksaan SK gagal; nomor SK belum diambil/),
      details: { listId: proposal?.approvedListId, codes: expect.stringContaining(code) },
    });
    expect(record?.reason).not.toMatch(/\d{16}/);
    expect(proposal?.decreePreflightFailure).toEqual({
      listId: proposal?.approvedListId,
      codes: expect.arrayContaining([code]),
      reason: record?.reason,
      at: record?.at,
    });
    // The operator and the approver see why no decree came, in the proposal itself.
    const shown = await callRoute<{ decreePreflightFailure?: unknown }>('GetProposal', {
      claims: approver(),
      pathParameters: { proposalId },
    });
    expect(shown.body.decreePreflightFailure).toEqual({
      codes: expect.arrayContaining([code]),
      reason: record?.reason,
      at: record?.at,
    });
    return record;
  }

  it('takes no number for a list with a corrupt item; the next good decree gets the next number', async () => {
    const proposal = await approved('62.01', '2027-S1', 6);
    const listId = proposal.approvedListId ?? '';
    let victim: Record<string, unknown> | undefined;
    for await (const { item } of new RecipientsRepository(config.tableName).stream(listId)) victim ??= item;
    if (!victim) throw new Error('no recipient to corrupt');
    // A stored recipient without its NIK: the list cannot be read whole.
    await documentClient.send(
      new UpdateCommand({
        TableName: config.tableName,
        Key: { pk: victim.pk, sk: victim.sk },
        UpdateExpression: 'REMOVE nik',
      }),
    );
    const before = await decrees.lastSeq(year);
    const record = await failsPreflight(proposal.proposalId, dependencies(), 'LIST_UNREADABLE');
    expect(record?.reason).toMatch(/Daftar .* tidak dapat dibaca utuh: terhenti setelah \d+ penerima/);
    // Redelivered (SQS retries): still nothing taken, and the same reason is not recorded again.
    await failsPreflight(proposal.proposalId, dependencies(), 'LIST_UNREADABLE', 'already recorded');
    await failsPreflight(proposal.proposalId, dependencies(), 'LIST_UNREADABLE', 'already recorded');

    const good = await issueDecreeFor(await approved('62.01', '2027-S2', 3));
    expect(good).toMatchObject({ status: 'ISSUED', seq: before + 1 });
  });

  it('takes no number while the configuration is invalid, and numbers the decree once it is fixed', async () => {
    const proposal = await approved('62.01', '2027-T1', 4);
    const base = dependencies();
    const misconfigured = {
      ...base,
      settings: { ...base.settings, verifyBaseUrl: 'not-a-url', numberPattern: '188.44/{seq}' },
    };
    const first = await failsPreflight(proposal.proposalId, misconfigured, 'CONFIG_INVALID');
    expect(first?.reason).toContain('Konfigurasi SK: alamat verifikasi "not-a-url" bukan URL http(s).');
    expect(first?.reason).toContain('Konfigurasi SK: pola nomor SK "188.44/{seq}"');
    // Another failure is another record: the trail says what was wrong each time it changed.
    const retention = { ...base, retention: { mode: 'GOVERNANCE' as const, days: 0 } };
    const second = await failsPreflight(proposal.proposalId, retention, 'CONFIG_INVALID');
    expect(second?.reason).toContain('Konfigurasi SK: masa retensi 0 hari tidak sah.');
    await failsPreflight(proposal.proposalId, retention, 'CONFIG_INVALID', 'already recorded');

    const before = await decrees.lastSeq(year);
    const fixed = await issueDecree(await requestFor(proposal.proposalId), base);
    expect(fixed).toMatchObject({
      status: 'ISSUED',
      seq: before + 1,
      number: `188.44/${before + 1}/${year}`,
    });
  });

  it('takes no number when the dry rendering throws, nor when the list differs from the approved count', async () => {
    const proposal = await approved('62.01', '2027-T2', 4);
    const base = dependencies();
    let rendered = 0;
    const brokenRenderer = {
      ...base,
      dryRender: () => Promise.reject(new Error('font cannot be read (injected)')),
      render: (...args: Parameters<typeof base.render>) => {
        rendered += 1;
        return base.render(...args);
      },
    };
    const broken = await failsPreflight(proposal.proposalId, brokenRenderer, 'RENDER_FAILED');
    expect(rendered).toBe(0);
    // In Indonesian; the error's own (English) text stays in the logs.
    expect(broken?.reason).toContain('SK tidak dapat disusun menjadi PDF (galat Error); hubungi admin.');
    expect(broken?.reason).not.toContain('font cannot be read');

    const fewer = {
      ...base,
      proposals: Object.assign(Object.create(proposals) as typeof proposals, {
        get: async (id: string) => {
          const real = await proposals.get(id);
          return real && { ...real, recipientCount: real.recipientCount + 1 };
        },
      }),
    };
    await failsPreflight(proposal.proposalId, fewer, 'COUNT_MISMATCH');

    const before = await decrees.lastSeq(year);
    const done = await issueDecree(await requestFor(proposal.proposalId), base);
    expect(done).toMatchObject({ status: 'ISSUED', seq: before + 1 });
    const audit = await proposals.audit(proposal.proposalId);
    expect(audit.slice(-4).map((record) => record.action)).toEqual([
      'DECREE_PREFLIGHT_FAILED',
      'DECREE_PREFLIGHT_FAILED',
      'DECREE_NUMBERED',
      'DECREED',
    ]);
    expect(verifyChain(audit, (await proposals.get(proposal.proposalId))?.lastAuditHash).valid).toBe(true);
  });

  it('fails the SQS message, so that SQS retries it and the dead-letter queue alarms', async () => {
    const proposal = await approved('62.01', '2027-T3', 2);
    const { handler } = await import('../../functions/decree/handler.ts');
    const before = await decrees.lastSeq(year);
    const deps = dependencies();
    const saved = deps.settings.signerName;
    // The handler builds its adapters once; a blank signer name in them is an invalid configuration.
    (deps.settings as { signerName: string }).signerName = ' ';
    const auditBefore = (await proposals.audit(proposal.proposalId)).length;
    try {
      const request = await requestFor(proposal.proposalId);
      // SQS delivers the message three times (maxReceiveCount) before the dead-letter queue.
      for (const receiveCount of [1, 2, 3]) {
        const response = await handler(
          {
            Records: [
              {
                messageId: 'm-preflight',
                body: JSON.stringify(request),
                attributes: { ApproximateReceiveCount: String(receiveCount) },
              },
            ],
          } as never,
          { awsRequestId: `r${receiveCount}`, functionName: 'decree' } as never,
        );
        expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-preflight' }] });
      }
    } finally {
      (deps.settings as { signerName: string }).signerName = saved;
    }
    expect(await decrees.lastSeq(year)).toBe(before);
    expect((await proposals.get(proposal.proposalId))?.status).toBe('APPROVED');
    // The reason is on the proposal's audit trail once, not once per delivery.
    const added = (await proposals.audit(proposal.proposalId)).slice(auditBefore);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      action: 'DECREE_PREFLIGHT_FAILED',
      reason:
        'Pra-pemeriksaan SK gagal; nomor SK belum diambil dan usulan tetap berstatus disetujui. ' +
        'Konfigurasi SK: nama penanda tangan kosong.',
    });
  });
});
