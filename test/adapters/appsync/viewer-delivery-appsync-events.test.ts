import { afterEach, describe, expect, it } from 'vitest';
import { PublishRequest, SIGV4_APPSYNC_AUTHORIZATION } from '../../../src/adapters/appsync/event-api-wire.js';
import {
  AppSyncEventsViewerDelivery,
  PublishFailedError,
  PublishRejectedError,
  type AppSyncEventsDeliveryOptions,
} from '../../../src/adapters/appsync/viewer-delivery-adapter-appsync-events.js';
import { AppSyncEventsStandIn } from '../../../src/adapters/local/appsync-events-standin.js';
import { makeFanOut } from '../../../src/application/live/fan-out-feed.js';
import type { FeedItem } from '../../../src/domain/live-feed/feed-item.js';
import { Logger } from '@aws-lambda-powertools/logger';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryFeedStream } from '../../../src/adapters/in-memory/feed-publisher-adapter-in-memory.js';
import { kinesisRecordFormat } from '../../../src/adapters/local/kinesis-record-format.js';
import { makeFanoutHandler } from '../../../src/entrypoints/handlers/fanout.js';
import { fixture, ProtocolSocket, shapeOf } from './event-api-fixtures.js';
import { EVENT_WS_SUBPROTOCOL, encodeAuthSubprotocol } from '../../../src/adapters/appsync/event-api-wire.js';

const instantSleeper = { sleep: async () => undefined, random: () => 0.5 };
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

const event = (channelId: string, version: number, pad = 0): FeedItem => ({
  kind: 'event',
  channelId,
  streamId: `channel-${channelId}`,
  eventType: 'PRICE_UPDATED',
  sourceType: 'PriceUpdated',
  version,
  occurredAt: 1_700_000_000_000 + version,
  data: { productId: 'p1', price: 1000 + version, note: 'x'.repeat(pad) },
});

interface Sent {
  readonly headers: Record<string, string>;
  readonly body: { channel: string; events: string[] };
  readonly status: number;
  readonly response: unknown;
}

/** The real fetch, recording each request and its answer. */
const recordingFetch =
  (sent: Sent[]) => async (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
    const response = await fetch(url, init);
    const text = await response.text();
    sent.push({
      headers: init.headers,
      body: JSON.parse(init.body) as Sent['body'],
      status: response.status,
      response: text ? JSON.parse(text) : null,
    });
    return { status: response.status, text: async () => text };
  };

/**
 * The fan-out's AppSync Events publisher over real HTTP against the stand-in: what goes on the
 * wire (SigV4 for `appsync`, the documented body, ≤ 5 events, each within the size limit), and
 * what happens when the service reports events `failed` or refuses the request.
 */
