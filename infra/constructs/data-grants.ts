import { Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { importFolder } from '#shared/adapters/storage-keys.ts';
import { PREFIXES } from '#shared/resources.ts';
import type { RouteAccess, TableAccess } from '../../functions/api/routes.ts';
import { acknowledgeWildcardUnder } from '../nag.ts';

/** The stateful resources a function may be granted access to. */
export interface DataResources {
  readonly table: ITable;
  readonly uploadsBucket: IBucket;
  readonly documentsBucket: IBucket;
}

/**
 * Grants a function exactly what its route declares in `functions/api/routes.ts`, nothing by
 * default. The IAM5 acknowledgements name each wildcard these grants produce and say why it is
 * needed, on the function's role only. No route sends to a queue: a route that hands work on writes
 * an outbox item with its change, which the outbox relay sends (`infra/constructs/outbox-relay.ts`).
 */
export function grantRouteAccess(fn: IFunction, access: RouteAccess, data: DataResources): void {
  if (access.leadingKeys) {
    // Point reads of the named partitions only; anything wider must not come with the restriction.
    if (access.table !== 'read') {
      throw new Error(`leadingKeys restricts reads: it needs table 'read', got ${String(access.table)}`);
    }
    grantItemReads(fn, data.table, access.leadingKeys);
  } else if (access.table) {
    grantTableAccess(fn, data.table, access.table);
  }
  if (access.putKeys) {
    // New items under the named partitions only, on top of reads: never an update or a delete.
    if (access.table !== 'read') {
      throw new Error(
        `putKeys adds narrow writes to reads: it needs table 'read', got ${String(access.table)}`,
      );
    }
    grantItemPuts(fn, data.table, access.putKeys);
  }

  switch (access.uploadsBucket) {
    case 'put':
      grantPutUploads(fn, data.uploadsBucket, PREFIXES.uploads);
      break;
    case 'putImports':
      grantPutUploads(fn, data.uploadsBucket, PREFIXES.imports);
      break;
    case 'putDisbursements':
      grantPutUploads(fn, data.uploadsBucket, PREFIXES.disbursements);
      break;
    // A machine client's answer: the one folder of `imports/` its import kind is read from.
    case 'putAccountAnswers':
      grantPutUploads(fn, data.uploadsBucket, importFolder('JAWABAN_REKENING'));
      break;
    case 'putEdc':
      grantPutUploads(fn, data.uploadsBucket, importFolder('EDC'));
      break;
    case 'putBast':
      grantPutUploads(fn, data.uploadsBucket, importFolder('BAST'));
      break;
    case undefined:
      break;
    default:
      throw unknownAccess(access.uploadsBucket);
  }

  switch (access.documentsBucket) {
    case 'read':
      grantReadBucket(fn, data.documentsBucket, 'reports and decrees, handed out through presigned GET URLs');
      break;
    case 'files':
      grantReadBucket(
        fn,
        data.documentsBucket,
        'the files it generates, handed out through presigned GET URLs',
      );
      grantPutPrefix(
        fn,
        data.documentsBucket,
        PREFIXES.files,
        'generated files for download (verval sheets)',
      );
      break;
    case undefined:
      break;
    default:
      throw unknownAccess(access.documentsBucket);
  }
}

/** Read (GetItem, Query…) or read and write on the table and its indexes. */
export function grantTableAccess(fn: IFunction, table: ITable, access: TableAccess): void {
  switch (access) {
    case 'read':
      table.grantReadData(fn);
      break;
    case 'readwrite':
      table.grantReadWriteData(fn);
      break;
    default:
      throw unknownAccess(access);
  }
  acknowledgeWildcardUnder(
    roleOf(fn),
    table.tableArn,
    '/index/*',
    'Table grants cover the table and its global secondary indexes (gsi1 for listings); index/* names only ' +
      'the indexes of this one table, whose names are fixed in shared/resources.ts.',
  );
}

/**
 * GetItem, and only of items whose partition key matches one of `patterns` (`VERIFY#*`): the
 * `dynamodb:LeadingKeys` condition with ForAllValues, on the table itself (no index). Nothing that
 * reads without a partition key is granted: ForAllValues holds for a request with no leading key at
 * all (a Scan), so the condition would not restrict one.
 */
export function grantItemReads(fn: IFunction, table: ITable, patterns: readonly string[]): void {
  if (patterns.length === 0) throw new Error('leadingKeys must name at least one partition key pattern');
  for (const pattern of patterns) {
    if (!/^[A-Z][A-Z0-9_]*#\*?$/.test(pattern)) {
      throw new Error(
        `leadingKeys: ${JSON.stringify(pattern)} is not a key prefix pattern such as "VERIFY#*"`,
      );
    }
  }
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...patterns] } },
    }),
  );
}

/**
 * PutItem and BatchWriteItem (which IAM checks per item, as it checks a TransactWriteItems Put) of
 * items whose partition key matches one of `patterns` (`READLOG#*`): the `dynamodb:LeadingKeys`
 * condition on the table itself. No UpdateItem or DeleteItem: what such a route writes, it adds.
 */
export function grantItemPuts(fn: IFunction, table: ITable, patterns: readonly string[]): void {
  if (patterns.length === 0) throw new Error('putKeys must name at least one partition key pattern');
  for (const pattern of patterns) {
    if (!/^[A-Z][A-Z0-9_]*#\*?$/.test(pattern)) {
      throw new Error(`putKeys: ${JSON.stringify(pattern)} is not a key prefix pattern such as "READLOG#*"`);
    }
  }
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...patterns] } },
    }),
  );
}

