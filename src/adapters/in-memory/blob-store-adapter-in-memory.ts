import type { BlobStore } from '../../application/ports/blob-store.port.js';

export interface StoredBlob {
  readonly body: string;
  readonly contentType: string;
}

/** The in-memory twin of an S3 bucket: a put replaces the object whole (last write wins). */
export class InMemoryBlobStore implements BlobStore {
  private readonly objects = new Map<string, StoredBlob>();

  async put(key: string, body: string, contentType: string): Promise<void> {
    if (key.length === 0) throw new RangeError('a blob key must not be empty');
    this.objects.set(key, { body, contentType });
  }

  async get(key: string): Promise<string | null> {
    return this.objects.get(key)?.body ?? null;
  }

  /** The object with its content type, for the local runtime's static server and tests. */
  entry(key: string): StoredBlob | null {
    return this.objects.get(key) ?? null;
  }
}
