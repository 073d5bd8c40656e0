import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PersistentMap, PersistentSet } from '../../../src/domain/shared/persistent-map.js';

const keys = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('req-1', 'req-2', 'a', ''));
const ops = fc.array(fc.tuple(keys, fc.integer()), { maxLength: 300 });

describe('PersistentMap', () => {
  it('behaves like a Map, from empty or from a base built by `of`, and every earlier version stays as it was', () => {
    fc.assert(
      fc.property(fc.option(ops, { nil: undefined }), ops, (initial, writes) => {
        // `of` keeps its entries in a one-pass base that later `set`s shadow (a decoded snapshot).
        const versions: PersistentMap<number>[] = [initial ? PersistentMap.of(initial) : PersistentMap.empty()];
        const models: Map<string, number>[] = [new Map(initial ?? [])];
        const probes = [...(initial ?? []), ...writes];
        for (const [key, value] of writes) {
          versions.push(versions.at(-1)!.set(key, value));
          models.push(new Map(models.at(-1)!).set(key, value));
        }
        versions.forEach((version, i) => {
          const model = models[i]!;
          expect(version.size).toBe(model.size);
          expect(new Map(version.entries())).toEqual(model);
          expect([...version.keys()].length).toBe(model.size);
          for (const [key] of probes) {
            expect(version.has(key)).toBe(model.has(key));
            expect(version.get(key)).toBe(model.get(key));
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it("never asks its base while entries are set (a snapshot's base is searched, not indexed), only for reads and size", () => {
    const base = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    let asked = 0;
    const counting = {
      size: base.size,
      get: (key: string) => (asked++, base.get(key)),
      has: (key: string) => (asked++, base.has(key)),
      [Symbol.iterator]: () => base.entries(),
    };
    let map = PersistentMap.over(counting);
    for (let i = 0; i < 50; i++) map = map.set(i % 2 ? `k${i}` : 'a', i);
    expect(asked).toBe(0);
    expect(map.size).toBe(2 + 25);
    expect(map.get('b')).toBe(2);
    expect(map.get('a')).toBe(48);
  });

  it('PersistentSet behaves like a Set and shares itself when nothing is added', () => {
    fc.assert(
      fc.property(fc.array(keys, { maxLength: 200 }), (values) => {
        let set = PersistentSet.empty();
        const model = new Set<string>();
        for (const value of values) {
          const next = set.add(value);
          if (model.has(value)) expect(next).toBe(set);
          model.add(value);
          set = next;
        }
        expect(new Set(set)).toEqual(model);
        expect(set.size).toBe(model.size);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every entry and every earlier version as it grows past a few dozen entries', () => {
    const versions = [PersistentMap.empty<number>()];
    for (let i = 0; i < 80; i++) versions.push(versions.at(-1)!.set(`k${i}`, i));
    versions.forEach((version, n) => {
      expect(version.size).toBe(n);
      expect([...version.keys()].sort()).toEqual(Array.from({ length: n }, (_, i) => `k${i}`).sort());
      expect(version.get(`k${n}`)).toBeUndefined();
      if (n > 0) expect(version.set(`k${n - 1}`, -1).get(`k${n - 1}`)).toBe(-1);
    });
  });

  it('an update copies one bucket and shares all the others with the previous version', () => {
    let before = PersistentMap.empty<number>();
    for (let i = 0; i < 1_000; i++) before = before.set(`req-${i}`, i);
    const after = before.set('req-new', -1);
    // Reaching into the private table is the only way to see the sharing that keeps evolve O(1) in n.
    const bucketsOf = (m: PersistentMap<number>) => (m as unknown as { buckets: readonly unknown[] }).buckets;
    const shared = bucketsOf(after).filter((bucket, i) => bucket === bucketsOf(before)[i]).length;
    expect(shared).toBe(bucketsOf(before).length - 1);
    expect(before.has('req-new')).toBe(false);
    expect(after.get('req-new')).toBe(-1);
    expect(after.size).toBe(before.size + 1);
  });
});
