import type { RedisClient } from './redis-client.js';
import type { UnreadableValueListener } from '../../application/ports/recommendation-cache.port.js';
import {
  ModelRevisionConflictError,
  type RecommendationModelStore,
  type Revised,
} from '../../application/ports/recommendation-model-store.port.js';
import { ChannelPopularity, emptyChannelPopularity } from '../../domain/recommendation/channel-popularity.js';
import { emptyUserTaste, UserTaste } from '../../domain/recommendation/user-taste.js';

/** Thrown when Redis cannot be reached or refuses a command. */
export class RecommendationModelStoreError extends Error {
  override readonly name = 'RecommendationModelStoreError';
}

export interface RedisRecommendationModelStoreOptions {
  /** Prepended to every key (a test run's namespace); empty in production. */
  readonly keyPrefix?: string;
  /** User documents expire after this long without an update (default 90 days). */
  readonly tasteTtlSeconds?: number;
  readonly onUnreadable?: UnreadableValueListener;
}

/*
 * Values are `<revision>|<json>`. The save scripts compare the stored revision and write in one
 * step (a Lua script runs atomically). A value without a readable revision counts as revision 0
 * so that a corrupt document is replaced rather than blocking its channel or user forever.
 * Channel keys share the hash tag `{rec-channels}`, so on a cluster (ElastiCache Serverless is
 * one) the hash and the live set sit in one slot and the script may touch both.
 */
const REVISION_OF = `local function revision(v) if not v then return 0 end local r = string.match(v, '^(%d+)|') if r then return tonumber(r) end return 0 end`;

const SAVE_CHANNEL = `${REVISION_OF}
local current = revision(redis.call('HGET', KEYS[1], ARGV[1]))
if current ~= tonumber(ARGV[2]) then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], (current + 1) .. '|' .. ARGV[3])
if ARGV[4] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) else redis.call('SREM', KEYS[2], ARGV[1]) end
return current + 1`;

const SAVE_TASTE = `${REVISION_OF}
local current = revision(redis.call('GET', KEYS[1]))
if current ~= tonumber(ARGV[1]) then return -1 end
redis.call('SET', KEYS[1], (current + 1) .. '|' .. ARGV[2], 'EX', ARGV[3])
return current + 1`;

/**
 * The recommender's read model on Redis / Valkey: channel documents in one hash plus a set of
 * the live ones (read together every second by each recommender instance), user documents as
 * one key each with a TTL. Saves are revision-checked (see the scripts above).
 */
export class RedisRecommendationModelStore implements RecommendationModelStore {
  private readonly channelsKey: string;
  private readonly liveKey: string;
  private readonly tastePrefix: string;
  private readonly tasteTtlSeconds: number;
  private readonly onUnreadable: UnreadableValueListener;

  constructor(
    private readonly redis: RedisClient,
    options: RedisRecommendationModelStoreOptions = {},
  ) {
    const prefix = options.keyPrefix ?? '';
    this.channelsKey = `${prefix}rec:model:{rec-channels}`;
    this.liveKey = `${prefix}rec:model:{rec-channels}:live`;
    this.tastePrefix = `${prefix}rec:model:user:`;
    this.tasteTtlSeconds = options.tasteTtlSeconds ?? 90 * 24 * 3600;
    this.onUnreadable = options.onUnreadable ?? (() => undefined);
  }

  async channels(channelIds: readonly string[]): Promise<ReadonlyMap<string, Revised<ChannelPopularity>>> {
    if (channelIds.length === 0) return new Map();
    const values = await this.call('HMGET', () => this.redis.hmget(this.channelsKey, ...channelIds));
    const found = new Map<string, Revised<ChannelPopularity>>();
    channelIds.forEach((id, i) => {
      const raw = values[i];
      if (raw != null)
        found.set(
          id,
          this.decode(`${this.channelsKey}[${id}]`, raw, ChannelPopularity, () => emptyChannelPopularity(id)),
        );
    });
    return found;
  }

  /** Whether any channel document exists under this prefix (operator tools: is the model empty?). */
  async hasChannels(): Promise<boolean> {
    return (await this.call('EXISTS', () => this.redis.exists(this.channelsKey))) > 0;
  }

  async liveChannels(): Promise<readonly ChannelPopularity[]> {
    const ids = (await this.call('SMEMBERS', () => this.redis.smembers(this.liveKey))).sort();
    if (ids.length === 0) return [];
    const docs = await this.channels(ids);
    // A channel that ended between the two reads is filtered by its own document.
    return ids.flatMap((id) => {
      const doc = docs.get(id)?.doc;
      return doc?.live ? [doc] : [];
    });
  }

  async saveChannel(doc: ChannelPopularity, expectedRevision: number): Promise<void> {
    const json = JSON.stringify(ChannelPopularity.parse(doc));
    const result = await this.call('EVAL save-channel', () =>
      this.redis.eval(
        SAVE_CHANNEL,
        2,
        this.channelsKey,
        this.liveKey,
        doc.channelId,
        String(expectedRevision),
        json,
        doc.live ? '1' : '0',
      ),
    );
    if (result === -1) throw new ModelRevisionConflictError(`channel:${doc.channelId}`, expectedRevision);
  }

  async taste(userId: string): Promise<Revised<UserTaste> | null> {
    const key = this.tastePrefix + userId;
    const raw = await this.call('GET', () => this.redis.get(key));
    return raw === null ? null : this.decode(key, raw, UserTaste, () => emptyUserTaste(userId));
  }

  async saveTaste(doc: UserTaste, expectedRevision: number): Promise<void> {
    const json = JSON.stringify(UserTaste.parse(doc));
    const key = this.tastePrefix + doc.userId;
    const result = await this.call('EVAL save-taste', () =>
      this.redis.eval(SAVE_TASTE, 1, key, String(expectedRevision), json, String(this.tasteTtlSeconds)),
    );
    if (result === -1) throw new ModelRevisionConflictError(`user:${doc.userId}`, expectedRevision);
  }

  /**
   * A document that does not parse is reported and read as empty at its stored revision: the
   * next save replaces it, and the facts it lost come back only with a rebuild — better than
   * a projector stuck on one bad value.
   */
  private decode<T>(
    key: string,
    raw: string,
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: Error } },
    empty: () => T,
  ): Revised<T> {
    const bar = raw.indexOf('|');
    const revision = bar > 0 && /^\d+$/.test(raw.slice(0, bar)) ? Number(raw.slice(0, bar)) : 0;
    let json: unknown;
    try {
      json = JSON.parse(raw.slice(bar + 1));
    } catch (error) {
      this.onUnreadable(key, `not JSON: ${(error as Error).message}`);
      return { revision, doc: empty() };
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) return { revision, doc: parsed.data };
    this.onUnreadable(key, parsed.error.message);
    return { revision, doc: empty() };
  }

  private async call<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new RecommendationModelStoreError(`Redis ${what} failed: ${(error as Error).message}`, { cause: error });
    }
  }
}
