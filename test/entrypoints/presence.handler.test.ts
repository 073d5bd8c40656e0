import { describe, expect, it } from 'vitest';
import type { PresenceMessage } from '../../src/application/presence/presence-message.js';
import type { PresenceTracker } from '../../src/application/presence/presence-tracker.js';
import { makePresenceHandler } from '../../src/entrypoints/handlers/presence.js';
import { CHANNEL, presenceWorld } from './presence-simulation.js';
import { silentLogger, toSqsEvent } from './sqs-test-driver.js';

describe('presence handler', () => {
  it('returns the whole batch for a retry when publishing the count fails, and the retry publishes it', async () => {
    const world = presenceWorld({ seed: 5, duplicateRate: 0, reorder: false });
    await world.openChannel();
    let failures = 1;
    // The tracker's batch is real; only its finish() fails once, as if the event store were unreachable.
    const flaky: PresenceTracker = Object.create(world.tracker);
    flaky.batch = () => {
      const batch = world.tracker.batch();
      const finish = batch.finish.bind(batch);
      batch.finish = () => (failures-- > 0 ? Promise.reject(new Error('DynamoDB unavailable')) : finish());
      return batch;
    };
    const handler = makePresenceHandler({ tracker: flaky, logger: silentLogger });
    await world.acceptHeartbeat({ channelId: CHANNEL, sessionId: 's-1' as never, userId: null, sequence: 1 });
    await world.acceptHeartbeat({ channelId: CHANNEL, sessionId: 's-2' as never, userId: null, sequence: 1 });

    const first = world.queue.receive(10, 5_000);
    const failed = await handler(toSqsEvent(first, world.queue.arn));
    expect(failed.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(first.map((d) => d.messageId).sort());
    expect(await world.publishedCount()).toBe(0);

    world.clock.advance(6_000); // past the visibility timeout, well within the TTL: the batch comes back
    const again = world.queue.receive(10).filter((d) => (d.body as PresenceMessage).kind === 'beat');
    expect(again).toHaveLength(2);
    const ok = await handler(toSqsEvent(again, world.queue.arn));
    expect(ok.batchItemFailures).toEqual([]);
    expect(await world.publishedCount()).toBe(2);
  });
});
