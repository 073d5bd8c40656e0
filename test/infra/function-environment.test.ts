import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ENV_VARIABLES,
  LAMBDA_NAMES,
  lambdaConfigSchemas,
  loadLambdaConfig,
  type LambdaName,
} from '../../src/entrypoints/composition/config.js';
import { functionNamed, synthesize, type Synthesized } from './synth.js';

/**
 * Drift between the stack and the code, for good: each function's environment in the
 * synthesized template must satisfy that function's config schema (tokens such as a table's
 * Ref stand for a valid value: the catalogue's example), must hold nothing the schema does not
 * read, and must let the function's own entry build its container at init.
 */
const identity = {
  issuerUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example',
  audience: 'app-client-id',
};

// Set by the stack for every function, read by no schema: source-mapped stack traces.
const RUNTIME_VARIABLES = new Set(['NODE_OPTIONS']);

/** Each function's entry, by the name the build and the stack use (src/entrypoints/lambda/<name>.handler.ts). */
const entryOf = (name: LambdaName): Promise<{ handler: unknown }> =>
  import(`../../src/entrypoints/lambda/${name}.handler.ts`);

/** The function's environment as Lambda would see it: tokens replaced by a valid example, AWS_REGION set by Lambda. */
const environmentOf = (s: Synthesized, name: LambdaName): Record<string, string> => {
  const [, props] = functionNamed(s, name);
  const variables = ((props['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
    {}) as Record<string, unknown>;
  const env: Record<string, string> = { AWS_REGION: 'eu-west-1' };
  for (const [key, value] of Object.entries(variables)) {
    if (typeof value === 'string') env[key] = value;
    else {
      const example = (ENV_VARIABLES as Record<string, { example: string | undefined }>)[key]?.example;
      if (example === undefined)
        throw new Error(`${name}: ${key} is a token but the catalogue has no example to stand for it`);
      env[key] = example;
    }
  }
  return env;
};

describe('each function environment in the template satisfies its config schema', () => {
  // Both broadcasters: each function is read from the stack that deploys it (the beacon path
  // comes with appsync-events, whose presence ingress is the beacon).
  let perConnection: Synthesized;
  let pubSub: Synthesized;
  const PUB_SUB_ONLY: readonly LambdaName[] = ['fanout-events', 'beat-router', 'presence-aggregator'];
  const stackOf = (name: LambdaName): Synthesized => (PUB_SUB_ONLY.includes(name) ? pubSub : perConnection);
  let s: Synthesized;
  beforeAll(() => {
    perConnection = synthesize({ broadcaster: 'apigateway', identity });
    pubSub = synthesize({ broadcaster: 'appsync-events', identity });
    s = perConnection;
  });

  it.each(LAMBDA_NAMES)('%s: parses, and sets nothing its schema does not read', (name) => {
    const env = environmentOf(stackOf(name), name);
    expect(() => loadLambdaConfig(name, env)).not.toThrow();
    const unread = Object.keys(env).filter(
      (v) => v !== 'AWS_REGION' && !RUNTIME_VARIABLES.has(v) && !(v in lambdaConfigSchemas[name].shape),
    );
    expect(unread).toEqual([]);
  });

  it('the broadcast function gets the queue its retries go to', () => {
    expect(environmentOf(s, 'broadcast')).toHaveProperty('BROADCAST_QUEUE_URL');
  });

  it('recommend-consumer is given no table (it reads only Redis and its streams)', () => {
    const tables = Object.keys(environmentOf(s, 'recommend-consumer')).filter((v) => v.endsWith('_TABLE'));
    expect(tables).toEqual([]);
  });

  describe('each entry builds its container from the template environment (no network at init)', () => {
    const saved = { ...process.env };
    afterAll(() => {
      for (const key of Object.keys(process.env)) delete process.env[key];
      Object.assign(process.env, saved);
    });

    it.each(LAMBDA_NAMES)('%s', async (name) => {
      vi.resetModules();
      for (const key of Object.keys(process.env)) delete process.env[key];
      Object.assign(
        process.env,
        { PATH: saved['PATH'] ?? '', LOG_LEVEL: 'SILENT' },
        environmentOf(stackOf(name), name),
      );
      const { handler } = await entryOf(name);
      expect(typeof handler).toBe('function');
    });
  });
});
