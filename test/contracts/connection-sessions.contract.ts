import { describe, expect, it } from 'vitest';
import type { ConnectionSessions } from '../../src/application/ports/connection-sessions.port.js';

let n = 0;
const connectionId = (label: string) => `${label}-${Date.now().toString(36)}-${++n}`;

/** What every ConnectionSessions must do: one binding per connection, released once. */
export const connectionSessionsContract = (
  label: string,
  makeSessions: () => ConnectionSessions | Promise<ConnectionSessions>,
): void => {
  describe(`ConnectionSessions contract: ${label}`, () => {
    it('releases an unknown connection as null', async () => {
      const sessions = await makeSessions();
      expect(await sessions.release(connectionId('unknown'))).toBeNull();
    });

    it('returns the bound session on release, and null on a second release', async () => {
      const sessions = await makeSessions();
      const id = connectionId('conn');
      await sessions.bind(id, { channelId: 'ch-1', sessionId: 's-1' });
      expect(await sessions.release(id)).toEqual({ channelId: 'ch-1', sessionId: 's-1' });
      expect(await sessions.release(id)).toBeNull();
    });

    it('replaces an earlier binding of the same connection', async () => {
      const sessions = await makeSessions();
      const id = connectionId('rebind');
      await sessions.bind(id, { channelId: 'ch-1', sessionId: 's-1' });
      await sessions.bind(id, { channelId: 'ch-2', sessionId: 's-2' });
      expect(await sessions.release(id)).toEqual({ channelId: 'ch-2', sessionId: 's-2' });
    });

    it('keeps connections apart', async () => {
      const sessions = await makeSessions();
      const [a, b] = [connectionId('a'), connectionId('b')];
      await sessions.bind(a, { channelId: 'ch-a', sessionId: 's-a' });
      await sessions.bind(b, { channelId: 'ch-b', sessionId: 's-b' });
      expect(await sessions.release(b)).toEqual({ channelId: 'ch-b', sessionId: 's-b' });
      expect(await sessions.release(a)).toEqual({ channelId: 'ch-a', sessionId: 's-a' });
    });

    it('hands a binding to exactly one of two racing releases', async () => {
      const sessions = await makeSessions();
      const id = connectionId('race');
      await sessions.bind(id, { channelId: 'ch-1', sessionId: 's-1' });
      const results = await Promise.all([sessions.release(id), sessions.release(id)]);
      expect(results.filter((r) => r !== null)).toEqual([{ channelId: 'ch-1', sessionId: 's-1' }]);
    });
  });
};
