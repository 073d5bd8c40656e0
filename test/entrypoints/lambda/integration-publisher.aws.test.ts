import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnsClient } from '../../../src/adapters/aws-shared/aws-clients.js';
import { ensureFifoTopic, subscribeQueue } from '../../../src/adapters/sns/topic-provisioning.js';
import { ensureQueue } from '../../../src/adapters/sqs/queue-provisioning.js';
import type { IntegrationEvent } from '../../../src/application/integration/integration-events.js';
import { INTEGRATION_SUBSCRIPTIONS } from '../../../src/application/integration/integration-subscriptions.js';
import { uniqueName } from '../../support/emulators/aws-clients.js';
import { drainFifoQueue } from '../../support/emulators/sns-support.js';
import { httpEvent } from '../http-test-events.js';
import { awsEntryWorld, type AwsEntryWorld } from './aws-entry-world.js';

type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

describe('integration-publisher Lambda entry on its AWS container (DynamoDB Local stream → SNS FIFO on fauxqs)', () => {
  let world: AwsEntryWorld;
  let api: HttpHandler;
  let publish: StreamHandler;
  let notifications: string;

  beforeAll(async () => {
    world = await awsEntryWorld();
    const sns = createSnsClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoints: { sns: world.clients.endpoints.sqs },
    });
    const topicArn = await ensureFifoTopic(sns, `${uniqueName('integration')}.fifo`);
    const queue = await ensureQueue(world.clients.sqs, { name: `${uniqueName('notifications')}.fifo` });
    notifications = queue.url;
    await subscribeQueue(sns, topicArn, queue.arn, {
      rawMessageDelivery: true,
      filterPolicy: INTEGRATION_SUBSCRIPTIONS.notifications.filterPolicy,
    });
    // What the stack sets for this function (infra/functions.construct.ts), with fauxqs as the SNS endpoint.
    world.env['INTEGRATION_TOPIC_ARN'] = topicArn;
    world.env['AWS_ENDPOINT_URL_SNS'] = world.clients.endpoints.sqs;
    ({ handler: api } = (await world.importEntry(
      () => import('../../../src/entrypoints/lambda/http-api.handler.js'),
    )) as { handler: HttpHandler });
    ({ handler: publish } = (await world.importEntry(
      () => import('../../../src/entrypoints/lambda/integration-publisher.handler.js'),
    )) as { handler: StreamHandler });
  });
  afterAll(() => world?.stop());

  it('publishes LiveStarted from the events table stream; a redelivered batch publishes nothing new; a poisoned record is reported', async () => {
    const channelId = `int-${Date.now().toString(36)}`;
    const created = await api(
      httpEvent('POST /api/channels', { body: { channelId, title: 'Opening', currency: 'EUR' }, as: 'seller' }),
    );
    expect(created.statusCode).toBe(201);
    expect((await api(httpEvent(`POST /api/channels/${channelId}/start`, { as: 'seller' }))).statusCode).toBe(200);

    const records = await world.eventsStreamRecords();
    expect(records.length).toBeGreaterThanOrEqual(2);
    expect(await publish({ Records: records })).toEqual({ batchItemFailures: [] });
    // At least once: the same batch again (a retry after a timeout) — the topic drops the repeats.
    expect(await publish({ Records: records })).toEqual({ batchItemFailures: [] });
    const delivered = (await drainFifoQueue<IntegrationEvent>(world.clients.sqs, notifications)).map((m) => m.body);
    expect(delivered).toEqual([
      expect.objectContaining({
        type: 'LiveStarted',
        eventId: `channel-${channelId}:2`,
        data: { channelId, startedAt: expect.any(Number) },
      }),
    ]);

    // A LiveStarted whose stored body is not one: reported (Lambda retries it, then the on-failure queue).
    const last = records.at(-1)!;
    const poisoned: DynamoDBRecord = {
      ...last,
      dynamodb: {
        ...last.dynamodb,
        SequenceNumber: '9'.repeat(21),
        NewImage: { ...last.dynamodb!.NewImage, data: { M: { startedAt: { S: 'yesterday' } } } },
      },
    };
    expect(await publish({ Records: [poisoned] })).toEqual({ batchItemFailures: [{ itemIdentifier: '9'.repeat(21) }] });
    expect(await drainFifoQueue(world.clients.sqs, notifications)).toEqual([]);
  });
});
