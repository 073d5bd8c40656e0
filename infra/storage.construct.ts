import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  connectionsTable,
  countersTable,
  eventsTable,
  presenceTable,
  snapshotsTable,
  type TableDefinition,
} from '../src/adapters/dynamodb/table-definitions.js';
import { DEFAULT_OFFLOAD_PREFIX, DEFAULT_STATS_OBJECT_KEY } from '../src/entrypoints/composition/config.js';

/** Keys under BLOB_BUCKET that CloudFront serves (stats.json, and the pages if you upload them). */
export const PUBLIC_PREFIX = 'public/';

/**
 * The offloaded SQS bodies must outlive their message: a message can sit in a DLQ for its
 * 14-day retention and then be redriven, so its body lives 15 days.
 */
export const OFFLOAD_EXPIRATION_DAYS = 15;

export interface StorageProps {
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Key schemas come from the adapters' own table definitions, so the table the adapter writes
 * and the table the stack creates cannot drift apart. DynamoDB needs only key attributes declared.
 */
const tableFrom = (
  scope: Construct,
  id: string,
  definition: TableDefinition,
  props: StorageProps,
  extra: Partial<dynamodb.TableProps> = {},
): dynamodb.Table => {
  const input = definition.create('x');
  const typeOf = (name: string): dynamodb.AttributeType => {
    const type = input.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
    if (type === 'S') return dynamodb.AttributeType.STRING;
    if (type === 'N') return dynamodb.AttributeType.NUMBER;
    if (type === 'B') return dynamodb.AttributeType.BINARY;
    throw new Error(`table ${id}: key attribute ${name} has no S/N/B definition in table-definitions.ts`);
  };
  const keyNamed = (keyType: 'HASH' | 'RANGE'): dynamodb.Attribute | undefined => {
    const name = input.KeySchema?.find((k) => k.KeyType === keyType)?.AttributeName;
    return name === undefined ? undefined : { name, type: typeOf(name) };
  };
  const partitionKey = keyNamed('HASH');
  if (partitionKey === undefined) throw new Error(`table ${id}: no HASH key in table-definitions.ts`);
  const sortKey = keyNamed('RANGE');
  return new dynamodb.Table(scope, id, {
    partitionKey,
    ...(sortKey === undefined ? {} : { sortKey }),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    ...(definition.ttlAttribute === undefined ? {} : { timeToLiveAttribute: definition.ttlAttribute }),
    removalPolicy: props.removalPolicy,
    ...extra,
  });
};

/** The tables, the blob bucket and the CloudFront distribution that serves stats.json. */
export class Storage extends Construct {
  readonly eventsTable: dynamodb.Table;
  readonly snapshotsTable: dynamodb.Table;
  readonly connectionsTable: dynamodb.Table;
  readonly presenceTable: dynamodb.Table;
  readonly statsTable: dynamodb.Table;
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const retained = props.removalPolicy === RemovalPolicy.RETAIN;

    // The event store is the system of record: point-in-time recovery, and deletion protection
    // unless the stack was deployed as disposable.
    this.eventsTable = tableFrom(this, 'EventsTable', eventsTable, props, {
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: retained,
    });
    const streamView = eventsTable.create('x').StreamSpecification?.StreamViewType;
    if (streamView !== 'NEW_IMAGE')
      throw new Error(`the relay reads NEW_IMAGE stream records; table-definitions.ts says ${String(streamView)}`);

    // Snapshots are a cache of the event store (a lost one is rebuilt by the next cold load): no PITR.
    this.snapshotsTable = tableFrom(this, 'SnapshotsTable', snapshotsTable, props);
    this.connectionsTable = tableFrom(this, 'ConnectionsTable', connectionsTable, props);
    this.presenceTable = tableFrom(this, 'PresenceTable', presenceTable, props);
    this.statsTable = tableFrom(this, 'StatsTable', countersTable, props, {
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });

    this.bucket = new s3.Bucket(this, 'BlobBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.removalPolicy,
      lifecycleRules: [
        {
          id: 'expire-offloaded-bodies',
          prefix: DEFAULT_OFFLOAD_PREFIX,
          expiration: Duration.days(OFFLOAD_EXPIRATION_DAYS),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    if (!DEFAULT_STATS_OBJECT_KEY.startsWith(PUBLIC_PREFIX))
      throw new Error(`stats.json must live under ${PUBLIC_PREFIX} to be served`);
    // stats.json is polled by every open booking page: CloudFront absorbs the polling with a
    // 2-second cache, and only `public/` is reachable through it (originPath), never offloaded bodies.
    const shortCache = new cloudfront.CachePolicy(this, 'ShortCache', {
      comment: 'stats.json is rewritten every booking batch; pages poll it',
      defaultTtl: Duration.seconds(2),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(10),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    this.distribution = new cloudfront.Distribution(this, 'PublicDistribution', {
      comment: 'Stampede public objects (stats.json, pages)',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket, {
          originPath: `/${PUBLIC_PREFIX.replace(/\/$/, '')}`,
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachePolicy: shortCache,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS,
      },
      defaultRootObject: 'index.html',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
  }
}
