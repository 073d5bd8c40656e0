import { describe, expect, it } from 'vitest';
import { ViewerClient, type WebSocketConstructor, type WebSocketLike } from '../../src/client/viewer-client.js';
import type { ChannelFeedEvent, FeedItem } from '../../src/domain/live-feed/feed-item.js';
import { applyFeedEvent, emptyChannelView } from '../../src/domain/live-feed/channel-view.js';

type Listener = (event: { data?: unknown; code?: number; reason?: string }) => void;

/** A socket the test plays the server side of. */
class FakeSocket implements WebSocketLike {
  static last: FakeSocket | undefined;
  readyState = 0;
  readonly sent: unknown[] = [];
  private readonly listeners = new Map<string, Listener[]>();
  constructor(readonly url: string) {
    FakeSocket.last = this;
    setTimeout(() => {
      this.readyState = 1;
      this.emit('open', {});
    }, 0);
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
  }
  emit(type: string, event: Parameters<Listener>[0]): void {
    for (const l of this.listeners.get(type) ?? []) l(event);
  }
  frame(frame: unknown): void {
    this.emit('message', { data: JSON.stringify(frame) });
  }
}

const price = (version: number, p: number): ChannelFeedEvent => ({
  kind: 'event',
  channelId: 'c1',
  streamId: 'channel-c1',
  eventType: 'PRICE_UPDATED',
  sourceType: 'PriceChanged',
  version,
  occurredAt: version,
  data: { productId: 'p1', price: p, previousPrice: 1, changedAt: version },
});
const listed: ChannelFeedEvent = {
  kind: 'event',
  channelId: 'c1',
  streamId: 'channel-c1',
  eventType: 'PRODUCT_LISTED',
  sourceType: 'ProductListed',
  version: 1,
  occurredAt: 1,
  data: { productId: 'p1', name: 'Coat', price: 100, category: 'fashion' },
};
const history = [listed, ...Array.from({ length: 9 }, (_, i) => price(i + 2, 200 + i))];

/** The HTTP side: snapshot at version `snapshotAt`, recovery from `history`. */
const server = (snapshotAt: number) => {
  const requests: string[] = [];
  const fetch = async (url: string) => {
    requests.push(url.replace('http://api', ''));
    const recovery = /\/api\/streams\/channel-c1\/events\?after=(\d+)/.exec(url);
    if (recovery) {
      const after = Number(recovery[1]);
      return {
        ok: true,
        status: 200,
        json: async () => ({ items: history.filter((e) => e.version > after), hasMore: false }),
      };
    }
    const view = history.slice(0, snapshotAt).reduce(applyFeedEvent, emptyChannelView('c1'));
    return { ok: true, status: 200, json: async () => ({ view, versions: view.versions }) };
  };
  return { fetch, requests };
};

const connect = async (snapshotAt: number, gapGraceMs = 20) => {
  const http = server(snapshotAt);
  const applied: Array<[number, number]> = [];
  const chats: string[] = [];
  const client = new ViewerClient({
    httpUrl: 'http://api',
    wsUrl: 'ws://api/ws',
    channelId: 'c1',
    WebSocket: FakeSocket as unknown as WebSocketConstructor,
    fetch: http.fetch,
    gapGraceMs,
    onEvent: (_e, covers) => applied.push([covers.from, covers.to]),
    onChat: (c) => chats.push(c.text),
  });
  const connecting = client.connect();
  await new Promise((r) => setTimeout(r, 5));
  const socket = FakeSocket.last as FakeSocket;
  expect(socket.sent).toEqual([{ action: 'join', channelId: 'c1' }]);
  return { client, socket, http, applied, chats, connecting };
};

const feed = (...items: FeedItem[]) => ({ type: 'feed', channelId: 'c1', items });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ViewerClient', () => {
  it('joins before loading the snapshot, and applies frames that raced the snapshot only past its versions', async () => {
    const { client, socket, connecting, applied } = await connect(4);
    socket.frame({ type: 'joined', channelId: 'c1', shardNo: 0, connectionId: 'x' });
    socket.frame(feed(price(4, 202), price(5, 203))); // arrives before the snapshot is loaded
    await connecting;
    expect(client.versions()).toEqual({ 'channel-c1': 5 });
    expect(applied).toEqual([[5, 5]]);
    expect(client.view.products['p1']?.price).toBe(203);
    expect(client.appliedRanges().get('channel-c1')).toEqual([
      [1, 4],
      [5, 5],
    ]);
  });

  it('buffers early versions, drops repeats, and fetches a gap that does not fill itself', async () => {
    const { client, socket, connecting, http, applied } = await connect(2);
    socket.frame({ type: 'joined', channelId: 'c1', shardNo: 0, connectionId: 'x' });
    await connecting;
    socket.frame(feed(price(4, 202))); // 3 is missing
    socket.frame(feed(price(3, 201), price(3, 201))); // it arrives, twice
    expect(applied).toEqual([
      [3, 3],
      [4, 4],
    ]);
    expect(client.stats.duplicates).toBe(1);
    socket.frame(feed(price(8, 206))); // 5..7 never come over the socket
    await wait(60);
    expect(http.requests).toContain('/api/streams/channel-c1/events?after=4');
    expect(client.versions()['channel-c1']).toBe(10);
    expect(
      client
        .appliedRanges()
        .get('channel-c1')
        ?.map(([f, t]) => `${f}-${t}`),
    ).toEqual(['1-2', '3-3', '4-4', '5-5', '6-6', '7-7', '8-8', '9-9', '10-10']);
    expect(client.view).toEqual(history.reduce(applyFeedEvent, emptyChannelView('c1')));
  });

  it('applies a coalesced run that overlaps what it has, and shows each chat message once', async () => {
    const { client, socket, connecting, applied, chats } = await connect(3);
    socket.frame({ type: 'joined', channelId: 'c1', shardNo: 0, connectionId: 'x' });
    await connecting;
    const counts = (from: number, to: number): ChannelFeedEvent => ({
      ...price(to, 0),
      eventType: 'VIEWER_COUNT_CHANGED',
      sourceType: 'ViewerCountChanged',
      fromVersion: from,
      data: { count: to * 10, asOf: to },
    });
    socket.frame(feed(counts(2, 5)));
    const chat: FeedItem = {
      kind: 'signal',
      signal: 'CHAT',
      channelId: 'c1',
      messageId: 'm1',
      userId: 'u',
      text: 'hello',
      at: 1,
    };
    socket.frame(feed(chat, chat));
    expect(applied).toEqual([[4, 5]]);
    expect(client.view.viewerCount).toBe(50);
    expect(chats).toEqual(['hello']);
  });

  it('fails to connect when the join is refused', async () => {
    const { socket, connecting } = await connect(0);
    socket.frame({ type: 'error', code: 'INVALID_FRAME', message: 'channelId: bad', field: 'channelId' });
    await expect(connecting).rejects.toThrow(/join refused: INVALID_FRAME/);
  });
});
