/**
 * The measured client, alone in its process (DynamoDB Local runs in its JVM). Three parts:
 * what one append to an existing stream costs (Stampede's adapter vs a raw conditional put vs
 * the adapter with its old transactional head guard), the domain-core bid workload through
 * Stampede's and Castore's DynamoDB event stores, and the first command on a long stream with
 * and without snapshots. Each subject gets a client of its own, so its meter counts only it.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { DynamoDbEventStore } from '../../src/adapters/dynamodb/event-store-adapter-dynamodb.js';
import { toEventItem } from '../../src/adapters/dynamodb/event-item.js';
import { eventsTable, snapshotsTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import type { NewEvent } from '../../src/domain/shared/envelope.js';
import type { EventStorageAdapter } from '@castore/core';
import { createCastoreImplementation } from '../domain-core/castore.impl.js';
import { crossCheck } from '../domain-core/cross-check.js';
import { createStampedeImplementation } from '../domain-core/stampede.impl.js';
import { generateWorkload, type WorkloadSpec } from '../domain-core/workload.js';
import { parentChannel, type Message } from '../lib/child-process.js';
import { SampleBuffer, summarize } from '../lib/stats.js';
import { runBidWorkload, type BidWorkloadFigures } from './bid-workload.js';
import { measureColdLoad, type ColdLoadFigures } from './cold-load.js';
import {
  CASTORE_DYNAMODB_PACKAGE,
  createCastoreTable,
  loadCastoreDynamoDbAdapter,
  meteredClient,
} from './metered-client.js';

const channel = parentChannel();

export interface Params {
  readonly appends: number;
  readonly concurrency: number;
  readonly auctions: number;
  readonly bids: number;
  readonly coldLengths: readonly number[];
  readonly coldRepeats: number;
}

export interface AppendFigures {
  readonly subject: 'raw conditional put' | 'Stampede append' | 'Stampede append, strictHead (transaction)';
  readonly opsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly writeUnitsPerAppend: number;
}

export interface Figures {
  readonly appends: AppendFigures[];
  readonly bids: Omit<BidWorkloadFigures, 'outcomes' | 'results'>[];
  readonly castoreMissing: string | null;
  readonly cold: ColdLoadFigures[];
}

/** A bid-sized event (~250 bytes as an item): under 1 KB, so one write unit per put. */
const newEvent = (i: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'BidPlaced',
  schemaVersion: 1,
  occurredAt: 1_770_000_000_000 + i,
  data: {
    bidId: `bid-${randomUUID()}`,
    bidderId: `bidder-${i % 1013}`,
    amount: 1_000 + i,
    placedAt: 1_770_000_000_000 + i,
  },
  correlationId: randomUUID(),
  channelId: `channel-${i % 13}`,
});