/**
 * Presigned PUTs into `uploads/…` only: the import is triggered by that prefix and nothing else.
 * PutObject alone, written out rather than `Bucket.grantPut`, which would add s3:PutObjectRetention
 * and s3:PutObjectLegalHold (and tagging and ACL actions): a presigned URL acts with the signer's
 * rights, and a PUT that may set retention or a legal hold can lock what it writes. A presigned PUT
 * is one request (no multipart upload to abort).
 */
export function grantPutUploads(fn: IFunction, bucket: IBucket, prefix: string): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${prefix}*`)],
    }),
  );
  acknowledgeWildcardUnder(
    roleOf(fn),
    bucket.bucketArn,
    `/${prefix}*`,
    `Writes are limited to the ${prefix} prefix; the rest of the key is generated at run time ` +
      '(keyed by a generated id: uploads by region, period and uploadId; family files by kind and importId; ' +
      "bank reports by the report's date and the bank's file name).",
  );
}

/** The action wildcards of `Bucket.grantRead`, and why each is acceptable. */
const READ_WILDCARDS = [
  [
    's3:GetObject*',
    'GetObject with its Version/Attributes/Tagging variants, needed to read or presign a versioned object.',
  ],
  [
    's3:GetBucket*',
    'bucket-level reads (location, versioning) that the SDK uses to address the bucket; no writes.',
  ],
  [
    's3:List*',
    'ListBucket lets a missing key answer 404 instead of 403; listing reveals only keys of this bucket.',
  ],
] as const;

/** Read any object of a bucket (and list it), e.g. the uploaded file the import reads. */
export function grantReadBucket(fn: IFunction, bucket: IBucket, what: string): void {
  bucket.grantRead(fn);
  const role = roleOf(fn);
  for (const [action, why] of READ_WILDCARDS) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `Bucket.grantRead on this one bucket (${what}): ${why}`,
    });
  }
  acknowledgeWildcardUnder(
    role,
    bucket.bucketArn,
    '/*',
    `Objects are keyed per region, period and id, unknown at deploy time; read access is to ${what}.`,
  );
}

/**
 * The decree worker's storage: write a PDF under `decrees/` with its Object Lock retention, and read
 * it back (a retry hashes what an earlier attempt stored). Nothing else of the bucket.
 */
export function grantDecreeStorage(fn: IFunction, bucket: IBucket): void {
  const prefix = PREFIXES.decrees;
  // Written out rather than Bucket.grantPut, which would add legal-hold, tagging and ACL actions:
  // the worker creates an object (with its retention, which S3 checks as s3:PutObjectRetention) and
  // reads it back, nothing more. The bucket is SSE-S3 encrypted, so no KMS grant is involved.
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:PutObject', 's3:PutObjectRetention', 's3:GetObject'],
      resources: [bucket.arnForObjects(`${prefix}*`)],
    }),
  );
  // Without ListBucket, S3 answers HeadObject on a missing key with 403 instead of 404, and the
  // worker could not tell "not stored yet" from "denied". Not limited by an s3:prefix condition:
  // a HeadObject request carries no prefix, so the condition would never match. Listing shows keys
  // only (ids), never contents.
  fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  acknowledgeWildcardUnder(
    roleOf(fn),
    bucket.bucketArn,
    `/${prefix}*`,
    'Decree PDFs are keyed by year and decree id (decrees/<year>/<decreeId>.pdf), known only at run time.',
  );
}

/**
 * Put under one prefix of a bucket, e.g. the import's error reports: PutObject and
 * AbortMultipartUpload only. Not `Bucket.grantPut`, whose legal-hold and retention actions would let
 * a function lock its own reports in the Object Lock bucket.
 */
export function grantPutPrefix(fn: IFunction, bucket: IBucket, prefix: string, what: string): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: [bucket.arnForObjects(`${prefix}*`)],
    }),
  );
  acknowledgeWildcardUnder(
    roleOf(fn),
    bucket.bucketArn,
    `/${prefix}*`,
    `Writes are limited to the ${prefix} prefix; the rest of the key is generated at run time (${what}).`,
  );
}

/** Read objects under one prefix of a bucket (and list it): e.g. the bank reports under disbursements/. */
export function grantReadPrefix(fn: IFunction, bucket: IBucket, prefix: string, what: string): void {
  bucket.grantRead(fn, `${prefix}*`);
  const role = roleOf(fn);
  for (const [action, why] of READ_WILDCARDS) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `Bucket.grantRead limited to ${prefix}* of this bucket (${what}): ${why}`,
    });
  }
  acknowledgeWildcardUnder(
    role,
    bucket.bucketArn,
    `/${prefix}*`,
    `Reads are limited to the ${prefix} prefix, keyed at run time (${what}).`,
  );
}

/** Acknowledgements go on the role, whose DefaultPolicy carries the statements. */
function roleOf(fn: IFunction): IRole {
  if (!fn.role) throw new Error(`${fn.node.path} has no execution role to grant to`);
  return fn.role;
}

/** Exhaustiveness: a new kind of access in routes.ts fails to compile here until it is granted. */
function unknownAccess(value: never): Error {
  return new Error(`Unknown route access: ${String(value)}`);
}
