import { S3Client } from '@aws-sdk/client-s3';
import { traceable } from '../../observability/tracing.ts';

/**
 * The S3 clients, created once per container, in a module of their own (see
 * `shared/adapters/clients/dynamodb.ts`). The endpoint comes from `AWS_ENDPOINT_URL_S3` (or
 * `AWS_ENDPOINT_URL`); a configured endpoint (the emulator) is addressed path-style.
 */
const s3Endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;

export const s3Client = /* @__PURE__ */ traceable(
  /* @__PURE__ */ new S3Client({ forcePathStyle: s3Endpoint !== undefined }),
);

/**
 * For presigned PUT URLs handed to browsers and scripts: since SDK 3.729 the default client signs a
 * CRC32 checksum of an empty body into the URL, which every real upload then fails. Checksums are
 * computed only where S3 requires them.
 */
export const s3PresignClient = /* @__PURE__ */ new S3Client({
  forcePathStyle: s3Endpoint !== undefined,
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
