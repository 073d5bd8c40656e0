import fc from 'fast-check';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeEventStreamRecord } from '../../../src/adapters/dynamodb/stream-record-decoder.js';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryIntegrationTopic } from '../../../src/adapters/in-memory/integration-publisher-adapter-in-memory.js';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { EventStoreChangeStream } from '../../../src/adapters/local/event-store-change-stream.js';
import type { IntegrationEvent, IntegrationMessage } from '../../../src/application/integration/integration-events.js';
import { makeIntegrationFeed } from '../../../src/application/integration/integration-feed.js';
import { toIntegrationMessage } from '../../../src/application/integration/integration-mapping.js';
import {
  INTEGRATION_SUBSCRIPTIONS,
  matchesFilterPolicy,
  type FilterPolicy,
} from '../../../src/application/integration/integration-subscriptions.js';
import type { IntegrationPublisher } from '../../../src/application/ports/integration-publisher.port.js';
import type { EventEnvelope } from '../../../src/domain/shared/envelope.js';
import { makeIntegrationPublisherHandler } from '../../../src/entrypoints/handlers/integration-publisher.js';
import {
  auctionClosedNoSale,
  auctionClosedSold,
  bidPlaced,
  bookingCancelled,
  bookingConfirmed,
  bookingRejected,
  liveEnded,
  liveStarted,
} from '../../support/integration-fixtures.js';

/**
 * The stream consumer's promise (docs/INTEGRATION.md): whatever the batch split, the
 * redeliveries and the crash points of the `integration-publisher` consumer, each subscriber
 * queue receives each matching integration event exactly once (within the deduplication window)
 * and in stream order per message group.
 */

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const MAX_ATTEMPTS = 3;

type Kind = 'trip' | 'auction' | 'channel';
const eventsOf = (kind: Kind, id: string, length: number, sold: boolean): EventEnvelope[] =>
  Array.from({ length }, (_, i) => {
    const v = i + 1;
    if (kind === 'trip') return [bookingConfirmed, bookingRejected, bookingCancelled][i % 3]!(id, v);
    if (kind === 'channel') return v === 1 ? liveStarted(id, v) : v === length ? liveEnded(id, v) : liveStarted(id, v);
    if (v < length) return bidPlaced(id, v);
    return sold ? auctionClosedSold(id, v) : auctionClosedNoSale(id, v);
  });

const streamsArb = fc.array(
  fc.record({
    kind: fc.constantFrom<Kind>('trip', 'auction', 'channel'),
    length: fc.integer({ min: 1, max: 6 }),
    sold: fc.boolean(),
  }),
  { minLength: 1, maxLength: 5 },
);

/** One invocation of the consumer, as the event source mapping and Lambda may make it go. */
const stepArb = fc.record({
  batchSize: fc.integer({ min: 1, max: 12 }),
  /** Lambda dies after the handler published, before the checkpoint: the same batch comes again. */
  diesBeforeCheckpoint: fc.boolean(),
  /** The invocation fails mid-publish after this many accepted messages (the handler reports the rest). */
  crashAfter: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
  /** SNS refuses this many entries (retried; MAX_ATTEMPTS of them exhaust one). */
  refusals: fc.integer({ min: 0, max: MAX_ATTEMPTS }),
  /** At-least-once: after this step the source replays this many already-checkpointed records. */
  replay: fc.integer({ min: 0, max: 4 }),
});

