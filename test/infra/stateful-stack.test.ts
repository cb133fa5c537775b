import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUCKETS, PREFIXES, TABLES } from '#shared/resources.ts';
import { onlyResource, type Resources, SYNTH_TIMEOUT_MS, synthKhbsApp } from './support/khbs-app.ts';

let template: Template;

beforeAll(() => {
  template = synthKhbsApp().statefulTemplate;
}, SYNTH_TIMEOUT_MS);

describe('KhbsStateful: the table', () => {
  it('has the keys, index and TTL of TABLES.main, billed on demand', () => {
    const spec = TABLES.main;
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: spec.partitionKey, KeyType: 'HASH' },
        { AttributeName: spec.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: spec.partitionKey, AttributeType: 'S' },
        { AttributeName: spec.sortKey, AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: spec.globalIndexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      TimeToLiveSpecification: { AttributeName: spec.timeToLiveAttribute, Enabled: true },
    });
  });

  it('is protected: point-in-time recovery, deletion protection, encryption, retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        // AWS-managed KMS key (aws/dynamodb), not the AWS-owned default.
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });
});

describe('KhbsStateful: the buckets', () => {
  it('has the two data buckets and one access-log bucket', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1 + Object.keys(BUCKETS).length);
  });

  it('blocks public access, encrypts, versions and retains every bucket', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket') as Resources);
    for (const bucket of buckets) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
      });
    }
  });

  it('denies every request without TLS, on every bucket', () => {
    const buckets = Object.keys(template.findResources('AWS::S3::Bucket'));
    for (const bucketId of buckets) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('logs both data buckets into the access-log bucket', () => {
    const [logBucketId] = onlyResource(
      template,
      'AWS::S3::Bucket',
      (p) => p.LoggingConfiguration === undefined,
    );
    const logged = Object.values(template.findResources('AWS::S3::Bucket') as Resources).filter(
      (bucket) => bucket.Properties?.LoggingConfiguration !== undefined,
    );
    expect(logged).toHaveLength(Object.keys(BUCKETS).length);
    for (const bucket of logged) {
      expect(bucket.Properties?.LoggingConfiguration).toMatchObject({
        DestinationBucketName: { Ref: logBucketId },
      });
    }
  });

  it('lets browsers PUT into the uploads bucket and expires replaced uploads after 90 days', () => {
    const [, uploads] = onlyResource(template, 'AWS::S3::Bucket', (p) => p.CorsConfiguration !== undefined);
    expect(uploads.LoggingConfiguration).toMatchObject({ LogFilePrefix: `${BUCKETS.uploads.id}/` });
    expect(uploads.CorsConfiguration).toMatchObject({
      CorsRules: [expect.objectContaining({ AllowedMethods: ['PUT'] })],
    });
    expect(uploads.LifecycleConfiguration).toMatchObject({
      Rules: [
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' }),
      ],
    });
  });

  it('turns on Object Lock for the documents bucket, without a default retention', () => {
    const [, documents] = onlyResource(template, 'AWS::S3::Bucket', (p) => p.ObjectLockEnabled === true);
    expect(documents.LoggingConfiguration).toMatchObject({ LogFilePrefix: `${BUCKETS.documents.id}/` });
    expect(documents.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(documents.ObjectLockConfiguration).toBeUndefined();
  });

  it('refuses, for every principal, a PUT under decrees/ of the documents bucket without If-None-Match', () => {
    const [documentsId] = onlyResource(template, 'AWS::S3::Bucket', (p) => p.ObjectLockEnabled === true);
    const statementsOf = (bucketId: string): Record<string, unknown>[] =>
      Object.values(template.findResources('AWS::S3::BucketPolicy') as Resources)
        .filter((policy) => JSON.stringify(policy.Properties?.Bucket) === JSON.stringify({ Ref: bucketId }))
        .flatMap(
          (policy) =>
            (policy.Properties?.PolicyDocument as { Statement?: Record<string, unknown>[] } | undefined)
              ?.Statement ?? [],
        );
    const writeOnce = statementsOf(documentsId).filter((s) => s.Sid === 'DecreesAreWrittenOnce');
    expect(writeOnce).toEqual([
      {
        Sid: 'DecreesAreWrittenOnce',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [documentsId, 'Arn'] }, `/${PREFIXES.decrees}*`]] },
        // Null = true: the request carries no If-None-Match header (a conditional create), so the
        // PUT could lay a new version over a decree that is already stored.
        Condition: { Null: { 's3:if-none-match': 'true' } },
      },
    ]);
    expect(PREFIXES.decrees).toBe('decrees/');
    // The write-once rule is the documents bucket's alone; no other bucket carries it.
    const others = Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id !== documentsId);
    for (const id of others) {
      expect(
        statementsOf(id).filter((s) => s.Sid === 'DecreesAreWrittenOnce'),
        id,
      ).toEqual([]);
    }
    // No statement of the documents bucket allows anything: access comes from IAM roles only.
    expect(statementsOf(documentsId).filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('publishes the table and bucket names', () => {
    for (const name of ['TableName', 'UploadsBucketName', 'DocumentsBucketName']) {
      template.hasOutput(name, {});
    }
  });
});
