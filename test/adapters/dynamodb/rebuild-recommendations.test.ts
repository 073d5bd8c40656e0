import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClientFor } from '../../../src/adapters/dynamodb/document-client.js';
import { DynamoDbEventStore } from '../../../src/adapters/dynamodb/event-store-adapter-dynamodb.js';
import { scanEventLog } from '../../../src/adapters/dynamodb/event-log-scan.js';
import { eventsTable } from '../../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../../src/adapters/dynamodb/table-provisioning.js';
import { InMemoryRecommendationModelStore } from '../../../src/adapters/in-memory/recommendation-model-store-adapter-in-memory.js';
import { RedisRecommendationModelStore } from '../../../src/adapters/redis/recommendation-model-store-adapter-redis.js';
import { ProjectRecommendationFacts } from '../../../src/application/recommendations/project-recommendation-facts.js';
import { rebuildRecommendationModel } from '../../../src/application/recommendations/rebuild-recommendation-model.js';
import type { EventEnvelope } from '../../../src/domain/shared/envelope.js';
import { LOCAL_TOKENS } from '../../../src/entrypoints/local/local.container.js';
import { api, startQuietRuntime } from '../../entrypoints/local-runtime-client.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';
import { startRedisForTests, type RedisForTests } from '../../support/redis.js';

const run = promisify(execFile);
const { endpoints, dynamodb } = emulatorClients();
const table = uniqueName('events');
const CHANNELS = ['shoes', 'phones', 'boots'];
const USERS = ['alice', 'bob', 'carol'];

let redis: RedisForTests;
let log: EventEnvelope[] = [];

/** A real event log: commands through the local runtime, then every stream appended to DynamoDB Local. */
beforeAll(async () => {
  [redis] = await Promise.all([startRedisForTests(), ensureTable(dynamodb, table, eventsTable)]);
  const runtime = await startQuietRuntime();
  try {
    for (const [i, channelId] of CHANNELS.entries()) {
      const seller = { as: `seller-${channelId}` };
      expect(
        (
          await api(
            runtime,
            'POST',
            '/api/channels',
            { channelId, title: `Live ${channelId}`, currency: 'KRW' },
            seller,
          )
        ).status,
      ).toBe(201);
      expect(
        (
          await api(
            runtime,
            'POST',
            `/api/channels/${channelId}/products`,
            {
              productId: `p-${channelId}`,
              name: channelId,
              category: i === 1 ? 'tech' : 'fashion',
              price: 10_000,
              currency: 'KRW',
            },
            seller,
          )
        ).status,
      ).toBe(201);
      expect((await api(runtime, 'POST', `/api/channels/${channelId}/start`, undefined, seller)).status).toBe(200);
      const auction = {
        auctionId: `a-${channelId}`,
        productId: `p-${channelId}`,
        startingPrice: 1_000,
        minIncrement: 100,
        durationSeconds: 600,
      };
      expect((await api(runtime, 'POST', `/api/channels/${channelId}/auctions`, auction, seller)).status).toBe(201);
    }
    for (const [i, user] of USERS.entries()) {
      expect(
        (
          await api(
            runtime,
            'POST',
            `/api/auctions/a-${CHANNELS[i % 2]}/bids`,
            { bidId: `b-${user}`, amount: 1_000 + i * 100 },
            { as: user },
          )
        ).status,
      ).toBe(201);
    }
    const memory = runtime.container.get(LOCAL_TOKENS.InMemoryEventStore);
    log = (await Promise.all(memory.streamIds().map(async (id) => (await memory.read(id)).events))).flat();
  } finally {
    await runtime.stop();
  }
  const store = new DynamoDbEventStore(documentClientFor(dynamodb), table);
  const streams = new Map<string, EventEnvelope[]>();
  for (const e of log) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e]);
  for (const [streamId, events] of streams) {
    // Each stream's events in one append (at most 100: these streams hold a handful).
    await store.append(
      streamId,
      0,
      events.map(({ streamId: _s, version: _v, ...event }) => event),
    );
  }
});
afterAll(() => redis?.stop());

