import { describe, expect, it } from 'vitest';
import { BenchmarkResult } from '../../bench/lib/benchmark.js';
import { median, percentileSorted, ratio, SampleBuffer, summarize } from '../../bench/lib/stats.js';
import { renderResult } from '../../bench/lib/table.js';

describe('stats', () => {
  it('takes nearest-rank percentiles: a latency some command really had', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileSorted(sorted, 0.5)).toBe(50);
    expect(percentileSorted(sorted, 0.99)).toBe(99);
    expect(percentileSorted(sorted, 1)).toBe(100);
    expect(percentileSorted(sorted, 0)).toBe(1);
    expect(percentileSorted(new Float64Array(), 0.5)).toBeNaN();
  });

  it('summarises unsorted samples numerically, not lexically', () => {
    const s = summarize([10, 9, 100, 2, 1]);
    expect(s).toMatchObject({ count: 5, p50: 9, max: 100, mean: 24.4 });
  });

  it('medians odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('gives no ratio when a side is missing or zero', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(Number.NaN, 2)).toBeNull();
  });

  it('keeps every sample when the buffer grows', () => {
    const b = new SampleBuffer(2);
    for (let i = 0; i < 1000; i++) b.push(i);
    expect(b.length).toBe(1000);
    expect(b.values()[999]).toBe(999);
  });
});

describe('result rendering', () => {
  const result = BenchmarkResult.parse({
    status: 'ok',
    columns: [
      { key: 'cps', label: 'commands/s', better: 'higher', digits: 0 },
      { key: 'p99', label: 'p99', unit: 'µs', digits: 1 },
    ],
    rows: [
      { subject: 'Stampede', role: 'stampede', values: { cps: 61234.4, p99: 80.25 } },
      { subject: 'Peer', role: 'peer', values: { cps: null, p99: 12 } },
    ],
    ratios: [{ label: 'Stampede / Peer', value: 1.5, meaning: '× the peer' }],
    notes: ['a note'],
  });

  it('prints the peer next to ours, with units, missing figures as a dash, and the ratio', () => {
    const text = renderResult('domain-core', result);
    expect(text).toContain('commands/s ↑');
    expect(text).toContain('p99 (µs)');
    expect(text).toMatch(/Stampede\s+stampede\s+61,234\s+80\.3/);
    expect(text).toMatch(/Peer\s+peer\s+—\s+12\.0/);
    expect(text).toContain('Stampede / Peer: 1.50');
    expect(text).toContain('· a note');
  });

  it('rejects a result without a role on a row', () => {
    expect(() => BenchmarkResult.parse({ ...result, rows: [{ subject: 'x', values: {} }] })).toThrow();
  });
});
