import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUCKETS, TABLES } from '#shared/resources.ts';
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

  it('publishes the table and bucket names', () => {
    for (const name of ['TableName', 'UploadsBucketName', 'DocumentsBucketName']) {
      template.hasOutput(name, {});
    }
  });
});
