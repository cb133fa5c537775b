import { nameKey } from '../domain/text.ts';
import { bankReportPath } from './storage-keys.ts';

/**
 * Key layout of the single table. Every item has `pk`/`sk`; items that need a second access path
 * carry `gsi1pk`/`gsi1sk`. Only the DTSEN family items carry a third (`gsi2pk`/`gsi2sk`): a desa's
 * families by the head's name, for the family search.
 *
 * | item                 | pk                              | sk            | gsi1pk / gsi1sk                      |
 * |----------------------|---------------------------------|---------------|--------------------------------------|
 * | upload               | UPLOAD#<uploadId>               | UPLOAD        | UPLOADS#<region>#<period> / <createdAt> |
 * | proposal             | PROPOSAL#<proposalId>           | PROPOSAL      | PROPOSALS#<region> / <scope>#<proposalId> |
 * | current proposal ptr | CURRENT#<region>#<scope>        | CURRENT       |                                      |
 * | recipient            | LIST#<listId>#<shard>           | <row, 7 digits> |                                    |
 * | flag index entry     | LIST#<listId>#<shard>           | F#<code>#<row, 7 digits> |                           |
 * | audit record         | AUDIT#<entityId>                | <seq, 10 digits> |                                   |
 * | flag waiver          | WAIVER#<proposalId>             | <recipientId>#<flag> |                               |
 * | decree               | DECREE#<decreeId>               | DECREE        | DECREES#<year> / <seq, 6 digits>     |
 * | decree number seq    | SEQ#DECREE#<year>               | SEQ           |                                      |
 * | verification code    | VERIFY#<code>                   | VERIFY        |                                      |
 * | bank report          | BANKREPORT#<yyyy-mm-dd>/<file>  | BANKREPORT    |                                      |
 * | payment (bank line)  | PAYMENT#<shard of bankRef, 2 digits> | <bankRef> |                                     |
 * | reconciliation run   | RECON#<runId>                   | RECON         | RECONCILIATIONS / <requestedAt>#<runId> |
 * | outbox (hand-off)    | OUTBOX#<outboxId>               | OUTBOX        | OUTBOX#PENDING / <createdAt>#<outboxId>, while PENDING |
 * | family (DTSEN)       | SNAP#<importId>#<shard, 2 digits> | KK#<noKk>    | FAMKK#<noKk> / <importId>; gsi2: FAMDESA#<desaCode> / <name key>#<noKk>#<importId> |
 * | family member        | SNAP#<importId>#<shard, 2 digits> | KK#<noKk>#M#<nik> | FAMNIK#<nik> / <importId>#<noKk> |
 * | family id (by No KK) | FAMILYID#<noKk>                 | FAMILYID      |                                      |
 * | family id (by id)    | FAMILY#<familyId>               | FAMILY        |                                      |
 * | family read (UU PDP) | READLOG#<familyId>              | <ISO at>#<random> | READLOG#BY#<sub> / <ISO at>      |
 * | desa read (bulk)     | READLOG#DESA#<tahapId>#<desa>   | <ISO at>#<random> | READLOG#BY#<sub> / <ISO at>      |
 * | KPM list read (bulk) | READLOG#LIST#<listId>           | <ISO at>#<random> | READLOG#BY#<sub> / <ISO at>      |
 * | family file import   | IMPORT#<importId>               | IMPORT        | IMPORTS#<region or PROVINSI> / <createdAt> |
 * | DTSEN snapshot       | SNAPSHOT#<region>#<versionDate> | SNAPSHOT      | SNAPSHOTS#<region> / <versionDate>   |
 * | exclusion list       | EXCLLIST#<listId = importId>    | EXCLLIST      | EXCLUSION_LISTS / <programme>#<asOf>#<listId> |
 * | exclusion entry      | EXCL#<listId>#<shard, 2 digits> | N#<nik> or K#<noKk> |                                |
 * | tahap                | TAHAP#<tahapId>                 | TAHAP         | TAHAP / <year>-<number, 2 digits>    |
 * | eligibility verdict  | ELIG#<tahapId>#<runId>#<desaCode> | KK#<noKk>   |                                      |
 * | eligibility tally    | ELIGSUM#<tahapId>#<runId>       | REGION#<region> |                                    |
 * | relawan assignment   | VERVALDESA#<tahapId>#<desaCode> | RELAWAN#<sub> | RELAWAN#<tahapId>#<sub> / <desaCode>  |
 * | verval result        | VERVAL#<tahapId>#<desaCode>     | KK#<noKk>     |                                      |
 * | KPM list composition | KPMCOMPOSE#<tahapId>#<region>   | KPMCOMPOSE    |                                      |
 * | family on a KPM list | KPMFAM#<noKk>                   | <tahapId>#<region> |                                 |
 * | distribution         | DIST#<tahapId>                  | REGION#<region> |                                    |
 * | entitlement          | ENT#<tahapId>#<region>          | <component>#<noKk> |                                 |
 * | card                 | CARDS#<region>                  | CARD#<cardNumber> |                                  |
 * | a family's card      | FAMCARD#<noKk>                  | FAMCARD       |                                      |
 * | card verify code     | CARDCODE#<code>                 | CARDCODE      |                                      |
 * | card serial counter  | SEQ#CARD#<region>               | SEQ           |                                      |
 * | exchange file (out)  | EXCHFILE#<fileId>               | EXCHFILE      | EXCHANGE#<BANK or BULOG> / <createdAt>#<fileId> |
 * | exchange file fetch  | EXCHFETCH#<fileId>              | <ISO at>#<random> |                                  |
 * | penerima's account   | ACCOUNT#<nik>                   | ACCOUNT       |                                      |
 * | account number owner | ACCNO#<noRekening>              | ACCNO         |                                      |
 * | account-opening request | ACCREQ#<tahapId>#<region>    | ACCREQ        |                                      |
 * | payment instruction  | INSTR#<tahapId>#<region>        | FILE#<seq, 2 digits> |                               |
 *
 * `<scope>` is `listScope(kind, period)` (`domain/proposal.ts`): the period for a BKK list (as before
 * KPM lists existed), `KPM#<tahapId>` for a KPM list, so the two kinds never share a key.
 *
 * A recipient list is written under a fresh `listId` and only becomes visible when the proposal's
 * `currentListId` is switched to it in one conditional write, so a half-written import is never
 * seen. Its rows are spread over {@link LIST_SHARDS} partition keys so a 300,000-row import never
 * funnels into one DynamoDB partition (1,000 WCU/s each).
 *
 * Beside each recipient, in its shard's partition, is one flag index entry (keys only) per code the
 * recipient carries: each import warning (`warnings`) and each finding of the checks (`flagCodes`).
 * Recipients' sort keys are 7 digits, so they all sort before the entries (`F#…`): a Query on the
 * digit range reads recipients only, and `begins_with(sk, 'F#<code>#')` reads the rows carrying a
 * code, in row order, so a filtered page costs a read per row it returns, not per row of the list.
 * Deleting a list deletes its partitions, entries included.
 *
 * A bank report (`disbursements/<yyyy-mm-dd>/<file>` in the uploads bucket) has one record keyed by
 * its S3 key. Its payment lines are keyed by the bank's reference, so a reference is recorded once
 * however many reports repeat it, and spread over {@link PAYMENT_SHARDS} partitions by a hash of the
 * reference: reconciliation reads every payment with 32 Queries.
 */
