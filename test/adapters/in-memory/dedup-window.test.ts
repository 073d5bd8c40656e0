import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DedupWindow } from '../../../src/adapters/in-memory/dedup-window.js';

describe('DedupWindow', () => {
  it('calls an id a duplicate only within the window after it was last recorded', () => {
    const window = new DedupWindow(100);
    expect(window.seen('a', 0)).toBe(false);
    expect(window.seen('a', 99)).toBe(true);
    expect(window.seen('b', 50)).toBe(false);
    expect(window.seen('a', 100)).toBe(false); // expired: recorded again, until 200
    expect(window.seen('b', 149)).toBe(true);
    expect(window.seen('a', 199)).toBe(true);
    expect(window.seen('b', 150)).toBe(false);
  });

  it('forgets expired ids as time passes, however many there were', () => {
    const window = new DedupWindow(1_000);
    for (let i = 0; i < 20_000; i++) window.seen(`id-${i}`, i / 100);
    expect(window.size).toBe(20_000);
    window.seen('later', 5_000);
    expect(window.size).toBe(1);
  });

  it('agrees with a model that keeps every id with its expiry, for any ids at any non-decreasing times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 500 })), { maxLength: 200 }),
        (calls) => {
          const times = calls.map(([, t]) => t).sort((x, y) => x - y);
          const window = new DedupWindow(100);
          const model = new Map<string, number>();
          calls.forEach(([id], i) => {
            const now = times[i] as number;
            const expected = (model.get(id) ?? -Infinity) > now;
            if (!expected) model.set(id, now + 100);
            expect(window.seen(id, now)).toBe(expected);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
