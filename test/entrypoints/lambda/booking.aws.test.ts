import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpEvent } from '../http-test-events.js';
import { awsEntryWorld, type AwsEntryWorld } from './aws-entry-world.js';

type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
type BookingHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** SQS messages as Lambda's event source mapping hands them over. */
const toSqsEvent = (messages: readonly Message[], queueArn: string): SQSEvent => ({
  Records: messages.map((m) => ({
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
      SenderId: m.Attributes?.SenderId ?? 'AIDALOCAL',
      ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(m.Attributes?.MessageGroupId ? { MessageGroupId: m.Attributes.MessageGroupId } : {}),
      ...(m.Attributes?.MessageDeduplicationId ? { MessageDeduplicationId: m.Attributes.MessageDeduplicationId } : {}),
      ...(m.Attributes?.SequenceNumber ? { SequenceNumber: m.Attributes.SequenceNumber } : {}),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  })),
});

describe('booking Lambda entry on its AWS container (DynamoDB Local, fauxqs SQS + S3)', () => {
  let world: AwsEntryWorld;
  let api: HttpHandler;
  let booking: BookingHandler;
  const call = async (routeKey: string, options: Parameters<typeof httpEvent>[1]) => {
    const result = await api(httpEvent(routeKey, options));
    return {
      status: result.statusCode,
      body: result.body ? (JSON.parse(result.body) as Record<string, any>) : undefined,
    };
  };

  beforeAll(async () => {
    world = await awsEntryWorld();
    ({ handler: api } = (await world.importEntry(
      () => import('../../../src/entrypoints/lambda/http-api.handler.js'),
    )) as { handler: HttpHandler });
    ({ handler: booking } = (await world.importEntry(
      () => import('../../../src/entrypoints/lambda/booking.handler.js'),
    )) as { handler: BookingHandler });
  });
  afterAll(() => world?.stop());

  it('decides a queued booking request: seats confirmed in the trip stream, status CONFIRMED, stats.json in S3', async () => {
    const tripId = `trip-${Date.now().toString(36)}`;
    expect(
      (
        await call('POST /api/trips', {
          body: {
            tripId,
            route: 'Lisbon → Faro',
            departsAt: Date.now() + 86_400_000,
            capacity: 10,
            maxSeatsPerBooking: 4,
          },
          as: 'operator',
        })
      ).status,
    ).toBe(201);
    const booked = await call('POST /api/trips/{tripId}/bookings', { path: { tripId }, body: { seats: 3 }, as: 'ana' });
    expect(booked.status).toBe(202);
    const requestId = booked.body?.['requestId'] as string;

    const { Messages = [] } = await world.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.queues.booking.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(Messages).toHaveLength(1);
    const response = await booking(toSqsEvent(Messages, world.queues.booking.arn));
    expect(response.batchItemFailures).toEqual([]);

    const status = await call('GET /api/bookings/{requestId}', { path: { requestId }, as: 'ana' });
    expect(status.body).toMatchObject({ requestId, status: 'CONFIRMED' });
    expect(status.body?.['seatNumbers']).toHaveLength(3);

    const stats = await world.clients.s3.send(
      new GetObjectCommand({ Bucket: world.names.bucket, Key: 'public/stats.json' }),
    );
    expect(JSON.parse(await stats.Body!.transformToString())).toBeTypeOf('object');
  });

  it('parks a malformed queue message on the parking queue (SQS) and reports it done, so its trip is not held', async () => {
    const garbage: Message = {
      MessageId: 'm-garbage',
      ReceiptHandle: 'r',
      Body: '{"requestId": 42}',
      Attributes: { MessageGroupId: 'g', SequenceNumber: '1' },
    };
    const response = await booking(toSqsEvent([garbage], world.queues.booking.arn));
    expect(response.batchItemFailures).toEqual([]);
    const { Messages = [] } = await world.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: world.queues.bookingParked.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    expect(Messages.map((m) => JSON.parse(m.Body ?? ''))).toEqual([
      expect.objectContaining({
        parked: true,
        kind: 'booking',
        messageId: 'm-garbage',
        groupId: 'g',
        body: '{"requestId": 42}',
        sourceArn: world.queues.booking.arn,
      }),
    ]);
  });
});
