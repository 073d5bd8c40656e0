import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AuctionClosed,
  AuctionExtended,
  AuctionOpened,
  BidPlaced,
} from '../../../src/domain/auction/auction.events.js';
import {
  AuctionAttached,
  ChannelScheduled,
  LiveEnded,
  LiveStarted,
  PriceChanged,
  ProductListed,
  ViewerCountChanged,
} from '../../../src/domain/channel/channel.events.js';
import { applyFeedEvent, emptyChannelView, readFeedData } from '../../../src/domain/live-feed/channel-view.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** One valid body per event the view reads, checked by the event's own zod schema first. */
const samples = {
  [AuctionOpened.type]: AuctionOpened.schema.parse({
    auctionId: 'a1',
    channelId: 'c1',
    sellerId: 'seller',
    productId: 'p1',
    startingPrice: 40_000,
    minIncrement: 1_000,
    currency: 'KRW',
    endsAt: 1_000,
    extendWindowMs: 10_000,
    extendByMs: 10_000,
    maxExtensionMs: 60_000,
    openedAt: 0,
  }),
  [BidPlaced.type]: BidPlaced.schema.parse({ bidId: 'b1', bidderId: 'u1', amount: 41_000, placedAt: 10 }),
  [AuctionExtended.type]: AuctionExtended.schema.parse({ endsAt: 2_000, byBidId: 'b1' }),
  [AuctionClosed.type]: AuctionClosed.schema.parse({
    outcome: 'SOLD',
    winnerId: 'u1',
    winningBidId: 'b1',
    price: 41_000,
    closedAt: 3_000,
  }),
  [ChannelScheduled.type]: ChannelScheduled.schema.parse({
    channelId: 'c1',
    sellerId: 'seller',
    title: 'Coats',
    currency: 'KRW',
    scheduledAt: 5,
  }),
  [LiveStarted.type]: LiveStarted.schema.parse({ startedAt: 6 }),
  [LiveEnded.type]: LiveEnded.schema.parse({ endedAt: 7 }),
  [ProductListed.type]: ProductListed.schema.parse({
    productId: 'p1',
    name: 'Long padding',
    category: 'outerwear',
    price: 120_000,
    listedAt: 8,
  }),
  [PriceChanged.type]: PriceChanged.schema.parse({
    productId: 'p1',
    price: 99_000,
    previousPrice: 120_000,
    changedAt: 9,
  }),
  [ViewerCountChanged.type]: ViewerCountChanged.schema.parse({ count: 12, asOf: 10 }),
  [AuctionAttached.type]: AuctionAttached.schema.parse({ auctionId: 'a1', productId: 'p1' }),
} as const;

describe("the view fold's hand-written guards (no zod in the browser)", () => {
  it('cover every event the view applies', () => {
    expect(Object.keys(readFeedData).sort()).toEqual(Object.keys(samples).sort());
  });

  it.each(Object.entries(samples))('accept a body %s that its zod schema accepts', (type, body) => {
    expect(readFeedData[type as keyof typeof readFeedData](body as Record<string, unknown>)).not.toBeNull();
  });

  /** The fields the view reads of each event (what channel-view.ts shows). */
  const READ: Record<keyof typeof samples, readonly string[]> = {
    AuctionOpened: ['productId', 'currency', 'startingPrice', 'minIncrement', 'endsAt'],
    BidPlaced: ['bidId', 'bidderId', 'amount'],
    AuctionExtended: ['endsAt'],
    AuctionClosed: ['outcome', 'winnerId', 'price'],
    ChannelScheduled: ['title', 'sellerId', 'currency', 'scheduledAt'],
    LiveStarted: ['startedAt'],
    LiveEnded: ['endedAt'],
    ProductListed: ['productId', 'name', 'category', 'price'],
    PriceChanged: ['productId', 'price'],
    ViewerCountChanged: ['count', 'asOf'],
    AuctionAttached: ['auctionId', 'productId'],
  };

  it.each(Object.entries(samples))(
    'refuse %s with any field the view reads missing or of the wrong type',
    (type, body) => {
      const read = readFeedData[type as keyof typeof readFeedData];
      const good = body as Record<string, unknown>;
      for (const field of READ[type as keyof typeof samples]) {
        const wrong =
          typeof good[field] === 'number' ? [undefined, null, '12', 1.5, {}] : [undefined, null, '', 12, {}];
        for (const bad of wrong)
          expect(read({ ...good, [field]: bad }), `${type}.${field} = ${String(bad)}`).toBeNull();
      }
    },
  );

  it('a malformed item leaves the view as it was; a good one applies', () => {
    const event = (sourceType: string, data: Record<string, unknown>, version: number) => ({
      kind: 'event' as const,
      channelId: 'c1',
      streamId: 'channel-c1',
      eventType: 'LIVE_STARTED' as const,
      sourceType,
      version,
      occurredAt: 0,
      data,
    });
    const view = applyFeedEvent(emptyChannelView('c1'), event('LiveStarted', { startedAt: 'soon' }, 1));
    expect(view.status).toBe('UNKNOWN');
    expect(applyFeedEvent(view, event('LiveStarted', { startedAt: 6 }, 2))).toMatchObject({
      status: 'LIVE',
      startedAt: 6,
    });
  });
});

describe('zod stays off the browser path', () => {
  const zodInputs = async (entry: string): Promise<string[]> => {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    return Object.keys(result.metafile.inputs).filter((input) => /node_modules\/zod\//.test(input));
  };

  it('the check sees zod where it is (the feed item schemas)', async () => {
    expect((await zodInputs('src/domain/live-feed/feed-item.ts')).length).toBeGreaterThan(0);
  });

  it.each(['src/client/viewer-client.ts', 'web/live/main.ts', 'web/booking/main.ts'])(
    '%s bundles without zod',
    async (entry) => {
      expect(await zodInputs(entry)).toEqual([]);
    },
  );
});
