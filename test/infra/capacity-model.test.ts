import { describe, expect, it } from 'vitest';
import { cost, quotaLimit, settingLimit } from '../../infra/capacity/hop.js';
import type { Load } from '../../infra/capacity/load.js';
import { evaluateCapacity } from '../../infra/capacity/model.js';
import {
  STACK_DEFAULTS,
  contextFromPairs,
  parseStackSettings,
  type StackSettings,
} from '../../infra/stack-settings.js';

const small: Load = {
  channels: 1,
  viewersPerChannel: 1_000,
  framesPerSecond: 4,
  heartbeatSeconds: 5,
  joinWindowSeconds: 10,
  feedEventsPerSecond: 20,
  frameBytes: 2_000,
};
const settings = (...pairs: string[]): StackSettings => parseStackSettings(contextFromPairs(pairs));
const hop = (report: ReturnType<typeof evaluateCapacity>, what: string) => {
  const found = report.hops.find((h) => h.what === what);
  if (found === undefined) throw new Error(`no hop "${what}" in ${report.hops.map((h) => h.what).join(' | ')}`);
  return found;
};

describe('hop status', () => {
  it('within a quota is ok; over an adjustable one needs an increase to the load; over a fixed one is over', () => {
    expect(quotaLimit('x', 'y', 500, 'apigw.ws-new-connections', {}, '')).toMatchObject({
      status: 'ok',
      utilisation: 1,
    });
    expect(quotaLimit('x', 'y', 750.2, 'apigw.ws-new-connections', {}, '')).toMatchObject({
      status: 'needs-increase',
      required: 751,
      limit: 500,
    });
    expect(quotaLimit('x', 'y', 1_001, 'kinesis.shard-records', {}, '')).toMatchObject({ status: 'over' });
    // A raised quota (--quota) is the new limit.
    expect(
      quotaLimit('x', 'y', 750, 'apigw.ws-new-connections', { 'apigw.ws-new-connections': 1_000 }, ''),
    ).toMatchObject({ status: 'ok', limit: 1_000 });
  });

  it('over a stack setting is over, never an increase', () => {
    expect(settingLimit('x', 'y', 2_001, 2_000, 'requests/s', 'wsRateLimit', '')).toMatchObject({
      status: 'over',
      limitRef: { kind: 'setting', name: 'wsRateLimit' },
    });
  });

  it('prices a rate per peak hour: 1 WebSocket message/s at $1 per million is $0.0036', () => {
    expect(cost('m', 'apigw.ws-message', 3_600).usdPerHour).toBeCloseTo(0.0036, 10);
  });
});

