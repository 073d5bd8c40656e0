/**
 * The measured client, alone in its process (kinesalite runs in the runner, DynamoDB Local in
 * its JVM): each workload runs through Stampede's adapter and through the bare SDK call a
 * hand-written backend would make, with the same table layout, the same items and the same
 * number of operations in flight. Subjects alternate (A B B A …) so drift in the emulators
 * (JIT, heap growth) falls on both sides.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { DynamoDbEventStore } from '../../src/adapters/dynamodb/event-store-adapter-dynamodb.js';
import { eventsTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { KinesisFeedPublisher } from '../../src/adapters/kinesis/feed-publisher-adapter-kinesis.js';
import { ensureStream } from '../../src/adapters/kinesis/stream-provisioning.js';
import type { NewEvent } from '../../src/domain/shared/envelope.js';
import type { ChatSignal } from '../../src/domain/live-feed/feed-item.js';
import { parentChannel, type Message } from '../lib/child-process.js';
import { SampleBuffer, summarize } from '../lib/stats.js';

const channel = parentChannel();
const region = 'us-east-1';
// Emulators accept any credentials; fixed ones keep the SDK from searching the machine for some.
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface Params {
  readonly ops: number;
  readonly concurrency: number;
  readonly rounds: number;
  readonly streamLength: number;
  readonly batch: number;
  /** Only the workloads whose name contains this (case-insensitive); empty = all. */
  readonly only: string;
}

export interface WorkloadFigures {
  readonly workload: string;
  readonly subject: 'adapter' | 'raw';
  readonly ops: number;
  readonly opsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuUsPerOp: number;
  readonly itemsPerOp: number;
}

