import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryBlobStore } from '../../../src/adapters/in-memory/blob-store-adapter-in-memory.js';
import { InMemoryCounterStore } from '../../../src/adapters/in-memory/counter-store-adapter-in-memory.js';
import { SequentialIds } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryEventStore } from '../../../src/adapters/in-memory/event-store-adapter-in-memory.js';
import { SqsEventSource } from '../../../src/adapters/local/pollers/sqs-event-source.js';
import { realSleeper, systemClock } from '../../../src/adapters/system/system-clock.js';
import { SqsMessageQueue } from '../../../src/adapters/sqs/message-queue-adapter-sqs.js';
import { ensureQueue } from '../../../src/adapters/sqs/queue-provisioning.js';
import { redriveDeadLetters } from '../../../src/adapters/sqs/queue-redrive.js';
import type { BookingRequestMessage } from '../../../src/application/booking/booking-request-message.js';
import { makeGetBookingStats } from '../../../src/application/booking/booking-stats.js';
import { makeProcessBooking } from '../../../src/application/booking/process-booking.js';
import { StatsPublisher } from '../../../src/application/booking/stats-publisher.js';
import { CommandHandler } from '../../../src/application/command-handler.js';
import { makeParkMessage, ParkedMessage } from '../../../src/application/queues/parked-message.js';
import { bookingOutcome, tripCodec, tripDecider, tripStreamId } from '../../../src/domain/booking/index.js';
import type { RequestId, TripId, UserId } from '../../../src/domain/shared/ids.js';
import { makeBookingHandler } from '../../../src/entrypoints/handlers/booking.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';

const { sqs } = emulatorClients();
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const TRIP = 'trip-poison' as TripId;
const VISIBILITY_SECONDS = 2;
const sources: SqsEventSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
});

/** The booking consumer over fauxqs: FIFO booking queue (short visibility, 5 receives → DLQ) and a parking queue. */
const bookingOnFauxqs = async () => {
  const dlq = await ensureQueue(sqs, { name: `${uniqueName('booking-dlq')}.fifo` });
  const queue = await ensureQueue(sqs, {
    name: `${uniqueName('booking')}.fifo`,
    visibilityTimeoutSeconds: VISIBILITY_SECONDS,
    deadLetter: { arn: dlq.arn, maxReceiveCount: 5 },
  });
  const parking = await ensureQueue(sqs, { name: uniqueName('booking-parked') });
  const store = new InMemoryEventStore();
  const trips = new CommandHandler(tripDecider, tripCodec, {
    store,
    clock: systemClock,
    ids: new SequentialIds('evt'),
    sleeper: realSleeper,
  });
  await trips.handle(tripStreamId(TRIP), {
    type: 'ScheduleTrip',
    tripId: TRIP,
    route: 'Seoul → Busan',
    departsAt: systemClock.now() + 86_400_000,
    capacity: 10,
    maxSeatsPerBooking: 2,
  });
  const counters = new InMemoryCounterStore();
  const deliveries: SQSEvent['Records'] = [];
  const handler = makeBookingHandler({
    processBooking: makeProcessBooking({ trips, counters, clock: systemClock }),
    park: makeParkMessage({
      queue: new SqsMessageQueue<ParkedMessage>(sqs, parking.url, { sleeper: realSleeper }),
      clock: systemClock,
    }),
    stats: new StatsPublisher(new InMemoryBlobStore(), makeGetBookingStats({ counters }), systemClock, {
      key: 'public/stats.json',
    }),
    logger: quiet,
  });
  const source = new SqsEventSource(
    sqs,
    queue.url,
    async (event: SQSEvent) => {
      deliveries.push(...event.Records);
      return handler(event);
    },
    { name: 'booking', batchSize: 10, waitTimeSeconds: 1 },
  );
  sources.push(source);
  const producer = new SqsMessageQueue<BookingRequestMessage>(sqs, queue.url, { sleeper: realSleeper });
  const book = (requestId: string) =>
    producer.send([
      {
        body: {
          requestId: requestId as RequestId,
          tripId: TRIP,
          passengerId: `p-${requestId}` as UserId,
          seats: 1,
          requestedAt: systemClock.now(),
        },
        groupId: TRIP,
        dedupId: requestId,
      },
    ]);
  const outcome = async (requestId: string) =>
    bookingOutcome((await trips.load(tripStreamId(TRIP))).state, requestId)?.status ?? 'QUEUED';
  return { dlq, queue, parking, source, deliveries, book, outcome };
};

const until = async (done: () => Promise<boolean>): Promise<void> => {
  // A generous cap so a broken consumer fails the test instead of hanging it; no assertion is on time.
  for (let i = 0; i < 300 && !(await done()); i++) await new Promise((r) => setTimeout(r, 100));
};