export const LIST_SHARDS = 32;

export const uploadKey = (uploadId: string) => ({ pk: `UPLOAD#${uploadId}`, sk: 'UPLOAD' });
export const uploadsByRegionPeriod = (region: string, period: string) => `UPLOADS#${region}#${period}`;

export const proposalKey = (proposalId: string) => ({ pk: `PROPOSAL#${proposalId}`, sk: 'PROPOSAL' });
export const proposalsByRegion = (region: string) => `PROPOSALS#${region}`;

/** `scope`: `listScope(kind, period)`. */
export const currentProposalKey = (region: string, scope: string) => ({
  pk: `CURRENT#${region}#${scope}`,
  sk: 'CURRENT',
});

/** Audit records of one entity, in order: `AUDIT#<entityId>` / `<seq, 10 digits>`. */
export const auditPartition = (entityId: string) => `AUDIT#${entityId}`;
export const auditKey = (entityId: string, seq: number) => ({
  pk: auditPartition(entityId),
  sk: String(seq).padStart(10, '0'),
});

/** A waiver of one flag on one recipient: at most one, ever. */
export const waiverKey = (proposalId: string, recipientId: string, flag: string) => ({
  pk: `WAIVER#${proposalId}`,
  sk: `${recipientId}#${flag}`,
});
export const waiverPartition = (proposalId: string) => `WAIVER#${proposalId}`;

