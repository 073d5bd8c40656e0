import { ContainerModule } from 'inversify';
import { createSqsClient } from '../../adapters/aws-shared/aws-clients.js';
import { DynamoDbConnectionSessions } from '../../adapters/dynamodb/connection-sessions-adapter-dynamodb.js';
import { documentClientFor } from '../../adapters/dynamodb/document-client.js';
import { DynamoDbPresenceStore } from '../../adapters/dynamodb/presence-store-adapter-dynamodb.js';
import { SqsMessageQueue } from '../../adapters/sqs/message-queue-adapter-sqs.js';
import type { PresenceMessage } from '../../application/presence/presence-message.js';
import { presenceSettings } from '../../application/presence/presence-settings.js';
import { numberOr, resource } from './feature-config.js';
import { sharedClient, type FeatureLambdaContext } from './feature-lambda.container.js';
import { PRESENCE_TOKENS, presenceModule } from './presence.module.js';
import { TOKENS } from './tokens.js';

/**
 * F5 ports in AWS: the presence table (DynamoDB, sequence-conditional puts) and the heartbeat
 * queue (SQS standard; the consumer also sends its delayed follow-up recounts there), and the
 * connection → viewer session bindings of ws-message / ws-disconnect on the connections table.
 */
export const presenceAwsModules = ({ config, clientSettings, dynamodb }: FeatureLambdaContext): ContainerModule[] => {
  const sqs = () => sharedClient('sqs', clientSettings, () => createSqsClient(clientSettings));
  return [
    new ContainerModule(({ bind }) => {
      bind(PRESENCE_TOKENS.Settings).toConstantValue(presenceSettings({ ttlMs: numberOr(config, 'PRESENCE_TTL_SECONDS', 15) * 1000 }));
      bind(PRESENCE_TOKENS.PresenceStore)
        .toDynamicValue((ctx) => new DynamoDbPresenceStore(documentClientFor(dynamodb()), resource(config, 'PRESENCE_TABLE', 'the presence store'), { clock: ctx.get(TOKENS.Clock) }))
        .inSingletonScope();
      bind(PRESENCE_TOKENS.ConnectionSessions)
        .toDynamicValue(
          (ctx) =>
            new DynamoDbConnectionSessions(documentClientFor(dynamodb()), resource(config, 'CONNECTIONS_TABLE', 'the connection sessions'), { clock: ctx.get(TOKENS.Clock) }),
        )
        .inSingletonScope();
      bind(PRESENCE_TOKENS.HeartbeatQueue)
        .toDynamicValue(
          (ctx) => new SqsMessageQueue<PresenceMessage>(sqs(), resource(config, 'HEARTBEAT_QUEUE_URL', 'the heartbeat queue'), { sleeper: ctx.get(TOKENS.Sleeper) }),
        )
        .inSingletonScope();
    }),
    presenceModule,
  ];
};
