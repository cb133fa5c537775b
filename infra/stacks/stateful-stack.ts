import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { HttpMethods, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { BUCKETS, PREFIXES, TABLES } from '#shared/resources.ts';
import { AccessLogsBucket, ProjectBucket } from '../constructs/project-bucket.ts';
import { ProjectTable } from '../constructs/project-table.ts';
import { assertAllowedOrigins, DEFAULT_ALLOWED_ORIGINS, UPLOAD_CORS_RULE } from '../settings.ts';

export interface KhbsStatefulStackProps extends StackProps {
  /**
   * Origins allowed to PUT into the uploads bucket through presigned URLs (browser CORS); never
   * `*`. The presigned signature is what authorises an upload; CORS keeps other sites' pages from
   * using one.
   * @default DEFAULT_ALLOWED_ORIGINS in `infra/settings.ts` (['http://localhost:5173'])
   */
  readonly uploadAllowedOrigins?: readonly string[];
  /**
   * How long a replaced or deleted version of an uploaded file is kept.
   * @default Duration.days(90)
   */
  readonly uploadsNoncurrentVersionExpiration?: Duration;
}

/**
 * What holds data: the table and the buckets, each RETAINed, so the stateless stack can be
 * destroyed and redeployed freely. Everything is named in `shared/resources.ts`.
 */
export class KhbsStatefulStack extends Stack {
  public readonly table: ITable;
  public readonly uploadsBucket: IBucket;
  public readonly documentsBucket: IBucket;

  constructor(scope: Construct, id: string, props: KhbsStatefulStackProps = {}) {
    super(scope, id, props);
    const uploadOrigins = [...(props.uploadAllowedOrigins ?? DEFAULT_ALLOWED_ORIGINS)];
    assertAllowedOrigins(uploadOrigins, 'uploadAllowedOrigins of the uploads bucket');

    this.table = new ProjectTable(this, TABLES.main.id, { spec: TABLES.main });

    const accessLogs = new AccessLogsBucket(this, 'AccessLogsBucket');

    this.uploadsBucket = new ProjectBucket(this, BUCKETS.uploads.id, {
      accessLogsBucket: accessLogs,
      // Browsers PUT the file straight to S3 with the URL that `POST /uploads` presigns.
      cors: [
        {
          allowedMethods: UPLOAD_CORS_RULE.allowedMethods.map((method) => HttpMethods[method]),
          allowedOrigins: uploadOrigins,
          allowedHeaders: [...UPLOAD_CORS_RULE.allowedHeaders],
          exposedHeaders: [...UPLOAD_CORS_RULE.exposedHeaders],
          maxAge: UPLOAD_CORS_RULE.maxAgeSeconds,
        },
      ],
      lifecycleRules: [
        {
          id: 'ExpireReplacedUploads',
          noncurrentVersionExpiration: props.uploadsNoncurrentVersionExpiration ?? Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // Decrees must never be overwritten: Object Lock on, with no default retention here, because
    // the decree writer sets a retention per object when it stores a signed SK.
    this.documentsBucket = new ProjectBucket(this, BUCKETS.documents.id, {
      accessLogsBucket: accessLogs,
      objectLockEnabled: true,
    });
    // A decree PDF is written once: a PUT under decrees/ without If-None-Match (which could lay a new
    // version over a locked decree) is refused for everyone, the decree worker included.
    this.documentsBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DecreesAreWrittenOnce',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.documentsBucket.arnForObjects(`${PREFIXES.decrees}*`)],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'UploadsBucketName', { value: this.uploadsBucket.bucketName });
    new CfnOutput(this, 'DocumentsBucketName', { value: this.documentsBucket.bucketName });
  }
}
