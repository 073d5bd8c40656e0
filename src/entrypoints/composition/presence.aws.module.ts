import { DynamoDbConnectionSessions } from '../../adapters/dynamodb/connection-sessions-adapter-dynamodb.js';
import { DynamoDbPresenceStore } from '../../adapters/dynamodb/presence-store-adapter-dynamodb.js';
import { presenceSettings } from '../../application/presence/presence-settings.js';
import { dynamoDoc, type AwsClientSettings } from './aws-target.js';
import { PRESENCE_TOKENS } from './presence.module.js';
import { queueOnSqs } from './sqs-queue.aws.module.js';
import { setting, TOKENS, type Binding } from './tokens.js';

/* F5's ports in AWS: the presence table (sequence-conditional puts), the connection → viewer session
 * bindings on the connections table, and the heartbeat queue (SQS standard; the consumer also sends
 * its delayed follow-up recounts there). */

export const presenceTtl = (ttlSeconds: number): Binding =>
  setting(PRESENCE_TOKENS.Settings, presenceSettings({ ttlMs: ttlSeconds * 1000 }));

export const presenceStoreOnDynamoDb =
  (s: AwsClientSettings, table: string): Binding =>
  (bind) =>
    bind(
      PRESENCE_TOKENS.PresenceStore,
      (get) => new DynamoDbPresenceStore(dynamoDoc(s), table, { clock: get(TOKENS.Clock) }),
    );

export const connectionSessionsOnDynamoDb =
  (s: AwsClientSettings, table: string): Binding =>
  (bind) =>
    bind(
      PRESENCE_TOKENS.ConnectionSessions,
      (get) => new DynamoDbConnectionSessions(dynamoDoc(s), table, { clock: get(TOKENS.Clock) }),
    );

export const heartbeatQueueOnSqs = (s: AwsClientSettings, queueUrl: string): Binding =>
  queueOnSqs(PRESENCE_TOKENS.HeartbeatQueue, s, queueUrl);
