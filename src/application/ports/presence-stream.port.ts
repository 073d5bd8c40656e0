import type { PresenceStreamRecord } from '../presence-stream/beat-record.js';

/**
 * The presence stream (Kinesis in AWS): records keyed `<channel>#<k>`, so each sub-partition's
 * records stay in order on one shard and have one consumer. Refused records are retried with
 * back-off; then `PublishError` is thrown.
 */
export interface PresenceStream {
  publish(records: readonly PresenceStreamRecord[]): Promise<void>;
}
