import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { awsErrorName } from '../aws-shared/backoff.js';

/** Attributes fixed at creation: a queue that exists keeps them. */
const CREATION_ONLY = new Set(['FifoQueue']);

/**
 * CreateQueue's answer when the queue exists with other attribute values: AWS says
 * QueueAlreadyExists (QueueNameExists in the query protocol); fauxqs says it with the JSON
 * protocol's namespace, `AWS.SimpleQueueService.QueueNameExists`.
 */
const isQueueExists = (error: unknown): boolean =>
  /(^|\.)(QueueAlreadyExists|QueueNameExists)$/.test(awsErrorName(error));

export interface QueueSpec {
  /** Ends in `.fifo` for a FIFO queue. */
  readonly name: string;
  readonly visibilityTimeoutSeconds?: number;
  /** Moves a message to `deadLetterArn` after `maxReceiveCount` receives. */
  readonly deadLetter?: { readonly arn: string; readonly maxReceiveCount: number };
  readonly contentBasedDeduplication?: boolean;
}

/**
 * Creates (or finds) a queue: CDK's job in AWS, done here for the emulator runtime and tests. A
 * queue that already exists (a restart on a data dir) with other settings (a changed
 * `--max-receive-count`) keeps its messages and is given these settings.
 */
export const ensureQueue = async (client: SQSClient, spec: QueueSpec): Promise<{ url: string; arn: string }> => {
  const fifo = spec.name.endsWith('.fifo');
  const attributes: Record<string, string> = {};
  if (fifo) attributes['FifoQueue'] = 'true';
  if (fifo && spec.contentBasedDeduplication) attributes['ContentBasedDeduplication'] = 'true';
  if (spec.visibilityTimeoutSeconds !== undefined)
    attributes['VisibilityTimeout'] = String(spec.visibilityTimeoutSeconds);
  if (spec.deadLetter) {
    attributes['RedrivePolicy'] = JSON.stringify({
      deadLetterTargetArn: spec.deadLetter.arn,
      maxReceiveCount: String(spec.deadLetter.maxReceiveCount),
    });
  }
  let QueueUrl: string | undefined;
  try {
    ({ QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: spec.name, Attributes: attributes })));
  } catch (error) {
    if (!isQueueExists(error)) throw error;
    ({ QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: spec.name })));
    const settable = Object.fromEntries(Object.entries(attributes).filter(([key]) => !CREATION_ONLY.has(key)));
    await client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: settable }));
  }
  if (!QueueUrl) throw new Error(`CreateQueue ${spec.name} returned no URL`);
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.['QueueArn'];
  if (!arn) throw new Error(`queue ${spec.name} has no QueueArn attribute`);
  return { url: QueueUrl, arn };
};
