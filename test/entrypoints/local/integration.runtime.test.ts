import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IntegrationEvent } from '../../../src/application/integration/integration-events.js';
import { LOCAL_INTEGRATION_TOKENS } from '../../../src/entrypoints/local/integration.feature.js';
import { startLocalRuntime, type LocalRuntime } from '../../../src/entrypoints/local/runtime.js';
import { api, eventually } from '../local-runtime-client.js';

/**
 * `npm start` (memory backend) with hostile delivery: the change stream redelivers batches at
 * random and in small batches, yet each subscriber queue holds each matching event once, and
 * `--show-integration-events` prints them as they are published.
 */
let runtime: LocalRuntime;
const lines: string[] = [];
beforeAll(async () => {
  const log = console.log.bind(console);
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (line.startsWith('[integration]')) lines.push(line);
    else log(...args);
  });
  runtime = await startLocalRuntime({
    port: 0,
    progressIntervalMs: 0,
    logLevel: 'SILENT',
    showIntegrationEvents: true,
    // Stream batches are redelivered at random (crashes mid-batch are the property test's; here they
    // would also hold the booking FIFO queue for its 60 s visibility timeout).
    duplicateRate: 0.5,
    seed: 7,
    relayBatchSize: 3,
  });
});
afterAll(async () => {
  await runtime?.stop();
  vi.restoreAllMocks();
});

const drain = (queue: {
  receive(n: number): { rawBody: string; receiptHandle: string }[];
  delete(h: string): boolean;
}) => {
  const out: IntegrationEvent[] = [];
  for (let batch = queue.receive(10); batch.length > 0; batch = queue.receive(10)) {
    for (const m of batch) {
      out.push(JSON.parse(m.rawBody) as IntegrationEvent);
      queue.delete(m.receiptHandle);
    }
  }
  return out;
};

describe('integration events in npm start (memory backend, duplicated stream batches)', () => {
  it('notifications hold LiveStarted and BookingConfirmed once each; payments nothing; each is printed', async () => {
    const seller = { as: 'seller-mem' };
    expect(
      (await api(runtime, 'POST', '/api/channels', { channelId: 'mem-ch', title: 'Mem', currency: 'KRW' }, seller))
        .status,
    ).toBe(201);
    expect((await api(runtime, 'POST', '/api/channels/mem-ch/start', undefined, seller)).status).toBe(200);
    const trip = {
      tripId: 'mem-trip',
      route: 'A → B',
      departsAt: Date.now() + 86_400_000,
      capacity: 1,
      maxSeatsPerBooking: 1,
    };
    expect((await api(runtime, 'POST', '/api/trips', trip, { as: 'operator' })).status).toBe(201);
    for (const [requestId, as] of [
      ['mem-req-1', 'kim'],
      ['mem-req-2', 'lee'],
    ] as const) {
      expect((await api(runtime, 'POST', '/api/trips/mem-trip/bookings', { seats: 1, requestId }, { as })).status).toBe(
        202,
      );
    }
    expect((await api(runtime, 'POST', '/api/channels/mem-ch/end', undefined, seller)).status).toBe(200);

    const queues = runtime.container.get(LOCAL_INTEGRATION_TOKENS.Subscribers);
    const notifications: IntegrationEvent[] = [];
    await eventually(
      async () => notifications.push(...drain(queues.notifications)),
      () => notifications.length >= 2,
      20_000,
    );
    await runtime.whenIdle({ timeoutMs: 30_000, settleMs: 200 });
    notifications.push(...drain(queues.notifications));
    expect(notifications.map((e) => `${e.type} ${e.eventId}`).sort()).toEqual([
      'BookingConfirmed trip-mem-trip:2',
      'LiveStarted channel-mem-ch:2',
    ]);
    expect(drain(queues.payments)).toEqual([]);
    // Printed on publish (a redelivered record may print twice: SNS accepts the repeat, subscribers never see it).
    for (const expected of [
      'LiveStarted v1 channel-mem-ch:2 → notifications',
      'BookingConfirmed v1 trip-mem-trip:2 → notifications',
      'BookingRejected v1 trip-mem-trip:3 → (no example subscriber)',
      'LiveEnded v1 channel-mem-ch:3 → (no example subscriber)',
    ])
      expect(lines.some((l) => l.startsWith(`[integration] ${expected}`))).toBe(true);
  });
});
