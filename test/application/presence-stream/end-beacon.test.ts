import { describe, expect, it } from 'vitest';
import { SubPartitionState } from '../../../src/application/presence-stream/sub-partition-state.js';
import { presenceLayout } from '../../../src/application/presence-stream/sub-partitions.js';
import { parseBeaconLogLine } from '../../../src/entrypoints/handlers/beacon-log-line.js';

const TTL = 15_000;
const layout = presenceLayout({ subPartitions: 1, buckets: 2 });
const fresh = () => new SubPartitionState(layout, TTL);
const T = 1_700_000_000_000;

describe('the end beacon (e=1)', () => {
  it('stops a session counting at its edge time, not after the TTL', () => {
    const s = fresh();
    s.apply({ sessionId: 'a', sequence: 1, at: T });
    s.apply({ sessionId: 'b', sequence: 1, at: T });
    expect(s.count(T + 1_000)).toBe(2);
    expect(s.apply({ sessionId: 'a', sequence: 2, at: T + 2_000, end: true })).toBe(true);
    expect(s.count(T + 2_000)).toBe(1);
    // The count item lists no expiry for it either: readers see it gone at once.
    expect(s.countItem(T + 2_000, 5_000)).toMatchObject({ count: 1 });
  });

  it('duplicates of the end change nothing; a late older beat does not revive the session', () => {
    const s = fresh();
    s.apply({ sessionId: 'a', sequence: 3, at: T });
    expect(s.apply({ sessionId: 'a', sequence: 4, at: T + 1_000, end: true })).toBe(true);
    expect(s.apply({ sessionId: 'a', sequence: 4, at: T + 1_000, end: true })).toBe(false);
    expect(s.apply({ sessionId: 'a', sequence: 4, at: T + 1_500, end: true })).toBe(false);
    expect(s.apply({ sessionId: 'a', sequence: 3, at: T + 1_200 })).toBe(false);
    expect(s.apply({ sessionId: 'a', sequence: 2, at: T - 4_000 })).toBe(false);
    expect(s.count(T + 2_000)).toBe(0);
  });

  it('an end overtaken by a newer beat (reordered) changes nothing: the newer beat wins', () => {
    const s = fresh();
    s.apply({ sessionId: 'a', sequence: 5, at: T + 5_000 });
    expect(s.apply({ sessionId: 'a', sequence: 4, at: T + 4_000, end: true })).toBe(false);
    expect(s.count(T + 6_000)).toBe(1);
  });

  it('an end for a session never seen is kept, expired, so its late beats cannot count', () => {
    const s = fresh();
    expect(s.apply({ sessionId: 'z', sequence: 9, at: T, end: true })).toBe(true);
    expect(s.apply({ sessionId: 'z', sequence: 8, at: T - 1_000 })).toBe(false);
    expect(s.count(T)).toBe(0);
  });

  it('survives a reload from the buckets (a cold aggregator keeps it ended)', () => {
    const s = fresh();
    s.apply({ sessionId: 'a', sequence: 1, at: T });
    s.apply({ sessionId: 'a', sequence: 2, at: T + 1_000, end: true });
    const writes = s.changes();
    const reloaded = SubPartitionState.from(
      { buckets: writes.map((w) => ({ bucket: w.bucket, revision: 1, sessions: w.sessions })), countRevision: 1 },
      layout,
      TTL,
    );
    expect(reloaded.count(T + 1_000)).toBe(0);
    expect(reloaded.apply({ sessionId: 'a', sequence: 1, at: T })).toBe(false);
  });

  it('the log line parser reads e=1 and refuses any other value', () => {
    const line = (q: string) => `1700000000.123\tPOST\t/beat\tc=c1&s=s1&q=3&t=abc${q}`;
    expect(parseBeaconLogLine(line('&e=1'))).toMatchObject({ ok: true, hit: { end: true, sequence: 3 } });
    const plain = parseBeaconLogLine(line(''));
    expect(plain.ok && plain.hit.end).toBeFalsy();
    expect(parseBeaconLogLine(line('&e=2'))).toMatchObject({ ok: false, reason: expect.stringMatching(/e must be 1/) });
  });
});
