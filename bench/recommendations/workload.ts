/** The recommendations benchmark's workload: a Zipf sampler, a seeded read model, Kinesis request events. */
import type { KinesisStreamEvent } from 'aws-lambda';
import type { RecommendationFact } from '../../src/domain/recommendation/recommendation-fact.js';

export const BATCH_SIZE = 100;
export const CHANNELS = 300;
export const LIVE_CHANNELS = 200;
export const AUCTIONS = 150;
const CATEGORIES = 12;
const STREAM_ARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/stampede-recommend-requests';

/** Inverse-CDF sampler of ranks 0..n-1 with P(k) ∝ 1/(k+1)^s. */
export const zipfSampler = (n: number, s: number, random: () => number) => {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cdf[k] = sum += 1 / (k + 1) ** s;
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
};

/** The read model's inputs: channels (most live) with products and viewers, auctions, bids by 40 % of users. */
export const seedFacts = (users: number, random: () => number, now: number): RecommendationFact[] => {
  const facts: RecommendationFact[] = [];
  const versions = new Map<string, number>();
  const at = (stream: string) => {
    const v = (versions.get(stream) ?? 0) + 1;
    versions.set(stream, v);
    return { stream, seq: String(v) };
  };
  for (let c = 0; c < CHANNELS; c++) {
    const channelId = `ch${c}`;
    const stream = `channel-${channelId}`;
    facts.push({ type: 'CHANNEL_SCHEDULED', position: at(stream), channelId, title: `Live commerce ${c}` });
    for (let p = 0; p < 5; p++) {
      facts.push({
        type: 'PRODUCT_LISTED',
        position: at(stream),
        channelId,
        productId: `${channelId}-p${p}`,
        category: `cat${Math.floor(random() * CATEGORIES)}`,
      });
    }
    if (c < LIVE_CHANNELS) {
      facts.push({ type: 'LIVE_STARTED', position: at(stream), channelId, at: now - 3_600_000 });
      facts.push({
        type: 'VIEWERS_COUNTED',
        position: at(stream),
        channelId,
        count: Math.floor(10_000 / (c + 1)),
        asOf: now - 10_000,
      });
    }
  }
  for (let a = 0; a < AUCTIONS; a++) {
    const channelId = `ch${a % LIVE_CHANNELS}`;
    facts.push({
      type: 'AUCTION_OPENED',
      position: at(`auction-a${a}`),
      channelId,
      auctionId: `a${a}`,
      productId: `${channelId}-p${a % 5}`,
      at: now - 1_800_000,
    });
  }
  for (let u = 0; u < users * 0.4; u++) {
    const bids = 1 + Math.floor(random() * 4);
    for (let b = 0; b < bids; b++) {
      const a = Math.floor(random() * AUCTIONS);
      facts.push({
        type: 'BID_PLACED',
        position: at(`auction-a${a}`),
        channelId: `ch${a % LIVE_CHANNELS}`,
        auctionId: `a${a}`,
        bidderId: `user${u}`,
        at: now - Math.floor(random() * 600_000),
      });
    }
  }
  return facts;
};

export const toEvent = (
  requests: readonly { userId: string; topN: number }[],
  firstSeq: number,
  now: number,
): KinesisStreamEvent => ({
  Records: requests.map((r, i) => {
    const sequenceNumber = String(firstSeq + i).padStart(21, '0');
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.userId,
        sequenceNumber,
        // The canonical record: the design's snake_case names.
        data: Buffer.from(
          JSON.stringify({ user_id: r.userId, top_n: r.topN, request_id: `req-${sequenceNumber}`, timestamp: now }),
        ).toString('base64'),
        approximateArrivalTimestamp: now / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/recommend-consumer',
      awsRegion: 'eu-west-1',
      eventSourceARN: STREAM_ARN,
    };
  }),
});