const drive = async (ops: number, concurrency: number, op: (i: number) => Promise<unknown>) => {
  const latencies = new SampleBuffer(ops);
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    for (let i = next++; i < ops; i = next++) {
      const s = performance.now();
      await op(i);
      latencies.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { wallMs: performance.now() - t0, latencies: latencies.values() };
};

const measureAppends = async (endpoint: string, table: string, p: Params): Promise<AppendFigures[]> => {
  const subjects = ['raw conditional put', 'Stampede append', 'Stampede append, strictHead (transaction)'] as const;
  const acc = new Map(subjects.map((s) => [s, { wallMs: 0, ops: 0, units: 0, lat: [] as number[] }]));
  for (let round = -1; round < 2; round++) {
    for (const subject of round % 2 === 0 ? subjects : [...subjects].reverse()) {
      const { client, meter } = meteredClient(endpoint);
      const doc = documentClientFor(client);
      const store = new DynamoDbEventStore(doc, table, { strictHead: subject.includes('strictHead') });
      // Streams at version 1, written before the measure: every measured op appends version 2.
      const ids = Array.from(
        { length: p.appends },
        (_, i) => `append-${round}-${subject.length}-${i}-${randomUUID().slice(0, 6)}`,
      );
      channel.progress(`appends: seeding ${p.appends} streams (${subject}, round ${round + 1})`);
      await drive(p.appends, p.concurrency, (i) => store.append(ids[i]!, 0, [newEvent(i)]));
      channel.progress(`appends: ${subject}, round ${round + 1}`);
      meter.reset();
      const r = await drive(p.appends, p.concurrency, (i) =>
        subject === 'raw conditional put'
          ? doc.send(
              new PutCommand({
                TableName: table,
                Item: toEventItem({ ...newEvent(i), streamId: ids[i]!, version: 2 }),
                ConditionExpression: 'attribute_not_exists(#v)',
                ExpressionAttributeNames: { '#v': 'version' },
              }),
            )
          : store.append(ids[i]!, 1, [newEvent(i)]),
      );
      if (round >= 0) {
        const a = acc.get(subject)!;
        a.wallMs += r.wallMs;
        a.ops += p.appends;
        a.units += meter.figures().writeUnits;
        a.lat.push(...r.latencies);
      }
      client.destroy();
    }
  }
  return subjects.map((subject) => {
    const a = acc.get(subject)!;
    const s = summarize(Float64Array.from(a.lat));
    return {
      subject,
      opsPerSecond: (a.ops / a.wallMs) * 1000,
      p50: s.p50,
      p99: s.p99,
      writeUnitsPerAppend: a.units / a.ops,
    };
  });
};

const run = async (endpoint: string, p: Params): Promise<Figures> => {
  const admin = meteredClient(endpoint).client;
  const suffix = randomUUID().slice(0, 8);
  const tables = {
    events: `bench-events-${suffix}`,
    castore: `bench-castore-${suffix}`,
    snapshots: `bench-snapshots-${suffix}`,
  };
  channel.progress('creating tables…');
  await ensureTable(admin, tables.events, eventsTable);
  await ensureTable(admin, tables.snapshots, snapshotsTable);
  await createCastoreTable(admin, tables.castore);

  const appends = await measureAppends(endpoint, tables.events, p);

  const spec: WorkloadSpec = {
    seed: 20_240_611,
    auctions: p.auctions,
    bidsPerAuction: p.bids,
    lowBidShare: 0.3,
    duplicateShare: 0.03,
  };
  const workload = generateWorkload(spec);
  const bids: BidWorkloadFigures[] = [];
  let castoreMissing: string | null = null;
  for (const subject of ['stampede', 'castore'] as const) {
    const { client, meter } = meteredClient(endpoint);
    const impl =
      subject === 'stampede'
        ? createStampedeImplementation(new DynamoDbEventStore(documentClientFor(client), tables.events))
        : await loadCastoreDynamoDbAdapter(client, tables.castore).then((adapter) =>
            adapter ? createCastoreImplementation(adapter as EventStorageAdapter) : null,
          );
    if (!impl) {
      castoreMissing = `${CASTORE_DYNAMODB_PACKAGE} is not installed: npm i -D ${CASTORE_DYNAMODB_PACKAGE}@^2.4.2 to run the peer`;
      continue;
    }
    channel.progress(`bid workload: ${subject} (${workload.commands.length.toLocaleString('en-US')} commands)`);
    const figures = await runBidWorkload(impl, workload, meter, p.concurrency);
    crossCheck(workload, { implementation: subject, outcomes: figures.outcomes, results: figures.results });
    bids.push(figures);
    client.destroy();
  }

  const { client, meter } = meteredClient(endpoint);
  const cold = await measureColdLoad(client, meter, tables, p.coldLengths, p.coldRepeats, (t) => channel.progress(t));
  return { appends, bids: bids.map(({ outcomes: _o, results: _r, ...f }) => f), castoreMissing, cold };
};

channel.onMessage(async (m: Message) => {
  if (m.type !== 'run') return;
  const figures = await run(m.endpoint as string, m.params as Params);
  channel.send({ type: 'figures', figures });
  setTimeout(() => process.exit(0), 50);
});
channel.send({ type: 'hello' });
