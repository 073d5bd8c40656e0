import { describe, expect, it } from 'vitest';
import { LocalConfigError, localConfigFromEnv, parseLocalConfig } from '../../../src/entrypoints/local/local-config.js';

describe('local runtime settings: --redis-url', () => {
  it('is taken with the emulators backend', () => {
    expect(parseLocalConfig({ backend: 'emulators', redisUrl: 'redis://127.0.0.1:6379' }).redisUrl).toBe(
      'redis://127.0.0.1:6379',
    );
    expect(parseLocalConfig({ backend: 'emulators' }).redisUrl).toBeUndefined();
  });

  it('is refused with the memory backend, saying which backend uses it', () => {
    expect(() => parseLocalConfig({ redisUrl: 'redis://127.0.0.1:6379' })).toThrow(LocalConfigError);
    expect(() => parseLocalConfig({ redisUrl: 'redis://127.0.0.1:6379' })).toThrow(
      /--redis-url \/ STAMPEDE_REDIS_URL: only the emulators backend uses Redis/,
    );
  });

  it('must be a redis:// or rediss:// URL', () => {
    expect(() => parseLocalConfig({ backend: 'emulators', redisUrl: 'http://127.0.0.1:6379' })).toThrow(
      /--redis-url \/ STAMPEDE_REDIS_URL: redisUrl must look like redis:\/\/host:port/,
    );
    expect(() => parseLocalConfig({ backend: 'emulators', redisUrl: 'redis://[bad' })).toThrow(
      /redisUrl must look like redis:\/\/host:port \(got \(a value that is not a URL\)\)/,
    );
  });

  it('never prints the password of a refused URL', () => {
    const refused = (() => {
      try {
        parseLocalConfig({ redisUrl: 'redis://app:s3cret@cache.internal:6380' });
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(refused).toContain('(got "redis://cache.internal:6380")');
    expect(refused).not.toContain('s3cret');
  });
});

describe('dataDir', () => {
  it('is taken with the emulators backend, also from STAMPEDE_DATA_DIR', () => {
    expect(parseLocalConfig({ backend: 'emulators', dataDir: '/tmp/stampede' }).dataDir).toBe('/tmp/stampede');
    expect(localConfigFromEnv({ STAMPEDE_DATA_DIR: '/tmp/x' })).toMatchObject({ dataDir: '/tmp/x' });
    expect(parseLocalConfig({ backend: 'emulators' }).dataDir).toBeUndefined();
  });

  it('is refused with the memory backend in one line that says to use the emulators backend', () => {
    const error = (() => {
      try {
        parseLocalConfig({ dataDir: '/tmp/stampede' });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(LocalConfigError);
    expect(error?.message).toMatch(/^--data-dir \/ STAMPEDE_DATA_DIR: .*use --backend emulators/);
    expect(error?.message.split('\n')).toHaveLength(1);
  });
});
