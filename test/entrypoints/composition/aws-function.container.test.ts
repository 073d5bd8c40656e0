import { describe, expect, it } from 'vitest';
import { DynamoDbBookingRequestIndex } from '../../../src/adapters/dynamodb/booking-request-index-adapter-dynamodb.js';
import { DynamoDbConnectionSessions } from '../../../src/adapters/dynamodb/connection-sessions-adapter-dynamodb.js';
import { DynamoDbEventStore } from '../../../src/adapters/dynamodb/event-store-adapter-dynamodb.js';
import { auctionAwsModules } from '../../../src/entrypoints/composition/auction.aws.module.js';
import { awsFunctionContainer, awsTargetOf, eventStoreOnDynamoDb, MissingResourceError } from '../../../src/entrypoints/composition/aws.container.js';
import { BOOKING_TOKENS } from '../../../src/entrypoints/composition/booking.module.js';
import { bookingAwsModules } from '../../../src/entrypoints/composition/booking.aws.module.js';
import { exampleEnvironment } from '../../../src/entrypoints/composition/config.js';
import { awsTargetFromConfig } from '../../../src/entrypoints/composition/feature-lambda.container.js';
import { PRESENCE_TOKENS } from '../../../src/entrypoints/composition/presence.module.js';
import { presenceAwsModules } from '../../../src/entrypoints/composition/presence.aws.module.js';
import { TOKENS } from '../../../src/entrypoints/composition/tokens.js';

describe('awsFunctionContainer', () => {
  const httpApi = () =>
    awsFunctionContainer('http-api', (c) => [eventStoreOnDynamoDb(awsTargetOf(c), c.EVENTS_TABLE)], {
      env: { ...exampleEnvironment('http-api'), LOG_LEVEL: 'SILENT' },
      features: (context) => [...presenceAwsModules(context), ...bookingAwsModules(context), ...auctionAwsModules(context)],
    });

  it('never falls back to an in-memory twin for a live port the function did not list', () => {
    const container = httpApi();
    expect(container.get(TOKENS.EventStore)).toBeInstanceOf(DynamoDbEventStore);
    for (const token of [TOKENS.FeedPublisher, TOKENS.ConnectionRegistry, TOKENS.BroadcastQueue, TOKENS.ConnectionGateway]) {
      expect(() => container.get(token)).toThrow(MissingResourceError);
    }
  });

  it('binds the feature ports added by booking and presence to DynamoDB', () => {
    const container = httpApi();
    expect(container.get(BOOKING_TOKENS.RequestIndex)).toBeInstanceOf(DynamoDbBookingRequestIndex);
    const ws = awsFunctionContainer('ws-disconnect', () => [], { env: { ...exampleEnvironment('ws-disconnect'), LOG_LEVEL: 'SILENT' }, features: presenceAwsModules });
    expect(ws.get(PRESENCE_TOKENS.ConnectionSessions)).toBeInstanceOf(DynamoDbConnectionSessions);
  });

  it('a feature port whose resource the function lacks fails naming the variable', () => {
    // ws-disconnect has no presence table: it only ends sessions, never counts them.
    const ws = awsFunctionContainer('ws-disconnect', () => [], { env: { ...exampleEnvironment('ws-disconnect'), LOG_LEVEL: 'SILENT' }, features: presenceAwsModules });
    expect(() => ws.get(PRESENCE_TOKENS.PresenceStore)).toThrow(/PRESENCE_TABLE/);
  });
});

describe('awsTargetFromConfig', () => {
  it('targets AWS by Region alone when no endpoint is set', () => {
    expect(awsTargetFromConfig({ AWS_REGION: 'eu-west-1' })).toEqual({ region: 'eu-west-1' });
  });

  it('points every service at AWS_ENDPOINT_URL, and one service at its own AWS_ENDPOINT_URL_<SERVICE>', () => {
    expect(
      awsTargetFromConfig({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' }),
    ).toEqual({
      region: 'us-east-1',
      endpoints: { dynamodb: 'http://127.0.0.1:8000', kinesis: 'http://127.0.0.1:4566', sqs: 'http://127.0.0.1:4566', s3: 'http://127.0.0.1:4566' },
    });
  });
});