describe('AppSyncEventsViewerDelivery (HTTP publish, against the stand-in)', () => {
  const started: AppSyncEventsStandIn[] = [];
  const standIn = async (chaos?: { failRate?: number; random?: () => number }) => {
    const s = await AppSyncEventsStandIn.start({
      namespaces: ['live'],
      authorize: async (a) => a['x-api-key'] === 'k',
      ...(chaos ? { chaos } : {}),
    });
    started.push(s);
    return s;
  };
  const delivery = (s: AppSyncEventsStandIn, sent: Sent[], extra: Partial<AppSyncEventsDeliveryOptions> = {}) =>
    new AppSyncEventsViewerDelivery({
      endpoint: s.httpEndpoint,
      region: 'eu-west-1',
      namespace: 'live',
      credentials,
      sleeper: instantSleeper,
      fetch: recordingFetch(sent),
      ...extra,
    });
  afterEach(async () => {
    for (const s of started.splice(0)) await s.close();
  });

  it('publishes a channel batch as one SigV4-signed request in the documented form, which subscribers receive as a feed frame', async () => {
    const s = await standIn();
    const viewer = await ProtocolSocket.open(s.realtimeEndpoint, [
      EVENT_WS_SUBPROTOCOL,
      encodeAuthSubprotocol({ host: s.host, 'x-api-key': 'k' }),
    ]);
    viewer.send({ type: 'subscribe', id: 'v1', channel: '/live/c1', authorization: { 'x-api-key': 'k' } });
    await viewer.next((m) => m['type'] === 'subscribe_success');

    const sent: Sent[] = [];
    const receipt = await delivery(s, sent).deliver('c1', [event('c1', 1), event('c1', 2)]);
    expect(receipt).toEqual({ messages: 1, calls: 1 });
    expect(sent).toHaveLength(1);
    const [request] = sent as [Sent];
    expect(request.headers['authorization']).toMatch(SIGV4_APPSYNC_AUTHORIZATION);
    expect(request.headers['authorization']).toContain('/eu-west-1/appsync/aws4_request');
    expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request.headers['content-type']).toBe('application/json');
    // The body has the documented shape: a channel and events that are JSON strings.
    expect(shapeOf(request.body)).toEqual(shapeOf(fixture<{ body: unknown }>('publish_http_request').body));
    expect(PublishRequest.parse(request.body).channel).toBe('/live/c1');
    expect(shapeOf(request.response)).toEqual(shapeOf(fixture('publish_http_response')));

    const data = await viewer.next((m) => m['type'] === 'data');
    expect(JSON.parse(data['event'] as string)).toEqual({
      type: 'feed',
      channelId: 'c1',
      items: [event('c1', 1), event('c1', 2)],
    });
    viewer.close();
  });

  it('splits a large batch into events within the size limit and requests of at most 5 events, in order', async () => {
    const s = await standIn();
    const sent: Sent[] = [];
    const items = Array.from({ length: 24 }, (_, i) => event('c2', i + 1, 600));
    const receipt = await delivery(s, sent, { maxEventBytes: 2_000 }).deliver('c2', items);
    const events = sent.flatMap((r) => r.body.events);
    expect(sent.every((r) => r.body.events.length <= 5)).toBe(true);
    expect(events.every((e) => Buffer.byteLength(e) <= 2_000)).toBe(true);
    expect(receipt).toEqual({ messages: events.length, calls: sent.length });
    expect(sent.length).toBe(Math.ceil(events.length / 5));
    // Every item once, in order.
    const versions = events.flatMap((e) =>
      (JSON.parse(e) as { items: Array<{ version: number }> }).items.map((i) => i.version),
    );
    expect(versions).toEqual(items.map((_, i) => i + 1));
  });

  it('retries only the events reported failed', async () => {
    // The stand-in reports the 2nd event of the first request failed, then accepts everything.
    const rolls = [0.9, 0.01, 0.9];
    const s = await standIn({ failRate: 0.5, random: () => rolls.shift() ?? 0.9 });
    const sent: Sent[] = [];
    const items = Array.from({ length: 3 }, (_, i) => event('c3', i + 1, 600));
    const receipt = await delivery(s, sent, { maxEventBytes: 1_000 }).deliver('c3', items);
    expect(sent.map((r) => r.body.events.length)).toEqual([3, 1]);
    expect(sent[1]?.body.events[0]).toBe(sent[0]?.body.events[1]);
    expect(receipt.calls).toBe(2);
    expect(s.stats()).toMatchObject({ publishRequests: 2, failedEvents: 1 });
  });

  it('fails the channel when events keep failing, so the fan-out reports it for the event source to retry', async () => {
    const s = await standIn({ failRate: 1 });
    const sent: Sent[] = [];
    const publisher = delivery(s, sent, { backoff: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    await expect(publisher.deliver('c4', [event('c4', 1)])).rejects.toBeInstanceOf(PublishFailedError);
    expect(sent).toHaveLength(3);

    const result = await makeFanOut({ delivery: publisher })([event('c4', 2), event('c5', 1)]);
    expect([...result.failed.keys()].sort()).toEqual(['c4', 'c5']);
  });

  it('fails the Kinesis batch item of a channel whose events keep failing; channels published before it stand', async () => {
    // Events of channel b fail for good; a is accepted.
    const s = await standIn();
    const sent: Sent[] = [];
    const real = recordingFetch(sent);
    const failingB = async (url: string, init: { method: string; headers: Record<string, string>; body: string }) =>
      init.body.includes('"/live/b"')
        ? { status: 200, text: async () => JSON.stringify({ successful: [], failed: [{ identifier: 'x', index: 0 }] }) }
        : real(url, init);
    const publisher = delivery(s, sent, {
      fetch: failingB,
      backoff: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const feed = new InMemoryFeedStream({ shardCount: 1, sleeper: new FakeClock() });
    await feed.publish([event('a', 1), event('b', 1), event('a', 2)]);
    const kinesis = kinesisRecordFormat(feed.arn).toEvent(feed.read(0, 0, 100), 0);
    const handler = makeFanoutHandler({
      fanOut: makeFanOut({ delivery: publisher }),
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const b = kinesis.Records.find((r) => Buffer.from(r.kinesis.data, 'base64').toString().includes('"channelId":"b"'));
    expect(await handler(kinesis)).toEqual({ batchItemFailures: [{ itemIdentifier: b?.kinesis.sequenceNumber }] });
    expect(sent.map((r) => r.body.channel)).toEqual(['/live/a']);
  });

  it('does not retry a request the service refuses (an unsigned or malformed publish is a 4xx)', async () => {
    const s = await standIn();
    const unsigned = await fetch(s.httpEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: '/live/c', events: ['1'] }),
    });
    expect(unsigned.status).toBe(401);
    const sent: Sent[] = [];
    // A namespace the API does not have: 400, thrown at once.
    await expect(delivery(s, sent, { namespace: 'nowhere' }).deliver('c6', [event('c6', 1)])).rejects.toBeInstanceOf(
      PublishRejectedError,
    );
    expect(sent).toHaveLength(1);
  });

  it('retries a request that fails in transit or is throttled, then gives up', async () => {
    const s = await standIn();
    let calls = 0;
    const flaky = async (url: string, init: { method: string; headers: Record<string, string>; body: string }) => {
      calls++;
      if (calls === 1) throw new Error('socket hang up');
      if (calls === 2)
        return { status: 429, text: async () => '{"errors":[{"errorType":"TooManyRequestsException"}]}' };
      const response = await fetch(url, init);
      return { status: response.status, text: () => response.text() };
    };
    await expect(delivery(s, [], { fetch: flaky }).deliver('c7', [event('c7', 1)])).resolves.toEqual({
      messages: 1,
      calls: 3,
    });
    const always = async () => ({ status: 503, text: async () => 'unavailable' });
    await expect(
      delivery(s, [], { fetch: always, backoff: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }).deliver('c7', [
        event('c7', 2),
      ]),
    ).rejects.toThrow(/HTTP 503/);
  });
});
