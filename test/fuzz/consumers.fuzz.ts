import type { DynamoDBRecord, KinesisStreamRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { InMemoryQueue } from '../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { decodeEventStreamRecord } from '../../src/adapters/dynamodb/stream-record-decoder.js';
import { EventStoreChangeStream } from '../../src/adapters/local/event-store-change-stream.js';
import { kinesisRecordFormat } from '../../src/adapters/local/kinesis-record-format.js';
import { encodeFeedRecord } from '../../src/adapters/kinesis/feed-record-codec.js';
import { LOCAL_TOKENS } from '../../src/entrypoints/local/local.container.js';
import { INTEGRATION_TOKENS } from '../../src/entrypoints/composition/integration.module.js';
import { RECOMMEND_TOKENS } from '../../src/entrypoints/composition/recommend.module.js';
import { LOCAL_INTEGRATION_TOKENS } from '../../src/entrypoints/local/integration.feature.js';
import { TOKENS } from '../../src/entrypoints/composition/tokens.js';
import { LOCAL_RECOMMEND_TOKENS } from '../../src/entrypoints/local/recommend.feature.js';
import { anyJson, anyString, mutate, rawGarbage } from './garbage.arbitraries.js';
import { CHANNELS, count, outcome, type FuzzWorld } from './fuzz-world.js';

/** A body the consumer must refuse whatever its schema: not JSON, or JSON that is not an object. */
const isKnownGarbage = (text: string): boolean => {
  try {
    const value: unknown = JSON.parse(text);
    return value === null || typeof value !== 'object' || Array.isArray(value);
  } catch {
    return true;
  }
};

/** Record bodies: a mutated valid message (often still valid), JSON of any shape, or not JSON at all. */
const bodyArb = (template: Record<string, unknown>) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: mutate(template).map((m) =>
        m.kind === 'json' ? JSON.stringify(m.value) : m.kind === 'raw' ? m.text : '',
      ),
    },
    { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: rawGarbage },
  );

let sqsIds = 0;
const sqsRecord = (body: string, queueArn: string, groupId?: string): SQSRecord => {
  const id = `fz-${++sqsIds}`;
  return {
    messageId: id,
    receiptHandle: `${id}#1`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'AIDAFUZZ',
      ApproximateFirstReceiveTimestamp: '0',
      ...(groupId === undefined
        ? {}
        : { MessageGroupId: groupId, MessageDeduplicationId: id, SequenceNumber: String(sqsIds) }),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'eu-west-1',
  };
};

interface SqsTarget {
  readonly name: string;
  readonly template: (world: FuzzWorld) => Record<string, unknown>;
  readonly handler: (
    world: FuzzWorld,
  ) => (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] } | void>;
  readonly queueArn: string;
  /** The consumer parks what it can never process here (deleted, not failed) instead of failing it. */
  readonly parking?: (world: FuzzWorld) => InMemoryQueue<unknown>;
  readonly fifo?: boolean;
}

export const SQS_TARGETS: readonly SqsTarget[] = [
  {
    name: 'presence (heartbeat queue)',
    template: (w) => ({
      kind: 'beat',
      channelId: 'c0',
      sessionId: 'fz-sess',
      userId: null,
      sequence: 3,
      at: w.clock.now(),
    }),
    handler: (w) => w.handlers.presence,
    queueArn: 'arn:aws:sqs:local:000000000000:heartbeats',
  },
  {
    name: 'booking (FIFO booking queue)',
    template: (w) => ({ requestId: 'fz-req', tripId: 't0', passengerId: 'u2', seats: 1, requestedAt: w.clock.now() }),
    handler: (w) => w.handlers.booking,
    queueArn: 'arn:aws:sqs:local:000000000000:booking.fifo',
    fifo: true,
    parking: (w) => w.queues.bookingParked,
  },
  {
    name: 'auction-close (scheduler queue)',
    template: (w) => ({ auctionId: 'a1', channelId: 'c1', endsAt: w.clock.now() + 60_000, hop: 1 }),
    handler: (w) => w.handlers.auctionClose,
    queueArn: 'arn:aws:sqs:local:000000000000:scheduler',
  },
  {
    name: 'broadcast (broadcast queue)',
    template: () => ({
      channelId: 'c0',
      shardNo: 0,
      payload: { channelId: 'c0', items: [{ kind: 'signal', signal: 'LIKES', channelId: 'c0', count: 3, at: 1 }] },
    }),
    handler: (w) => w.container.get(TOKENS.BroadcastHandler),
    queueArn: 'arn:aws:sqs:local:000000000000:broadcast',
  },
];

/**
 * Batches of up to 10 records, valid, nearly valid and garbage mixed, through an SQS consumer:
 * the invocation never throws, failures name records of the batch, every garbage record is
 * reported failed (so it is retried, then dead-lettered) or, by a consumer that parks, parked
 * and not failed, and a batch whose records all failed
 * changed nothing.
 */
