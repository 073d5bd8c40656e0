import { ContainerModule } from 'inversify';
import { presenceSettings } from '../../application/presence/presence-settings.js';
import { awsFeatureAdapters, type AwsFeatureModules } from './aws.container.js';
import { numberOr, resource } from './feature-config.js';
import { PRESENCE_TOKENS, presenceModule } from './presence.module.js';
import { TOKENS } from './tokens.js';

/**
 * F5 ports in AWS: the presence table (DynamoDB, sequence-conditional puts) and the heartbeat
 * queue (SQS standard; the consumer also sends its delayed follow-up recounts there).
 * `ConnectionSessions` (ws-message, ws-disconnect) still needs its DynamoDB adapter.
 */
export const presenceAwsModules: AwsFeatureModules = ({ clients, config }) => [
  new ContainerModule(({ bind }) => {
    bind(PRESENCE_TOKENS.Settings).toConstantValue(presenceSettings({ ttlMs: numberOr(config, 'PRESENCE_TTL_SECONDS', 15) * 1000 }));
    bind(PRESENCE_TOKENS.PresenceStore)
      .toDynamicValue((ctx) =>
        awsFeatureAdapters(clients, { clock: ctx.get(TOKENS.Clock), sleeper: ctx.get(TOKENS.Sleeper) }).presenceStore(resource(config, 'PRESENCE_TABLE', 'the presence store')),
      )
      .inSingletonScope();
    bind(PRESENCE_TOKENS.HeartbeatQueue)
      .toDynamicValue((ctx) =>
        awsFeatureAdapters(clients, { clock: ctx.get(TOKENS.Clock), sleeper: ctx.get(TOKENS.Sleeper) }).queue(resource(config, 'HEARTBEAT_QUEUE_URL', 'the heartbeat queue')),
      )
      .inSingletonScope();
  }),
  presenceModule,
];
