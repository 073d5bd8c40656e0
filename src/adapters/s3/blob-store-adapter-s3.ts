import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../../application/ports/blob-store.port.js';
import { awsErrorName } from '../aws-shared/backoff.js';

export interface S3BlobStoreOptions {
  /** Prepended to every key, e.g. `public/` for the published stats. */
  readonly prefix?: string;
  /** Cache-Control of written objects (stats.json is polled by browsers behind a CDN). */
  readonly cacheControl?: string;
}

/** A BlobStore on one S3 bucket. A put replaces the object whole; S3 reads are strongly consistent. */
export class S3BlobStore implements BlobStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly options: S3BlobStoreOptions = {},
  ) {}

  async put(key: string, body: string, contentType: string): Promise<void> {
    if (key.length === 0) throw new RangeError('a blob key must not be empty');
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key(key),
        Body: body,
        // Stated, so the SDK need not measure the body (and does not warn for an empty one).
        ContentLength: Buffer.byteLength(body),
        ContentType: contentType,
        ...(this.options.cacheControl ? { CacheControl: this.options.cacheControl } : {}),
      }),
    );
  }

  async get(key: string): Promise<string | null> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      return (await object.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      // NoSuchKey with s3:ListBucket permission; without it S3 answers 403 AccessDenied, which is a setup error and rethrown.
      if (awsErrorName(error) === 'NoSuchKey' || awsErrorName(error) === 'NotFound') return null;
      throw error;
    }
  }

  private key(key: string): string {
    return `${this.options.prefix ?? ''}${key}`;
  }
}
