import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BEACON_LOG_FIELDS } from '../src/entrypoints/handlers/beacon-log-line.js';
import type { PresenceSettings } from './stack-settings.js';

/**
 * The CloudFront Function on every beacon request: 204 at the edge, no origin fetch, nothing
 * validated (the beat-router checks query and token from the real-time log line). `no-store`
 * keeps browsers and proxies from answering a beat from a cache, which would hide it from the log.
 */
export const BEACON_FUNCTION_CODE = `function handler(event) {
  return {
    statusCode: 204,
    statusDescription: 'No Content',
    headers: {
      'cache-control': { value: 'no-store' },
      'access-control-allow-origin': { value: '*' }
    }
  };
}`;

/** Real-time logs of every request (100 %): a sampled beat would be a viewer missing from the count. */
export const BEACON_SAMPLING_RATE = 100;

export interface BeaconEdgeProps {
  readonly presence: PresenceSettings;
  /**
   * A host CloudFront may name as the distribution's origin. The function answers every request
   * at viewer-request, so it is never contacted; the HTTP API's host is named because it exists
   * already and needs no grant (an S3 origin would add a bucket policy for nothing).
   */
  readonly unusedOriginHost: string;
}

/**
 * The beacon presence path's edge and streams (docs/ARCHITECTURE.md, "Presence at scale"):
 * `GET|POST https://<distribution>/beat?c=&s=&q=&t=` answered 204 by a CloudFront Function,
 * real-time log lines (BEACON_LOG_FIELDS) → the beacon-log stream → beat-router → the presence
 * stream (`<channel>#<k>`) → presence-aggregator. A distribution of its own: the beacons' 100,000
 * requests/s at the seed stay apart from the pages' distribution and its quota.
 */
export class BeaconEdge extends Construct {
  readonly beaconLogStream: kinesis.Stream;
  readonly presenceStream: kinesis.Stream;
  /** On-failure destination of both mappings (records that exhausted their retries). */
  readonly failures: sqs.Queue;
  /** The beacon tokens' HMAC key (BEACON_TOKEN_KEY of beat-router, ws-message, http-api). */
  readonly tokenKey: secretsmanager.Secret;
  readonly function: cloudfront.Function;
  readonly logConfig: cloudfront.RealtimeLogConfig;
  readonly distribution: cloudfront.Distribution;
  /** The presence stream's shard count (PRESENCE_STREAM_SHARDS: explicit hash keys assume an even split of this many). */
  readonly presenceShards: number;

  constructor(scope: Construct, id: string, props: BeaconEdgeProps) {
    super(scope, id);
    this.presenceShards = props.presence.presenceShards;
    const stream = (sid: string, shardCount: number): kinesis.Stream =>
      new kinesis.Stream(this, sid, {
        streamMode: kinesis.StreamMode.PROVISIONED,
        shardCount,
        // A beat is worth nothing after the TTL; the minimum retention (24 h) is the cheapest.
        retentionPeriod: Duration.hours(24),
        encryption: kinesis.StreamEncryption.MANAGED,
        removalPolicy: RemovalPolicy.DESTROY,
      });
    // One log record per beacon: 1,000 records/s per shard in (beaconLogShards).
    this.beaconLogStream = stream('BeaconLogStream', props.presence.beaconLogShards);
    // Key `<channel>#<k>`, placed by explicit hash keys (PRESENCE_STREAM_SHARDS must equal this count).
    this.presenceStream = stream('PresenceStream', props.presence.presenceShards);
    this.failures = new sqs.Queue(this, 'PresenceFailures', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.tokenKey = new secretsmanager.Secret(this, 'BeaconTokenKey', {
      description: 'Stampede beacon token HMAC key (BEACON_TOKEN_KEY); rotating it makes current viewers rejoin',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.function = new cloudfront.Function(this, 'BeaconFunction', {
      comment: 'Stampede beacon: 204 to every request; the real-time log carries the beat',
      code: cloudfront.FunctionCode.fromInline(BEACON_FUNCTION_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    this.logConfig = new cloudfront.RealtimeLogConfig(this, 'BeaconLogConfig', {
      // The fields the beat-router parses, in its order (src/entrypoints/handlers/beacon-log-line.ts).
      fields: [...BEACON_LOG_FIELDS],
      samplingRate: BEACON_SAMPLING_RATE,
      // CDK makes the role CloudFront assumes, allowed to put records on this stream only.
      endPoints: [cloudfront.Endpoint.fromKinesisStream(this.beaconLogStream)],
    });
    this.distribution = new cloudfront.Distribution(this, 'BeaconDistribution', {
      comment: 'Stampede presence beacons (/beat → 204, real-time logs → Kinesis)',
      defaultBehavior: {
        origin: new origins.HttpOrigin(props.unusedOriginHost),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        // navigator.sendBeacon POSTs; the body is ignored (everything is in the query).
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        functionAssociations: [{ function: this.function, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        realtimeLogConfig: this.logConfig,
      },
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
  }

  /** What viewers beat to (BEACON_URL). */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}/beat`;
  }
}
