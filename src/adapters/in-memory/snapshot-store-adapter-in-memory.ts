import type { Snapshot, SnapshotStore } from '../../application/ports/snapshot-store.port.js';

/**
 * The in-memory snapshot store. States go through JSON on the way in and out, as they do on
 * DynamoDB, so a serializer that emits something JSON cannot carry (a Map, a class) fails here.
 */
export class InMemorySnapshotStore implements SnapshotStore {
  private readonly snapshots = new Map<string, string>();

  async load(streamId: string): Promise<Snapshot | null> {
    const stored = this.snapshots.get(streamId);
    return stored === undefined ? null : (JSON.parse(stored) as Snapshot);
  }

  async save(snapshot: Snapshot): Promise<void> {
    const current = this.snapshots.get(snapshot.streamId);
    if (current !== undefined && (JSON.parse(current) as Snapshot).version >= snapshot.version) return;
    this.snapshots.set(snapshot.streamId, JSON.stringify(snapshot));
  }
}
