import { describe, expect, it } from 'vitest';
import type { IntegrationEvent } from '../../src/application/integration/integration-events.js';
import { INTEGRATION_SUBSCRIPTIONS } from '../../src/application/integration/integration-subscriptions.js';
import {
  IntegrationPublishError,
  type IntegrationPublisher,
} from '../../src/application/ports/integration-publisher.port.js';
import {
  auctionClosedNoSale,
  auctionClosedSold,
  bookingCancelled,
  bookingConfirmed,
  bookingRejected,
  liveEnded,
  liveStarted,
  messageOf,
} from '../support/integration-fixtures.js';

/** The queues a harness subscribes: the two example subscribers (their filter policies) and one without a filter. */
export type HarnessQueue = keyof typeof INTEGRATION_SUBSCRIPTIONS | 'all';

export interface Delivered {
  readonly event: IntegrationEvent;
  readonly groupId: string | undefined;
}

export interface IntegrationPublisherHarness {
  readonly publisher: IntegrationPublisher;
  /** Receives and deletes everything a subscribed queue holds now, in delivery order. */
  drain(queue: HarnessQueue): Promise<Delivered[]>;
  /** The topic refuses the next `count` entries whose event matches `which` (a `Failed` entry, SenderFault false). */
  refuse(count: number, which: (event: IntegrationEvent) => boolean): void;
}

export interface IntegrationPublisherContractOptions {
  /** A publisher on a fresh topic with fresh subscribed FIFO queues; retries must not really wait. */
  readonly makeHarness: () => Promise<IntegrationPublisherHarness>;
  /** The publisher's attempts per entry (to exhaust the budget). */
  readonly maxAttempts: number;
}

const ids = (delivered: readonly Delivered[]) => delivered.map((d) => d.event.eventId);
const ofGroup = (delivered: readonly Delivered[], group: string) => delivered.filter((d) => d.groupId === group);

/**
 * What every IntegrationPublisher must do (docs/INTEGRATION.md): FIFO order per message group
 * (the source stream) across batches of 10 and across refused entries, deduplication of a
 * repeated deduplication id within the window, per-entry failure with only the failed entries
 * retried, and filter policies delivering exactly the matching events to each subscribed queue.
 */
export const integrationPublisherContract = (label: string, options: IntegrationPublisherContractOptions): void => {
  describe(`IntegrationPublisher contract: ${label}`, () => {
    it('delivers interleaved groups each in its own order, past 10 entries per PublishBatch', async () => {
      const h = await options.makeHarness();
      const messages = Array.from({ length: 24 }, (_, i) =>
        messageOf(bookingConfirmed(`t${i % 3}`, Math.floor(i / 3) + 1)),
      );
      await h.publisher.publish(messages);
      await h.publisher.publish([messageOf(bookingConfirmed('t0', 9)), messageOf(bookingConfirmed('t1', 9))]);
      const all = await h.drain('all');
      expect(all).toHaveLength(26);
      for (const trip of ['t0', 't1', 't2']) {
        const versions = ofGroup(all, `trip-${trip}`).map((d) => d.event.source.version);
        expect(versions).toEqual(trip === 't2' ? [1, 2, 3, 4, 5, 6, 7, 8] : [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      }
    });

    it('filter policies deliver exactly the matching events to each subscribed queue', async () => {
      const h = await options.makeHarness();
      const messages = [
        auctionClosedSold('a1', 9),
        auctionClosedNoSale('a2', 4),
        bookingConfirmed('t1', 2),
        bookingRejected('t1', 3),
        bookingCancelled('t1', 4),
        liveStarted('c1', 2),
        liveEnded('c1', 3),
      ].map(messageOf);
      await h.publisher.publish(messages);
      expect(ids(await h.drain('payments'))).toEqual(['auction-a1:9']);
      expect(ids(await h.drain('notifications')).sort()).toEqual(['channel-c1:2', 'trip-t1:2']);
      expect(ids(await h.drain('all')).sort()).toEqual(messages.map((m) => m.event.eventId).sort());
      // Raw delivery: the body is the integration event itself, with its group.
      const again = await options.makeHarness();
      await again.publisher.publish([messages[0]!]);
      expect(await again.drain('payments')).toEqual([{ event: messages[0]!.event, groupId: 'auction-a1' }]);
    });

    it('drops a repeated deduplication id within the window: in one call, and in a later call', async () => {
      const h = await options.makeHarness();
      const first = [bookingConfirmed('t1', 1), liveStarted('c1', 1), bookingConfirmed('t1', 2)].map(messageOf);
      await h.publisher.publish([...first, first[1]!]);
      await h.publisher.publish(first);
      await h.publisher.publish([first[2]!, messageOf(bookingConfirmed('t1', 3))]);
      expect(ids(await h.drain('notifications'))).toEqual(['trip-t1:1', 'channel-c1:1', 'trip-t1:2', 'trip-t1:3']);
      expect(await h.drain('all')).toHaveLength(4);
    });

    it('retries refused entries alone and keeps each group in order', async () => {
      const h = await options.makeHarness();
      const messages = [1, 2, 3, 4]
        .flatMap((v) => [bookingConfirmed('ta', v), bookingConfirmed('tb', v)])
        .map(messageOf);
      h.refuse(2, (e) => e.eventId === 'trip-ta:2');
      h.refuse(1, (e) => e.eventId === 'trip-tb:1');
      await h.publisher.publish(messages);
      const all = await h.drain('all');
      expect(ofGroup(all, 'trip-ta').map((d) => d.event.source.version)).toEqual([1, 2, 3, 4]);
      expect(ofGroup(all, 'trip-tb').map((d) => d.event.source.version)).toEqual([1, 2, 3, 4]);
      expect(all).toHaveLength(8);
    });

    it('an entry refused on every attempt fails the call naming it and the rest of its group; other groups go out', async () => {
      const h = await options.makeHarness();
      const messages = [1, 2, 3].flatMap((v) => [bookingConfirmed('ta', v), bookingConfirmed('tb', v)]).map(messageOf);
      h.refuse(options.maxAttempts, (e) => e.eventId === 'trip-ta:2');
      const error = await h.publisher.publish(messages).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(IntegrationPublishError);
      expect((error as IntegrationPublishError).failed.map((m) => m.event.eventId)).toEqual(['trip-ta:2', 'trip-ta:3']);
      const all = await h.drain('all');
      expect(ids(ofGroup(all, 'trip-ta'))).toEqual(['trip-ta:1']);
      expect(ids(ofGroup(all, 'trip-tb'))).toEqual(['trip-tb:1', 'trip-tb:2', 'trip-tb:3']);
      // The stream consumer resumes there: republishing the whole batch delivers the rest, once each.
      await h.publisher.publish(messages);
      const rest = await h.drain('all');
      expect(ids(rest)).toEqual(['trip-ta:2', 'trip-ta:3']);
    });

    it('publishes nothing for an empty batch', async () => {
      const h = await options.makeHarness();
      await h.publisher.publish([]);
      expect(await h.drain('all')).toEqual([]);
    });
  });
};
