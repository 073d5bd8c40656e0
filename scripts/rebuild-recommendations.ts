/**
 * `npm run rebuild-recommendations -- --events-table <name> --redis-url <url> [--key-prefix <p>] [--dry-run]`
 *
 * Rebuilds the recommender's read model (channel popularity, user taste) in Redis from the
 * event log in DynamoDB — after a cache flush, a failover to an empty Redis, or a change to
 * the model's rules. Facts already in the model are skipped by their gates, so running it over
 * a live model only fills what is missing; the consumer may keep running meanwhile.
 *
 * Likes, chat and watch history are feed signals, not stored events: they come back as the
 * feed brings new ones (popularity uses a 15-minute window). The whole log is read into memory
 * and sorted by occurrence (a Scan has no order): fine for millions of events, not billions.
 *
 * Reads the region from AWS_REGION (or AWS_DEFAULT_REGION) and, against DynamoDB Local, the
 * endpoint from AWS_ENDPOINT_URL_DYNAMODB (or AWS_ENDPOINT_URL); EVENTS_TABLE and REDIS_URL
 * stand in for the flags. Credentials come from the usual AWS chain.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createDynamoDbClient } from '../src/adapters/aws-shared/aws-clients.js';
import { documentClientFor } from '../src/adapters/dynamodb/document-client.js';
import { scanEventLog } from '../src/adapters/dynamodb/event-log-scan.js';
import { RedisRecommendationModelStore } from '../src/adapters/redis/recommendation-model-store-adapter-redis.js';
import { createRedisClient } from '../src/adapters/redis/redis-client.js';
import { ProjectRecommendationFacts } from '../src/application/recommendations/project-recommendation-facts.js';
import { rebuildRecommendationModel } from '../src/application/recommendations/rebuild-recommendation-model.js';
import { factsFromStoredEvents } from '../src/domain/recommendation/recommendation-log.js';
import type { EventEnvelope } from '../src/domain/shared/envelope.js';

const usage = 'usage: npm run rebuild-recommendations -- --events-table <name> --redis-url <redis://…> [--key-prefix <prefix>] [--dry-run]';

const Settings = z
  .object({
    eventsTable: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (--events-table or EVENTS_TABLE)'),
    redisUrl: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL (--redis-url or REDIS_URL)').optional(),
    keyPrefix: z.string().max(100).default(''),
    dryRun: z.boolean(),
    region: z.string().min(1, 'set AWS_REGION (e.g. AWS_REGION=eu-west-1)'),
    endpoint: z.url().optional(),
    accessKeyId: z.string().optional(),
  })
  .refine((s) => s.dryRun || s.redisUrl !== undefined, { message: 'is required unless --dry-run (--redis-url or REDIS_URL)', path: ['redisUrl'] });

/** A progress line on stderr, rewritten in place on a terminal. */
const progress = (line: string): void => {
  if (process.stderr.isTTY) process.stderr.write(`\r${line}\u001b[K`);
  else console.error(line);
};

const main = async (): Promise<number> => {
  const { values } = parseArgs({
    options: {
      'events-table': { type: 'string' },
      'redis-url': { type: 'string' },
      'key-prefix': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const env = process.env;
  const parsed = Settings.safeParse({
    eventsTable: values['events-table'] ?? env['EVENTS_TABLE'] ?? '',
    redisUrl: values['redis-url'] ?? env['REDIS_URL'],
    keyPrefix: values['key-prefix'],
    dryRun: values['dry-run'],
    region: env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? '',
    endpoint: env['AWS_ENDPOINT_URL_DYNAMODB'] ?? env['AWS_ENDPOINT_URL'],
    accessKeyId: env['AWS_ACCESS_KEY_ID'],
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`${issue.path.join('.')}: ${issue.message}`);
    console.error(usage);
    return 2;
  }
  const s = parsed.data;
  const started = Date.now();
  const dynamodb = createDynamoDbClient({
    region: s.region,
    ...(s.endpoint ? { endpoints: { dynamodb: s.endpoint } } : {}),
    // Emulators accept any credentials; spare the user from inventing some.
    ...(s.endpoint && !s.accessKeyId ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  const log: EventEnvelope[] = [];
  let pages = 0;
  for await (const page of scanEventLog(documentClientFor(dynamodb), s.eventsTable)) {
    log.push(...page);
    pages++;
    progress(`[rebuild] scanned ${log.length.toLocaleString('en')} events (${pages} pages) from ${s.eventsTable}`);
  }
  const facts = factsFromStoredEvents(log);
  console.error(`[rebuild] ${log.length.toLocaleString('en')} events → ${facts.length.toLocaleString('en')} recommendation facts`);
  if (s.dryRun || s.redisUrl === undefined) {
    console.log(`dry run: would project ${facts.length} facts from ${log.length} events; nothing written`);
    return 0;
  }
  const redis = createRedisClient(s.redisUrl, { commandTimeoutMs: 10_000 });
  try {
    const store = new RedisRecommendationModelStore(redis, { keyPrefix: s.keyPrefix });
    const summary = await rebuildRecommendationModel(new ProjectRecommendationFacts(store), log, 1_000, (done) =>
      progress(`[rebuild] projected ${done.toLocaleString('en')}/${facts.length.toLocaleString('en')} facts`),
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(
      `rebuilt the recommendation model from ${log.length} events: ${summary.facts} facts applied, ` +
        `${summary.channelsSaved} channel and ${summary.usersSaved} user documents saved, ${summary.conflicts} write conflicts retried ` +
        `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return 0;
  } finally {
    redis.disconnect();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`rebuild failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