export const decreeKey = (decreeId: string) => ({ pk: `DECREE#${decreeId}`, sk: 'DECREE' });
export const decreesByYear = (year: number) => `DECREES#${year}`;
export const decreeSeqSortKey = (seq: number) => String(seq).padStart(6, '0');
/** The last decree number given in a year: the one item every numbering transaction conditions on. */
export const decreeSeqKey = (year: number) => ({ pk: `SEQ#DECREE#${year}`, sk: 'SEQ' });
export const verifyCodeKey = (code: string) => ({ pk: `VERIFY#${code}`, sk: 'VERIFY' });

export const reconciliationKey = (runId: string) => ({ pk: `RECON#${runId}`, sk: 'RECON' });

/** A run requested through the API or the local command: sortable by time, unique. */
export const requestedRunId = (at: Date, random: string): string =>
  `run-${at
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 14)}-${random}`;
export const RECONCILIATIONS_INDEX_KEY = 'RECONCILIATIONS';

/**
 * A hand-off to a queue, written in the transaction of the state change that causes it
 * (`shared/adapters/outbox.ts`). Only a PENDING item carries `gsi1pk`: the index holds what is
 * still to be sent, oldest first, and an item leaves it when it is marked SENT.
 */
export const OUTBOX_KEY_PREFIX = 'OUTBOX#';
export const outboxKey = (outboxId: string) => ({ pk: `${OUTBOX_KEY_PREFIX}${outboxId}`, sk: 'OUTBOX' });
export const OUTBOX_PENDING_INDEX_KEY = 'OUTBOX#PENDING';

export const shardOf = (row: number) => row % LIST_SHARDS;
export const listPartition = (listId: string, shard: number) =>
  `LIST#${listId}#${String(shard).padStart(2, '0')}`;
export const rowSortKey = (row: number) => String(row).padStart(7, '0');

export const recipientKey = (listId: string, row: number) => ({
  pk: listPartition(listId, shardOf(row)),
  sk: rowSortKey(row),
});

/** The sort keys of a shard's recipients (its flag index entries sort after them). */
export const ROW_SK_FIRST = '0000000';
export const ROW_SK_LAST = '9999999';

/** Where a list's flag index entries of one code start in each shard partition: `F#<code>#`. */
export const flagIndexPrefix = (code: string) => `F#${code}#`;
export const flagIndexSortKey = (code: string, row: number) => `${flagIndexPrefix(code)}${rowSortKey(row)}`;

/** The entry saying that row `row` of a list carries `code` (a warning or a flag). */
export const flagIndexKey = (listId: string, code: string, row: number) => ({
  pk: listPartition(listId, shardOf(row)),
  sk: flagIndexSortKey(code, row),
});

/** `F#<code>#<row>` → its code and row; undefined for any other sort key (a recipient's). */
export function parseFlagIndexSortKey(sk: string): { code: string; row: number } | undefined {
  const match = /^F#([A-Z_]+)#(\d{7})$/.exec(sk);
  if (!match?.[1] || !match[2]) return undefined;
  return { code: match[1], row: Number(match[2]) };
}

/**
 * `recipientId` is opaque to clients (no NIK in URLs, see interfaces.md §3) but lets the server find
 * the item without an index: `<listId>.<row>`.
 */
export const recipientId = (listId: string, row: number) => `${listId}.${row}`;

