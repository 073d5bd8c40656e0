import { describe, expect, it } from 'vitest';
import { ApiGatewayConnectionGateway } from '../../../src/adapters/apigateway/connection-gateway-adapter-apigateway.js';
import { DynamoDbConnectionRegistry } from '../../../src/adapters/dynamodb/connection-registry-adapter-dynamodb.js';
import { DynamoDbEventStore } from '../../../src/adapters/dynamodb/event-store-adapter-dynamodb.js';
import { KinesisFeedPublisher } from '../../../src/adapters/kinesis/feed-publisher-adapter-kinesis.js';
import { SqsMessageQueue } from '../../../src/adapters/sqs/message-queue-adapter-sqs.js';
import { awsContainer, MissingResourceError } from '../../../src/entrypoints/composition/aws.container.js';
import { ConfigError, exampleEnvironment } from '../../../src/entrypoints/composition/config.js';
import { TOKENS } from '../../../src/entrypoints/composition/tokens.js';

describe('awsContainer', () => {
  it('binds the live-commerce ports to the AWS adapters, built only when used', () => {
    const container = awsContainer('ws-message', exampleEnvironment('ws-message'));
    expect(container.get(TOKENS.EventStore)).toBeInstanceOf(DynamoDbEventStore);
    expect(container.get(TOKENS.FeedPublisher)).toBeInstanceOf(KinesisFeedPublisher);
    expect(container.get(TOKENS.ConnectionRegistry)).toBeInstanceOf(DynamoDbConnectionRegistry);
    expect(container.get(TOKENS.ConnectionGateway)).toBeInstanceOf(ApiGatewayConnectionGateway);
    expect(typeof container.get(TOKENS.WsMessageHandler)).toBe('function');
  });

  it('builds each live handler from its own function configuration', () => {
    expect(typeof awsContainer('relay', exampleEnvironment('relay')).get(TOKENS.RelayHandler)).toBe('function');
    const fanout = awsContainer('fanout', exampleEnvironment('fanout'));
    expect(typeof fanout.get(TOKENS.FanoutHandler)).toBe('function');
    expect(fanout.get(TOKENS.BroadcastQueue)).toBeInstanceOf(SqsMessageQueue);
  });

  it('gives the broadcast function the queue its retries go to (BROADCAST_QUEUE_URL), and fails its cold start without it', () => {
    // makeBroadcast re-enqueues unreachable connections on the broadcast queue.
    const broadcast = awsContainer('broadcast', exampleEnvironment('broadcast'));
    expect(typeof broadcast.get(TOKENS.BroadcastHandler)).toBe('function');
    expect(broadcast.get(TOKENS.BroadcastQueue)).toBeInstanceOf(SqsMessageQueue);
    const env = { ...exampleEnvironment('broadcast') };
    delete env['BROADCAST_QUEUE_URL'];
    expect(() => awsContainer('broadcast', env)).toThrow(/BROADCAST_QUEUE_URL is missing/);
  });

  it('fails the cold start naming every missing variable', () => {
    const env = { ...exampleEnvironment('fanout') };
    delete env['BROADCAST_QUEUE_URL'];
    delete env['CONNECTIONS_TABLE'];
    const error = (() => {
      try {
        awsContainer('fanout', env);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/BROADCAST_QUEUE_URL is missing/);
    expect((error as Error).message).toMatch(/CONNECTIONS_TABLE is missing/);
  });

  it('refuses a port the function is not configured for, saying which resource is missing', () => {
    // The relay publishes to the feed; it has no events table.
    expect(() => awsContainer('relay', exampleEnvironment('relay')).get(TOKENS.EventStore)).toThrow(MissingResourceError);
  });
});
