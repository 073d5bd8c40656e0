import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { FilterPolicy } from '../../application/integration/integration-subscriptions.js';

/**
 * Creates (or finds: CreateTopic is idempotent) an SNS FIFO topic with explicit deduplication
 * ids (content-based deduplication off): CDK's job in AWS, done here for the emulator runtime
 * and tests.
 */
export const ensureFifoTopic = async (client: SNSClient, name: string): Promise<string> => {
  if (!name.endsWith('.fifo')) throw new Error(`a FIFO topic's name ends in .fifo: ${name}`);
  const { TopicArn } = await client.send(
    new CreateTopicCommand({ Name: name, Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'false' } }),
  );
  if (!TopicArn) throw new Error(`CreateTopic ${name} returned no ARN`);
  return TopicArn;
};

/**
 * Subscribes an SQS queue with raw message delivery and a filter policy on message attributes.
 * Subscribe is idempotent for the same attributes; when the queue is already subscribed with
 * other ones (a data directory kept from a run with an older policy), its attributes are set to
 * these instead, as a CloudFormation update would.
 */
export const subscribeQueue = async (
  client: SNSClient,
  topicArn: string,
  queueArn: string,
  options: { readonly filterPolicy?: FilterPolicy; readonly rawMessageDelivery: boolean },
): Promise<string> => {
  const attributes: Record<string, string> = { RawMessageDelivery: String(options.rawMessageDelivery) };
  if (options.filterPolicy) {
    attributes['FilterPolicy'] = JSON.stringify(options.filterPolicy);
    attributes['FilterPolicyScope'] = 'MessageAttributes';
  }
  try {
    const { SubscriptionArn } = await client.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: attributes,
        ReturnSubscriptionArn: true,
      }),
    );
    if (!SubscriptionArn) throw new Error(`Subscribe ${queueArn} to ${topicArn} returned no ARN`);
    return SubscriptionArn;
  } catch (error) {
    if (!(error instanceof Error && /already exists with different attributes/i.test(error.message))) throw error;
    const existing = await findSubscription(client, topicArn, queueArn);
    if (existing === undefined) throw error;
    for (const [AttributeName, AttributeValue] of Object.entries(attributes))
      await client.send(
        new SetSubscriptionAttributesCommand({ SubscriptionArn: existing, AttributeName, AttributeValue }),
      );
    if (!options.filterPolicy)
      await client.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: existing,
          AttributeName: 'FilterPolicy',
          AttributeValue: '',
        }),
      );
    return existing;
  }
};

const findSubscription = async (client: SNSClient, topicArn: string, queueArn: string): Promise<string | undefined> => {
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
    const found = page.Subscriptions?.find((s) => s.Protocol === 'sqs' && s.Endpoint === queueArn);
    if (found?.SubscriptionArn) return found.SubscriptionArn;
    NextToken = page.NextToken;
  } while (NextToken);
  return undefined;
};