export function parseRecipientId(id: string): { listId: string; row: number } | undefined {
  const match = /^([A-Za-z0-9_-]+)\.(\d{1,7})$/.exec(id);
  if (!match?.[1] || !match[2]) return undefined;
  return { listId: match[1], row: Number(match[2]) };
}

// --- Bank disbursement reports (issue #5) -----------------------------------------------------------

export const PAYMENT_SHARDS = 32;

/** The record of one bank report, by the report's S3 key: `BANKREPORT#<yyyy-mm-dd>/<file>`. */
export const bankReportKey = (s3Key: string) => ({
  pk: `BANKREPORT#${bankReportPath(s3Key)}`,
  sk: 'BANKREPORT',
});

/**
 * The shard of a bank reference: FNV-1a over its UTF-16 code units, then murmur3's finaliser so
 * that references differing only in their last characters still spread evenly. Stable forever:
 * changing it would hide every payment already stored.
 */
export function paymentShard(bankRef: string): number {
  return stableShard(bankRef, PAYMENT_SHARDS);
}

/**
 * A shard of `shards` for `text`, the same on every machine and in every release: FNV-1a over the
 * characters, then a murmur-style finaliser so that keys differing only in their last digits spread.
 */
export function stableShard(text: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % shards;
}

/**
 * The rows of a DTSEN file's import (issue #14), spread over {@link FAMILY_SHARDS} partitions by a
 * hash of the No KK: `SNAP#<importId>#<shard, 2 digits>`, sort keys `KK#<noKk>` (a family, from the
 * families file) and `KK#<noKk>#M#<nik>` (a member, from the members file). A snapshot is a pair of
 * imports; a family and its members land in the same shard number of each, both in No KK order, so
 * reading the two shards side by side gives family after family with one family in memory. A member
 * whose family never came has no family beside it, which the snapshot's cross-check reports.
 */
export const FAMILY_SHARDS = 16;

export const familyShard = (noKk: string): number => stableShard(noKk, FAMILY_SHARDS);

export const familyPartition = (importId: string, shard: number) =>
  `SNAP#${importId}#${String(shard).padStart(2, '0')}`;

export const familyKey = (importId: string, noKk: string) => ({
  pk: familyPartition(importId, familyShard(noKk)),
  sk: `KK#${noKk}`,
});

export const memberKey = (importId: string, noKk: string, nik: string) => ({
  pk: familyPartition(importId, familyShard(noKk)),
  sk: `KK#${noKk}#M#${nik}`,
});

/**
 * The lookup attributes of a DTSEN family item (family search, issue #14): by No KK in gsi1
 * (`FAMKK#<noKk>` / `<importId>`: every import that holds the family), and by desa and the head's
 * name in gsi2 (`FAMDESA#<desaCode>` / `<name key>#<noKk>#<importId>`, the name as {@link nameKey}
 * normalises it, so a prefix of it finds the family). A family without a head's name has no gsi2
 * entry. The import writes them with the item; rows of an import that is not (or no longer) a half
 * of a snapshot are found too, and the search drops them.
 */
export function familyLookup(
  importId: string,
  family: {
    readonly noKk: string;
    readonly desaCode: string;
    readonly namaKepalaKeluarga?: string | undefined;
  },
): Record<string, string> {
  const name = family.namaKepalaKeluarga ? nameKey(family.namaKepalaKeluarga) : '';
  return {
    gsi1pk: familyByKkIndexKey(family.noKk),
    gsi1sk: importId,
    ...(name
      ? { gsi2pk: familiesByDesaIndexKey(family.desaCode), gsi2sk: `${name}#${family.noKk}#${importId}` }
      : {}),
  };
}

/** The lookup attributes of a DTSEN member item: by NIK in gsi1 (`FAMNIK#<nik>` / `<importId>#<noKk>`). */
export const memberLookup = (importId: string, member: { readonly noKk: string; readonly nik: string }) => ({
  gsi1pk: memberByNikIndexKey(member.nik),
  gsi1sk: `${importId}#${member.noKk}`,
});

export const familyByKkIndexKey = (noKk: string) => `FAMKK#${noKk}`;
export const memberByNikIndexKey = (nik: string) => `FAMNIK#${nik}`;
export const familiesByDesaIndexKey = (desaCode: string) => `FAMDESA#${desaCode}`;

