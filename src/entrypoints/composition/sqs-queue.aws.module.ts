import { createSqsClient } from '../../adapters/aws-shared/aws-clients.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue-adapter-sqs.js';
import type { MessageQueue } from '../../application/ports/message-queue.port.js';
import { sharedClient, type AwsClientSettings } from './aws-target.js';
import { TOKENS, type Binding, type Token } from './tokens.js';

/** A work queue port on SQS at `queueUrl`, over the process's shared SQS client. */
export const queueOnSqs =
  <T>(port: Token<MessageQueue<T>>, s: AwsClientSettings, queueUrl: string): Binding =>
  (bind) =>
    bind(
      port,
      (get) =>
        new SqsMessageQueue<T>(
          sharedClient('sqs', s, () => createSqsClient(s)),
          queueUrl,
          { sleeper: get(TOKENS.Sleeper) },
        ),
    );
