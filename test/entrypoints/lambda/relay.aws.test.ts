import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFeedItems } from '../../support/emulators/kinesis-support.js';
import { httpEvent } from '../http-test-events.js';
import { awsEntryWorld, type AwsEntryWorld } from './aws-entry-world.js';

type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
type RelayHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

describe('relay Lambda entry on its AWS container (DynamoDB Local stream → kinesalite)', () => {
  let world: AwsEntryWorld;
  let api: HttpHandler;
  let relay: RelayHandler;

  beforeAll(async () => {
    world = await awsEntryWorld();
    ({ handler: api } = (await world.importEntry(
      () => import('../../../src/entrypoints/lambda/http-api.handler.js'),
    )) as { handler: HttpHandler });
    ({ handler: relay } = (await world.importEntry(
      () => import('../../../src/entrypoints/lambda/relay.handler.js'),
    )) as { handler: RelayHandler });
  });
  afterAll(() => world?.stop());

  it('publishes a channel event from the events table stream to the live feed on Kinesis', async () => {
    const channelId = `ch-${Date.now().toString(36)}`;
    const created = await api(
      httpEvent('POST /api/channels', { body: { channelId, title: 'Spring sale', currency: 'EUR' }, as: 'seller' }),
    );
    expect(created.statusCode).toBe(201);

    const records = await world.eventsStreamRecords();
    expect(records.length).toBeGreaterThan(0);
    const response = await relay({ Records: records });
    expect(response.batchItemFailures).toEqual([]);

    const items = await readFeedItems(world.clients.kinesis, world.names.feed);
    expect(items.filter((i) => i.channelId === channelId).length).toBeGreaterThan(0);
  });
});
