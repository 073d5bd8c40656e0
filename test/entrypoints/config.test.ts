import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ConfigError,
  ENV_VARIABLES,
  LAMBDA_NAMES,
  envSchema,
  exampleEnvironment,
  lambdaConfigSchemas,
  loadConfig,
  loadLambdaConfig,
  requiredVariables,
  type EnvVariable,
} from '../../src/entrypoints/composition/config.js';

const configErrorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
};

describe('loadConfig', () => {
  it('accepts each function’s example environment and applies defaults', () => {
    for (const name of LAMBDA_NAMES) {
      const config = loadLambdaConfig(name, exampleEnvironment(name));
      expect(config.AWS_REGION).toBe('eu-west-1');
      expect(config.LOG_LEVEL).toBe('INFO');
    }
    const fanout = loadLambdaConfig('fanout', { ...exampleEnvironment('fanout'), SHARD_SIZE: undefined });
    expect(fanout.SHARD_SIZE).toBe(500);
    expect(fanout.BLOB_OFFLOAD_PREFIX).toBe('offload/');
  });

  it('coerces numbers and normalises the log level', () => {
    const config = loadLambdaConfig('presence', {
      ...exampleEnvironment('presence'),
      PRESENCE_TTL_SECONDS: '30',
      LOG_LEVEL: 'debug',
    });
    expect(config.PRESENCE_TTL_SECONDS).toBe(30);
    expect(config.LOG_LEVEL).toBe('DEBUG');
  });

  it('names EVERY missing variable, with what it should look like', () => {
    const error = configErrorOf(() => loadLambdaConfig('http-api', { AWS_REGION: 'eu-west-1' }));
    const missing = requiredVariables('http-api').filter((v) => v !== 'AWS_REGION');
    expect(error.problems.map((p) => p.variable).sort()).toEqual([...missing].sort());
    for (const variable of missing) {
      expect(error.message).toContain(`${variable} is missing; expected ${ENV_VARIABLES[variable].expected}`);
    }
    expect(error.message).toContain('Lambda "http-api" configuration');
    expect(error.name).toBe('ConfigError');
    expect(error.cause).toBeDefined();
  });

  it('names malformed values and says why, together with missing ones', () => {
    const env = {
      ...exampleEnvironment('http-api'),
      BOOKING_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/booking',
      PRESENCE_TTL_SECONDS: 'soon',
      EVENTS_TABLE: undefined,
      STATS_TABLE: 'no',
      LOG_LEVEL: 'chatty',
    };
    const error = configErrorOf(() => loadLambdaConfig('http-api', env));
    const byVariable = new Map(error.problems.map((p) => [p.variable, p.problem]));
    expect([...byVariable.keys()].sort()).toEqual([
      'BOOKING_QUEUE_URL',
      'EVENTS_TABLE',
      'LOG_LEVEL',
      'PRESENCE_TTL_SECONDS',
      'STATS_TABLE',
    ]);
    expect(byVariable.get('EVENTS_TABLE')).toBe('missing');
    expect(byVariable.get('BOOKING_QUEUE_URL')).toMatch(/malformed.*\.fifo/);
    expect(byVariable.get('PRESENCE_TTL_SECONDS')).toMatch(/^malformed \("soon"/);
    expect(error.message).toContain('PRESENCE_TTL_SECONDS is malformed');
    expect(error.message).toContain('an integer 5..3600');
  });

  it('treats empty strings as unset', () => {
    const config = loadLambdaConfig('relay', { ...exampleEnvironment('relay'), AWS_ENDPOINT_URL: '', LOG_LEVEL: '' });
    expect(config.AWS_ENDPOINT_URL).toBeUndefined();
    expect(config.LOG_LEVEL).toBe('INFO');
    const error = configErrorOf(() =>
      loadLambdaConfig('relay', { ...exampleEnvironment('relay'), FEED_STREAM_NAME: '' }),
    );
    expect(error.problems).toEqual([expect.objectContaining({ variable: 'FEED_STREAM_NAME', problem: 'missing' })]);
  });

  it('never echoes a secret value', () => {
    const password = 'hunter2-very-secret';
    const error = configErrorOf(() =>
      loadLambdaConfig('recommend-consumer', {
        ...exampleEnvironment('recommend-consumer'),
        REDIS_URL: `http://u:${password}@cache:6379`,
      }),
    );
    expect(error.problems.map((p) => p.variable)).toEqual(['REDIS_URL']);
    expect(error.message).not.toContain(password);
    expect(error.message).toContain('(value hidden)');
  });

  it('takes REDIS_URL with ?cluster=true or false, and refuses any other cluster= at init', () => {
    const env = exampleEnvironment('recommend-consumer');
    expect(
      loadLambdaConfig('recommend-consumer', { ...env, REDIS_URL: 'rediss://u:p@cache:6379?cluster=true' }).REDIS_URL,
    ).toContain('cluster=true');
    const error = configErrorOf(() =>
      loadLambdaConfig('recommend-consumer', { ...env, REDIS_URL: 'rediss://u:p@cache:6379?cluster=yes' }),
    );
    expect(error.problems.map((p) => p.variable)).toEqual(['REDIS_URL']);
  });

  it('accepts emulator endpoints and http queue URLs for local runs', () => {
    const config = loadLambdaConfig('fanout', {
      ...exampleEnvironment('fanout'),
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      BROADCAST_QUEUE_URL: 'http://127.0.0.1:4566/000000000000/broadcast',
    });
    expect(config.AWS_ENDPOINT_URL).toBe('http://127.0.0.1:4566');
  });

  it('ignores variables outside the schema (other functions’ settings)', () => {
    const config = loadConfig(envSchema('AWS_REGION'), { AWS_REGION: 'us-east-1', EVENTS_TABLE: '!!' });
    expect(config).toEqual({ AWS_REGION: 'us-east-1' });
  });

  it('reports exactly the set of removed required variables (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LAMBDA_NAMES), fc.infiniteStream(fc.boolean()), (name, removals) => {
        const required = requiredVariables(name);
        const removed = required.filter(() => removals.next().value);
        const env: Record<string, string | undefined> = exampleEnvironment(name);
        for (const variable of removed) delete env[variable];
        if (removed.length === 0) {
          expect(() => loadLambdaConfig(name, env)).not.toThrow();
          return;
        }
        const error = configErrorOf(() => loadLambdaConfig(name, env));
        expect(error.problems.map((p) => p.variable).sort()).toEqual([...removed].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('gives every variable an expectation, and every required one a valid example', () => {
    for (const [variable, spec] of Object.entries(ENV_VARIABLES)) {
      expect(spec.expected.length, variable).toBeGreaterThan(5);
      if (spec.example !== undefined) expect(spec.schema.safeParse(spec.example).success, variable).toBe(true);
      else
        expect(spec.schema.safeParse(undefined).success, `${variable} has no example, so it must be optional`).toBe(
          true,
        );
    }
    for (const name of LAMBDA_NAMES) {
      for (const key of Object.keys(lambdaConfigSchemas[name].shape))
        expect(ENV_VARIABLES).toHaveProperty(key as EnvVariable);
    }
  });
});
