/** A stream's state as of `version`, in the JSON shape of its decider's `snapshot` serializer. */
export interface Snapshot {
  readonly streamId: string;
  readonly version: number;
  /** The serializer's state schema version: a snapshot of another version is ignored. */
  readonly schemaVersion: number;
  readonly state: unknown;
}

/**
 * Where state snapshots live: a cache of folds, never a source of truth. A snapshot may be older
 * than the stream's head (the tail is read after it) or missing altogether (the stream is
 * replayed); losing all of them costs time, never correctness.
 */
export interface SnapshotStore {
  /** The newest snapshot stored for the stream, or null. */
  load(streamId: string): Promise<Snapshot | null>;
  /** Stores the snapshot unless one at the same or a later version is already there. */
  save(snapshot: Snapshot): Promise<void>;
}
