import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Container } from 'inversify';
import { ApiGatewayConnectionGateway } from '../../../src/adapters/apigateway/connection-gateway-adapter-apigateway.js';
import { DynamoDbBookingRequestIndex } from '../../../src/adapters/dynamodb/booking-request-index-adapter-dynamodb.js';
import { DynamoDbConnectionQuota } from '../../../src/adapters/dynamodb/connection-quota-adapter-dynamodb.js';
import { DynamoDbConnectionRegistry } from '../../../src/adapters/dynamodb/connection-registry-adapter-dynamodb.js';
import { DynamoDbConnectionSessions } from '../../../src/adapters/dynamodb/connection-sessions-adapter-dynamodb.js';
import { DynamoDbEventStore } from '../../../src/adapters/dynamodb/event-store-adapter-dynamodb.js';
import { DynamoDbRateLimiter } from '../../../src/adapters/dynamodb/rate-limiter-adapter-dynamodb.js';
import { InMemoryConnectionQuota } from '../../../src/adapters/in-memory/connection-quota-adapter-in-memory.js';
import { KinesisFeedPublisher } from '../../../src/adapters/kinesis/feed-publisher-adapter-kinesis.js';
import { SqsMessageQueue } from '../../../src/adapters/sqs/message-queue-adapter-sqs.js';
import { ABUSE_TOKENS } from '../../../src/entrypoints/composition/abuse.module.js';
import { awsTargetOf } from '../../../src/entrypoints/composition/aws-target.js';
import { BOOKING_TOKENS } from '../../../src/entrypoints/composition/booking.module.js';
import {
  ConfigError,
  DEFAULT_ABUSE_LIMITS,
  exampleEnvironment,
  type LambdaName,
} from '../../../src/entrypoints/composition/config.js';
import { PRESENCE_TOKENS } from '../../../src/entrypoints/composition/presence.module.js';
import { TOKENS } from '../../../src/entrypoints/composition/tokens.js';
import { createLocalContainer } from '../../../src/entrypoints/local/local.container.js';
import { parseLocalConfig } from '../../../src/entrypoints/local/local-config.js';

type Root = (env?: Record<string, string | undefined>) => Container;
const ENTRIES = {
  relay: () => import('../../../src/entrypoints/lambda/relay.handler.js'),
  fanout: () => import('../../../src/entrypoints/lambda/fanout.handler.js'),
  broadcast: () => import('../../../src/entrypoints/lambda/broadcast.handler.js'),
  'ws-connect': () => import('../../../src/entrypoints/lambda/ws-connect.handler.js'),
  'ws-disconnect': () => import('../../../src/entrypoints/lambda/ws-disconnect.handler.js'),
  'ws-message': () => import('../../../src/entrypoints/lambda/ws-message.handler.js'),
  'http-api': () => import('../../../src/entrypoints/lambda/http-api.handler.js'),
} satisfies Partial<Record<LambdaName, () => Promise<{ root: Root }>>>;
type Entry = keyof typeof ENTRIES;

