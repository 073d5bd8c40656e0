import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { InMemoryQueue, ReceivedMessage } from '../../src/adapters/in-memory/message-queue-adapter-in-memory.js';

/** SQS event records exactly as Lambda's event source mapping shapes them. */
export const toSqsEvent = (deliveries: readonly ReceivedMessage<unknown>[], queueArn: string): SQSEvent => ({
  Records: deliveries.map((d) => ({
    messageId: d.messageId,
    receiptHandle: d.receiptHandle,
    body: d.rawBody,
    attributes: {
      ApproximateReceiveCount: String(d.receiveCount),
      SentTimestamp: String(d.sentAt),
      SenderId: 'AIDALOCAL',
      ApproximateFirstReceiveTimestamp: String(d.firstReceivedAt),
      ...(d.groupId !== undefined ? { MessageGroupId: d.groupId } : {}),
      ...(d.dedupId !== undefined ? { MessageDeduplicationId: d.dedupId } : {}),
      ...(d.sequenceNumber !== undefined ? { SequenceNumber: d.sequenceNumber } : {}),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'eu-west-1',
  })),
});

/**
 * One poll of an event source mapping: receive a batch, invoke the handler, delete what it
 * did not report failed (reported items come back after the visibility timeout, like SQS).
 * A handler that throws leaves the whole batch in flight. Returns the number of deliveries.
 */
export const pollOnce = async (
  queue: InMemoryQueue<unknown>,
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>,
  batchSize = 10,
): Promise<number> => {
  const deliveries = queue.receive(batchSize);
  if (deliveries.length === 0) return 0;
  let failed = new Set<string>();
  try {
    const response = await handler(toSqsEvent(deliveries, queue.arn));
    failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch {
    return deliveries.length;
  }
  for (const d of deliveries) if (!failed.has(d.messageId)) queue.delete(d.receiptHandle);
  return deliveries.length;
};

/** Polls until nothing is visible (or `maxPolls`), like a mapping draining a backlog. */
export const drain = async (
  queue: InMemoryQueue<unknown>,
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>,
  options: { batchSize?: number; maxPolls?: number } = {},
): Promise<number> => {
  let total = 0;
  for (let polls = 0; polls < (options.maxPolls ?? 100_000); polls++) {
    const n = await pollOnce(queue, handler, options.batchSize);
    if (n === 0) break;
    total += n;
  }
  return total;
};

/** A logger that records nothing: handler logs are not what these tests check. */
export const silentLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
