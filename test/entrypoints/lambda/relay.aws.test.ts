import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toLambdaStreamRecord } from '../../../src/adapters/local/pollers/dynamodb-stream-mirror.js';
import { readFeedItems } from '../../support/emulators/kinesis-support.js';
import { httpEvent } from '../http-test-events.js';
import { awsEntryWorld, type AwsEntryWorld } from './aws-entry-world.js';

type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
type RelayHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

describe('relay Lambda entry on its AWS container (DynamoDB Local stream → kinesalite)', () => {
  let world: AwsEntryWorld;
  let api: HttpHandler;
  let relay: RelayHandler;

  /** Every record of the events table's stream so far, shaped as Lambda's DynamoDB Streams mapping delivers them. */
  const streamRecords = async () => {
    const streams = world.clients.dynamodbStreams;
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: world.eventsStreamArn }));
    const records: _Record[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: world.eventsStreamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      if (ShardIterator)
        records.push(...((await streams.send(new GetRecordsCommand({ ShardIterator }))).Records ?? []));
    }
    return records.map((r) => toLambdaStreamRecord(r, world.eventsStreamArn));
  };

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

    const records = await streamRecords();
    expect(records.length).toBeGreaterThan(0);
    const response = await relay({ Records: records });
    expect(response.batchItemFailures).toEqual([]);

    const items = await readFeedItems(world.clients.kinesis, world.names.feed);
    expect(items.filter((i) => i.channelId === channelId).length).toBeGreaterThan(0);
  });
});