describe('hand-computed loads', () => {
  it('original presence: one write per beat on the channel key, a count Queries every item', () => {
    const r = evaluateCapacity({
      load: small,
      settings: settings('broadcaster=apigateway', 'presenceIngress=websocket'),
      quotas: {},
    });
    // 1,000 viewers / 5 s = 200 beats/s, one WCU each, all on the channel id.
    expect(hop(r, 'DynamoDB presence writes per channel partition key').load).toBe(200);
    // 1,000 items × 120 B = 117 KiB → 30 × 4 KiB pages × 0.5 (eventually consistent) = 15 RCU.
    expect(r.presence.readUnitsPerCount).toBe(15);
    expect(r.presence.ingress).toBe('websocket');
  });

  it('beacon presence: K = 1, one 40 KB bucket rewritten once a second plus the count item = 41 WCU on the key', () => {
    const r = evaluateCapacity({
      load: small,
      settings: settings('presenceSubPartitions=1', 'presenceBuckets=1'),
      quotas: {},
    });
    // 200 beats/s ÷ 800 → K = 1 is enough; 1,000 sessions × 40 B = 40,000 B → 1 bucket, ceil(40,000 / 1,024) = 40 WCU, + 1.
    expect(r.presence.writesPerKeyPerSecond).toBe(41);
    expect(hop(r, 'Kinesis beacon-log records/s per shard').load).toBeCloseTo(
      200 / STACK_DEFAULTS.presence.beaconLogShards,
      10,
    );
    expect(r.presence.readUnitsPerCount).toBe(0.5);
  });

  it('AppSync: deliveries are metered per 5 KB, so a 6,000-byte frame counts twice', () => {
    const r = evaluateCapacity({
      load: { ...small, channels: 2, frameBytes: 6_000 },
      settings: settings(),
      quotas: {},
    });
    // 2 × 1,000 viewers × 4 frames/s × 2 units.
    expect(hop(r, 'AppSync outbound messages (5 KB units)').load).toBe(16_000);
    expect(hop(r, 'AppSync inbound events (publishes)').load).toBe(8);
  });

  it('API Gateway: a broadcast message per channel shard and frame; PostToConnection per viewer and frame', () => {
    const r = evaluateCapacity({
      load: { ...small, viewersPerChannel: 1_200 },
      settings: settings('broadcaster=apigateway'),
      quotas: {},
    });
    // 1,200 viewers / 500 a shard → 3 shards × 4 frames/s = 12 messages/s = 1.2 batches/s of 10 × 10 × 200 ms.
    expect(hop(r, 'broadcast concurrent batches (SQS mapping)').load).toBeCloseTo(1.2 * 2, 10);
    const account = hop(r, 'API Gateway requests/s (all APIs)');
    // 4,800 posts + 120 connects + 120 join frames + 20 chat, like and bid frames; beats take the
    // beacon (CloudFront), not API Gateway.
    expect(account.load).toBe(4_800 + 120 + 120 + 20);
    expect(hop(r, 'WebSocket stage throttle, $default route').load).toBe(120 + 20);
    // With presenceIngress=websocket they would add 240 beat frames/s.
    const frames = evaluateCapacity({
      load: { ...small, viewersPerChannel: 1_200 },
      settings: settings('broadcaster=apigateway', 'presenceIngress=websocket'),
      quotas: {},
    });
    expect(hop(frames, 'API Gateway requests/s (all APIs)').load).toBe(4_800 + 240 + 120 + 120 + 20);
  });

  it('chat, likes and bids take the HTTP API with AppSync Events (viewers cannot publish to the Event API)', () => {
    const r = evaluateCapacity({ load: { ...small, channels: 10 }, settings: settings(), quotas: {} });
    // 10,000 viewers joining in 10 s: 1,000 snapshots/s + 10 channels × 20 viewer requests/s.
    expect(hop(r, 'HTTP API stage throttle (every route)').load).toBe(1_000 + 200);
    expect(r.costs.find((c) => c.item === 'HTTP API chat, likes, bids')?.unitsPerHour).toBe(200 * 3_600);
    expect(r.costs.some((c) => c.item.startsWith('WebSocket chat'))).toBe(false);
  });

  it('the feed stream: channels spread over shards, the busiest shard takes ceil(channels / shards)', () => {
    const r = evaluateCapacity({ load: { ...small, channels: 5 }, settings: settings(), quotas: {} });
    expect(hop(r, 'Kinesis feed records/s, busiest shard').load).toBe(3 * 20);
  });

  it('the binding constraint is the most utilised hop', () => {
    const r = evaluateCapacity({ load: small, settings: settings(), quotas: {} });
    expect(r.binding.utilisation).toBe(Math.max(...r.hops.map((h) => h.utilisation)));
  });
});

describe('stack settings (the source the stack and the model share)', () => {
  it('defaults, and the presence path is the beacon on both broadcasters unless set', () => {
    expect(settings()).toEqual(STACK_DEFAULTS);
    expect(settings('broadcaster=apigateway').presence.ingress).toBe('beacon');
    expect(settings('broadcaster=apigateway', 'presenceIngress=websocket').presence.ingress).toBe('websocket');
    expect(settings('relayReservedConcurrency=none').relayReservedConcurrency).toBeNull();
    expect(settings('feedShards=4').feedShards).toBe(4);
  });

  it('refuses bad values naming the key and what it accepts', () => {
    expect(() => settings('feedShards=0')).toThrow(/feedShards must be shards, 1\.\.500, got "0"/);
    expect(() => settings('broadcaster=iot')).toThrow(/broadcaster must be appsync-events \| apigateway/);
    expect(() => settings('presenceIngress=websocket')).toThrow(/needs broadcaster=apigateway/);
    expect(() => contextFromPairs(['nope=1'])).toThrow(/key one of/);
  });
});
