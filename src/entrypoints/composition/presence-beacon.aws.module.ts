import { createKinesisClient } from '../../adapters/aws-shared/aws-clients.js';
import { HmacBeaconTokens } from '../../adapters/crypto/beacon-tokens-adapter-hmac.js';
import { DynamoDbPresenceBucketStore } from '../../adapters/dynamodb/presence-bucket-store-adapter-dynamodb.js';
import { KinesisPresenceStream } from '../../adapters/kinesis/presence-stream-adapter-kinesis.js';
import { dynamoDoc, sharedClient, type AwsClientSettings } from './aws-target.js';
import type { ContainerModule } from 'inversify';
import { BEACON_TOKENS, beaconGrantModule } from './presence-beacon.module.js';
import { bindingsModule, setting, TOKENS, type Binding } from './tokens.js';

/* The beacon path's ports in AWS: HMAC beacon tokens (key from configuration), the presence
 * stream on Kinesis (explicit hash keys place a channel's K sub-partitions on K shards), and
 * the packed bucket items on the presence table. */

export const beaconTokensFromKey =
  (key: string): Binding =>
  (bind) =>
    bind(BEACON_TOKENS.Tokens, () => new HmacBeaconTokens(key));

export const presenceStreamOnKinesis =
  (s: AwsClientSettings, streamName: string, shardCount: number): Binding =>
  (bind) =>
    bind(
      BEACON_TOKENS.Stream,
      (get) =>
        new KinesisPresenceStream(
          sharedClient('kinesis', s, () => createKinesisClient(s)),
          streamName,
          { sleeper: get(TOKENS.Sleeper), shardCount },
        ),
    );

export const presenceBucketsOnDynamoDb =
  (s: AwsClientSettings, table: string): Binding =>
  (bind) =>
    bind(
      BEACON_TOKENS.Buckets,
      (get) => new DynamoDbPresenceBucketStore(dynamoDoc(s), table, { clock: get(TOKENS.Clock) }),
    );

/**
 * The join answers' beacon grant in ws-message and http-api: with BEACON_TOKEN_KEY set (the stack
 * sets it when presenceIngress=beacon) the `joined` frame carries `beacon` and the beacon route
 * answers; without it neither exists (viewers beat over the WebSocket frame).
 */
export const beaconGrantsIfKeyed = (c: {
  readonly BEACON_TOKEN_KEY?: string | undefined;
  readonly BEACON_URL: string;
}): ContainerModule[] =>
  c.BEACON_TOKEN_KEY === undefined
    ? []
    : [
        beaconGrantModule,
        bindingsModule(beaconTokensFromKey(c.BEACON_TOKEN_KEY), setting(BEACON_TOKENS.Url, c.BEACON_URL)),
      ];
