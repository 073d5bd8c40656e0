import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOffloadPointer } from '../../../src/adapters/sqs/queue-body-codec.js';
import { createEmulatorBackend, emulatorResourceNames } from '../../../src/entrypoints/local/emulator-backend.js';
import { LocalConfigError } from '../../../src/entrypoints/local/local-config.js';
import type { LocalRuntimeExtension } from '../../../src/entrypoints/local/local-extensions.js';
import { startLocalRuntime, type LocalRuntime } from '../../../src/entrypoints/local/runtime.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';
import { startRedisForTests, type RedisForTests } from '../../support/redis.js';
import { api, connect, eventually, openAuction } from '../local-runtime-client.js';

const run = promisify(execFile);
const { endpoints, dynamodb, sqs, s3 } = emulatorClients();
const suffix = `-${uniqueName('e2e')}`;
const names = emulatorResourceNames(suffix);

let runtime: LocalRuntime;
let redis: RedisForTests;
beforeAll(async () => {
  redis = await startRedisForTests();
  // The emulators of this test run, shared; the backend creates its own tables, stream and queues.
  runtime = await startLocalRuntime({
    port: 0,
    host: '127.0.0.1',
    progressIntervalMs: 0,
    logLevel: 'SILENT',
    backend: 'emulators-under-test',
    backends: { 'emulators-under-test': createEmulatorBackend({ endpoints, suffix, redisKeyPrefix: redis.prefix }) },
    broadcastVisibilityTimeoutMs: 1_000,
    maxReceiveCount: 2,
    redisUrl: `redis://${redis.host}:${redis.port}`,
  });
});
afterAll(async () => {
  await runtime?.stop();
  await redis?.stop();
});

const dlqDepth = async (): Promise<number> => {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.broadcastDlq }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
};

/**
 * Headers of a signed-in seller. The local runtime issues development tokens at
 * POST /api/dev/tokens; a build without identity answers 404 there and needs no header.
 */