/**
 * A family's opaque id, assigned the first time a search finds it (never the No KK or a NIK, which
 * are personal data and must stay out of URLs): two items written together, each conditional on
 * neither existing.
 */
export const familyIdByKkKey = (noKk: string) => ({ pk: `FAMILYID#${noKk}`, sk: 'FAMILYID' });
export const familyByIdKey = (familyId: string) => ({ pk: `FAMILY#${familyId}`, sk: 'FAMILY' });

/**
 * Who read a family's data (UU PDP): one item per family per read, `READLOG#<familyId>` /
 * `<ISO at>#<random>` (newest last), and by reader in gsi1 (`READLOG#BY#<sub>` / `<ISO at>`).
 */
export const readLogPartition = (familyId: string) => `READLOG#${familyId}`;
export const readLogByReader = (sub: string) => `READLOG#BY#${sub}`;
/**
 * A bulk read (many families at once, UU PDP): one item per read, keyed by what was read — a
 * desa's families in a tahap, or a page of a KPM list — with the same sort key and reader index.
 */
export const desaReadLogPartition = (tahapId: string, desaCode: string) =>
  `READLOG#DESA#${tahapId}#${desaCode}`;
export const listReadLogPartition = (listId: string) => `READLOG#LIST#${listId}`;
/** Files made for others (the card printer, the bank, BULOG) from a kabupaten's families (issue #15). */
export const fileReadLogPartition = (region: string) => `READLOG#FILE#${region}`;

const FAMILY_SORT_KEY = /^KK#(\d{16})(?:#M#(\d{16}))?$/;

/** What a family item's sort key names: the No KK, and the NIK for a member; undefined for any other. */
export function parseFamilySortKey(sk: string): { readonly noKk: string; readonly nik?: string } | undefined {
  const match = FAMILY_SORT_KEY.exec(sk);
  if (!match?.[1]) return undefined;
  return match[2] === undefined ? { noKk: match[1] } : { noKk: match[1], nik: match[2] };
}

/** A file import of the family programme (DTSEN files, exclusion lists), by import id. */
export const importKey = (importId: string) => ({ pk: `IMPORT#${importId}`, sk: 'IMPORT' });
/** The imports of a kabupaten/kota, or the province's (`PROVINSI`), newest first by `createdAt`. */
export const importsByScope = (region: string | undefined) => `IMPORTS#${region ?? 'PROVINSI'}`;

export const snapshotKey = (region: string, versionDate: string) => ({
  pk: `SNAPSHOT#${region}#${versionDate}`,
  sk: 'SNAPSHOT',
});
export const snapshotsByRegion = (region: string) => `SNAPSHOTS#${region}`;

export const exclusionListKey = (listId: string) => ({ pk: `EXCLLIST#${listId}`, sk: 'EXCLLIST' });
export const EXCLUSION_LISTS_INDEX_KEY = 'EXCLUSION_LISTS';

/** Entries of an exclusion list spread over this many partitions (100,000 entries: 16 Queries). */
export const EXCLUSION_SHARDS = 16;
export const exclusionPartition = (listId: string, shard: number) =>
  `EXCL#${listId}#${String(shard).padStart(2, '0')}`;
/** An entry by NIK (`N#`) or, without one, by No KK (`K#`): the same number twice is one entry. */
export const exclusionEntryKey = (
  listId: string,
  entry: { readonly nik?: string; readonly noKk?: string },
) => {
  const number = entry.nik ?? entry.noKk ?? '';
  return {
    pk: exclusionPartition(listId, stableShard(number, EXCLUSION_SHARDS)),
    sk: entry.nik ? `N#${entry.nik}` : `K#${number}`,
  };
};

export const assignmentKey = (tahapId: string, desaCode: string, sub: string) => ({
  pk: `VERVALDESA#${tahapId}#${desaCode}`,
  sk: `RELAWAN#${sub}`,
});
export const assignmentsOfRelawan = (tahapId: string, sub: string) => `RELAWAN#${tahapId}#${sub}`;
export const vervalPartition = (tahapId: string, desaCode: string) => `VERVAL#${tahapId}#${desaCode}`;

