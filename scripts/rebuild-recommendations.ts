/**
 * `npm run rebuild-recommendations -- --events-table <name> --redis-url <url> [--key-prefix <p>] [--dry-run] [--force]`
 *
 * Rebuilds the recommender's read model (channel popularity, user taste) in Redis from the
 * event log in DynamoDB — after a cache flush, a failover to an empty Redis, or a change to
 * the model's rules.
 *
 * The target must be empty and nothing else may write to it meanwhile: the model keeps only the
 * highest position applied per stream, so history older than what is already there is skipped as
 * redelivered. So either rebuild into a fresh `--key-prefix` and point the functions at it, or
 * disable the recommend-consumer's feed event source mapping, delete the old model keys, rebuild,
 * and enable the mapping again (the feed waits in Kinesis; its gates skip what the rebuild
 * applied). A non-empty target is refused unless `--force`.
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
import { projectInChunks } from '../src/application/recommendations/rebuild-recommendation-model.js';
import { factsFromStoredEvents } from '../src/domain/recommendation/recommendation-log.js';
import type { EventEnvelope } from '../src/domain/shared/envelope.js';

const usage =
  'usage: npm run rebuild-recommendations -- --events-table <name> --redis-url <redis://…> [--key-prefix <prefix>] [--dry-run] [--force]';

const Settings = z
  .object({
    eventsTable: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (--events-table or EVENTS_TABLE)'),
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL (--redis-url or REDIS_URL)')
      .optional(),
    keyPrefix: z.string().max(100).default(''),
    dryRun: z.boolean(),
    force: z.boolean(),
    region: z.string().min(1, 'set AWS_REGION (e.g. AWS_REGION=eu-west-1)'),
    endpoint: z.url().optional(),
    accessKeyId: z.string().optional(),
  })
  .refine((s) => s.dryRun || s.redisUrl !== undefined, {
    message: 'is required unless --dry-run (--redis-url or REDIS_URL)',
    path: ['redisUrl'],
  });

/** A progress line on stderr, rewritten in place on a terminal (`done` ends it). */
const progress = (line: string, done = false): void => {
  if (process.stderr.isTTY) process.stderr.write(`\r${line}\u001b[K${done ? '\n' : ''}`);
  else console.error(line);
};

/** An empty variable is an unset one (a shell `export X=` should not become "Invalid URL"). */
const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;

const main = async (): Promise<number> => {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'events-table': { type: 'string' },
        'redis-url': { type: 'string' },
        'key-prefix': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const env = process.env;
  const parsed = Settings.safeParse({
    eventsTable: values['events-table'] ?? nonEmpty(env['EVENTS_TABLE']) ?? '',
    redisUrl: values['redis-url'] ?? nonEmpty(env['REDIS_URL']),
    keyPrefix: values['key-prefix'],
    dryRun: values['dry-run'],
    force: values.force,
    region: nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']) ?? '',
    endpoint: nonEmpty(env['AWS_ENDPOINT_URL_DYNAMODB']) ?? nonEmpty(env['AWS_ENDPOINT_URL']),
    accessKeyId: nonEmpty(env['AWS_ACCESS_KEY_ID']),
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
  const redis =
    s.dryRun || s.redisUrl === undefined ? null : createRedisClient(s.redisUrl, { commandTimeoutMs: 10_000 });
  try {
    const store = redis ? new RedisRecommendationModelStore(redis, { keyPrefix: s.keyPrefix }) : null;
    // Checked before the scan: a refusal should not cost a full read of the table.
    if (store && !s.force && (await store.hasChannels())) {
      console.error(
        `the recommendation model under key prefix '${s.keyPrefix}' is not empty. A rebuild over it would skip every stream's ` +
          'history older than what is there (the model keeps only the highest position per stream). Rebuild into a fresh ' +
          '--key-prefix, or pause the recommend-consumer, delete the model keys (rec:model:*) and run again; --force writes anyway.',
      );
      return 2;
    }
    const log: EventEnvelope[] = [];
    let pages = 0;
    for await (const page of scanEventLog(documentClientFor(dynamodb), s.eventsTable)) {
      log.push(...page);
      pages++;
      progress(`[rebuild] scanned ${log.length.toLocaleString('en')} events (${pages} pages) from ${s.eventsTable}`);
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
    const facts = factsFromStoredEvents(log);
    console.error(
      `[rebuild] ${log.length.toLocaleString('en')} events → ${facts.length.toLocaleString('en')} recommendation facts`,
    );
    if (!store) {
      console.log(`dry run: would project ${facts.length} facts from ${log.length} events; nothing written`);
      return 0;
    }
    const summary = await projectInChunks(new ProjectRecommendationFacts(store), facts, 1_000, (done) =>
      progress(
        `[rebuild] projected ${done.toLocaleString('en')}/${facts.length.toLocaleString('en')} facts`,
        done === facts.length,
      ),
    );
    console.log(
      `rebuilt the recommendation model from ${log.length} events: ${summary.facts} facts applied, ` +
        `${summary.channelsSaved} channel and ${summary.usersSaved} user documents saved, ${summary.conflicts} write conflicts retried ` +
        `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return 0;
  } finally {
    redis?.disconnect();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`rebuild failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
