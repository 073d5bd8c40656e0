import type { StackSettings } from '../stack-settings.js';
import type { QuotaValues } from './hop.js';

/** The audience and its behaviour at the peak the model evaluates. */
export interface Load {
  readonly channels: number;
  readonly viewersPerChannel: number;
  /** Feed frames each viewer receives per second, after coalescing (one per channel batch). */
  readonly framesPerSecond: number;
  readonly heartbeatSeconds: number;
  /** Every viewer connects and joins within this many seconds (evenly spread). */
  readonly joinWindowSeconds: number;
  /** Feed items per channel per second before coalescing (chat, likes, bids, state changes). */
  readonly feedEventsPerSecond: number;
  /** Bytes of one delivered frame (a coalesced batch of items). */
  readonly frameBytes: number;
}

/**
 * The live-commerce seed: 50 channels × 10,000 viewers, 4 frames/s, 5 s heartbeats, everyone
 * joining within 60 s. 20 feed events/s per channel is the design's uncoalesced figure; 2 KB
 * a frame is five ~400-byte items (frames stay under AppSync's 5 KB metering unit).
 */
export const SEED_LOAD: Load = {
  channels: 50,
  viewersPerChannel: 10_000,
  framesPerSecond: 4,
  heartbeatSeconds: 5,
  joinWindowSeconds: 60,
  feedEventsPerSecond: 20,
  frameBytes: 2_000,
};

/**
 * Figures the model needs but AWS does not publish and this project has not measured under
 * this load: Lambda durations per invocation and item sizes. Each is labelled "estimate" in
 * the output; replace with measured values (npm run bench, CloudWatch) when there are some.
 */
export const ESTIMATES = {
  /** ws-connect: authorizer result + one connection item. */
  connectMs: 30,
  /** ws-message handling a join or a beat frame (a DynamoDB transaction or a SendMessage). */
  wsMessageMs: 30,
  /** http-api answering GET /api/channels/{id} (the join snapshot): a read of the channel view. */
  joinSnapshotMs: 50,
  /** http-api answering GET /recommend/cached/{userId} on a cache miss (computes the recommendation). */
  recommendComputeMs: 200,
  /** presence (original path): one SQS batch of beats → one conditional write each + a recount. */
  presenceBatchMs: 300,
  /** broadcast: one message = SHARD_SIZE PostToConnection calls, 50 in flight, ~20 ms each. */
  broadcastPostMs: 20,
  broadcastPostsInFlight: 50,
  /** fanout / beat-router / presence-aggregator: one stream batch. */
  streamBatchMs: 200,
  /** Lambda memory of every function (infra/function-specs.ts DEFAULT_MEMORY_MIB). */
  lambdaGb: 0.25,
  /** A presence item of the original path (channel, session, seq, expiresAt, ttl, keys). */
  presenceItemBytes: 120,
  /** A member item of a channel shard (connection id, user, joinedAt, ttl, keys). */
  memberItemBytes: 150,
  /** A CloudFront real-time log line with the fields the beat-router reads. */
  beaconLogLineBytes: 250,
  /** A beat record on the presence stream (channel, session, seq, time). */
  beatRecordBytes: 100,
  /** A feed record on the Kinesis feed stream. */
  feedRecordBytes: 400,
} as const;

export interface Rates {
  readonly viewers: number;
  /** New viewers per second during the join window. */
  readonly joinsPerSecond: number;
  readonly beatsPerSecond: number;
  readonly beatsPerSecondPerChannel: number;
  /** Channel batches (frames) the fan-out produces per second, all channels. */
  readonly channelFramesPerSecond: number;
  /** Frames delivered to viewers per second. */
  readonly deliveriesPerSecond: number;
  readonly feedRecordsPerSecond: number;
}

export const ratesOf = (load: Load): Rates => {
  const viewers = load.channels * load.viewersPerChannel;
  return {
    viewers,
    joinsPerSecond: viewers / load.joinWindowSeconds,
    beatsPerSecond: viewers / load.heartbeatSeconds,
    beatsPerSecondPerChannel: load.viewersPerChannel / load.heartbeatSeconds,
    channelFramesPerSecond: load.channels * load.framesPerSecond,
    deliveriesPerSecond: viewers * load.framesPerSecond,
    feedRecordsPerSecond: load.channels * load.feedEventsPerSecond,
  };
};

/** What the model evaluates: a load on a stack's settings, against (possibly raised) quotas. */
export interface Scenario {
  readonly load: Load;
  readonly settings: StackSettings;
  readonly quotas: QuotaValues;
}