export const paymentPartition = (shard: number) => `PAYMENT#${String(shard).padStart(2, '0')}`;

/** One payment line, by the bank's reference (sort key): a reference is stored once. */
export const paymentKey = (bankRef: string) => ({ pk: paymentPartition(paymentShard(bankRef)), sk: bankRef });

// --- Tahap and eligibility runs (issue #14) ------------------------------------------------------

/** A tahap (`2026-1`), listed through the index in year and number order (`2026-01`). */
export const tahapKey = (tahapId: string) => ({ pk: `TAHAP#${tahapId}`, sk: 'TAHAP' });
export const TAHAP_INDEX_KEY = 'TAHAP';
export const tahapSortKey = (year: number, number: number) => `${year}-${String(number).padStart(2, '0')}`;

/**
 * One family's verdict in one eligibility run, partitioned by desa: a desa's families (a few hundred)
 * are one Query, in No KK order, which is what the summary screens, the verval sheets and the KPM
 * lists read. Keyed by run, so a new run never mixes with an older one and a re-run of the same run
 * overwrites its own items.
 */
export const eligibilityPartition = (tahapId: string, runId: string, desaCode: string) =>
  `ELIG#${tahapId}#${runId}#${desaCode}`;
export const eligibilitySortKey = (noKk: string) => `KK#${noKk}`;
export const eligibilityKey = (tahapId: string, runId: string, desaCode: string, noKk: string) => ({
  pk: eligibilityPartition(tahapId, runId, desaCode),
  sk: eligibilitySortKey(noKk),
});

/** A run's counts, one item per kabupaten (with its kecamatan and desa): 14 items per run. */
export const eligibilitySummaryPartition = (tahapId: string, runId: string) => `ELIGSUM#${tahapId}#${runId}`;
export const eligibilitySummaryKey = (tahapId: string, runId: string, region: string) => ({
  pk: eligibilitySummaryPartition(tahapId, runId),
  sk: `REGION#${region}`,
});

/** The latest composition of a kabupaten's KPM list for a tahap. */
export const kpmComposeKey = (tahapId: string, region: string) => ({
  pk: `KPMCOMPOSE#${tahapId}#${region}`,
  sk: 'KPMCOMPOSE',
});

/**
 * Where a family was last listed in a kabupaten's KPM list of a tahap (its row), for the family's
 * history; an entry whose list is no longer the proposal's is stale and ignored.
 */
export const kpmFamilyPartition = (noKk: string) => `KPMFAM#${noKk}`;
export const kpmFamilyKey = (noKk: string, tahapId: string, region: string) => ({
  pk: kpmFamilyPartition(noKk),
  sk: `${tahapId}#${region}`,
});

/** A kabupaten's distribution in a tahap, opened by its KPM decree (issue #15). */
export const distributionPartition = (tahapId: string) => `DIST#${tahapId}`;
export const distributionKey = (tahapId: string, region: string) => ({
  pk: distributionPartition(tahapId),
  sk: `REGION#${region}`,
});

/**
 * A kabupaten's entitlements in a tahap: one partition (up to ~60,000 families × 2 components, a
 * few MB), read whole by the payment instruction and the reconciliation; one item by component and
 * No KK for a BAST line or a bank answer.
 */
export const entitlementPartition = (tahapId: string, region: string) => `ENT#${tahapId}#${region}`;
export const entitlementKey = (tahapId: string, region: string, component: string, noKk: string) => ({
  pk: entitlementPartition(tahapId, region),
  sk: `${component}#${noKk}`,
});

/** A kabupaten's cards (the print file reads them whole); the number names its kabupaten. */
export const cardPartition = (region: string) => `CARDS#${region}`;
export const cardKey = (region: string, cardNumber: string) => ({
  pk: cardPartition(region),
  sk: `CARD#${cardNumber}`,
});
/** The card a family holds now: one per No KK (1 KK 1 kartu), moved by a replacement only. */
export const familyCardKey = (noKk: string) => ({ pk: `FAMCARD#${noKk}`, sk: 'FAMCARD' });
/**
 * The NIK → card lookup (`NIKCARD#<nik>` / `CARD#<number>`): one item per card a penerima was ever
 * given (written with the card, when numbered or as a replacement), so every card of one NIK is one
 * Query; the EDC import reads it for NIK_DUA_KARTU. Holds the card's number only.
 */
