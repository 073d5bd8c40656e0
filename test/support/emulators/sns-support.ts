import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { IntegrationEvent } from '../../../src/application/integration/integration-events.js';
import { refusingBatchClient } from './refusing-batch-client.js';
import { drainQueue, type ReceivedBody } from './sqs-support.js';

/**
 * An SNS client that reports chosen PublishBatch entries `Failed` and forwards the rest to
 * fauxqs: accepted entries really go through fauxqs's topic, filter policies and queues.
 */
export const refusingSnsClient = (client: SNSClient) =>
  refusingBatchClient<SNSClient, PublishBatchCommand, PublishBatchRequestEntry, IntegrationEvent>(client, {
    isBatch: (command): command is PublishBatchCommand => command instanceof PublishBatchCommand,
    entriesOf: (command) => command.input.PublishBatchRequestEntries ?? [],
    withEntries: (command, entries) =>
      new PublishBatchCommand({ ...command.input, PublishBatchRequestEntries: entries }),
    bodyOf: (entry) => entry.Message,
  });

/** Receives and deletes everything a FIFO queue subscribed to the topic holds now, in delivery order, with each message's group. */
export const drainFifoQueue = <T>(sqs: SQSClient, queueUrl: string): Promise<ReceivedBody<T>[]> =>
  drainQueue<T>(sqs, queueUrl);
