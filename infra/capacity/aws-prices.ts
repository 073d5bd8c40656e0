import { aws, secondary, unsourced, type Source } from './sources.js';

/** One on-demand list price (us-east-1, first volume tier), in USD per `per` units. */
export interface Price {
  readonly name: string;
  readonly usd: number;
  readonly per: number;
  readonly unit: string;
  readonly source: Source;
}

const API_GATEWAY_PRICES =
  'https://raw.githubusercontent.com/api-evangelist/amazon-web-services/refs/heads/main/plans/amazon-web-services-plans-pricing.yml';
const LAMBDA_PRICES =
  'https://git.mcrn.ar/mariano/lambda_local_runner/src/branch/main/docs/lambdas-md/lambda-13-cost.md';
const DYNAMODB_PRICES = 'https://airbyte.com/data-engineering-resources/dynamodb-pricing';

export const PRICES = {
  'apigw.ws-message': {
    name: 'API Gateway WebSocket messages (32 KB units, both directions)',
    usd: 1.0,
    per: 1e6,
    unit: 'messages',
    source: secondary(
      API_GATEWAY_PRICES,
      'transcription of aws.amazon.com/api-gateway/pricing; first 1 billion a month',
    ),
  },
  'apigw.ws-connection-minute': {
    name: 'API Gateway WebSocket connection minutes',
    usd: 0.25,
    per: 1e6,
    unit: 'connection-minutes',
    source: secondary(API_GATEWAY_PRICES),
  },
  'apigw.http-request': {
    name: 'API Gateway HTTP API requests',
    usd: 1.0,
    per: 1e6,
    unit: 'requests',
    source: secondary(API_GATEWAY_PRICES, 'first 300 million a month'),
  },
  'appsync.operation': {
    name: 'AppSync Events operations (publishes, each delivery per 5 KB, connects, subscribes)',
    usd: 1.0,
    per: 1e6,
    unit: 'operations',
    source: secondary(
      'https://huggingface.co/datasets/labofsahil/aws-pricing-dataset/blob/main/AWSAppSync.csv',
      'Price List mirror shows eu-west-1; us-east-1 believed equal',
    ),
  },
  'appsync.connection-minute': {
    name: 'AppSync Events connection minutes',
    usd: 0.08,
    per: 1e6,
    unit: 'connection-minutes',
    source: secondary(
      'https://aws.amazon.com/appsync/pricing/',
      'quoted by a secondary write-up; the stored page has no figures',
    ),
  },
  'cloudfront.request': {
    name: 'CloudFront HTTPS requests (United States)',
    usd: 0.01,
    per: 1e4,
    unit: 'requests',
    source: unsourced(
      'the stored pricing page has no request rates; $0.0100 per 10,000 HTTPS requests is the long-standing US figure',
    ),
  },
  'cloudfront.function': {
    name: 'CloudFront Functions invocations',
    usd: 0.1,
    per: 1e6,
    unit: 'invocations',
    source: secondary('https://cur.vantage.sh/aws/amazoncloudfront/'),
  },
  'cloudfront.realtime-log-line': {
    name: 'CloudFront real-time log lines',
    usd: 0.01,
    per: 1e6,
    unit: 'log lines',
    source: aws('https://docs.aws.amazon.com/whitepapers/latest/how-aws-pricing-works/cloudfront.html'),
  },
  'lambda.request': {
    name: 'Lambda requests',
    usd: 0.2,
    per: 1e6,
    unit: 'invocations',
    source: secondary(LAMBDA_PRICES),
  },
  'lambda.gb-second-arm64': {
    name: 'Lambda duration, arm64',
    usd: 0.0000133334,
    per: 1,
    unit: 'GB-seconds',
    source: secondary(LAMBDA_PRICES, 'first volume tier'),
  },
  'kinesis.shard-hour': {
    name: 'Kinesis provisioned shard-hours',
    usd: 0.015,
    per: 1,
    unit: 'shard-hours',
    source: unsourced('the stored pricing page has no figures'),
  },
  'kinesis.put-unit': {
    name: 'Kinesis PUT payload units (25 KB each)',
    usd: 0.014,
    per: 1e6,
    unit: 'PUT units',
    source: unsourced('price not on a stored page; the 25 KB unit is on aws.amazon.com/kinesis/pricing'),
  },
  'sqs.request': {
    name: 'SQS standard requests (64 KB units; a batch of 10 is one request)',
    usd: 0.4,
    per: 1e6,
    unit: 'requests',
    source: secondary(
      'https://unanswered.io/guide/aws-sqs-pricing-and-cost-optimization',
      'the same $0.40 is in the AWS 2016 FIFO announcement',
    ),
  },
  'dynamodb.wru': {
    name: 'DynamoDB on-demand write request units',
    usd: 0.625,
    per: 1e6,
    unit: 'WRU',
    source: secondary(DYNAMODB_PRICES),
  },
  'dynamodb.rru': {
    name: 'DynamoDB on-demand read request units',
    usd: 0.125,
    per: 1e6,
    unit: 'RRU',
    source: secondary(DYNAMODB_PRICES),
  },
} as const satisfies Record<string, Price>;

export type PriceId = keyof typeof PRICES;