export const fuzzSqsConsumer = async (world: FuzzWorld, target: SqsTarget, numRuns: number): Promise<void> => {
  const handler = target.handler(world);
  await fc.assert(
    fc.asyncProperty(fc.array(bodyArb(target.template(world)), { minLength: 1, maxLength: 10 }), async (bodies) => {
      count(`queue ${target.name}`, bodies.length);
      const records = bodies.map((b) => sqsRecord(b, target.queueArn, target.fifo ? 't0' : undefined));
      const before = await world.fingerprint();
      const response = await handler({ Records: records });
      const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      const parking = target.parking?.(world);
      const parked = new Set<string>();
      for (let batch = parking?.receive(10) ?? []; batch.length > 0; batch = parking?.receive(10) ?? []) {
        for (const m of batch) {
          parked.add((m.body as { messageId: string }).messageId);
          void parking?.delete(m.receiptHandle);
        }
      }
      for (const id of failed) expect(records.map((r) => r.messageId)).toContain(id);
      records.forEach((r, i) => {
        outcome(
          `queue ${target.name}`,
          failed.has(r.messageId) ? 'failed → retried/DLQ' : parked.has(r.messageId) ? 'parked' : 'processed',
        );
        if (!isKnownGarbage(bodies[i] as string)) return;
        if (parking)
          expect(
            parked.has(r.messageId) && !failed.has(r.messageId),
            `garbage record ${(bodies[i] as string).slice(0, 80)} was not parked`,
          ).toBe(true);
        else
          expect(
            failed.has(r.messageId),
            `garbage record ${(bodies[i] as string).slice(0, 80)} was not reported failed`,
          ).toBe(true);
      });
      if (failed.size === records.length)
        expect(await world.fingerprint(), 'a batch that failed entirely changed state').toBe(before);
    }),
    { numRuns },
  );
};

/** Whether the events table's stream decoder reads this record as a stored event. */
const decodes = (record: DynamoDBRecord): boolean => {
  try {
    return decodeEventStreamRecord(record) !== null;
  } catch {
    return false;
  }
};

/** A DynamoDB Streams record whose image is garbage (an INSERT, so it cannot be skipped as a REMOVE). */
const garbageImage = fc.oneof(
  fc.dictionary(
    fc.constantFrom('streamId', 'version', 'type', 'data', 'metadata', 'occurredAt', 'eventId', 'schemaVersion'),
    fc.oneof(
      anyString.map((S) => ({ S })),
      fc.oneof(anyString, fc.integer().map(String)).map((N) => ({ N })),
      anyJson.map((v) => ({ S: JSON.stringify(v) ?? '' })),
      fc.constant({ NULL: true }),
    ),
    { maxKeys: 8 },
  ),
  fc.constant(undefined),
);

/**
 * Stream consumers (relay: DynamoDB Streams; fanout and recommend-consumer: Kinesis): a batch
 * of real records with garbage ones spliced in. Order matters on a stream, so a consumer
 * reports the first record it cannot use (Lambda retries from there); with a garbage record
 * first, nothing may be published.
 */
