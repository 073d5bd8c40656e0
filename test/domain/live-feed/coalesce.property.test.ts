import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesce, groupByChannel } from '../../../src/domain/live-feed/coalesce.js';
import type { ChannelFeedEvent, FeedItem } from '../../../src/domain/live-feed/feed-item.js';

const STREAMS = ['channel-c1', 'auction-a1', 'auction-a2'];

/** Per stream, versions 1..n with a type each; delivered as any interleaving with duplicates. */
const batchArb = fc
  .record({
    types: fc.array(
      fc.array(fc.constantFrom('VIEWER_COUNT_CHANGED', 'PRICE_UPDATED', 'VIEWER_COUNT_CHANGED'), { maxLength: 12 }),
      {
        minLength: STREAMS.length,
        maxLength: STREAMS.length,
      },
    ),
    likes: fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 5 }),
    chats: fc.nat({ max: 4 }),
    inOrder: fc.boolean(),
  })
  .chain(({ types, likes, chats, inOrder }) => {
    const events: ChannelFeedEvent[] = types.flatMap((list, s) =>
      list.map((eventType, i) => ({
        kind: 'event' as const,
        channelId: 'c1',
        streamId: STREAMS[s] as string,
        eventType: eventType as ChannelFeedEvent['eventType'],
        sourceType: eventType === 'PRICE_UPDATED' ? 'PriceChanged' : 'ViewerCountChanged',
        version: i + 1,
        occurredAt: i,
        data: { count: i + 1 },
      })),
    );
    const signals: FeedItem[] = [
      ...likes.map((count, i) => ({
        kind: 'signal' as const,
        signal: 'LIKES' as const,
        channelId: 'c1',
        count,
        at: i,
      })),
      ...Array.from({ length: chats }, (_, i) => ({
        kind: 'signal' as const,
        signal: 'CHAT' as const,
        channelId: 'c1',
        messageId: `m${i}`,
        userId: 'u',
        text: `hi ${i}`,
        at: i,
      })),
    ];
    const withDuplicates = fc.subarray(events).map((dups) => [...events, ...dups]);
    const ordered = inOrder
      ? withDuplicates.map((items) => [...items].sort((a, b) => a.version - b.version))
      : withDuplicates.chain((items) =>
          fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }),
        );
    return ordered.chain((evs) =>
      fc
        .shuffledSubarray([...evs, ...signals], {
          minLength: evs.length + signals.length,
          maxLength: evs.length + signals.length,
        })
        .map((mixed) => {
          // Keep each stream's own order when the case asks for in-order delivery.
          if (!inOrder) return { items: mixed, events, likes, inOrder };
          const queues = new Map(STREAMS.map((s) => [s, evs.filter((e) => e.streamId === s)]));
          return {
            items: mixed.map((i) => (i.kind === 'event' ? (queues.get(i.streamId)?.shift() as FeedItem) : i)),
            events,
            likes,
            inOrder,
          };
        }),
    );
  });

describe('coalescing one channel batch', () => {
  it('covers every version exactly once, merges only viewer counts, sums likes and keeps chat', () => {
    fc.assert(
      fc.property(batchArb, ({ items, events, likes }) => {
        const out = coalesce(items);
        const outEvents = out.filter((i): i is ChannelFeedEvent => i.kind === 'event');
        for (const stream of STREAMS) {
          const expected = events.filter((e) => e.streamId === stream);
          const covered = outEvents
            .filter((e) => e.streamId === stream)
            .flatMap((e) => {
              const from = e.fromVersion ?? e.version;
              return Array.from({ length: e.version - from + 1 }, (_, k) => from + k);
            });
          expect([...covered].sort((a, b) => a - b)).toEqual(expected.map((e) => e.version));
          for (const e of outEvents.filter((o) => o.streamId === stream && o.fromVersion !== undefined)) {
            for (let v = e.fromVersion as number; v <= e.version; v++)
              expect(expected[v - 1]?.eventType).toBe('VIEWER_COUNT_CHANGED');
            expect(e.data).toEqual(expected[e.version - 1]?.data);
          }
        }
        const likeItems = out.filter((i) => i.kind === 'signal' && i.signal === 'LIKES');
        expect(likeItems.length).toBe(likes.length > 0 ? 1 : 0);
        if (likes.length > 0) expect(likeItems[0]).toMatchObject({ count: likes.reduce((a, b) => a + b, 0) });
        const chats = (list: readonly FeedItem[]) => list.filter((i) => i.kind === 'signal' && i.signal === 'CHAT');
        expect(chats(out)).toEqual(chats(items));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves no mergeable neighbours when a stream arrives in order', () => {
    fc.assert(
      fc.property(
        batchArb.filter((b) => b.inOrder),
        ({ items }) => {
          const out = coalesce(items).filter((i): i is ChannelFeedEvent => i.kind === 'event');
          for (const stream of STREAMS) {
            const mine = out.filter((e) => e.streamId === stream);
            for (let i = 1; i < mine.length; i++) {
              const [a, b] = [mine[i - 1] as ChannelFeedEvent, mine[i] as ChannelFeedEvent];
              expect((b.fromVersion ?? b.version) > a.version).toBe(true);
              expect(
                a.eventType === 'VIEWER_COUNT_CHANGED' &&
                  b.eventType === 'VIEWER_COUNT_CHANGED' &&
                  (b.fromVersion ?? b.version) === a.version + 1,
              ).toBe(false);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('groups by channel in arrival order', () => {
    const like = (channelId: string, count: number): FeedItem => ({
      kind: 'signal',
      signal: 'LIKES',
      channelId,
      count,
      at: 0,
    });
    const groups = groupByChannel([like('b', 1), like('a', 2), like('b', 3)]);
    expect([...groups.keys()]).toEqual(['b', 'a']);
    expect(groups.get('b')?.map((i) => (i.kind === 'signal' && i.signal === 'LIKES' ? i.count : 0))).toEqual([1, 3]);
  });

  it('drops WATCHED signals (for the recommender, they name who watches) and keeps everything else in order', () => {
    const watched = (userId: string): FeedItem => ({
      kind: 'signal',
      signal: 'WATCHED',
      channelId: 'c1',
      userId,
      at: 1,
    });
    const chat: FeedItem = {
      kind: 'signal',
      signal: 'CHAT',
      channelId: 'c1',
      messageId: 'm1',
      userId: 'u1',
      text: 'hi',
      at: 2,
    };
    const like: FeedItem = { kind: 'signal', signal: 'LIKES', channelId: 'c1', count: 2, at: 3 };
    expect(coalesce([watched('u1'), chat, watched('u2'), like, watched('u3')])).toEqual([chat, like]);
    expect(coalesce([watched('u1')])).toEqual([]);
  });
});
