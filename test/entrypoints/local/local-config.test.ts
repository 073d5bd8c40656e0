import { describe, expect, it } from 'vitest';
import { LocalConfigError, parseLocalConfig } from '../../../src/entrypoints/local/local-config.js';

describe('local runtime settings: --redis-url', () => {
  it('is taken with the emulators backend', () => {
    expect(parseLocalConfig({ backend: 'emulators', redisUrl: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(parseLocalConfig({ backend: 'emulators' }).redisUrl).toBeUndefined();
  });

  it('is refused with the memory backend, saying which backend uses it', () => {
    expect(() => parseLocalConfig({ redisUrl: 'redis://127.0.0.1:6379' })).toThrow(LocalConfigError);
    expect(() => parseLocalConfig({ redisUrl: 'redis://127.0.0.1:6379' })).toThrow(/--redis-url \/ STAMPEDE_REDIS_URL: only the emulators backend uses Redis/);
  });

  it('must be a redis:// or rediss:// URL', () => {
    expect(() => parseLocalConfig({ backend: 'emulators', redisUrl: 'http://127.0.0.1:6379' })).toThrow(/--redis-url \/ STAMPEDE_REDIS_URL: redisUrl must look like redis:\/\/host:port/);
  });
});
