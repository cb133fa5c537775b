import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/** What every bucket of the project has, whatever it holds. */
const SECURE_DEFAULTS = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  encryption: BucketEncryption.S3_MANAGED,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  versioned: true,
  removalPolicy: RemovalPolicy.RETAIN,
} as const satisfies BucketProps;

export interface ProjectBucketProps extends BucketProps {
  /** The bucket that receives this bucket's S3 server access logs. */
  readonly accessLogsBucket: IBucket;
  /**
   * Key prefix of this bucket's access logs in the log bucket.
   * @default `${id}/`
   */
  readonly accessLogsPrefix?: string;
}

/**
 * A data bucket of the project: private, TLS only, S3-managed encryption, versioned, retained when
 * the stack goes, and logged to the access-log bucket. Bucket-specific rules (CORS, lifecycle,
 * Object Lock) come in through the ordinary `BucketProps`.
 */
export class ProjectBucket extends Bucket {
  constructor(scope: Construct, id: string, props: ProjectBucketProps) {
    const { accessLogsBucket, accessLogsPrefix, ...rest } = props;
    super(scope, id, {
      ...SECURE_DEFAULTS,
      ...rest,
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: accessLogsPrefix ?? `${id}/`,
    });
  }
}

export interface AccessLogsBucketProps {
  /**
   * How long access logs are kept.
   * @default Duration.days(365)
   */
  readonly retention?: Duration;
}

/**
 * Where S3 writes the server access logs of the other buckets. It logs nowhere itself (that would
 * log its own log writes); cdk-nag's S1 accepts a bucket that is the log target of another.
 * S3 log delivery only supports SSE-S3 on the target, which is what the project uses anyway.
 */
export class AccessLogsBucket extends Bucket {
  constructor(scope: Construct, id: string, props: AccessLogsBucketProps = {}) {
    super(scope, id, {
      ...SECURE_DEFAULTS,
      lifecycleRules: [
        {
          id: 'ExpireAccessLogs',
          expiration: props.retention ?? Duration.days(365),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });
  }
}
