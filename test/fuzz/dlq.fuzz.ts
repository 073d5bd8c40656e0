import type { SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { expect } from 'vitest';
import { InMemoryQueue } from '../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { drain } from '../entrypoints/sqs-test-driver.js';
import { anyJson, rawGarbage } from './garbage.arbitraries.js';
import { count, outcome, type FuzzWorld } from './fuzz-world.js';
import { SQS_TARGETS } from './consumers.fuzz.js';

const MAX_RECEIVE = 3;
const VISIBILITY_MS = 30_000;

/** Valid messages for each consumer, distinct per index so each can be traced. */
const VALID: Readonly<Record<string, (world: FuzzWorld, i: number) => Record<string, unknown>>> = {
  'presence (heartbeat queue)': (w, i) => ({
    kind: 'beat',
    channelId: 'c0',
    sessionId: `dlq-${i}`,
    userId: null,
    sequence: 1,
    at: w.clock.now(),
  }),
  'booking (FIFO booking queue)': (w, i) => ({
    requestId: `dlq-${i}`,
    tripId: 't0',
    passengerId: 'u4',
    seats: 1,
    requestedAt: w.clock.now(),
  }),
  'auction-close (scheduler queue)': (w, i) => ({
    auctionId: 'a0',
    channelId: 'c0',
    endsAt: w.clock.now() + 3_600_000 + i,
    hop: 1,
  }),
  'broadcast (broadcast queue)': (_, i) => ({
    channelId: 'c1',
    shardNo: 0,
    payload: { channelId: 'c1', items: [{ kind: 'signal', signal: 'LIKES', channelId: 'c1', count: i + 1, at: 1 }] },
  }),
};

/** A message no consumer can use: not JSON, or JSON that is not an object. */
const poison = fc
  .oneof(
    rawGarbage,
    anyJson.map((v) => JSON.stringify(v) ?? 'null'),
  )
  .filter((text) => {
    try {
      const v: unknown = JSON.parse(text);
      return v === null || typeof v !== 'object' || Array.isArray(v);
    } catch {
      return true;
    }
  });

/**
 * Through the local queue emulation (visibility timeout, receive counts, redrive to a DLQ after
 * the maximum receives, FIFO groups): any mix of poison and valid messages ends with every
 * poison message in the DLQ — after exactly MAX_RECEIVE failed deliveries — every valid message
 * handled, and the queue empty. Poison never blocks the others for longer than its receives.
 */
export const fuzzDeadLetters = async (world: FuzzWorld, numRuns: number): Promise<void> => {
  for (const target of SQS_TARGETS) {
    const handler = target.handler(world);
    const fifo = target.fifo === true;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            poison.map((text) => ({ poison: true, text })),
            fc.constant({ poison: false, text: '' }),
          ),
          { minLength: 1, maxLength: 15 },
        ),
        async (plan) => {
          count(`dlq ${target.name}`, plan.length);
          const dlq = new InMemoryQueue<unknown>({ name: `${target.name}-dlq`, fifo, clock: world.clock });
          const queue = new InMemoryQueue<unknown>({
            name: target.name,
            fifo,
            clock: world.clock,
            visibilityTimeoutMs: VISIBILITY_MS,
            maxReceiveCount: MAX_RECEIVE,
            deadLetterQueue: dlq,
          });
          const bodies = plan.map((m, i) =>
            m.poison ? m.text : JSON.stringify(VALID[target.name]?.(world, world.clock.now() + i)),
          );
          bodies.forEach((body, i) =>
            queue.sendRaw(body, fifo ? { groupId: 't0', dedupId: `d-${world.clock.now()}-${i}` } : {}),
          );
          const handled: string[] = [];
          const receives = new Map<string, number>();
          const observed = async (event: SQSEvent) => {
            const response = await handler(event);
            const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
            for (const r of event.Records) {
              receives.set(r.body, Math.max(receives.get(r.body) ?? 0, Number(r.attributes.ApproximateReceiveCount)));
              if (!failed.has(r.messageId)) handled.push(r.body);
            }
            return response;
          };
          // A FIFO group hands out one poison message at a time: each takes its MAX_RECEIVE rounds in turn.
          const rounds = (MAX_RECEIVE + 1) * (fifo ? plan.length + 1 : 2);
          for (let round = 0; round < rounds && queue.counts().total > 0; round++) {
            await drain(queue, observed);
            world.clock.advance(VISIBILITY_MS + 1);
          }
          await drain(queue, observed);
          const poisonBodies = bodies.filter((_, i) => plan[i]?.poison);
          const validBodies = bodies.filter((_, i) => !plan[i]?.poison);
          expect(queue.counts().total, 'messages left in the queue').toBe(0);
          const parking = target.parking?.(world);
          if (parking) {
            // Parked on the first receive: poison holds its FIFO group for no visibility timeout at all.
            const parked: string[] = [];
            for (let batch = parking.receive(10); batch.length > 0; batch = parking.receive(10)) {
              for (const m of batch) {
                parked.push((m.body as { body: string }).body);
                void parking.delete(m.receiptHandle);
              }
            }
            expect(dlq.counts().total).toBe(0);
            expect(parked.sort()).toEqual([...poisonBodies].sort());
            for (const body of poisonBodies) expect(receives.get(body), 'receives before parking').toBe(1);
          } else {
            expect(dlq.peekRawBodies().sort()).toEqual([...poisonBodies].sort());
            for (const body of poisonBodies) expect(receives.get(body), 'receives before the DLQ').toBe(MAX_RECEIVE);
          }
          for (const body of validBodies) expect(handled, 'a valid message was not handled').toContain(body);
          outcome(`dlq ${target.name}`, `${poisonBodies.length > 0 ? 'poison dead-lettered' : 'no poison'}`);
        },
      ),
      { numRuns },
    );
  }
};