describe('integration-publisher consumer (property)', () => {
  it('each subscriber queue gets each matching event exactly once, in stream order per group', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamsArb,
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(stepArb, { maxLength: 30 }),
        async (specs, picks, steps) => {
          // The stored events, interleaved across streams in an arbitrary order that keeps each stream's order.
          const pending = specs.map((s, i) => eventsOf(s.kind, `${s.kind[0]}${i}`, s.length, s.sold));
          const ordered: EventEnvelope[] = [];
          let p = 0;
          while (pending.some((q) => q.length > 0)) {
            const open = pending.filter((q) => q.length > 0);
            ordered.push(open[(picks[p++] ?? 0) % open.length]!.shift()!);
          }
          let emit: (events: readonly EventEnvelope[]) => void = () => undefined;
          const changes = new EventStoreChangeStream(
            { subscribe: (l) => ((emit = l), () => undefined) },
            { shardCount: 1 },
          );
          emit(ordered);
          const records: readonly DynamoDBRecord[] = changes.read(0, 0, ordered.length);

          const clock = new FakeClock();
          const topic = new InMemoryIntegrationTopic({ clock, sleeper: clock, maxAttempts: MAX_ATTEMPTS });
          const queues: Record<string, { queue: InMemoryQueue<IntegrationEvent>; policy?: FilterPolicy }> = {
            payments: {
              queue: new InMemoryQueue({ fifo: true, clock, name: 'payments' }),
              policy: INTEGRATION_SUBSCRIPTIONS.payments.filterPolicy,
            },
            notifications: {
              queue: new InMemoryQueue({ fifo: true, clock, name: 'notifications' }),
              policy: INTEGRATION_SUBSCRIPTIONS.notifications.filterPolicy,
            },
            all: { queue: new InMemoryQueue({ fifo: true, clock, name: 'all' }) },
          };
          for (const [name, q] of Object.entries(queues))
            topic.subscribe({ name, queue: q.queue, ...(q.policy ? { filterPolicy: q.policy } : {}) });

          let crashAfter: number | undefined;
          const crashing: IntegrationPublisher = {
            publish: async (messages) => {
              if (crashAfter === undefined) return topic.publish(messages);
              const k = crashAfter;
              crashAfter = undefined;
              await topic.publish(messages.slice(0, k));
              throw new Error('invocation crashed mid-publish');
            },
          };
          const handler = makeIntegrationPublisherHandler({
            feed: makeIntegrationFeed({ publisher: crashing }),
            decodeRecord: decodeEventStreamRecord,
            logger: quiet,
          });

          let pos = 0;
          for (let i = 0; pos < records.length; i++) {
            expect(i).toBeLessThan(steps.length + records.length + 10);
            const step = steps[i] ?? {
              batchSize: 10,
              diesBeforeCheckpoint: false,
              crashAfter: undefined,
              refusals: 0,
              replay: 0,
            };
            crashAfter = step.crashAfter;
            if (step.refusals > 0) topic.refuse(step.refusals);
            const batch = records.slice(pos, pos + step.batchSize);
            const response = await handler({ Records: [...batch] });
            if (step.diesBeforeCheckpoint) continue;
            const failed = response.batchItemFailures[0]?.itemIdentifier;
            const at =
              failed === undefined ? batch.length : batch.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
            expect(at).toBeGreaterThanOrEqual(0);
            pos = Math.max(0, pos + at - step.replay);
            clock.advance(1_000);
          }
          // Everything happened within the 5-minute window of the first publish.
          expect(clock.now()).toBeLessThan(5 * 60_000);

          const expected = ordered.map(toIntegrationMessage).filter((m): m is IntegrationMessage => m !== null);
          for (const [name, q] of Object.entries(queues)) {
            const want = expected
              .filter((m) => !q.policy || matchesFilterPolicy(q.policy, m.attributes))
              .map((m) => m.event.eventId);
            const got: { id: string; group: string | undefined }[] = [];
            for (let batch = q.queue.receive(10); batch.length > 0; batch = q.queue.receive(10)) {
              for (const m of batch) {
                got.push({ id: (JSON.parse(m.rawBody) as IntegrationEvent).eventId, group: m.groupId });
                q.queue.delete(m.receiptHandle);
              }
            }
            // Exactly once: the same multiset, no repeats.
            expect(got.map((g) => g.id).sort(), name).toEqual([...want].sort());
            // In stream order per group.
            for (const group of new Set(got.map((g) => g.group))) {
              const inGroup = got.filter((g) => g.group === group).map((g) => g.id);
              expect(inGroup, `${name} ${group}`).toEqual(want.filter((id) => id.startsWith(`${group}:`)));
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
