import type { AuditRecord } from '../domain/audit.ts';
import { auditKey } from './keys.ts';
import type { TransactItem } from './transactions.ts';

/**
 * The next record of an entity's audit chain, as one action of the transaction that makes the
 * change it records: written once (`attribute_not_exists`), so two changes racing for the same
 * `seq` cannot both land.
 */
export function auditItem(tableName: string, record: AuditRecord): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: { ...auditKey(record.entityId, record.seq), ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
