import { beforeAll, describe, expect, it } from 'vitest';
import { functionNamed, mappingsOf, refId, resourcesOf, synthesize, type Synthesized } from './synth.js';

/**
 * F8 on AWS: the recommendation request stream, the recommend-consumer's two mappings with the
 * seed's settings, and the cache endpoint as a documented stack parameter (`redisUrl` context →
 * REDIS_URL), not an ElastiCache resource: the functions run outside a VPC (see docs/DEPLOY.md).
 */
const envOf = (s: Synthesized, name: string): Record<string, unknown> =>
  (functionNamed(s, name)[1]['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};

const streamIdNamed = (s: Synthesized, prefix: string): string => {
  const found = resourcesOf(s, 'AWS::Kinesis::Stream').find(([id]) => id.includes(prefix));
  if (!found) throw new Error(`no Kinesis stream ${prefix}* in the template`);
  return found[0];
};

describe('recommendations stack', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize({ broadcaster: 'apigateway' });
  });

  it('has the request stream of the seed: 2 shards, 24 h retention', () => {
    const [, stream] = resourcesOf(s, 'AWS::Kinesis::Stream').find(([id]) => id.includes('RecommendStream')) ?? [];
    expect(stream?.Properties).toMatchObject({ ShardCount: 2, RetentionPeriodHours: 24 });
  });

  it('consumes the request stream and the live feed in batches of 100, 1 s window, 3 retries, bisect, partial batch responses', () => {
    const [functionId] = functionNamed(s, 'recommend-consumer');
    const mappings = mappingsOf(s, functionId);
    expect(mappings.map((m) => refId(m['EventSourceArn'])).sort()).toEqual(
      [streamIdNamed(s, 'FeedStream'), streamIdNamed(s, 'RecommendStream')].sort(),
    );
    for (const mapping of mappings) {
      expect(mapping).toMatchObject({
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 3,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        StartingPosition: 'TRIM_HORIZON',
      });
      const onFailure = (mapping['DestinationConfig'] as { OnFailure?: { Destination?: unknown } } | undefined)
        ?.OnFailure?.Destination;
      expect(refId(onFailure)).toMatch(/RecommendFailures/);
    }
  });

  it('tells the consumer which stream is the feed, and gives the seed TTL by default', () => {
    const env = envOf(s, 'recommend-consumer');
    expect(refId(env['FEED_STREAM_NAME'])).toBe(streamIdNamed(s, 'FeedStream'));
    expect(env['RECOMMEND_CACHE_TTL_SECONDS']).toBe('3600');
    expect(envOf(s, 'http-api')['RECOMMEND_CACHE_TTL_SECONDS']).toBe('3600');
  });

  it('lets http-api put requests on the request stream', () => {
    const [functionId] = functionNamed(s, 'http-api');
    const role = refId((functionNamed(s, 'http-api')[1]['Role'] as unknown) ?? null);
    const policies = resourcesOf(s, 'AWS::IAM::Policy').filter(([, p]) =>
      ((p.Properties?.['Roles'] as unknown[]) ?? []).some((r) => refId(r) === role),
    );
    const statements = policies.flatMap(
      ([, p]) =>
        (p.Properties?.['PolicyDocument'] as { Statement: { Action: string | string[]; Resource: unknown }[] })
          .Statement,
    );
    const put = statements.find(
      (st) =>
        [st.Action].flat().includes('kinesis:PutRecords') &&
        JSON.stringify(st.Resource).includes(streamIdNamed(s, 'RecommendStream')),
    );
    expect(put, `PutRecords on the request stream for ${functionId}`).toBeDefined();
  });

  it('without redisUrl: no REDIS_URL anywhere (the functions fall back to per-instance memory, and log it)', () => {
    for (const name of ['recommend-consumer', 'http-api']) expect(envOf(s, name)).not.toHaveProperty('REDIS_URL');
  });

  it('with redisUrl and a TTL: both functions get them', () => {
    const url = 'rediss://rec-user:secret@stampede-rec-abc123.serverless.euw1.cache.amazonaws.com:6379';
    const withRedis = synthesize({ broadcaster: 'apigateway', redisUrl: url, recommendCacheTtlSeconds: 900 });
    for (const name of ['recommend-consumer', 'http-api']) {
      expect(envOf(withRedis, name)).toMatchObject({ REDIS_URL: url, RECOMMEND_CACHE_TTL_SECONDS: '900' });
    }
  });

  it('refuses a TTL the functions would reject at cold start', () => {
    expect(() => synthesize({ broadcaster: 'apigateway', recommendCacheTtlSeconds: 90_000 })).toThrow(
      /recommendCacheTtlSeconds/,
    );
  });
});