/** `ops` calls of `op(i)`, `concurrency` in flight; latency per call, wall time, client CPU. */
const drive = async (ops: number, concurrency: number, op: (i: number) => Promise<unknown>) => {
  const latencies = new SampleBuffer(ops);
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const lane = async () => {
    for (let i = next++; i < ops; i = next++) {
      const s = performance.now();
      await op(i);
      latencies.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { latencies: latencies.values(), wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
};

/** A bid-sized event body (~250 bytes as JSON), like the auction's BidPlaced. */
const newEvent = (i: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'BidPlaced',
  schemaVersion: 1,
  occurredAt: 1_770_000_000_000 + i,
  data: {
    auctionId: `auction-${i % 97}`,
    bidId: `bid-${randomUUID()}`,
    bidderId: `bidder-${i % 1013}`,
    amount: 1_000 + i,
    currency: 'EUR',
    at: 1_770_000_000_000 + i,
  },
  correlationId: randomUUID(),
  channelId: `channel-${i % 13}`,
});

/** The item the adapter writes for that event (event-item.ts), built by hand as a raw caller would. */
const rawItem = (streamId: string, version: number, e: NewEvent) => ({
  streamId,
  version,
  eventId: e.eventId,
  type: e.type,
  schemaVersion: e.schemaVersion,
  occurredAt: e.occurredAt,
  data: e.data,
  correlationId: e.correlationId,
  channelId: e.channelId,
});

const chat = (i: number, channels: number): ChatSignal => ({
  kind: 'signal',
  signal: 'CHAT',
  channelId: `channel-${i % channels}`,
  messageId: randomUUID(),
  userId: `viewer-${i % 1009}`,
  text: `message ${i}: ${'stampede '.repeat(12)}`.trim(),
  at: 1_770_000_000_000 + i,
});

interface Workload {
  readonly name: string;
  /** Items (events, feed items) each op carries. */
  readonly itemsPerOp: number;
  /** Makes the op for one round; setup (e.g. seeding streams) is not measured. */
  readonly prepare: (subject: 'adapter' | 'raw', round: number) => Promise<(i: number) => Promise<unknown>>;
}

const run = async (endpoints: { dynamodb: string; kinesis: string }, p: Params): Promise<WorkloadFigures[]> => {
  const ddb = new DynamoDBClient({ endpoint: endpoints.dynamodb, region, credentials });
  const doc: DynamoDBDocumentClient = documentClientFor(ddb);
  // kinesalite fails with the default HTTP/2 handler.
  const kinesis = new KinesisClient({
    endpoint: endpoints.kinesis,
    region,
    credentials,
    requestHandler: new NodeHttpHandler(),
  });
  const table = `bench-events-${randomUUID().slice(0, 8)}`;
  const streamName = `bench-feed-${randomUUID().slice(0, 8)}`;
  channel.progress('creating the events table and the feed stream…');
  await ensureTable(ddb, table, eventsTable);
  await ensureStream(kinesis, streamName, 4);
  const store = new DynamoDbEventStore(doc, table);
  const publisher = new KinesisFeedPublisher(kinesis, streamName, {
    sleeper: { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), random: Math.random },
  });
  const conditionalPut = (streamId: string, version: number, e: NewEvent) =>
    doc.send(
      new PutCommand({
        TableName: table,
        Item: rawItem(streamId, version, e),
        ConditionExpression: 'attribute_not_exists(#v)',
        ExpressionAttributeNames: { '#v': 'version' },
      }),
    );
  /** Streams of `length` events written with raw puts (unmeasured setup). */
  const seed = async (prefix: string, count: number, length: number) => {
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    await drive(count * length, p.concurrency, (k) =>
      conditionalPut(ids[k % count]!, Math.floor(k / count) + 1, newEvent(k)),
    );
    return ids;
  };

  const workloads: Workload[] = [
    {
      name: 'append to a new stream (1 event)',
      itemsPerOp: 1,
      prepare: async (subject, round) => (i) => {
        const streamId = `new-${subject}-${round}-${i}`;
        return subject === 'adapter'
          ? store.append(streamId, 0, [newEvent(i)])
          : conditionalPut(streamId, 1, newEvent(i));
      },
    },
    {
      name: `append to a ${p.streamLength}-event stream (1 event)`,
      itemsPerOp: 1,
      prepare: async (subject, round) => {
        const ids = await seed(`next-${subject}-${round}`, p.ops, p.streamLength);
        return (i) =>
          subject === 'adapter'
            ? store.append(ids[i]!, p.streamLength, [newEvent(i)])
            : conditionalPut(ids[i]!, p.streamLength + 1, newEvent(i));
      },
    },
    {
      name: `read a ${p.streamLength}-event stream`,
      itemsPerOp: p.streamLength,
      prepare: async (subject, round) => {
        const ids = await seed(`read-${subject}-${round}`, Math.min(p.ops, 500), p.streamLength);
        return async (i) => {
          const streamId = ids[i % ids.length]!;
          if (subject === 'adapter') {
            const slice = await store.read(streamId);
            if (slice.events.length !== p.streamLength)
              throw new Error(`adapter read ${slice.events.length} of ${p.streamLength} events of ${streamId}`);
            return slice;
          }
          const page = await doc.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: '#s = :s AND #v > :v',
              ExpressionAttributeNames: { '#s': 'streamId', '#v': 'version' },
              ExpressionAttributeValues: { ':s': streamId, ':v': 0 },
              ConsistentRead: true,
            }),
          );
          if ((page.Items?.length ?? 0) !== p.streamLength)
            throw new Error(`raw query read ${page.Items?.length ?? 0} of ${p.streamLength} items of ${streamId}`);
          return page;
        };
      },
    },
    {
      name: 'Kinesis: publish 1 chat item',
      itemsPerOp: 1,
      prepare: async (subject) => (i) => {
        const item = chat(i, 50);
        return subject === 'adapter'
          ? publisher.publish([item])
          : kinesis.send(
              new PutRecordsCommand({
                StreamName: streamName,
                Records: [{ PartitionKey: item.channelId, Data: Buffer.from(JSON.stringify(item)) }],
              }),
            );
      },
    },
    {
      name: `Kinesis: publish ${p.batch} chat items (10 channels)`,
      itemsPerOp: p.batch,
      prepare: async (subject) => async (i) => {
        const items = Array.from({ length: p.batch }, (_, k) => chat(i * p.batch + k, 10));
        if (subject === 'adapter') return publisher.publish(items);
        const res = await kinesis.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: items.map((item) => ({ PartitionKey: item.channelId, Data: Buffer.from(JSON.stringify(item)) })),
          }),
        );
        if ((res.FailedRecordCount ?? 0) > 0)
          throw new Error(`raw PutRecords: ${res.FailedRecordCount} records refused`);
        return res;
      },
    },
  ];

  const out: WorkloadFigures[] = [];
  for (const w of workloads.filter((x) => x.name.toLowerCase().includes(p.only.toLowerCase()))) {
    const acc = {
      adapter: { lat: [] as Float64Array[], wallMs: 0, cpuMs: 0, ops: 0 },
      raw: { lat: [] as Float64Array[], wallMs: 0, cpuMs: 0, ops: 0 },
    };
    // Warm-up (JIT, sockets) for both sides, not counted.
    for (const subject of ['adapter', 'raw'] as const) {
      channel.progress(`${w.name}: warm-up (${subject})`);
      await drive(Math.min(200, p.ops), p.concurrency, await w.prepare(subject, -1));
    }
    for (let round = 0; round < p.rounds; round++) {
      const order = round % 2 === 0 ? (['adapter', 'raw'] as const) : (['raw', 'adapter'] as const);
      for (const subject of order) {
        channel.progress(
          `${w.name}: round ${round + 1}/${p.rounds} ${subject} (${p.ops} ops, ${p.concurrency} in flight)`,
        );
        const r = await drive(p.ops, p.concurrency, await w.prepare(subject, round));
        const a = acc[subject];
        a.lat.push(r.latencies.slice());
        a.wallMs += r.wallMs;
        a.cpuMs += r.cpuMs;
        a.ops += p.ops;
      }
    }
    for (const subject of ['adapter', 'raw'] as const) {
      const a = acc[subject];
      const all = new Float64Array(a.lat.reduce((n, l) => n + l.length, 0));
      let o = 0;
      for (const l of a.lat) {
        all.set(l, o);
        o += l.length;
      }
      const s = summarize(all);
      out.push({
        workload: w.name,
        subject,
        ops: a.ops,
        opsPerSecond: a.ops / (a.wallMs / 1000),
        p50: s.p50,
        p99: s.p99,
        cpuUsPerOp: (a.cpuMs * 1000) / a.ops,
        itemsPerOp: w.itemsPerOp,
      });
    }
  }
  ddb.destroy();
  kinesis.destroy();
  return out;
};

channel.onMessage(async (m: Message) => {
  if (m.type !== 'run') return;
  const figures = await run(m.endpoints as { dynamodb: string; kinesis: string }, m.params as Params);
  channel.send({ type: 'figures', figures });
  setTimeout(() => process.exit(0), 50);
});
channel.send({ type: 'hello' });
