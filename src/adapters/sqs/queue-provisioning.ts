import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface QueueSpec {
  /** Ends in `.fifo` for a FIFO queue. */
  readonly name: string;
  readonly visibilityTimeoutSeconds?: number;
  /** Moves a message to `deadLetterArn` after `maxReceiveCount` receives. */
  readonly deadLetter?: { readonly arn: string; readonly maxReceiveCount: number };
  readonly contentBasedDeduplication?: boolean;
}

/** Creates (or finds) a queue: CDK's job in AWS, done here for the emulator runtime and tests. */
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
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: spec.name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue ${spec.name} returned no URL`);
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.['QueueArn'];
  if (!arn) throw new Error(`queue ${spec.name} has no QueueArn attribute`);
  return { url: QueueUrl, arn };
};
