import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEED_LOAD } from '../../infra/capacity/load.js';
import { evaluateCapacity } from '../../infra/capacity/model.js';
import { parseStackSettings, type StackContextKey } from '../../infra/stack-settings.js';
import { CDK_CONTEXT } from './synth.js';

/**
 * The CI gate: the seed load on the stack's defaults (plus cdk.json's context, as `cdk synth`
 * reads it) with the default broadcaster. A change of a setting that breaks the seed load fails
 * here; an AWS quota the seed needs raised must be named, with its number, in docs/DEPLOY.md.
 */
const deployedSettings = (overrides: Partial<Record<StackContextKey, string>> = {}) =>
  parseStackSettings((key) => overrides[key] ?? CDK_CONTEXT[key]);
const deployDoc = readFileSync(new URL('../../docs/DEPLOY.md', import.meta.url), 'utf8');

describe('capacity gate: the seed load on the stack defaults', () => {
  const report = evaluateCapacity({ load: SEED_LOAD, settings: deployedSettings(), quotas: {} });

  it('uses the default broadcaster and the beacon', () => {
    expect(report.scenario.settings.broadcaster).toBe('appsync-events');
    expect(report.scenario.settings.presence.ingress).toBe('beacon');
  });

  it('no hop is over its limit', () => {
    expect(report.over.map((h) => `${h.hop}: ${h.what} ${Math.ceil(h.load)} > ${h.limit}`)).toEqual([]);
  });

  it('every quota increase the seed needs is named in docs/DEPLOY.md with its number', () => {
    for (const h of report.increases) {
      if (h.limitRef.kind !== 'quota') throw new Error('only AWS quotas can need an increase');
      const needed = (h.required ?? Math.ceil(h.load)).toLocaleString('en-US');
      const named = deployDoc
        .split('\n')
        .some((line) => line.includes(h.limitRef.kind === 'quota' ? h.limitRef.id : '') && line.includes(needed));
      expect(named, `a line of docs/DEPLOY.md names ${h.limitRef.id} and the number ${needed}`).toBe(true);
    }
  });

  it('presence stays within default quotas: ≤ 1,000 writes per partition key per second on the busiest channel', () => {
    expect(report.presence.writesPerKeyPerSecond).toBeLessThanOrEqual(1_000);
    expect(
      report.hops.filter((h) => h.hop === 'heartbeat in' || h.hop === 'presence').every((h) => h.status === 'ok'),
    ).toBe(true);
  });

  it('heartbeats fit the default quotas on the other broadcaster too (apigateway: the beacon is its default ingress)', () => {
    const other = evaluateCapacity({
      load: SEED_LOAD,
      settings: deployedSettings({ broadcaster: 'apigateway' }),
      quotas: {},
    });
    expect(other.presence.ingress).toBe('beacon');
    expect(other.presence.writesPerKeyPerSecond).toBeLessThanOrEqual(1_000);
    const presence = other.hops.filter((h) => h.hop === 'heartbeat in' || h.hop === 'presence');
    expect(presence.length).toBeGreaterThan(0);
    expect(presence.filter((h) => h.status !== 'ok').map((h) => h.what)).toEqual([]);
    // Beats add nothing to the API Gateway account throttle on this broadcaster (joins and posts only).
    expect(other.hops.find((h) => h.what === 'API Gateway requests/s (all APIs)')?.basis ?? '').not.toMatch(/beat/);
  });

  it('the edge reservations leave the pipeline its unreserved demand within the default 1,000 (and a flood at the HTTP throttle fits http-api’s reservation)', () => {
    const lambda = report.hops.find((h) => h.hop === 'Lambda');
    expect(lambda).toMatchObject({ status: 'ok', limit: 1000 });
    expect(report.hops.filter((h) => h.hop === 'edge').map((h) => [h.what, h.status])).toEqual([
      ['HTTP API stage throttle (every route)', 'ok'],
      ['http-api concurrency with the stage at its throttle', 'ok'],
      ['http-api concurrency at this load (its reservation caps it)', 'ok'],
    ]);
    // Half the reservation no longer holds a flood at the throttle: the model says so.
    const small = evaluateCapacity({
      load: SEED_LOAD,
      settings: deployedSettings({ httpApiReservedConcurrency: '230' }),
      quotas: {},
    });
    expect(small.over.map((h) => h.what)).toContain('http-api concurrency with the stage at its throttle');
  });

  it('fails when a setting change breaks the seed load (half the presence shards)', () => {
    const broken = evaluateCapacity({
      load: SEED_LOAD,
      settings: deployedSettings({ presenceShards: '75' }),
      quotas: {},
    });
    expect(broken.over.map((h) => h.what)).toContain('Kinesis presence records/s, busiest shard');
  });
});
