import { describe, expect, it } from 'vitest';
import { Wakeup } from '../../../src/adapters/local/batch-handler.js';
import { idleWaitMs, iteratorResuming, readShard } from '../../../src/adapters/local/pollers/shard-reader.js';

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

describe('stream pollers: reading one shard (readShard)', () => {
  /**
   * A fake shard of records 1..n served two per page; iterators are "after:<seq>" strings, so a
   * re-acquired iterator shows where the reader resumed. `failAt` makes one GetRecords call fail.
   */
  const fakeShard = (n: number, options: { failAt?: number; closed?: boolean } = {}) => {
    const asked: (string | undefined)[] = [];
    let calls = 0;
    return {
      asked,
      iteratorAfter: async (last: string | undefined) => {
        asked.push(last);
        return `after:${last ?? 0}`;
      },
      getRecords: async (iterator: string) => {
        if (++calls === options.failAt) throw new Error('throttled');
        const from = Number(iterator.slice('after:'.length));
        const records = [from + 1, from + 2].filter((seq) => seq <= n);
        const end = records.at(-1) ?? from;
        return { records, next: options.closed && end >= n ? undefined : `after:${end}` };
      },
    };
  };

  const read = async (shard: ReturnType<typeof fakeShard>, initial?: string) => {
    const copied: number[] = [];
    const errors: unknown[] = [];
    const behind: boolean[] = [];
    await readShard<number>({
      shardId: 's-0',
      where: 'test shard s-0',
      options: {
        idlePollMs: 1,
        onError: (e) => errors.push(e),
        ...(initial
          ? {
              checkpoints: {
                initial: new Map([['s-0', initial]]),
                save: () => undefined,
                flush: async () => undefined,
              },
            }
          : {}),
      },
      wakeup: new Wakeup(),
      running: () => copied.length < 100,
      iteratorAfter: shard.iteratorAfter,
      getRecords: shard.getRecords,
      sequenceOf: (seq) => String(seq),
      copy: (records) => copied.push(...records),
      tooFarAhead: () => false,
      setBehind: (b) => behind.push(b),
    });
    return { copied, errors, behind };
  };

  it('copies a closed shard in order, once, and stops when it is fully read', async () => {
    const { copied, behind } = await read(fakeShard(5, { closed: true }));
    expect(copied).toEqual([1, 2, 3, 4, 5]);
    // Caught up at the end.
    expect(behind.at(-1)).toBe(false);
  });

  it('after a failed call, resumes just after the last record copied: nothing twice, nothing skipped', async () => {
    const shard = fakeShard(6, { failAt: 2, closed: true });
    const { copied, errors } = await read(shard);
    expect(copied).toEqual([1, 2, 3, 4, 5, 6]);
    expect(errors).toHaveLength(1);
    expect(shard.asked).toEqual([undefined, '2']);
  });

  it('starts after the checkpoint when there is one', async () => {
    const shard = fakeShard(5, { closed: true });
    const { copied } = await read(shard, '3');
    expect(copied).toEqual([4, 5]);
    expect(shard.asked).toEqual(['3']);
  });
});
