import { PassThrough, type Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Client, s3PresignClient } from './clients.ts';

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

  presignGet(bucket: string, key: string, expiresIn: number, filename?: string): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(filename ? { ResponseContentDisposition: `attachment; filename="${filename}"` } : {}),
      }),
      { expiresIn },
    );
  }

  presignPut(bucket: string, key: string, expiresIn: number): Promise<string> {
    return getSignedUrl(this.presignClient, new PutObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn,
    });
  }
}