export const nikCardPartition = (nik: string) => `NIKCARD#${nik}`;
export const nikCardKey = (nik: string, cardNumber: string) => ({
  pk: nikCardPartition(nik),
  sk: `CARD#${cardNumber}`,
});
/** A card's public verification code: the card's number and status, nothing about anyone. */
export const cardCodeKey = (code: string) => ({ pk: `CARDCODE#${code}`, sk: 'CARDCODE' });
/** The last card serial given in a kabupaten (blocks are taken with one atomic ADD). */
export const cardSeqKey = (region: string) => ({ pk: `SEQ#CARD#${region}`, sk: 'SEQ' });

/**
 * A penerima's account at Bank Kalteng, one per NIK (`accounts-repo.ts`); beside it, one item per
 * account number naming the NIK that holds it, written in the same transaction with the condition
 * that it does not exist: one account never pays two penerima.
 */
export const accountKey = (nik: string) => ({ pk: `ACCOUNT#${nik}`, sk: 'ACCOUNT' });
export const accountNumberKey = (noRekening: string) => ({ pk: `ACCNO#${noRekening}`, sk: 'ACCNO' });
/** A kabupaten's latest account-opening request of a tahap (one runs at a time). */
export const accountRequestKey = (tahapId: string, region: string) => ({
  pk: `ACCREQ#${tahapId}#${region}`,
  sk: 'ACCREQ',
});
/** A kabupaten's payment instruction files of a tahap, by sequence (`instructionFileId`'s). */
export const instructionPartition = (tahapId: string, region: string) => `INSTR#${tahapId}#${region}`;
export const instructionKey = (tahapId: string, region: string, seq: number) => ({
  pk: instructionPartition(tahapId, region),
  sk: `FILE#${String(seq).padStart(2, '0')}`,
});
// --- Complaints (pengaduan, issue #15) -------------------------------------------------------------

/**
 * | item                 | pk                              | sk            | gsi1 / gsi2                          |
 * |----------------------|---------------------------------|---------------|--------------------------------------|
 * | complaint            | COMPLAINT#<complaintId>         | COMPLAINT     | COMPLAINTS#<unit> / <lodgedAt>#<id>; gsi2 COMPLAINTS#ALL / same |
 * | public code          | ADUCODE#<code>                  | ADUCODE       |                                      |
 * | family's complaint   | FAMCOMPLAINT#<familyId>         | <lodgedAt>#<complaintId> |                           |
 * | counters (dashboards)| COMPLAINTSTAT#<unit>            | AREA#<kabupaten, kecamatan or desa code>, DUE#<dueDate>#<desaCode> | |
 * | rate limit window    | RATE#COMPLAINT#<hash of source> | <window start ISO> | (TTL `expiresAt`)               |
 * | published KPM list   | PUBLICATION#<publicationId>     | PUBLICATION   |                                      |
 *
 * `<unit>` is who handles the complaint: the kabupaten/kota code, or `PROVINSI` (PUNGLI). A regional
 * role's queries name its own unit only, so the province's queue is never in them.
 */
