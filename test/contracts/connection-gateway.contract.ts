import { describe, expect, it } from 'vitest';
import type { ConnectionGateway } from '../../src/application/ports/connection-gateway.port.js';

export interface ConnectionGatewayHarness {
  readonly gateway: ConnectionGateway;
  /** A viewer connects (API Gateway $connect). */
  connect(connectionId: string): void;
  /** The viewer's connection closes: later posts answer 410 Gone. */
  disconnect(connectionId: string): void;
  /** Frames the connection received, in order. */
  frames(connectionId: string): readonly string[];
  /** The service throttles (429) the next `count` posts, if the harness can make it. */
  readonly throttleNext?: (count: number) => void;
}

export interface ConnectionGatewayContractOptions {
  readonly makeHarness: () => Promise<ConnectionGatewayHarness>;
  /** Attempts per post (to exhaust the throttling budget). */
  readonly maxAttempts?: number;
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}=`);

/**
 * What every ConnectionGateway must do: one frame per connection per post, in order; 410 Gone
 * reported as `gone` for the caller to remove; throttling retried; what cannot be sent reported
 * `failed`, never thrown.
 */
export const connectionGatewayContract = (label: string, options: ConnectionGatewayContractOptions): void => {
  describe(`ConnectionGateway contract: ${label}`, () => {
    it('delivers each frame to every connection once, in order', async () => {
      const h = await options.makeHarness();
      const viewers = ids('v', 5);
      viewers.forEach((id) => h.connect(id));
      expect(await h.gateway.post(viewers, '{"n":1}')).toEqual({ gone: [], failed: [], rejected: [] });
      await h.gateway.post(viewers, '{"n":2,"text":"Ünïcödé 🚌"}');
      for (const id of viewers) expect(h.frames(id)).toEqual(['{"n":1}', '{"n":2,"text":"Ünïcödé 🚌"}']);
    });

    it('reports closed connections as gone and still delivers to the rest', async () => {
      const h = await options.makeHarness();
      const viewers = ids('w', 6);
      viewers.forEach((id) => h.connect(id));
      h.disconnect(viewers[1]!);
      h.disconnect(viewers[4]!);
      const result = await h.gateway.post(viewers, 'frame');
      expect([...result.gone].sort()).toEqual([viewers[1], viewers[4]].sort());
      expect(result.failed).toEqual([]);
      expect(result.rejected).toEqual([]);
      expect(viewers.filter((id) => h.frames(id).length === 1)).toEqual([
        viewers[0],
        viewers[2],
        viewers[3],
        viewers[5],
      ]);
    });

    it('reports an id that never connected as gone, like one that closed', async () => {
      const h = await options.makeHarness();
      h.connect('known=');
      const result = await h.gateway.post(['known=', 'never-connected='], 'frame');
      expect(result).toEqual({ gone: ['never-connected='], failed: [], rejected: [] });
      expect(h.frames('known=')).toEqual(['frame']);
      expect(h.frames('never-connected=')).toEqual([]);
    });

    it('reaches a full shard of 600 connections', async () => {
      const h = await options.makeHarness();
      const viewers = ids('s', 600);
      viewers.forEach((id) => h.connect(id));
      expect(await h.gateway.post(viewers, 'x')).toEqual({ gone: [], failed: [], rejected: [] });
      expect(viewers.every((id) => h.frames(id).length === 1)).toBe(true);
    });

    it('reports a frame over 128 KB as rejected (for good, not worth a retry) for everyone, delivering nothing', async () => {
      const h = await options.makeHarness();
      const viewers = ids('b', 3);
      viewers.forEach((id) => h.connect(id));
      const result = await h.gateway.post(viewers, 'y'.repeat(128 * 1024 + 1));
      expect(result.failed).toEqual([]);
      expect([...result.rejected].sort()).toEqual([...viewers].sort());
      expect(viewers.every((id) => h.frames(id).length === 0)).toBe(true);
    });

    it('does nothing for no connections', async () => {
      const h = await options.makeHarness();
      expect(await h.gateway.post([], 'z')).toEqual({ gone: [], failed: [], rejected: [] });
    });

    if (options.maxAttempts !== undefined) {
      const maxAttempts = options.maxAttempts;
      it('retries throttled posts and delivers them', async () => {
        const h = await options.makeHarness();
        const viewers = ids('t', 4);
        viewers.forEach((id) => h.connect(id));
        h.throttleNext!(6);
        expect(await h.gateway.post(viewers, 'after throttling')).toEqual({ gone: [], failed: [], rejected: [] });
        expect(viewers.every((id) => h.frames(id).length === 1)).toBe(true);
      });

      it('reports a post still throttled after its attempts as failed', async () => {
        const h = await options.makeHarness();
        h.connect('only=');
        h.throttleNext!(maxAttempts);
        expect(await h.gateway.post(['only='], 'never')).toEqual({ gone: [], failed: ['only='], rejected: [] });
        expect(h.frames('only=')).toEqual([]);
      });
    }
  });
};