export const fuzzStreamConsumers = async (world: FuzzWorld, numRuns: number): Promise<void> => {
  const store = world.container.get(LOCAL_TOKENS.InMemoryEventStore);
  const envelopes = (await Promise.all(CHANNELS.map(async (c) => (await store.read(`channel-${c}`)).events))).flat();
  const replay = new EventStoreChangeStream(
    { subscribe: (listener) => (listener(envelopes), () => undefined) },
    { shardCount: 1 },
  );
  const realRecords = [...replay.read(0, 0, 1_000)] as DynamoDBRecord[];
  replay.close();
  const relay = world.container.get(TOKENS.RelayHandler);
  const fanout = world.container.get(TOKENS.FanoutHandler);
  const recommend = world.container.get(RECOMMEND_TOKENS.Handler);
  const feed = world.container.get(LOCAL_TOKENS.FeedStream);
  const requestStream = world.container.get(LOCAL_RECOMMEND_TOKENS.RequestStream);

  let seq = 0;
  const relayRecord = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...realRecords).map((r) => ({ record: r, garbage: false })) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...realRecords), garbageImage)
        .map(([r, image]) => ({
          record: {
            ...r,
            eventName: 'INSERT',
            dynamodb: {
              ...r.dynamodb,
              SequenceNumber: `9${++seq}`,
              ...(image === undefined ? { NewImage: undefined } : { NewImage: image }),
            },
          } as DynamoDBRecord,
          garbage: true,
        }))
        // A dictionary of these fields can spell a well-formed event of some stream no viewer
        // watches (seen: streamId "null", type " ", version 1): the relay rightly skips it, so it is
        // not garbage. Garbage here is what the events table's stream decoder refuses.
        .filter(({ record }) => !decodes(record)),
    },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(relayRecord, { minLength: 1, maxLength: 20 }), async (batch) => {
      count('stream relay (DynamoDB Streams)', batch.length);
      const before = await world.fingerprint();
      const response = await relay({ Records: batch.map((b) => b.record) });
      const firstGarbage = batch.findIndex((b) => b.garbage);
      outcome('stream relay (DynamoDB Streams)', firstGarbage === -1 ? 'all published' : 'stopped at first bad record');
      if (firstGarbage === -1) expect(response.batchItemFailures).toEqual([]);
      else {
        expect(response.batchItemFailures).toEqual([
          { itemIdentifier: batch[firstGarbage]?.record.dynamodb?.SequenceNumber },
        ]);
        if (firstGarbage === 0) expect(await world.fingerprint()).toBe(before);
      }
    }),
    { numRuns },
  );

  // The integration publisher reads the same stream. A record the relay refuses may be one it has
  // nothing to publish for (an unknown type on a viewer stream): it reports at most one record, always
  // a bad one, and nothing is published when the first record is the bad one.
  const integration = world.container.get(INTEGRATION_TOKENS.Handler);
  const topic = world.container.get(LOCAL_INTEGRATION_TOKENS.Topic);
  await fc.assert(
    fc.asyncProperty(fc.array(relayRecord, { minLength: 1, maxLength: 20 }), async (batch) => {
      const name = 'stream integration-publisher (DynamoDB Streams)';
      count(name, batch.length);
      const accepted = topic.stats().accepted;
      const response = await integration({ Records: batch.map((b) => b.record) });
      expect(response.batchItemFailures.length).toBeLessThanOrEqual(1);
      const reported = response.batchItemFailures[0]?.itemIdentifier;
      outcome(name, reported === undefined ? 'all published' : 'stopped at a bad record');
      if (reported === undefined) return;
      const at = batch.findIndex((b) => b.record.dynamodb?.SequenceNumber === reported);
      expect(batch[at]?.garbage).toBe(true);
      if (at === 0) expect(topic.stats().accepted).toBe(accepted);
    }),
    { numRuns },
  );

  const kinesis = (streamArn: string, data: string, i: number): KinesisStreamRecord =>
    kinesisRecordFormat(streamArn).toEvent(
      [{ sequenceNumber: String(100_000 + i), partitionKey: 'c0', data, approximateArrivalTimestamp: 1 } as never],
      0,
    ).Records[0] as KinesisStreamRecord;
  const validFeedData = encodeFeedRecord([{ kind: 'signal', signal: 'LIKES', channelId: 'c0', count: 2, at: 1 }]);
  const feedData = fc.oneof(
    { weight: 2, arbitrary: fc.constant({ data: validFeedData, garbage: false }) },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          rawGarbage,
          anyJson.map((v) => JSON.stringify(v) ?? 'null'),
        )
        .filter(isKnownGarbage)
        .map((data) => ({ data, garbage: true })),
    },
  );
  for (const [name, handler, arn] of [
    ['stream fanout (Kinesis feed)', fanout, feed.arn],
    ['stream recommend-consumer (Kinesis feed)', recommend, feed.arn],
  ] as const) {
    await fc.assert(
      fc.asyncProperty(fc.array(feedData, { minLength: 1, maxLength: 20 }), async (batch) => {
        count(name, batch.length);
        const records = batch.map((b, i) => kinesis(arn, b.data, i));
        const before = await world.fingerprint();
        const response = await handler({ Records: records });
        const firstGarbage = batch.findIndex((b) => b.garbage);
        outcome(name, firstGarbage === -1 ? 'all used' : 'stopped at first bad record');
        if (firstGarbage === -1) expect(response?.batchItemFailures ?? []).toEqual([]);
        else {
          expect(response?.batchItemFailures).toEqual([
            { itemIdentifier: records[firstGarbage]?.kinesis.sequenceNumber },
          ]);
          if (firstGarbage === 0 && name.includes('fanout')) expect(await world.fingerprint()).toBe(before);
        }
      }),
      { numRuns },
    );
  }

  // The request stream: records are independent; every garbage one is reported, the rest served.
  const requestData = fc.oneof(
    {
      weight: 2,
      arbitrary: mutate({ user_id: 'u3', top_n: 5, request_id: 'rq-1', timestamp: 1 }).map((m) => ({
        data: m.kind === 'json' ? JSON.stringify(m.value) : m.kind === 'raw' ? m.text : '',
        garbage: false,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          rawGarbage,
          anyJson.map((v) => JSON.stringify(v) ?? 'null'),
        )
        .filter(isKnownGarbage)
        .map((data) => ({ data, garbage: true })),
    },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(requestData, { minLength: 1, maxLength: 20 }), async (batch) => {
      count('stream recommend-consumer (Kinesis requests)', batch.length);
      const records = batch.map((b, i) => kinesis(requestStream.arn, b.data, i));
      const response = await recommend({ Records: records });
      const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      batch.forEach((b, i) => {
        const id = records[i]?.kinesis.sequenceNumber as string;
        outcome(
          'stream recommend-consumer (Kinesis requests)',
          failed.has(id) ? 'failed → retried/on-failure destination' : 'served',
        );
        if (b.garbage) expect(failed.has(id)).toBe(true);
      });
    }),
    { numRuns },
  );
};