export const complaintKey = (complaintId: string) => ({ pk: `COMPLAINT#${complaintId}`, sk: 'COMPLAINT' });
export const complaintCodeKey = (code: string) => ({ pk: `ADUCODE#${code}`, sk: 'ADUCODE' });
export const complaintsByUnit = (unit: string) => `COMPLAINTS#${unit}`;
export const COMPLAINTS_ALL_INDEX_KEY = 'COMPLAINTS#ALL';
export const complaintSortKey = (lodgedAt: string, complaintId: string) => `${lodgedAt}#${complaintId}`;
export const familyComplaintsPartition = (familyId: string) => `FAMCOMPLAINT#${familyId}`;
export const complaintStatsPartition = (unit: string) => `COMPLAINTSTAT#${unit}`;
export const complaintAreaSortKey = (code: string) => `AREA#${code}`;
export const complaintDueSortKey = (dueDate: string, desaCode: string) => `DUE#${dueDate}#${desaCode}`;
export const complaintRateKey = (sourceHash: string, windowStart: string) => ({
  pk: `RATE#COMPLAINT#${sourceHash}`,
  sk: windowStart,
});
export const publicationKey = (publicationId: string) => ({
  pk: `PUBLICATION#${publicationId}`,
  sk: 'PUBLICATION',
});
/** A file made for Bank Kalteng or BULOG (issue #15), and its party's listing in gsi1, newest last. */
export const exchangeFileKey = (fileId: string) => ({ pk: `EXCHFILE#${fileId}`, sk: 'EXCHFILE' });
export const exchangeFilesByParty = (party: string) => `EXCHANGE#${party}`;
/** Who fetched a file and when: one item per fetch, added and never changed. */
export const exchangeFetchPartition = (fileId: string) => `EXCHFETCH#${fileId}`;

// --- Food (PANGAN) through BULOG (issue #15) ------------------------------------------------------

/**
 * | item                 | pk                              | sk            |
 * |----------------------|---------------------------------|---------------|
 * | BULOG lists job      | FOODLIST#<tahapId>#<region>     | FOODLIST      |
 * | BAST finding         | FOODFIND#<tahapId>#<region>     | <noKk>#<bastLineKey> |
 *
 * A kabupaten's lists job is one item (its latest request, the per-desa files on it). A BAST line
 * that moved nothing is stored under its family and line key, written once (`attribute_not_exists`),
 * so the same line imported again finds it and changes nothing; the reconciliation reads the
 * kabupaten's findings with one Query.
 */
export const foodListKey = (tahapId: string, region: string) => ({
  pk: `FOODLIST#${tahapId}#${region}`,
  sk: 'FOODLIST',
});
export const foodFindingPartition = (tahapId: string, region: string) => `FOODFIND#${tahapId}#${region}`;
export const foodFindingKey = (tahapId: string, region: string, noKk: string, lineKey: string) => ({
  pk: foodFindingPartition(tahapId, region),
  sk: `${noKk}#${lineKey}`,
});

/**
 * EDC transactions (Bank Kalteng): the first redemption of each key (`<tahapId>#<component>#<family
 * or card>`), written once (`attribute_not_exists`: the first write wins across files and retries),
 * and each finding under its tahap, kabupaten, line and code (written once: a file imported again
 * finds nothing new).
 *
 * | item                 | pk                              | sk            |
 * |----------------------|---------------------------------|---------------|
 * | first redemption     | EDCFIRST#<key>                  | EDCFIRST      |
 * | EDC finding          | EDCFIND#<tahapId>#<region>      | <edcLineKey>#<code> |
 */
export const edcFirstKey = (key: string) => ({ pk: `EDCFIRST#${key}`, sk: 'EDCFIRST' });
export const edcFindingPartition = (tahapId: string, region: string) => `EDCFIND#${tahapId}#${region}`;
export const edcFindingKey = (tahapId: string, region: string, lineKey: string, code: string) => ({
  pk: edcFindingPartition(tahapId, region),
  sk: `${lineKey}#${code}`,
});

// --- Dashboards (issue #15) ------------------------------------------------------------------------

/**
 * | item                 | pk              | sk                 |
 * |----------------------|-----------------|--------------------|
 * | a desa's counters    | DASH#<tahapId>  | DESA#<desaCode>    |
 *
 * One partition per tahap: the province's ~1,600 desa are one Query (a kabupaten's, with
 * `begins_with(sk, 'DESA#<region>')`); kecamatan and kabupaten rows are summed when read. Each
 * counter moves only in the transaction that moves the rows it counts, one update per desa a batch
 * touches.
 */
export const dashboardPartition = (tahapId: string) => `DASH#${tahapId}`;
export const dashboardDesaKey = (tahapId: string, desaCode: string) => ({
  pk: dashboardPartition(tahapId),
  sk: `DESA#${desaCode}`,
});
