import { afterEach, describe, expect, it, vi } from 'vitest';
import { exampleEnvironment, requiredVariables, type LambdaName } from '../../src/entrypoints/composition/config.js';

const ENTRIES: Record<string, () => Promise<{ handler: unknown }>> = {
  presence: () => import('../../src/entrypoints/lambda/presence.handler.js'),
  booking: () => import('../../src/entrypoints/lambda/booking.handler.js'),
  'auction-close': () => import('../../src/entrypoints/lambda/auction-close.handler.js'),
};

const withEnv = (env: Record<string, string>) => {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, { PATH: saved['PATH'] ?? '' }, env);
  return () => {
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, saved);
  };
};

describe('presence, booking and auction-close Lambda entries (AWS composition root)', () => {
  let restore: (() => void) | undefined;
  afterEach(() => {
    restore?.();
    restore = undefined;
    vi.resetModules();
  });

  it.each(Object.keys(ENTRIES))(
    '%s builds its handler at init from a valid environment, without touching the network',
    async (name) => {
      restore = withEnv(exampleEnvironment(name as LambdaName));
      const { handler } = await ENTRIES[name]!();
      expect(typeof handler).toBe('function');
    },
  );

  it.each(Object.keys(ENTRIES))('%s fails its cold start naming every missing variable', async (name) => {
    restore = withEnv({});
    const failure = await ENTRIES[name]!().then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toContain(`Lambda "${name}" configuration`);
    for (const variable of requiredVariables(name as LambdaName))
      expect(failure?.message).toContain(`${variable} is missing`);
  });
});
