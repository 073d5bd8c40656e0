import type { Clock } from '../../application/ports/clock.port.js';
import type { IdGenerator } from '../../application/ports/id-generator.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';

/** A clock that moves only when told to; its sleeper advances it instead of waiting. */
export class FakeClock implements Clock, Sleeper {
  constructor(
    private current = 0,
    private readonly rng: () => number = seededRandom(42),
  ) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
  async sleep(ms: number): Promise<void> {
    this.current += ms;
  }
  random(): number {
    return this.rng();
  }
}

/** Deterministic ids `prefix-1`, `prefix-2`… */
export class SequentialIds implements IdGenerator {
  private n = 0;
  constructor(private readonly prefix = 'id') {}
  next(): string {
    return `${this.prefix}-${++this.n}`;
  }
}

/** mulberry32: a tiny seeded PRNG so that tests with jitter are reproducible. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
