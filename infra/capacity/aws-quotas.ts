import { aws, awsMirror, secondary, unsourced, type Source } from './sources.js';

/** One AWS quota (us-east-1 defaults; several are lower in other Regions). */
export interface Quota {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Whether AWS raises it on request (Service Quotas or a support case). */
  readonly adjustable: boolean;
  readonly source: Source;
}

const APIGW_LIMITS = 'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html';
const APIGW_WS_LIMITS =
  'https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html';
// The AppSync quota table of this page was not readable from AWS text; two independent write-ups citing it agree.
const APPSYNC_QUOTAS = 'https://docs.aws.amazon.com/general/latest/gr/appsync.html';
const KINESIS_LIMITS = 'https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html';
const LAMBDA_LIMITS = 'https://docs.aws.amazon.com/lambda/latest/dg/limits.html';
const DDB_PARTITIONS =
  'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput-scenarios.html';

export const QUOTAS = {
  'apigw.account-rps': {
    name: 'API Gateway requests/s per account and Region (REST, HTTP, WebSocket and @connections together)',
    value: 10_000,
    unit: 'requests/s',
    adjustable: true,
    source: aws(APIGW_LIMITS, 'burst 5,000, not adjustable; quota code L-8A5B8E43'),
  },
  'apigw.ws-new-connections': {
    name: 'API Gateway WebSocket new connections/s per account and Region',
    value: 500,
    unit: 'connections/s',
    adjustable: true,
    source: aws(APIGW_WS_LIMITS),
  },
  'apigw.ws-message-bytes': {
    name: 'API Gateway WebSocket message payload',
    value: 128 * 1024,
    unit: 'bytes',
    adjustable: false,
    source: aws(APIGW_WS_LIMITS, 'frames of 32 KB; a larger message is split into frames'),
  },
  'appsync.connect-rate': {
    name: 'AppSync Event API connections/s per API',
    value: 2_000,
    unit: 'connections/s',
    adjustable: true,
    source: secondary(APPSYNC_QUOTAS, 'quota L-10498098; two secondary write-ups quoting this page agree'),
  },
  'appsync.inbound-events': {
    name: 'AppSync Event API inbound events/s per API',
    value: 10_000,
    unit: 'events/s',
    adjustable: true,
    source: secondary(APPSYNC_QUOTAS, 'quota L-D91E563A; two secondary write-ups quoting this page agree'),
  },
  'appsync.outbound-messages': {
    name: 'AppSync Event API outbound messages/s per API (one message = 5 KB delivered)',
    value: 1_000_000,
    unit: 'messages/s',
    adjustable: true,
    source: secondary(APPSYNC_QUOTAS, 'two secondary write-ups quoting this page agree'),
  },
  'appsync.events-per-publish': {
    name: 'AppSync Event API events per publish request',
    value: 5,
    unit: 'events',
    adjustable: false,
    source: aws('https://docs.aws.amazon.com/appsync/latest/eventapi/publish-http.html'),
  },
  'appsync.event-bytes': {
    name: 'AppSync Event API event size',
    value: 240 * 1024,
    unit: 'bytes',
    adjustable: false,
    source: aws(
      'https://docs.aws.amazon.com/appsync/latest/eventapi/event-api-concepts.html',
      'larger events are dropped silently (secondary)',
    ),
  },
  'cloudfront.rps': {
    name: 'CloudFront requests/s per distribution',
    value: 250_000,
    unit: 'requests/s',
    adjustable: true,
    source: aws('https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html'),
  },
  'kinesis.shard-records': {
    name: 'Kinesis writes per shard',
    value: 1_000,
    unit: 'records/s',
    adjustable: false,
    source: aws('https://docs.aws.amazon.com/streams/latest/dev/working-with-streams.html'),
  },
  'kinesis.shard-bytes': {
    name: 'Kinesis write bytes per shard',
    value: 1024 * 1024,
    unit: 'bytes/s',
    adjustable: false,
    source: aws('https://docs.aws.amazon.com/streams/latest/dev/working-with-streams.html', 'stated as "1 MB/s"'),
  },
  'kinesis.account-shards': {
    name: 'Kinesis provisioned shards per account (us-east-1, us-west-2, eu-west-1)',
    value: 20_000,
    unit: 'shards',
    adjustable: true,
    source: aws(KINESIS_LIMITS, 'other Regions 1,000 or 6,000'),
  },
  'lambda.concurrency': {
    name: 'Lambda concurrent executions per account and Region',
    value: 1_000,
    unit: 'executions',
    adjustable: true,
    source: aws(LAMBDA_LIMITS, 'new accounts start lower; at least 100 stay unreserved'),
  },
  'lambda.sqs-esm-batches': {
    name: 'Lambda SQS event source mapping: concurrent batches',
    value: 1_000,
    unit: 'batches',
    adjustable: false,
    source: aws(
      'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html',
      'scales up by 300 instances a minute',
    ),
  },
  'sqs.inflight': {
    name: 'SQS standard queue messages in flight',
    value: 120_000,
    unit: 'messages',
    adjustable: true,
    source: aws('https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html'),
  },
  'dynamodb.partition-wcu': {
    name: 'DynamoDB write units/s per partition',
    value: 1_000,
    unit: 'WCU/s',
    adjustable: false,
    source: awsMirror(DDB_PARTITIONS, 'read on the es_es/zh_cn/ja_jp copies of the page'),
  },
  'dynamodb.partition-rcu': {
    name: 'DynamoDB read units/s per partition',
    value: 3_000,
    unit: 'RCU/s',
    adjustable: false,
    source: awsMirror(DDB_PARTITIONS, 'read on the es_es/zh_cn/ja_jp copies of the page'),
  },
  'dynamodb.table-wru': {
    name: 'DynamoDB on-demand write request units/s per table',
    value: 40_000,
    unit: 'WRU/s',
    adjustable: true,
    source: awsMirror('https://docs.amazonaws.cn/en_us/amazondynamodb/latest/developerguide/Limits.html'),
  },
  'dynamodb.item-bytes': {
    name: 'DynamoDB item size',
    value: 400 * 1024,
    unit: 'bytes',
    adjustable: false,
    source: unsourced('long-standing documented 400 KB; no stored page quoted it'),
  },
} as const satisfies Record<string, Quota>;

export type QuotaId = keyof typeof QUOTAS;
export const QUOTA_IDS = Object.keys(QUOTAS) as QuotaId[];
