import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * Key schemas of Stampede's tables, shared by the emulator runtime, the tests and (by hand,
 * keep in step) the CDK stack. All tables are on-demand; TTL attributes hold epoch SECONDS,
 * as DynamoDB TTL requires.
 */
export interface TableDefinition {
  readonly create: (tableName: string) => CreateTableCommandInput;
  /** The TTL attribute to enable, if the table ages items out. */
  readonly ttlAttribute?: string;
}

const stringKeyed = (
  tableName: string,
  hash: string,
  range: string,
  rangeType: 'S' | 'N' = 'S',
): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: hash, AttributeType: 'S' },
    { AttributeName: range, AttributeType: rangeType },
  ],
  KeySchema: [
    { AttributeName: hash, KeyType: 'HASH' },
    { AttributeName: range, KeyType: 'RANGE' },
  ],
});

/** Events: one item per event, partition `streamId`, sort `version`; the stream feeds the relay. */
export const eventsTable: TableDefinition = {
  create: (tableName) => ({
    ...stringKeyed(tableName, 'streamId', 'version', 'N'),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
  }),
};

/** Connections: shard slots, shard markers and the reverse lookup under `pk`/`sk` (see the registry adapter). */
export const connectionsTable: TableDefinition = { create: (t) => stringKeyed(t, 'pk', 'sk'), ttlAttribute: 'ttl' };

/** Presence: one item per playback session, partition `channelId`, sort `sessionId`. */
export const presenceTable: TableDefinition = {
  create: (t) => stringKeyed(t, 'channelId', 'sessionId'),
  ttlAttribute: 'ttl',
};

/** Counters: one counter set per `pk` (sk `counter`) plus idempotency markers (sk `idem#…`). */
export const countersTable: TableDefinition = { create: (t) => stringKeyed(t, 'pk', 'sk'), ttlAttribute: 'ttl' };

/**
 * Snapshots: one item per stream, partition `streamId`, overwritten as the stream grows. A table
 * of its own, not items in the events table: they are overwritten (the events table is
 * append-only, and its stream feeds the relay, which must never see a snapshot).
 */
export const snapshotsTable: TableDefinition = {
  create: (tableName) => ({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'streamId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'streamId', KeyType: 'HASH' }],
  }),
};