describe('booking poison (fauxqs)', () => {
  it('an unreadable booking does not hold its trip: parked on its first receive, the next request is decided, and redrive leaves it parked', async () => {
    const w = await bookingOnFauxqs();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: w.queue.url,
        MessageBody: '{"requestId":"poison","tripId":"trip-poison","seats":"many"}',
        MessageGroupId: TRIP,
        MessageDeduplicationId: 'poison',
      }),
    );
    await w.book('r-1');
    await w.book('r-2');
    w.source.start();

    await until(async () => (await w.outcome('r-2')) !== 'QUEUED');

    expect(await w.outcome('r-1')).toBe('CONFIRMED');
    expect(await w.outcome('r-2')).toBe('CONFIRMED');
    // Never redelivered: the trip's requests did not wait for even one visibility timeout to pass.
    const poison = w.deliveries.filter((r) => r.body.includes('"poison"'));
    expect(poison.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['1']);
    expect(w.deliveries.every((r) => r.attributes.ApproximateReceiveCount === '1')).toBe(true);
    await w.source.stop();

    // The default filter moves only what a consumer can read: the poison stays parked, with why.
    const fromParking = await redriveDeadLetters(sqs, { from: w.parking.url });
    expect(fromParking).toMatchObject({ moved: 0, failed: 0 });
    expect(fromParking.unreadable).toEqual([
      {
        messageId: poison[0]!.messageId,
        reasons: [
          'passengerId: Invalid input: expected string, received undefined',
          'seats: Invalid input: expected number, received string',
          'requestedAt: Invalid input: expected number, received undefined',
        ],
      },
    ]);
    expect(await redriveDeadLetters(sqs, { from: w.dlq.url })).toMatchObject({ moved: 0, unreadable: [] });
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: w.parking.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(Messages.map((m) => ParkedMessage.parse(JSON.parse(m.Body ?? '')))).toEqual([
      expect.objectContaining({
        kind: 'booking',
        groupId: TRIP,
        messageId: poison[0]!.messageId,
        body: poison[0]!.body,
      }),
    ]);
  });

  it('redrive puts a parked message back to the queue it came from only when forced, and filters by group and message id', async () => {
    const w = await bookingOnFauxqs();
    const park = makeParkMessage({
      queue: new SqsMessageQueue<ParkedMessage>(sqs, w.parking.url, { sleeper: realSleeper }),
      clock: systemClock,
    });
    const queueArn = `arn:aws:sqs:us-east-1:000000000000:${w.queue.url.split('/').at(-1)}`;
    const readable = JSON.stringify({ requestId: 'r-9', tripId: TRIP, passengerId: 'kim', seats: 1, requestedAt: 0 });
    await park({
      kind: 'booking',
      sourceArn: queueArn,
      messageId: 'm-readable',
      groupId: TRIP,
      body: readable,
      reasons: ['TRIP_NOT_FOUND: not yet scheduled'],
    });
    await park({
      kind: 'booking',
      sourceArn: queueArn,
      messageId: 'm-other',
      groupId: 'other-trip',
      body: readable,
      reasons: ['TRIP_NOT_FOUND: not yet scheduled'],
    });
    await park({
      kind: 'booking',
      sourceArn: queueArn,
      messageId: 'm-bad',
      groupId: TRIP,
      body: 'not json',
      reasons: ['body is not JSON'],
    });

    const byGroup = await redriveDeadLetters(sqs, { from: w.parking.url, groups: [TRIP] });
    expect(byGroup).toMatchObject({
      moved: 1,
      notSelected: 1,
      to: w.queue.url,
      unreadable: [{ messageId: 'm-bad', reasons: ['body is not JSON'] }],
    });
    const forced = await redriveDeadLetters(sqs, { from: w.parking.url, messageIds: ['m-bad'], force: true });
    expect(forced).toMatchObject({ moved: 1, notSelected: 1, unreadable: [] });

    const back: { body: string; group: string | undefined }[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: w.queue.url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['MessageGroupId'],
        }),
      );
      if (Messages.length === 0) break;
      back.push(...Messages.map((m) => ({ body: m.Body ?? '', group: m.Attributes?.MessageGroupId })));
      // FIFO hands out a group's next message only once this one is gone.
      for (const m of Messages)
        await sqs.send(new DeleteMessageCommand({ QueueUrl: w.queue.url, ReceiptHandle: m.ReceiptHandle }));
    }
    // Unwrapped: the original body and group, not the envelope.
    expect(back).toEqual([
      { body: readable, group: TRIP },
      { body: 'not json', group: TRIP },
    ]);
  });
});
