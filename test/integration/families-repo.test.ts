import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { DTSEN_LATEST_BIRTH_YEAR, dtsenBuffers } from '../../local/dtsen-data.ts';
import { recreateTable } from '../support/aws.ts';
import { useEmulatorEnv } from '../support/env.ts';

/**
 * A DTSEN snapshot stored and read back (issue #14): a generated, messy extract of Kapuas read and
 * checked row by row, its kept rows written by `FamiliesRepository` in any order, then streamed family
 * by family from DynamoDB Local and cross-checked. What the cross-check finds must be exactly what
 * the generator planted: members whose family is absent or refused, a family without a head.
 */
const env = useEmulatorEnv();
const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
const { FamiliesRepository } = await import('#shared/adapters/families-repo.ts');
const { FAMILY_LAYOUT, MEMBER_LAYOUT } = await import('#shared/domain/family/dtsen-columns.ts');
const { validateFamilyRow, validateMemberRow } = await import('#shared/domain/family/dtsen-rows.ts');
const { checkGroup } = await import('#shared/domain/family/snapshot-check.ts');
const { runEligibility } = await import('#shared/domain/family/eligibility-run.ts');
const { readCsvRecords } = await import('#shared/import/csv-records.ts');
const { toRows } = await import('#shared/import/rows.ts');
type StoredFamily = import('#shared/model.ts').StoredFamily;
type StoredMember = import('#shared/model.ts').StoredMember;

const REGION = '62.03';
const SNAPSHOT = { families: 'imp-keluarga-1', members: 'imp-anggota-1' };
const FAMILIES = 400;

let repo: InstanceType<typeof FamiliesRepository>;

beforeAll(async () => {
  await recreateTable();
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: env.AWS_ENDPOINT_URL_DYNAMODB, region: env.AWS_REGION }),
  );
  repo = new FamiliesRepository(env.TABLE_NAME as string, client);
});

async function rowsOf<C extends string>(bytes: Buffer, layout: Parameters<typeof toRows<C>>[1]) {
  const rows = [];
  for await (const row of toRows(readCsvRecords(Readable.from([bytes])), layout)) rows.push(row);
  return rows;
}

