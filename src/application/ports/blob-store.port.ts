/** Objects by key (S3 in AWS): the published `stats.json`, offloaded queue bodies. */
export interface BlobStore {
  /** Writes (replaces) an object. */
  put(key: string, body: string, contentType: string): Promise<void>;
  /** Reads an object, or null when absent. */
  get(key: string): Promise<string | null>;
}
