import { describe, expect, it } from 'vitest';
import { idleWaitMs, iteratorResuming } from '../../../src/adapters/local/pollers/dynamodb-stream-mirror.js';

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

describe('stream pollers: resuming from a checkpoint', () => {
  const failing = (name: string) => Object.assign(new Error(name), { name });

  it('reads the shard from its oldest record, with a warning, when the checkpoint is gone from the stream', async () => {
    const asked: (string | undefined)[] = [];
    const warnings: string[] = [];
    const got = await iteratorResuming(
      async (after) => {
        asked.push(after);
        if (after !== undefined) throw failing('TrimmedDataAccessException');
        return 'iterator-at-oldest';
      },
      { last: 'seq-42', fromCheckpoint: true, warn: (m) => warnings.push(m), where: 'feed shard-0' },
    );
    expect(got).toEqual({ iterator: 'iterator-at-oldest', last: undefined });
    expect(asked).toEqual(['seq-42', undefined]);
    expect(warnings).toEqual([
      'feed shard-0: cannot resume after seq-42 (TrimmedDataAccessException); reading it from its oldest record',
    ]);
  });

  it('throws any other failure, and a failure after a position it read itself', async () => {
    const throttled = () => Promise.reject(failing('ProvisionedThroughputExceededException'));
    await expect(
      iteratorResuming(throttled, { last: 'seq-1', fromCheckpoint: true, warn: undefined, where: 'x' }),
    ).rejects.toThrow('ProvisionedThroughputExceededException');
    const trimmed = () => Promise.reject(failing('TrimmedDataAccessException'));
    await expect(
      iteratorResuming(trimmed, { last: 'seq-1', fromCheckpoint: false, warn: undefined, where: 'x' }),
    ).rejects.toThrow('TrimmedDataAccessException');
  });
});
