import { promisify } from 'node:util';
import { brotliCompress, brotliDecompressSync, constants as zlib, gunzipSync } from 'node:zlib';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Snapshot, SnapshotStore } from '../../application/ports/snapshot-store.port.js';
import { awsErrorName } from '../aws-shared/backoff.js';

const compress = promisify(brotliCompress);

/**
 * Brotli at quality 6: the cold-load benchmark's 10,000-bid auction state (auction snapshot
 * schema 3: 142 KB of JSON; schema 4: 114 KB) is 7–8 KB where gzip made 26 KB, compressed in a few ms on the
 * (background) write; a cold load reads this item before its first command, and its bytes are
 * most of that cost on DynamoDB. Higher qualities cost far more CPU for little. How much either
 * saves depends on the state: random ids (UUID bid ids) barely compress at all.
 */
const BROTLI = {
  params: { [zlib.BROTLI_PARAM_QUALITY]: 6, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT },
};

/** DynamoDB's item limit is 400 KB; the rest of the item is a few dozen bytes. */
const MAX_STATE_BYTES = 399_000;

/**
 * Snapshots on DynamoDB: one item per stream (`snapshotsTable`), `state` compressed JSON in a
 * binary attribute — Brotli (`encoding: 'br'`); items written before that are gzip (no
 * `encoding`) and still read. Compressed because states that grow with the stream (an auction's accepted bids)
 * are repetitive JSON: 10,000 bids are ~600 KB as JSON, over the 400 KB item limit, and a
 * fraction of that zipped — which is also what a cold load reads. A state that is still too
 * large is refused with an error (the command handler logs it and keeps replaying).
 */
export class DynamoDbSnapshotStore implements SnapshotStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(streamId: string): Promise<Snapshot | null> {
    // Eventually consistent (half the read units): a snapshot a moment stale is still a correct
    // starting point, the events after it are read from the event store.
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { streamId } }));
    if (!Item) return null;
    const { version, schemaVersion, state, encoding } = Item as {
      version?: unknown;
      schemaVersion?: unknown;
      state?: unknown;
      encoding?: unknown;
    };
    if (typeof version !== 'number' || typeof schemaVersion !== 'number' || !(state instanceof Uint8Array)) {
      throw new Error(`snapshot item of ${streamId} is malformed (version, schemaVersion or state)`);
    }
    if (encoding !== undefined && encoding !== 'br') {
      throw new Error(`snapshot item of ${streamId} has an unknown encoding ${JSON.stringify(encoding)}`);
    }
    // Synchronous on purpose: the asynchronous form hands the work to libuv's thread pool and
    // back once per 16 KiB of output (7–9 hops for the cold-load benchmark's state), and on
    // a busy machine each hop waits for a core — 6–8 ms of the 10,000-event cold load against
    // ~0.6 ms of CPU done here. A Lambda serves one request at a time, so nothing else waits; the
    // input is at most one item (400 KB). Compression stays asynchronous: it is a background write.
    const json = encoding === 'br' ? brotliDecompressSync(state) : gunzipSync(state);
    return { streamId, version, schemaVersion, state: JSON.parse(json.toString('utf8')) as unknown };
  }

  async save(snapshot: Snapshot): Promise<void> {
    const state = await compress(JSON.stringify(snapshot.state), BROTLI);
    if (state.byteLength > MAX_STATE_BYTES) {
      throw new Error(
        `snapshot of ${snapshot.streamId} at version ${snapshot.version} is ${state.byteLength} bytes compressed, over DynamoDB's 400 KB item limit`,
      );
    }
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            streamId: snapshot.streamId,
            version: snapshot.version,
            schemaVersion: snapshot.schemaVersion,
            state,
            encoding: 'br',
          },
          // Writers race (several Lambdas load one hot stream): the newest version wins, whatever the order.
          ConditionExpression: 'attribute_not_exists(#s) OR #v < :v',
          ExpressionAttributeNames: { '#s': 'streamId', '#v': 'version' },
          ExpressionAttributeValues: { ':v': snapshot.version },
        }),
      );
    } catch (error) {
      if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
    }
  }
}