const env = () => ({ ...process.env, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb });

describe('rebuilding the recommendation model from the event log (npm run rebuild-recommendations)', () => {
  it('scans every event of the table, a page at a time', async () => {
    const pages: EventEnvelope[][] = [];
    for await (const page of scanEventLog(documentClientFor(dynamodb), table, { pageSize: 7 })) pages.push(page);
    expect(pages.length).toBeGreaterThan(1);
    const key = (e: EventEnvelope) => `${e.streamId}@${e.version}`;
    expect(pages.flat().map(key).sort()).toEqual(log.map(key).sort());
  });

  it('writes into Redis the same model a rebuild in memory makes, and says what it did', async () => {
    const prefix = redis.subPrefix();
    const { stdout, stderr } = await run(
      'npm',
      [
        'run',
        '--silent',
        'rebuild-recommendations',
        '--',
        '--events-table',
        table,
        '--redis-url',
        `redis://${redis.host}:${redis.port}`,
        '--key-prefix',
        prefix,
      ],
      { env: env() },
    );
    expect(stderr).toMatch(new RegExp(`scanned ${log.length} events`));
    expect(stdout).toMatch(
      new RegExp(`rebuilt the recommendation model from ${log.length} events: \\d+ facts applied`),
    );

    const oracle = new InMemoryRecommendationModelStore();
    await rebuildRecommendationModel(new ProjectRecommendationFacts(oracle), log);
    const rebuilt = new RedisRecommendationModelStore(redis.client, { keyPrefix: prefix });
    const docs = async (store: typeof oracle | typeof rebuilt) =>
      [...(await store.channels(CHANNELS)).values()].map((r) => r.doc);
    expect(await docs(rebuilt)).toEqual(await docs(oracle));
    expect((await docs(rebuilt)).filter((d) => d.live)).toHaveLength(3);
    for (const user of USERS) {
      expect((await rebuilt.taste(user))?.doc).toEqual((await oracle.taste(user))?.doc);
      expect((await rebuilt.taste(user))?.doc.categories).not.toEqual({});
    }

    // Again over the model it just wrote: refused (older history would be skipped), unless --force.
    const args = [
      'run',
      '--silent',
      'rebuild-recommendations',
      '--',
      '--events-table',
      table,
      '--redis-url',
      `redis://${redis.host}:${redis.port}`,
      '--key-prefix',
      prefix,
    ];
    const refused = await run('npm', args, { env: env() }).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/is not empty\. A rebuild over it would skip/),
    });
    expect((await run('npm', [...args, '--force'], { env: env() })).stdout).toMatch(/rebuilt the recommendation model/);
    expect(await docs(rebuilt)).toEqual(await docs(oracle));
  });

  it('a dry run only counts; a missing table name or an unknown flag is refused with the usage', async () => {
    const dry = await run(
      'npm',
      ['run', '--silent', 'rebuild-recommendations', '--', '--events-table', table, '--dry-run'],
      { env: env() },
    );
    expect(dry.stdout).toMatch(
      new RegExp(`dry run: would project \\d+ facts from ${log.length} events; nothing written`),
    );
    const refused = await run(
      'npm',
      ['run', '--silent', 'rebuild-recommendations', '--', '--redis-url', 'redis://127.0.0.1:1'],
      { env: env() },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 2 });
    expect((refused as { stderr: string }).stderr).toMatch(
      /eventsTable: must be a DynamoDB table name \(--events-table or EVENTS_TABLE\)/,
    );
    const unknown = await run('npm', ['run', '--silent', 'rebuild-recommendations', '--', '--bogus'], {
      env: env(),
    }).catch((error: { code: number; stderr: string }) => error);
    expect(unknown).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/Unknown option '--bogus'[\s\S]*usage: npm run rebuild-recommendations/),
    });
  });
});
