import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { s3Client, s3PresignClient } from './clients/s3.ts';
import { Presigner } from './presigner.ts';

/** S3 behind the few calls this service makes: stream in, stream out, presign. */
export class ObjectStore {
  constructor(
    private readonly client: S3Client = s3Client,
    private readonly presignClient: S3Client = s3PresignClient,
  ) {}

  /** The object's body as a Node stream; nothing is buffered beyond the socket's own window. */
  async read(bucket: string, key: string): Promise<Readable> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return out.Body as Readable;
  }

  /**
   * A writable stream into a new object, sent as a multipart upload (5 MB parts), so a report of
   * any length is written with bounded memory. `done()` resolves when the object exists.
   */
  openWrite(
    bucket: string,
    key: string,
    contentType: string,
  ): { stream: PassThrough; done: () => Promise<void> } {
    const stream = new PassThrough();
    const upload = new Upload({
      client: this.client,
      params: { Bucket: bucket, Key: key, Body: stream, ContentType: contentType },
      queueSize: 2,
    });
    const finished = upload.done();
    // Surface a failure at done(), not as an unhandled rejection while the stream is still open.
    finished.catch(() => undefined);
    return {
      stream,
      done: async () => {
        await finished;
      },
    };
  }

  async put(bucket: string, key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  /**
   * Writes an object that must never be replaced (a decree): only if no object has the key yet
   * (`If-None-Match: *`, so S3 refuses a second writer with 412), with its SHA-256 for S3 to check
   * on arrival, and under Object Lock retention when given. `written: false` when the key was taken.
   */
  async putOnce(
    bucket: string,
    key: string,
    body: Uint8Array,
    contentType: string,
    options: {
      sha256Hex: string;
      retention?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; until: Date } | undefined;
    },
  ): Promise<
    { readonly written: true; readonly versionId: string | undefined } | { readonly written: false }
  > {
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          IfNoneMatch: '*',
          ChecksumSHA256: Buffer.from(options.sha256Hex, 'hex').toString('base64'),
          ...(options.retention
            ? { ObjectLockMode: options.retention.mode, ObjectLockRetainUntilDate: options.retention.until }
            : {}),
        }),
      );
      return { written: true, versionId: out.VersionId };
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412)
        return { written: false };
      throw error;
    }
  }

  /** Every object under a prefix, page by page (1,000 keys a page): never the whole listing in memory. */
  async *list(
    bucket: string,
    prefix: string,
  ): AsyncGenerator<{ key: string; etag: string; size: number; lastModified: Date }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield {
          key: object.Key,
          etag: (object.ETag ?? '').replaceAll('"', ''),
          size: object.Size ?? 0,
          lastModified: object.LastModified ?? new Date(0),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Whether an object exists under the key. */
  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return false;
      throw error;
    }
  }

  /** SHA-256 (hex), size and version of an object's current bytes, read as a stream. */
  async sha256(
    bucket: string,
    key: string,
  ): Promise<{ sha256: string; bytes: number; versionId: string | undefined }> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of out.Body as Readable) {
      const data = chunk as Buffer;
      hash.update(data);
      bytes += data.length;
    }
    return { sha256: hash.digest('hex'), bytes, versionId: out.VersionId };
  }

  /** A short-lived download URL; with `versionId`, of that version only (a decree as it was stored). */
  presignGet(
    bucket: string,
    key: string,
    expiresIn: number,
    filename?: string,
    versionId?: string,
  ): Promise<string> {
    return new Presigner(this.client, this.presignClient).presignGet(
      bucket,
      key,
      expiresIn,
      filename,
      versionId,
    );
  }

  presignPut(bucket: string, key: string, expiresIn: number): Promise<string> {
    return new Presigner(this.client, this.presignClient).presignPut(bucket, key, expiresIn);
  }
}
