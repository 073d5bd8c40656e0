import { Cluster, Redis } from 'ioredis';

/** What the Redis adapters need: a single node or a cluster client (same commands). */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /**
   * Talk the cluster protocol (MOVED redirects, no SELECT), as ElastiCache Serverless and other
   * cluster endpoints require. Default: what the URL says — `?cluster=true` — else a single node,
   * which is what a TLS Redis reachable from outside a VPC usually is (a cluster client against
   * a single node fails every command: "cluster support disabled").
   */
  readonly cluster?: boolean;
  /**
   * Fail a command after this long instead of queueing it through a reconnect: a Lambda with a
   * 1 s batching window and a p99 target of 100 ms would rather fail a record (it is retried)
   * than wait out the function timeout.
   */
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

/**
 * A Redis client set up for Lambda: auto-pipelining (the concurrent GET/SETs of one batch go
 * out as one write), one retry per command, bounded timeouts, TLS and ACL credentials from a
 * `rediss://user:password@host:port` URL (`?cluster=true` for a cluster endpoint).
 */
export const createRedisClient = (url: string, options: RedisClientOptions = {}): RedisClient => {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RangeError(`REDIS_URL must start with redis:// or rediss://, got ${parsed.protocol}//…`);
  }
  const tls = parsed.protocol === 'rediss:';
  const common = {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(tls ? { tls: {} } : {}),
    connectTimeout: options.connectTimeoutMs ?? 2_000,
    commandTimeout: options.commandTimeoutMs ?? 500,
    maxRetriesPerRequest: 1,
  };
  const port = parsed.port ? Number(parsed.port) : 6379;
  const clusterParam = parsed.searchParams.get('cluster');
  if (clusterParam !== null && clusterParam !== 'true' && clusterParam !== 'false') {
    throw new RangeError(`REDIS_URL's cluster= must be true or false, got "${clusterParam}"`);
  }
  if (options.cluster ?? clusterParam === 'true') {
    return new Cluster([{ host: parsed.hostname, port }], {
      enableAutoPipelining: true,
      // TLS certificates name the configuration endpoint; resolving it ourselves would break SNI.
      dnsLookup: (address, callback) => callback(null, address),
      redisOptions: common,
    });
  }
  return new Redis({ host: parsed.hostname, port, enableAutoPipelining: true, ...common });
};
