import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationEvent } from '../../../src/application/integration/integration-events.js';
import { createEmulatorBackend, emulatorResourceNames } from '../../../src/entrypoints/local/emulator-backend.js';
import { startLocalRuntime, type LocalRuntime } from '../../../src/entrypoints/local/runtime.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';
import { drainFifoQueue } from '../../support/emulators/sns-support.js';
import { api, eventually, openAuction } from '../local-runtime-client.js';

/**
 * Integration events out, end to end in emulator mode: HTTP commands → DynamoDB Local → its
 * stream → the integration-publisher handler (its own poller) → SNS FIFO on fauxqs → the
 * example subscribers' FIFO queues through their filter policies.
 */
const { endpoints, sqs } = emulatorClients();
const suffix = `-${uniqueName('int')}`;
const names = emulatorResourceNames(suffix);

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await startLocalRuntime({
    port: 0,
    host: '127.0.0.1',
    progressIntervalMs: 0,
    logLevel: 'SILENT',
    backend: 'emulators-under-test',
    backends: { 'emulators-under-test': createEmulatorBackend({ endpoints, suffix }) },
  });
});
afterAll(async () => {
  await runtime?.stop();
});

const urlOf = async (queue: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl!;

describe('integration events in emulator mode (fauxqs SNS FIFO)', () => {
  it('an auction closed with a winner and a confirmed booking: payments holds exactly the AuctionClosed, notifications exactly the BookingConfirmed', async () => {
    expect(runtime.backend).toContain(names.integrationTopic);
    const { auctionId } = await openAuction(runtime, 'int', { as: 'seller-int' });
    // Two bids, so the close has a winner (and two BidPlaced the topic must not carry).
    for (const [bidId, amount, as] of [
      ['int-bid-1', 1_200, 'bob'],
      ['int-bid-2', 1_500, 'alice'],
    ] as const) {
      expect((await api(runtime, 'POST', `/api/auctions/${auctionId}/bids`, { bidId, amount }, { as })).status).toBe(
        201,
      );
    }
    const trip = {
      tripId: 'int-trip',
      route: 'Seoul → Gangneung',
      departsAt: Date.now() + 86_400_000,
      capacity: 3,
      maxSeatsPerBooking: 2,
    };
    expect((await api(runtime, 'POST', '/api/trips', trip, { as: 'operator' })).status).toBe(201);
    expect(
      (await api(runtime, 'POST', '/api/trips/int-trip/bookings', { seats: 2, requestId: 'int-req-1' }, { as: 'kim' }))
        .status,
    ).toBe(202);

    const payments = await urlOf(names.integrationQueues.payments.queue);
    const notifications = await urlOf(names.integrationQueues.notifications.queue);
    const got: Record<'payments' | 'notifications', IntegrationEvent[]> = { payments: [], notifications: [] };
    const poll = async () => {
      got.payments.push(...(await drainFifoQueue<IntegrationEvent>(sqs, payments)).map((m) => m.body));
      got.notifications.push(...(await drainFifoQueue<IntegrationEvent>(sqs, notifications)).map((m) => m.body));
      return got;
    };
    // The close fires from the scheduler queue after the auction's 6 s; then the stream poller publishes.
    await eventually(poll, (g) => g.payments.length >= 1 && g.notifications.length >= 1, 45_000);
    // Let every source settle (the stream caught up, nothing in flight), then look once more: nothing else came.
    await runtime.whenIdle({ timeoutMs: 30_000, settleMs: 500 });
    await poll();

    expect(got.payments).toEqual([
      {
        eventId: expect.stringMatching(/^auction-int-auc:\d+$/),
        type: 'AuctionClosed',
        schemaVersion: 1,
        source: { streamId: 'auction-int-auc', version: expect.any(Number) },
        occurredAt: expect.any(Number),
        data: {
          auctionId: 'int-auc',
          channelId: 'int-ch',
          outcome: 'SOLD',
          winner: { userId: 'alice', bidId: 'int-bid-2' },
          price: { amount: 1_500, currency: 'KRW' },
          closedAt: expect.any(Number),
        },
      },
    ]);
    expect(got.notifications).toEqual([
      expect.objectContaining({
        type: 'BookingConfirmed',
        source: { streamId: 'trip-int-trip', version: 2 },
        data: expect.objectContaining({
          tripId: 'int-trip',
          requestId: 'int-req-1',
          passengerId: 'kim',
          seatNumbers: [1, 2],
        }),
      }),
    ]);
  });
});
