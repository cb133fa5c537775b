import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Client, s3PresignClient } from './clients/s3.ts';

/**
 * What the API's routes do with S3: presigned URLs, and storing a small file a route generates (a
 * desa's verval sheet) before handing out its URL. Apart from {@link ObjectStore} (streams,
 * multipart uploads, listings: the workers'), so a route bundles the S3 client and the presigner
 * but not `@aws-sdk/lib-storage`, and a route that presigns nothing bundles no S3 at all.
 */
export class Presigner {
  constructor(
    private readonly client: S3Client = s3Client,
    private readonly presignClient: S3Client = s3PresignClient,
  ) {}

  /** A short-lived download URL; with `versionId`, of that version only (a decree as it was stored). */
  presignGet(
    bucket: string,
    key: string,
    expiresIn: number,
    filename?: string,
    versionId?: string,
  ): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
        ...(filename ? { ResponseContentDisposition: `attachment; filename="${filename}"` } : {}),
      }),
      { expiresIn },
    );
  }

  /** One PutObject of a file held in memory (a few hundred KB at most: no multipart). */
  async putFile(bucket: string, key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  presignPut(bucket: string, key: string, expiresIn: number): Promise<string> {
    return getSignedUrl(this.presignClient, new PutObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn,
    });
  }
}
