import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisClient, type RedisClient } from '../../../src/adapters/redis/redis-client.js';

const kindOf = (url: string): string => {
  const client: RedisClient = createRedisClient(url, { connectTimeoutMs: 50 });
  client.on('error', () => undefined);
  const kind = client instanceof Cluster ? 'cluster' : client instanceof Redis ? 'single node' : 'unknown';
  client.disconnect();
  return kind;
};

describe('createRedisClient', () => {
  it('talks to a single node unless the URL asks for the cluster protocol, with or without TLS', () => {
    expect(kindOf('redis://127.0.0.1:1')).toBe('single node');
    // A TLS Redis reachable from outside a VPC is usually one node: a cluster client would fail every command there.
    expect(kindOf('rediss://user:secret@127.0.0.1:1')).toBe('single node');
    expect(kindOf('rediss://127.0.0.1:1?cluster=true')).toBe('cluster');
    expect(kindOf('redis://127.0.0.1:1?cluster=true')).toBe('cluster');
  });

  it('refuses a URL that is not redis:// or rediss://, saying what it got', () => {
    expect(() => createRedisClient('http://127.0.0.1:6379')).toThrow(
      /REDIS_URL must start with redis:\/\/ or rediss:\/\/, got http:/,
    );
    expect(() => createRedisClient('rediss://127.0.0.1:1?cluster=1')).toThrow(
      /cluster= must be true or false, got "1"/,
    );
  });
});