/** Builds a function's root from `changes` over its example environment (the entry's own cold start, at import, uses the example). */
const rootOf = async (name: Entry, changes: Record<string, string | undefined> = {}): Promise<() => Container> => {
  const env = { ...exampleEnvironment(name), LOG_LEVEL: 'SILENT' };
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const { root } = (await ENTRIES[name]()) as { root: Root };
  return () => root({ ...env, ...changes });
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the Lambda roots', () => {
  it('bind the live-commerce ports to the AWS adapters, each from the function’s own settings', async () => {
    const container = (await rootOf('ws-message'))();
    expect(container.get(TOKENS.EventStore)).toBeInstanceOf(DynamoDbEventStore);
    expect(container.get(TOKENS.FeedPublisher)).toBeInstanceOf(KinesisFeedPublisher);
    expect(container.get(TOKENS.ConnectionRegistry)).toBeInstanceOf(DynamoDbConnectionRegistry);
    expect(container.get(TOKENS.ConnectionGateway)).toBeInstanceOf(ApiGatewayConnectionGateway);
    expect(container.get(ABUSE_TOKENS.ChatUserLimiter)).toBeInstanceOf(DynamoDbRateLimiter);
    expect(typeof container.get(TOKENS.WsMessageHandler)).toBe('function');
    expect(typeof (await rootOf('relay'))().get(TOKENS.RelayHandler)).toBe('function');
    const fanout = (await rootOf('fanout'))();
    expect(typeof fanout.get(TOKENS.FanoutHandler)).toBe('function');
    expect(fanout.get(TOKENS.BroadcastQueue)).toBeInstanceOf(SqsMessageQueue);
    // makeBroadcast re-enqueues unreachable connections on the broadcast queue.
    expect((await rootOf('broadcast'))().get(TOKENS.BroadcastQueue)).toBeInstanceOf(SqsMessageQueue);
  });

  it('bind nothing a function was not given: resolving a port nobody bound fails naming it', async () => {
    // The relay publishes to the feed; it has no events table.
    const relay = (await rootOf('relay'))();
    expect(() => relay.get(TOKENS.EventStore)).toThrow(/stampede\.EventStore/);
    const httpApi = (await rootOf('http-api'))();
    expect(httpApi.get(TOKENS.EventStore)).toBeInstanceOf(DynamoDbEventStore);
    // http-api puts chat and likes sent over HTTP (the appsync-events broadcaster) on the feed,
    // but places no connection and posts to none.
    expect(httpApi.get(TOKENS.FeedPublisher)).toBeDefined();
    for (const token of [TOKENS.ConnectionRegistry, TOKENS.BroadcastQueue, TOKENS.ConnectionGateway]) {
      expect(() => httpApi.get(token)).toThrow(token.description);
    }
    // ws-disconnect has no presence table: it only ends sessions, never counts them.
    const wsDisconnect = (await rootOf('ws-disconnect'))();
    expect(wsDisconnect.get(PRESENCE_TOKENS.ConnectionSessions)).toBeInstanceOf(DynamoDbConnectionSessions);
    expect(() => wsDisconnect.get(PRESENCE_TOKENS.PresenceStore)).toThrow(
      /No bindings found for service: "Symbol\(stampede\.presence\.PresenceStore\)"/,
    );
  });

  it('bind the feature ports of booking to DynamoDB in http-api', async () => {
    expect((await rootOf('http-api'))().get(BOOKING_TOKENS.RequestIndex)).toBeInstanceOf(DynamoDbBookingRequestIndex);
  });

  it('count connections per user on the connections table in ws-connect and ws-disconnect, in memory locally', async () => {
    for (const name of ['ws-connect', 'ws-disconnect'] as const) {
      expect((await rootOf(name))().get(ABUSE_TOKENS.ConnectionQuota), name).toBeInstanceOf(DynamoDbConnectionQuota);
    }
    expect(
      createLocalContainer({ config: parseLocalConfig({ logLevel: 'SILENT' }) }).get(ABUSE_TOKENS.ConnectionQuota),
    ).toBeInstanceOf(InMemoryConnectionQuota);
  });

  it('take the rate limits from the function’s own settings', async () => {
    expect((await rootOf('ws-message'))().get(ABUSE_TOKENS.Limits)).toEqual(DEFAULT_ABUSE_LIMITS);
    const tuned = (await rootOf('http-api', { CHAT_USER_BURST: '3', MAX_CONNECTIONS_PER_USER: '2' }))().get(
      ABUSE_TOKENS.Limits,
    );
    expect(tuned).toMatchObject({
      chatUserBurst: 3,
      maxConnectionsPerUser: 2,
      bidBurst: DEFAULT_ABUSE_LIMITS.bidBurst,
    });
    expect(await rootOf('ws-connect', { BID_PER_SECOND: 'fast' })).toThrow(/BID_PER_SECOND is malformed/);
  });

  it('fail the cold start naming every missing variable', async () => {
    const build = await rootOf('fanout', { BROADCAST_QUEUE_URL: undefined, CONNECTIONS_TABLE: undefined });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/BROADCAST_QUEUE_URL is missing/);
    expect(build).toThrow(/CONNECTIONS_TABLE is missing/);
  });
});

describe('awsTargetOf', () => {
  it('targets AWS by Region alone when no endpoint is set', () => {
    expect(awsTargetOf({ AWS_REGION: 'eu-west-1' })).toEqual({ region: 'eu-west-1' });
  });

  it('points every service at AWS_ENDPOINT_URL, and one service at its own AWS_ENDPOINT_URL_<SERVICE>', () => {
    expect(
      awsTargetOf({
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      }),
    ).toEqual({
      region: 'us-east-1',
      endpoints: {
        dynamodb: 'http://127.0.0.1:8000',
        kinesis: 'http://127.0.0.1:4566',
        sqs: 'http://127.0.0.1:4566',
        s3: 'http://127.0.0.1:4566',
        sns: 'http://127.0.0.1:4566',
      },
    });
  });
});
