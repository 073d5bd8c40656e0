import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpEvent } from '../http-test-events.js';
import { awsEntryWorld, type AwsEntryWorld } from './aws-entry-world.js';

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

describe('http-api Lambda entry on its AWS container (DynamoDB Local, kinesalite, fauxqs)', () => {
  let world: AwsEntryWorld;
  let handler: Handler;
  /** `on`: another instance of the Lambda (a cold one); by default the one started for the suite. */
  const call = async (routeKey: string, options: Parameters<typeof httpEvent>[1], on: Handler = handler) => {
    const result = await on(httpEvent(routeKey, options));
    return {
      status: result.statusCode,
      body: result.body ? (JSON.parse(result.body) as Record<string, any>) : undefined,
    };
  };

  beforeAll(async () => {
    world = await awsEntryWorld();
    ({ handler } = (await world.importEntry(() => import('../../../src/entrypoints/lambda/http-api.handler.js'))) as {
      handler: Handler;
    });
  });
  afterAll(() => world?.stop());

  it('answers a malformed body with 400 naming the field, and queues nothing', async () => {
    const answer = await call('POST /api/trips/{tripId}/bookings', {
      path: { tripId: 'no-such-trip' },
      body: { seats: 'two' },
      as: 'ana',
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('seats');
    const { Messages = [] } = await world.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: world.queues.booking.url, WaitTimeSeconds: 0 }),
    );
    expect(Messages).toEqual([]);
  });

  it('schedules a trip in the DynamoDB events table, queues a booking on the FIFO queue, and reads its status from the request index', async () => {
    const tripId = `trip-${Date.now().toString(36)}`;
    const scheduled = await call('POST /api/trips', {
      body: {
        tripId,
        route: 'Lisbon → Porto',
        departsAt: Date.now() + 86_400_000,
        capacity: 10,
        maxSeatsPerBooking: 4,
      },
      as: 'operator',
    });
    expect(scheduled.status).toBe(201);
    const { Items = [] } = await world.clients.dynamodb.send(
      new QueryCommand({
        TableName: world.names.events,
        KeyConditionExpression: 'streamId = :s',
        ExpressionAttributeValues: { ':s': { S: `trip-${tripId}` } },
      }),
    );
    expect(Items.length).toBeGreaterThan(0);

    const booked = await call('POST /api/trips/{tripId}/bookings', { path: { tripId }, body: { seats: 2 }, as: 'ana' });
    expect(booked.status).toBe(202);
    expect(booked.body).toMatchObject({ status: 'QUEUED' });
    const requestId = booked.body?.['requestId'] as string;

    const { Messages = [] } = await world.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.queues.booking.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    expect(Messages).toHaveLength(1);
    expect(Messages[0]?.Attributes?.MessageGroupId).toBe(tripId);
    expect(Messages[0]?.Body).toContain(requestId);

    const status = await call('GET /api/bookings/{requestId}', { path: { requestId }, as: 'ana' });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ requestId, status: 'QUEUED', seats: 2 });
    // The index is the DynamoDB one: another passenger is refused, an unknown id is not found.
    expect((await call('GET /api/bookings/{requestId}', { path: { requestId }, as: 'bob' })).status).toBe(403);
    expect(
      (await call('GET /api/bookings/{requestId}', { path: { requestId: `${requestId}x` }, as: 'ana' })).status,
    ).toBe(404);
  });

  it('answers the HTTP input edges as documented: 413 past 64 KiB (plain or base64), 415, ids, stream ids, decimal numbers', async () => {
    // The HTTP API passes bodies up to its own 10 MB cap to the function: the function refuses past 64 KiB.
    const megabyte = JSON.stringify({ channelId: 'big', title: 'x'.repeat(1024 * 1024), currency: 'KRW' });
    for (const [label, event] of [
      ['plain', httpEvent('POST /api/channels', { rawBody: megabyte, as: 'seller-edges' })],
      [
        'base64',
        {
          ...httpEvent('POST /api/channels', { rawBody: Buffer.from(megabyte).toString('base64'), as: 'seller-edges' }),
          isBase64Encoded: true,
        },
      ],
      ['any route', httpEvent('GET /api/health', { rawBody: megabyte })],
    ] as const) {
      const result = await handler(event);
      expect(result.statusCode, label).toBe(413);
      expect(JSON.parse(result.body ?? '{}'), label).toMatchObject({
        error: { code: 'PAYLOAD_TOO_LARGE', field: 'body' },
      });
    }
    const plain = httpEvent('POST /api/channels', {
      body: { channelId: 'edge-plain', title: 't', currency: 'KRW' },
      as: 'seller-edges',
    });
    const asText = await handler({
      ...plain,
      headers: { ...plain.headers, 'content-type': 'text/plain;charset=UTF-8' },
    });
    expect(asText.statusCode).toBe(415);
    expect(JSON.parse(asText.body ?? '{}')).toMatchObject({
      error: { code: 'UNSUPPORTED_MEDIA_TYPE', field: 'content-type' },
    });
    expect((await call('GET /api/channels/{channelId}', { path: { channelId: 'edge-plain' } })).status).toBe(404);
    expect(
      await call('POST /api/channels', { body: { channelId: '..', title: 't', currency: 'KRW' }, as: 'seller-edges' }),
    ).toMatchObject({ status: 400, body: { error: { field: 'channelId' } } });
    expect(await call('GET /api/streams/{streamId}/events', { path: { streamId: 'trip-x' } })).toMatchObject({
      status: 404,
      body: { error: { code: 'STREAM_NOT_FOUND' } },
    });
    expect(
      await call('GET /api/streams/{streamId}/events', { path: { streamId: 'channel-edge' }, query: { after: '1e0' } }),
    ).toMatchObject({ status: 400, body: { error: { field: 'after' } } });
  });

  it('answers /internal/* only to IAM-authorized callers, however the path is spelled', async () => {
    const internal = (rawPath: string, iam: boolean) => {
      const base = httpEvent('GET /internal/recommend/{userId}', { path: { userId: 'ana' } });
      const event = {
        ...base,
        routeKey: '$default',
        rawPath,
        requestContext: {
          ...base.requestContext,
          routeKey: '$default',
          http: { ...base.requestContext.http, path: rawPath },
          ...(iam ? { authorizer: { iam: { accountId: '123456789012' } } } : {}),
        },
      } as APIGatewayProxyEventV2;
      delete (event as { pathParameters?: unknown }).pathParameters;
      return handler(event);
    };
    for (const path of ['/internal/recommend/ana', '//internal/recommend/ana', '/%69nternal/recommend/ana']) {
      expect((await internal(path, false)).statusCode, path).toBe(404);
    }
    expect((await internal('/internal/recommend/ana', true)).statusCode).toBe(200);
  });

  it("shares a user's bid budget across instances through DynamoDB: two instances admit one burst of 5, not 5 each", async () => {
    // A second module instance of the entry stands in for a second Lambda instance: its own memory, the same table.
    const { handler: other } = (await world.importEntry(
      () => import('../../../src/entrypoints/lambda/http-api.handler.js'),
    )) as { handler: Handler };
    const run = Date.now().toString(36);
    const [channelId, auctionId, seller] = [`ch-bid-${run}`, `auc-${run}`, `seller-${run}`];
    expect(
      (await call('POST /api/channels', { body: { channelId, title: 'Bids', currency: 'KRW' }, as: seller })).status,
    ).toBe(201);
    const product = { productId: 'lamp', name: 'Lamp', category: 'home', price: 10_000, currency: 'KRW' };
    expect(
      (await call('POST /api/channels/{channelId}/products', { path: { channelId }, body: product, as: seller }))
        .status,
    ).toBe(201);
    const auction = { auctionId, productId: 'lamp', startingPrice: 1_000, minIncrement: 100, durationSeconds: 600 };
    expect(
      (await call('POST /api/channels/{channelId}/auctions', { path: { channelId }, body: auction, as: seller }))
        .status,
    ).toBe(201);

    // Twelve bids alternating between the instances. The budget is a burst of 5 refilled at 1/s:
    // shared, at most 5 + the seconds elapsed get through; per-instance buckets would admit 10.
    const bidder = `bidder-${run}`;
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const instance = i % 2 === 0 ? handler : other;
      const result = await instance(
        httpEvent('POST /api/auctions/{auctionId}/bids', {
          path: { auctionId },
          body: { bidId: `b${i}`, amount: 1_000 + i * 100 },
          as: bidder,
        }),
      );
      statuses.push(result.statusCode ?? 0);
    }
    const elapsedSeconds = (Date.now() - started) / 1000;
    const admitted = statuses.filter((s) => s === 201).length;
    expect(statuses.every((s) => s === 201 || s === 429)).toBe(true);
    expect(statuses.slice(0, 5)).toEqual([201, 201, 201, 201, 201]);
    expect(admitted).toBeLessThanOrEqual(5 + Math.ceil(elapsedSeconds));
    expect(admitted).toBeLessThan(10);
    const { Item } = await world.clients.dynamodb.send(
      new GetItemCommand({
        TableName: world.names.connections,
        Key: { pk: { S: `rate#bid-user#${bidder}` }, sk: { S: 'rate' } },
        ConsistentRead: true,
      }),
    );
    // Each admitted bid is one conditional write to the one bucket item.
    expect(Item?.['version']).toEqual({ N: String(admitted) });
  });

  it('snapshots a long auction in the snapshots table, and a cold instance answers from it with the same state', async () => {
    const run = `snap-${Date.now().toString(36)}`;
    const [channelId, auctionId, seller] = [`ch-${run}`, `auc-${run}`, `seller-${run}`];
    expect(
      (await call('POST /api/channels', { body: { channelId, title: 'Snapshots', currency: 'KRW' }, as: seller }))
        .status,
    ).toBe(201);
    const product = { productId: 'vase', name: 'Vase', category: 'home', price: 10_000, currency: 'KRW' };
    expect(
      (await call('POST /api/channels/{channelId}/products', { path: { channelId }, body: product, as: seller }))
        .status,
    ).toBe(201);
    const auction = { auctionId, productId: 'vase', startingPrice: 1_000, minIncrement: 10, durationSeconds: 600 };
    expect(
      (await call('POST /api/channels/{channelId}/auctions', { path: { channelId }, body: auction, as: seller }))
        .status,
    ).toBe(201);
    // 110 bids, one per bidder (each within its own bid budget): the policy snapshots every 100 events.
    for (let i = 0; i < 110; i++) {
      const bid = await call('POST /api/auctions/{auctionId}/bids', {
        path: { auctionId },
        body: { bidId: `b${i}`, amount: 1_000 + i * 10 },
        as: `bidder-${run}-${i}`,
      });
      expect(bid.status).toBe(201);
    }
    const snapshotVersion = async () => {
      const { Item } = await world.clients.dynamodb.send(
        new GetItemCommand({
          TableName: world.names.snapshots,
          Key: { streamId: { S: `auction-${auctionId}` } },
          ConsistentRead: true,
        }),
      );
      return Number(Item?.['version']?.N ?? 0);
    };
    // Written in the background after the command that reached version 100.
    await expect.poll(snapshotVersion, { timeout: 10_000 }).toBeGreaterThanOrEqual(100);

    const { handler: cold } = (await world.importEntry(
      () => import('../../../src/entrypoints/lambda/http-api.handler.js'),
    )) as { handler: Handler };
    const read = await cold(httpEvent('GET /api/auctions/{auctionId}', { path: { auctionId } }));
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body ?? '{}')).toMatchObject({
      status: 'OPEN',
      highest: { bidderId: `bidder-${run}-109`, amount: 1_000 + 109 * 10 },
    });

    // A client whose bid timed out before the restart sends it again: the cold instance finds it in
    // the snapshot (its first lookups search the stored columns) and answers it as a retry; the
    // same id with another amount is refused; the same id from another bidder is another bid.
    const bidOn = (as: string, bidId: string, amount: number) =>
      call('POST /api/auctions/{auctionId}/bids', { path: { auctionId }, body: { bidId, amount }, as }, cold);
    expect(await bidOn(`bidder-${run}-5`, 'b5', 1_050)).toMatchObject({
      status: 200,
      body: { accepted: true, retried: true },
    });
    expect(await bidOn(`bidder-${run}-5`, 'b5', 1_060)).toMatchObject({
      status: 409,
      body: { error: { code: 'BID_ID_REUSED', field: 'bidId' } },
    });
    expect(await bidOn(`bidder-${run}-6`, 'b5', 1_000 + 110 * 10)).toMatchObject({
      status: 201,
      body: { accepted: true, retried: false, highest: { bidderId: `bidder-${run}-6`, amount: 1_000 + 110 * 10 } },
    });
  });
});
