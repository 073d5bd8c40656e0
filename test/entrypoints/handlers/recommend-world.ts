import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryRecommendationCache } from '../../../src/adapters/in-memory/recommendation-cache-adapter-in-memory.js';
import { InMemoryRecommendationMetrics } from '../../../src/adapters/in-memory/recommendation-metrics-adapter-in-memory.js';
import { InMemoryRecommendationModelStore } from '../../../src/adapters/in-memory/recommendation-model-store-adapter-in-memory.js';
import type { RecommendationCache } from '../../../src/application/ports/recommendation-cache.port.js';
import { ModelRecommender } from '../../../src/application/recommendations/model-recommender.js';
import { ProjectRecommendationFacts } from '../../../src/application/recommendations/project-recommendation-facts.js';
import { ServeRecommendations } from '../../../src/application/recommendations/serve-recommendations.js';
import type { RecommendationFact } from '../../../src/domain/recommendation/index.js';
import { makeRecommendConsumerHandler } from '../../../src/entrypoints/handlers/recommend-consumer.js';

export const REQUEST_STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/stampede-recommend-requests';
export const FEED_STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/stampede-feed';
export const NOW = 1_700_000_000_000;

export interface RawRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** The record's bytes as the producer wrote them (text). */
  readonly data: string;
  readonly arrivedAt?: number;
}

/** A Kinesis event exactly as Lambda delivers it (the Powertools parser checks every field). */
export const kinesisEvent = (
  records: readonly RawRecord[],
  arn = REQUEST_STREAM_ARN,
  shard = 'shardId-000000000000',
): KinesisStreamEvent => ({
  Records: records.map((r): KinesisStreamRecord => ({
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: r.partitionKey,
      sequenceNumber: r.sequenceNumber,
      data: Buffer.from(r.data, 'utf8').toString('base64'),
      approximateArrivalTimestamp: (r.arrivedAt ?? NOW - 250) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shard}:${r.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/recommend-consumer',
    awsRegion: 'eu-west-1',
    eventSourceARN: arn,
  })),
});

/** A request record in the canonical wire format (the design's snake_case names). */
export const requestRecord = (seq: number, userId: string, topN = 10, requestId = `r${seq}`): RawRecord => ({
  sequenceNumber: String(seq).padStart(21, '0'),
  partitionKey: userId,
  data: JSON.stringify({ user_id: userId, top_n: topN, request_id: requestId, timestamp: NOW - 300 }),
});

/** A request record in the older camelCase spelling, which the consumer still reads. */
export const camelRequestRecord = (seq: number, userId: string, topN = 10, requestId = `r${seq}`): RawRecord => ({
  sequenceNumber: String(seq).padStart(21, '0'),
  partitionKey: userId,
  data: JSON.stringify({ userId, topN, requestId, timestamp: NOW - 300 }),
});

export const rawRecord = (seq: number, data: string): RawRecord => ({
  sequenceNumber: String(seq).padStart(21, '0'),
  partitionKey: 'x',
  data,
});

let position = 0;
const pos = (stream: string) => ({ stream, seq: String(++position) });

/** Three live channels; alice has bid on beauty products (history), everyone else is unknown. */
export const seedFacts = (): RecommendationFact[] => [
  ...[
    ['mega', 9_000, 'tech'],
    ['mid', 3_000, 'food'],
    ['niche', 40, 'beauty'],
    ['quiet', 5, 'beauty'],
  ].flatMap(([channelId, viewers, category]) => {
    const id = channelId as string;
    return [
      { type: 'CHANNEL_SCHEDULED', position: pos(`channel-${id}`), channelId: id, title: `Live ${id}` },
      {
        type: 'PRODUCT_LISTED',
        position: pos(`channel-${id}`),
        channelId: id,
        productId: `${id}-p1`,
        category: category as string,
      },
      { type: 'LIVE_STARTED', position: pos(`channel-${id}`), channelId: id, at: NOW - 600_000 },
      {
        type: 'VIEWERS_COUNTED',
        position: pos(`channel-${id}`),
        channelId: id,
        count: viewers as number,
        asOf: NOW - 5_000,
      },
    ] satisfies RecommendationFact[];
  }),
  {
    type: 'AUCTION_OPENED',
    position: pos('auction-a1'),
    channelId: 'quiet',
    auctionId: 'a1',
    productId: 'quiet-p1',
    at: NOW - 300_000,
  },
  ...[1, 2, 3].map((i): RecommendationFact => ({
    type: 'BID_PLACED',
    position: pos('auction-a1'),
    channelId: 'quiet',
    auctionId: 'a1',
    bidderId: 'alice',
    at: NOW - 200_000 + i,
  })),
];

export const recordingLogger = () => {
  const lines: { level: string; message: string; extra: unknown[] }[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: unknown[]) =>
      void lines.push({ level, message, extra });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};

/** The consumer wired to in-memory twins, with a seeded read model. */
export const recommendWorld = async (options: { cache?: RecommendationCache } = {}) => {
  const clock = new FakeClock(NOW);
  const store = new InMemoryRecommendationModelStore();
  const project = new ProjectRecommendationFacts(store);
  await project.project(seedFacts());
  const cache = options.cache ?? new InMemoryRecommendationCache({ clock });
  const metrics = new InMemoryRecommendationMetrics();
  const recommender = new ModelRecommender(store, clock);
  const serve = new ServeRecommendations({ cache, recommender, clock, metrics });
  const logger = recordingLogger();
  const handler = makeRecommendConsumerHandler({
    serve,
    project,
    metrics,
    clock,
    logger,
    isFeedStream: (arn) => arn === FEED_STREAM_ARN,
  });
  return { clock, store, project, cache, metrics, recommender, serve, logger, handler };
};