const sellerHeaders = async (): Promise<Record<string, string>> => {
  const response = await fetch(`${runtime.url}/api/dev/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'seller-1' }),
  });
  if (response.status === 404) return {};
  expect(response.status).toBe(201);
  const { token } = (await response.json()) as { token: string };
  return { authorization: `Bearer ${token}` };
};

const post = async (path: string, body: unknown, headers: Record<string, string>) => {
  const response = await fetch(`${runtime.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
};

describe('npm start -- --backend emulators', () => {
  it('says which emulators and resources it uses', () => {
    expect(runtime.backend).toMatch(
      new RegExp(`DynamoDB Local ${endpoints.dynamodb}.*kinesalite.*fauxqs.*${names.broadcastQueue}`),
    );
    // The progress line reports the pollers, not the idle in-memory registry (its zeros would mislead).
    const line = runtime.progress();
    for (const source of [
      'relay',
      'fanout',
      'broadcast',
      'booking',
      'presence',
      'auction-close',
      'recommend-requests',
      'recommend-feed',
    ])
      expect(line).toContain(` ${source} `);
    expect(line).not.toContain('joined=');
  });

  it('carries a command from the HTTP API to a WebSocket viewer through DynamoDB Local, kinesalite and fauxqs', async () => {
    const seller = await sellerHeaders();
    const created = await post('/api/channels', { sellerId: 'seller-1', title: 'Launch', currency: 'KRW' }, seller);
    expect(created.status).toBe(201);
    const channelId = created.body?.['channelId'] as string;

    const viewer = await connect(runtime);
    viewer.send({ action: 'join', channelId });
    const joined = await eventually(
      async () => viewer.frames,
      (f) => f.some((frame) => frame['type'] === 'joined'),
    );
    expect(joined.find((f) => f['type'] === 'joined')).toMatchObject({ channelId, shardNo: 0 });

    expect((await post(`/api/channels/${channelId}/start`, undefined, seller)).status).toBe(200);
    const frames = await eventually(
      async () => viewer.frames,
      (f) => JSON.stringify(f).includes('LIVE_STARTED'),
      30_000,
    );
    const delivered = frames.find((f) => JSON.stringify(f).includes('LIVE_STARTED'));
    expect(JSON.stringify(delivered)).toContain(channelId);

    // The event really is in DynamoDB Local (the relay read it from the table's stream).
    const { Item } = await dynamodb.send(
      new GetItemCommand({
        TableName: names.eventsTable,
        Key: { streamId: { S: `channel-${channelId}` }, version: { N: '2' } },
      }),
    );
    expect(Item?.['type']?.S).toBe('LiveStarted');
    await viewer.close();
  });

  it('delivers a broadcast message whose body the queue offloaded to S3 (read back by the broadcast handler)', async () => {
    const viewer = await connect(runtime);
    viewer.send({ action: 'join', channelId: 'offloaded-channel' });
    await eventually(
      async () => viewer.frames,
      (f) => f.some((frame) => frame['type'] === 'joined'),
    );
    const message = {
      channelId: 'offloaded-channel',
      shardNo: 0,
      payload: {
        channelId: 'offloaded-channel',
        items: [{ kind: 'signal', signal: 'LIKES', channelId: 'offloaded-channel', count: 7, at: 1 }],
      },
    };
    const body = JSON.stringify(message);
    const key = `offload/${names.broadcastQueue}/by-hand.json`;
    await s3.send(
      new PutObjectCommand({ Bucket: names.bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.broadcastQueue }));
    await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: encodeOffloadPointer(key, Buffer.byteLength(body)) }),
    );
    const frames = await eventually(
      async () => viewer.frames,
      (f) => f.some((frame) => frame['type'] === 'feed'),
      30_000,
    );
    expect(frames.find((f) => f['type'] === 'feed')).toEqual({
      type: 'feed',
      channelId: 'offloaded-channel',
      items: message.payload.items,
    });
    await viewer.close();
  });

  it('books through the FIFO booking queue on fauxqs, counts in the stats table on DynamoDB Local and publishes stats.json to S3', async () => {
    expect(runtime.backend).toContain(names.bookingQueue);
    const trip = {
      tripId: 'emu-express',
      route: 'Seoul → Busan',
      departsAt: Date.now() + 86_400_000,
      capacity: 2,
      maxSeatsPerBooking: 2,
    };
    expect((await api(runtime, 'POST', '/api/trips', trip, { as: 'operator' })).status).toBe(201);
    const requests = [
      ['req-emu-1', 'kim', 1],
      ['req-emu-2', 'lee', 2],
      ['req-emu-3', 'park', 1],
    ] as const;
    for (const [requestId, user, seats] of requests) {
      expect(
        (await api(runtime, 'POST', '/api/trips/emu-express/bookings', { seats, requestId }, { as: user })).status,
      ).toBe(202);
    }
    const outcome = (requestId: string, user: string) => async () =>
      (await api(runtime, 'GET', `/api/bookings/${requestId}`, undefined, { as: user })).body?.['status'];
    expect(await eventually(outcome('req-emu-1', 'kim'), (s) => s === 'CONFIRMED', 30_000)).toBe('CONFIRMED');
    expect(await eventually(outcome('req-emu-2', 'lee'), (s) => s === 'REJECTED', 30_000)).toBe('REJECTED');
    expect(await eventually(outcome('req-emu-3', 'park'), (s) => s === 'CONFIRMED', 30_000)).toBe('CONFIRMED');

    const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: names.statsTable, ConsistentRead: true }));
    expect(Items.length).toBeGreaterThan(0);
    const published = await eventually(
      async () => (await fetch(`${runtime.url}/stats.json`)).json() as Promise<Record<string, unknown>>,
      (s) => typeof s['processed'] === 'number' && s['processed'] >= 3,
      30_000,
    );
    expect(published).toMatchObject({ processed: 3 });
  });

  it('counts viewers from heartbeats through the heartbeat queue on fauxqs and the presence table on DynamoDB Local', async () => {
    expect(runtime.backend).toContain(names.heartbeatQueue);
    const seller = await sellerHeaders();
    const created = await post('/api/channels', { sellerId: 'seller-1', title: 'Presence', currency: 'KRW' }, seller);
    const channelId = created.body?.['channelId'] as string;
    expect((await post(`/api/channels/${channelId}/start`, undefined, seller)).status).toBe(200);
    const viewer = await connect(runtime, { as: 'watcher-1' });
    viewer.send({ action: 'join', channelId });
    await eventually(
      async () => viewer.frames,
      (f) => f.some((frame) => frame['type'] === 'joined'),
    );
    viewer.send({ action: 'heartbeat', channelId, sessionId: 'emu-session-1', sequence: 1 });

    const { Items = [] } = await eventually(
      () => dynamodb.send(new ScanCommand({ TableName: names.presenceTable, ConsistentRead: true })),
      (r) => (r.Items ?? []).some((i) => i['channelId']?.S === channelId),
      30_000,
    );
    expect(Items.find((i) => i['channelId']?.S === channelId)).toMatchObject({ sessionId: { S: 'emu-session-1' } });
    const counted = await eventually(
      async () => viewer.frames,
      (f) => JSON.stringify(f).includes('VIEWER_COUNT_CHANGED'),
      30_000,
    );
    const change = counted
      .flatMap((f) => (f['items'] as Record<string, unknown>[] | undefined) ?? [])
      .find((i) => i['eventType'] === 'VIEWER_COUNT_CHANGED');
    expect(change?.['data']).toMatchObject({ count: 1 });
    await viewer.close();
  });

  it('closes an auction from a delayed message on the scheduler queue on fauxqs', async () => {
    expect(runtime.backend).toContain(names.schedulerQueue);
    const { auctionId } = await openAuction(runtime, 'emu', { as: 'seller-auction' });
    expect(
      (
        await api(
          runtime,
          'POST',
          `/api/auctions/${auctionId}/bids`,
          { bidId: 'emu-bid-1', amount: 1_500 },
          { as: 'alice' },
        )
      ).status,
    ).toBe(201);

    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.schedulerQueue }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }),
    );
    expect(Number(Attributes?.['ApproximateNumberOfMessagesDelayed'])).toBeGreaterThanOrEqual(1);
    const closed = await eventually(
      async () => (await api(runtime, 'GET', `/api/auctions/${auctionId}`)).body,
      (a) => a?.['status'] === 'CLOSED',
      30_000,
    );
    expect(closed).toMatchObject({ status: 'CLOSED', highest: { bidderId: 'alice', amount: 1_500 } });
  });

  it('answers recommendation requests through the request stream on kinesalite, from the live feed, cached in Redis', async () => {
    expect(runtime.backend).toContain(names.recommendStream);
    const seller = { as: 'seller-reco' };
    expect(
      (await api(runtime, 'POST', '/api/channels', { channelId: 'emu-reco', title: 'Reco', currency: 'KRW' }, seller))
        .status,
    ).toBe(201);
    expect((await api(runtime, 'POST', '/api/channels/emu-reco/start', undefined, seller)).status).toBe(200);
    // The second consumer of the feed on kinesalite projects the live channel into Redis.
    const live = await eventually(
      async () => (await api(runtime, 'GET', '/internal/recommend/emu-reader?top_n=10')).body,
      (b) => JSON.stringify(b?.['recommendations'] ?? []).includes('emu-reco'),
      30_000,
    );
    expect(live).toMatchObject({ user_id: 'emu-reader' });

    expect((await api(runtime, 'POST', '/recommend/requests', { topN: 5 }, { as: 'emu-reader' })).status).toBe(202);
    const cached = await eventually(
      async () => (await api(runtime, 'GET', '/recommend/cached/emu-reader?top_n=5')).body,
      (b) => b?.['from_cache'] === true,
      30_000,
    );
    expect(JSON.stringify(cached?.['recommendations'])).toContain('emu-reco');
    const keys = await redis.client.keys(`${redis.prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('refuses to start with a --redis-url nobody answers at, naming the setting', async () => {
    const refused = await startLocalRuntime({
      port: 0,
      host: '127.0.0.1',
      progressIntervalMs: 0,
      logLevel: 'SILENT',
      backend: 'emulators-under-test',
      backends: { 'emulators-under-test': createEmulatorBackend({ endpoints, suffix: `${suffix}-noredis` }) },
      redisUrl: 'redis://127.0.0.1:1',
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(LocalConfigError);
    expect((refused as Error).message).toMatch(
      /--redis-url \/ STAMPEDE_REDIS_URL: Redis at 127\.0\.0\.1:1 does not answer/,
    );
    // The shared emulators are still there for the other tests (the failed start stopped only its own parts).
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: names.broadcastQueue }))).QueueUrl).toBeDefined();
  });

  it('after a feature fails to start, still runs every cleanup (one that throws included) and frees the data dir', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'stampede-halfway-'));
    const closed: string[] = [];
    const start = (extensions: LocalRuntimeExtension[]) =>
      startLocalRuntime({
        port: 0,
        host: '127.0.0.1',
        progressIntervalMs: 0,
        logLevel: 'SILENT',
        dataDir,
        backend: 'emulators-under-test',
        backends: { 'emulators-under-test': createEmulatorBackend({ endpoints, suffix: `${suffix}-halfway` }) },
        extensions,
      });
    const failed = await start([
      { name: 'opens-a-client', emulators: async () => ({ stop: async () => void closed.push('client') }) },
      {
        name: 'cleanup-throws',
        emulators: async () => ({
          stop: async () => {
            throw new Error('cleanup failed');
          },
        }),
      },
      {
        name: 'broken',
        emulators: async () => {
          throw new Error('resource could not be made');
        },
      },
    ]).then(
      () => null,
      (error: unknown) => error,
    );
    expect((failed as Error).message).toBe('resource could not be made');
    // The cleanup after the throwing one ran too, and the data dir's lock was released: a new start takes it.
    expect(closed).toEqual(['client']);
    const again = await start([]);
    await again.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('moves a poisoned broadcast message to the DLQ; `npm run redrive` leaves it there unless forced, then brings it back', async () => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.broadcastQueue }));
    const broadcast = runtime.eventSources.find((s) => s.name === 'broadcast')!;
    const { MessageId } = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: '{"channelId":"c1","shardNo":"not a number"}' }),
    );
    // Received, refused by the handler's schema, redelivered after the 1 s visibility timeout, then dead-lettered.
    expect(await eventually(dlqDepth, (n) => n === 1, 30_000)).toBe(1);
    const failuresBefore = broadcast.stats().failedInvocations;

    const env = { ...process.env, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SQS: endpoints.sqs };
    // Only this message: under load a readable broadcast may have dead-lettered beside it.
    const refused = await run(
      'node_modules/.bin/tsx',
      ['scripts/redrive.ts', names.broadcastDlq, '--message-id', MessageId!],
      { env },
    );
    expect(refused.stdout).toMatch(
      /moved 0 message\(s\)[\s\S]*left 1 message\(s\) no consumer can read[\s\S]*shardNo: /,
    );
    const depthWithPoison = await dlqDepth();
    const { stdout } = await run(
      'npm',
      ['run', '--silent', 'redrive', '--', names.broadcastDlq, '--message-id', MessageId!, '--force'],
      { env },
    );
    expect(stdout).toMatch(/moved 1 message\(s\) from .*stampede-broadcast-dlq.* to .*stampede-broadcast-/);
    // Back in the source queue, the consumer sees it again (and, still poisoned, it dead-letters again).
    const failuresAfter = await eventually(
      async () => broadcast.stats().failedInvocations,
      (n) => n > failuresBefore,
      30_000,
    );
    expect(failuresAfter).toBeGreaterThan(failuresBefore);
    expect(await eventually(dlqDepth, (n) => n === depthWithPoison, 30_000)).toBe(depthWithPoison);
  }, 120_000); // two runs of the script, each a fresh Node process, and two dead-letterings
});