describe('FamiliesRepository', () => {
  it('stores a snapshot in any order and reads it back family by family, cross-checked', async () => {
    const { families, members, expected } = await dtsenBuffers({
      region: REGION,
      families: FAMILIES,
      seed: 5,
      format: 'csv',
    });
    const kept: StoredFamily[] = [];
    for (const { sourceRow, raw } of await rowsOf(families, FAMILY_LAYOUT)) {
      const checked = validateFamilyRow(raw, REGION);
      if (checked.value) kept.push({ ...checked.value, sourceRow });
    }
    const people: StoredMember[] = [];
    const seen = new Set<string>();
    for (const { sourceRow, raw } of await rowsOf(members, MEMBER_LAYOUT)) {
      const checked = validateMemberRow(raw, { latestBirthYear: DTSEN_LATEST_BIRTH_YEAR });
      if (!checked.value) continue;
      // The same NIK twice in one KK is the import's to refuse (the second would overwrite the first).
      const key = `${checked.value.noKk}#${checked.value.nik}`;
      if (seen.has(key)) continue;
      seen.add(key);
      people.push({ ...checked.value, sourceRow });
    }

    // The members file first, then the families: the order of the two imports must not matter.
    const memberWriter = repo.writer(SNAPSHOT.members);
    for (const member of people) await memberWriter.putMember(member);
    await memberWriter.flush();
    const familyWriter = repo.writer(SNAPSHOT.families);
    for (const family of [...kept].reverse()) await familyWriter.putFamily(family);
    await familyWriter.flush();

    let groups = 0;
    let withFamily = 0;
    let membersRead = 0;
    const orphanRows: number[] = [];
    const headlessRows: number[] = [];
    for await (const group of repo.groups(SNAPSHOT)) {
      groups++;
      membersRead += group.members.length;
      if (group.family) {
        withFamily++;
        expect(group.family.noKk).toBe(group.noKk);
      }
      for (const member of group.members) expect(member.noKk).toBe(group.noKk);
      for (const problem of checkGroup(group)) {
        if (problem.code === 'ANGGOTA_TANPA_KELUARGA') orphanRows.push(...problem.rows);
        if (problem.code === 'KELUARGA_TANPA_KEPALA') headlessRows.push(...problem.rows);
      }
    }
    expect(withFamily).toBe(kept.length);
    expect(membersRead).toBe(people.length);
    expect(groups).toBeGreaterThan(withFamily); // the orphans' groups
    expect(orphanRows.sort((a, b) => a - b)).toEqual(
      expected.crossFile.memberWithoutFamily.map((entry) => entry.row).sort((a, b) => a - b),
    );
    expect(headlessRows).toEqual(expected.crossFile.familyWithoutHead.map((entry) => entry.row));
    expect(expected.crossFile.familyWithoutHead).toHaveLength(1);

    // Eligibility over the stored snapshot: keys first (the indexes), then family by family.
    const verdicts = new Map<string, { status: string; reasons: string[] }>();
    const outcome = await runEligibility({
      desil: { min: 1, max: 5 },
      snapshots: [{ region: REGION, keys: () => repo.keys(SNAPSHOT), groups: () => repo.groups(SNAPSHOT) }],
      lists: [],
      exclusions: (async function* () {})(),
      record: async ({ noKk, verdict }) => {
        verdicts.set(noKk, {
          status: verdict.status,
          reasons: verdict.status === 'EXCLUDED' ? verdict.reasons.map((detail) => detail.reason) : [],
        });
      },
    });
    expect(outcome.families).toBe(kept.length);
    expect(outcome.tally.of(REGION).families).toBe(kept.length);
    const headless = expected.crossFile.familyWithoutHead[0]?.noKk ?? '';
    expect(verdicts.get(headless)?.reasons).toContain('TANPA_KEPALA_KELUARGA');
    const richer = kept.filter((entry) => entry.desil > 5);
    expect(richer.length).toBeGreaterThan(0);
    for (const entry of richer) expect(verdicts.get(entry.noKk)?.reasons).toContain('DESIL_DI_LUAR_RENTANG');
    for (const entry of kept.filter((entry) => !entry.kkValid)) {
      expect(verdicts.get(entry.noKk)?.reasons).toContain('NO_KK_TIDAK_SAH');
    }
    expect(outcome.tally.of(REGION).eligible).toBe(
      [...verdicts.values()].filter((verdict) => verdict.status === 'ELIGIBLE').length,
    );
  });

  it('reads nothing of another snapshot', async () => {
    const groups = [];
    for await (const group of repo.groups({ families: 'imp-keluarga-2', members: 'imp-anggota-2' })) {
      groups.push(group);
    }
    expect(groups).toEqual([]);
  });

  it('pairs a families import with another members import: only that pair is read', async () => {
    const other = repo.writer('imp-anggota-3');
    const [first] = (
      await rowsOf(
        (
          await dtsenBuffers({ region: REGION, families: 3, seed: 9, format: 'csv' })
        ).members,
        MEMBER_LAYOUT,
      )
    ).map(({ sourceRow, raw }) => ({
      sourceRow,
      checked: validateMemberRow(raw, { latestBirthYear: DTSEN_LATEST_BIRTH_YEAR }),
    }));
    if (!first?.checked.value) throw new Error('the generator made no valid member');
    await other.putMember({ ...first.checked.value, sourceRow: first.sourceRow });
    await other.flush();
    const groups = [];
    for await (const group of repo.groups({ families: SNAPSHOT.families, members: 'imp-anggota-3' }))
      groups.push(group);
    // Every family of the first import, now without members; the one member with or without its family.
    expect(groups.filter((group) => group.family).every((group) => group.members.length <= 1)).toBe(true);
    expect(groups.flatMap((group) => group.members)).toHaveLength(1);
  });
});
