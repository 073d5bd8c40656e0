import { describe, expect, it } from 'vitest';
import { idleWaitMs } from '../../../src/adapters/local/pollers/dynamodb-stream-mirror.js';

describe('stream pollers: the pause after empty polls', () => {
  it('doubles from idlePollMs while the shard stays empty, up to maxIdlePollMs', () => {
    const options = { idlePollMs: 50, maxIdlePollMs: 250 };
    expect([1, 2, 3, 4, 5, 100].map((n) => idleWaitMs(options, n))).toEqual([50, 100, 200, 250, 250, 250]);
  });

  it('stays at idlePollMs without a maximum (no back-off), and defaults to 100 ms', () => {
    expect([1, 2, 10].map((n) => idleWaitMs({ idlePollMs: 50 }, n))).toEqual([50, 50, 50]);
    expect(idleWaitMs({}, 3)).toBe(100);
  });
});
