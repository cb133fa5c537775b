import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  StreamViewType,
  Table,
  TableEncryption,
  type TableProps,
} from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { TableSpec } from '#shared/resources.ts';

export interface ProjectTableProps
  extends Omit<TableProps, 'partitionKey' | 'sortKey' | 'timeToLiveAttribute' | 'tableName' | 'stream'> {
  /** Keys, TTL attribute, stream and indexes, from `shared/resources.ts` (shared with the local stack). */
  readonly spec: TableSpec;
}

/**
 * A DynamoDB table built from its spec: string keys, the spec's global indexes (all attributes
 * projected), on-demand billing, AWS-managed encryption, point-in-time recovery, deletion
 * protection and RETAIN, so neither a mistaken deploy nor a deleted stack loses the data.
 */
export class ProjectTable extends Table {
  constructor(scope: Construct, id: string, props: ProjectTableProps) {
    const { spec, ...rest } = props;
    super(scope, id, {
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      ...rest,
      partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
      sortKey: { name: spec.sortKey, type: AttributeType.STRING },
      ...(spec.timeToLiveAttribute ? { timeToLiveAttribute: spec.timeToLiveAttribute } : {}),
      ...(spec.stream === 'NEW_IMAGE' ? { stream: StreamViewType.NEW_IMAGE } : {}),
    });
    for (const index of spec.globalIndexes) {
      this.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      });
    }
  }
}
