/**
 * Key layout of the single table. Every item has `pk`/`sk`; items that need a second access path
 * carry `gsi1pk`/`gsi1sk`.
 *
 * | item                 | pk                              | sk            | gsi1pk / gsi1sk                      |
 * |----------------------|---------------------------------|---------------|--------------------------------------|
 * | upload               | UPLOAD#<uploadId>               | UPLOAD        | UPLOADS#<region>#<period> / <createdAt> |
 * | proposal             | PROPOSAL#<proposalId>           | PROPOSAL      | PROPOSALS#<region> / <period>#<proposalId> |
 * | current proposal ptr | CURRENT#<region>#<period>       | CURRENT       |                                      |
 * | recipient            | LIST#<listId>#<shard>           | <row, 7 digits> |                                    |
 * | audit record         | AUDIT#<entityId>                | <seq, 10 digits> |                                   |
 * | flag waiver          | WAIVER#<proposalId>             | <recipientId>#<flag> |                               |
 * | decree               | DECREE#<decreeId>               | DECREE        | DECREES#<year> / <seq, 6 digits>     |
 * | decree number seq    | SEQ#DECREE#<year>               | SEQ           |                                      |
 * | verification code    | VERIFY#<code>                   | VERIFY        |                                      |
 *
 * A recipient list is written under a fresh `listId` and only becomes visible when the proposal's
 * `currentListId` is switched to it in one conditional write, so a half-written import is never
 * seen. Its rows are spread over {@link LIST_SHARDS} partition keys so a 300,000-row import never
 * funnels into one DynamoDB partition (1,000 WCU/s each).
 */
export const LIST_SHARDS = 32;

export const uploadKey = (uploadId: string) => ({ pk: `UPLOAD#${uploadId}`, sk: 'UPLOAD' });
export const uploadsByRegionPeriod = (region: string, period: string) => `UPLOADS#${region}#${period}`;

export const proposalKey = (proposalId: string) => ({ pk: `PROPOSAL#${proposalId}`, sk: 'PROPOSAL' });
export const proposalsByRegion = (region: string) => `PROPOSALS#${region}`;

export const currentProposalKey = (region: string, period: string) => ({
  pk: `CURRENT#${region}#${period}`,
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

export const shardOf = (row: number) => row % LIST_SHARDS;
export const listPartition = (listId: string, shard: number) =>
  `LIST#${listId}#${String(shard).padStart(2, '0')}`;
export const rowSortKey = (row: number) => String(row).padStart(7, '0');

export const recipientKey = (listId: string, row: number) => ({
  pk: listPartition(listId, shardOf(row)),
  sk: rowSortKey(row),
});

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
