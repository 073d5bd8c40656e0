import { describe, expect, it } from 'vitest';
import type { BatchResponse } from '../../../src/adapters/local/batch-handler.js';
import { InMemoryShardedLog } from '../../../src/adapters/local/sharded-log.js';
import { StreamEventSource, type StreamEventSourceOptions } from '../../../src/adapters/local/stream-event-source.js';
import { until } from '../../support/until.js';

interface Rec {
  readonly seq: string;
  readonly value: number;
}

/** A one-shard log of records 1..n and a source whose handler decides per batch. */
const setup = (
  n: number,
  handle: (values: number[]) => BatchResponse | void | Promise<BatchResponse | void>,
  options: Partial<StreamEventSourceOptions<Rec>> = {},
) => {
  const log = new InMemoryShardedLog<Rec>(1);
  log.append(
    0,
    Array.from({ length: n }, (_, i) => ({ seq: String(i + 1).padStart(5, '0'), value: i + 1 })),
  );
  const batches: number[][] = [];
  const discarded: number[] = [];
  const source = new StreamEventSource(
    log,
    { identifierOf: (r) => r.seq, toEvent: (records) => ({ Records: records }) },
    async (event: { Records: readonly Rec[] }) => {
      const values = event.Records.map((r) => r.value);
      batches.push(values);
      return handle(values);
    },
    {
      name: 'test',
      batchSize: 5,
      retryDelayMs: 1,
      onDiscard: (records) => discarded.push(...records.map((r) => r.value)),
      ...options,
    },
  );
  const seqOf = (v: number) => String(v).padStart(5, '0');
  return { log, source, batches, discarded, seqOf };
};

describe('StreamEventSource: Kinesis / DynamoDB Streams event source mapping', () => {
  it('resumes at the first failed sequence number; the records before it are not redone', async () => {
    let failedOnce = false;
    const { source, batches, seqOf } = setup(5, (values) => {
      if (!failedOnce && values.includes(3)) {
        failedOnce = true;
        return { batchItemFailures: [{ itemIdentifier: seqOf(4) }, { itemIdentifier: seqOf(3) }] };
      }
    });
    source.start();
    await until('the source to be idle', () => source.isIdle(), 5_000, 2);
    await source.stop();
    expect(batches).toEqual([
      [1, 2, 3, 4, 5],
      [3, 4, 5],
    ]);
    expect(source.stats()).toMatchObject({ failedInvocations: 1, discarded: 0, backlog: 0 });
  });

  it('retries the whole batch when the handler throws or names a record it was not given', async () => {
    let calls = 0;
    const { source, batches } = setup(3, () => {
      calls++;
      if (calls === 1) throw new Error('timeout');
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] };
    });
    source.start();
    await until('the source to be idle', () => source.isIdle(), 5_000, 2);
    await source.stop();
    expect(batches).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it('isolates a poison record by bisecting after the retries, sends only it to the on-failure destination, and goes on', async () => {
    const poison = (values: number[]) =>
      values.includes(4) ? { batchItemFailures: [{ itemIdentifier: '00004' }] } : undefined;
    const { source, batches, discarded } = setup(8, poison, { maximumRetryAttempts: 2, batchSize: 8 });
    source.start();
    await until('the source to be idle', () => source.isIdle(), 5_000, 2);
    await source.stop();
    expect(discarded).toEqual([4]);
    // 1..3 succeeded in the first batch and never came back; everything after 4 was processed.
    expect(batches.filter((b) => b.includes(1))).toHaveLength(1);
    expect(batches.at(-1)).toEqual([5, 6, 7, 8]);
    expect(batches.every((b) => b[0] !== undefined && b[0] >= 1)).toBe(true);
  });

  it('delivers a successful batch again when duplicates are injected, and crashes mid-batch after a prefix', async () => {
    let dice = 0;
    const random = () => [0, 0.5, 0.99, 0.99, 0.99][dice++ % 5] as number;
    const dup = setup(4, () => undefined, { duplicateRate: 0.5, random });
    dup.source.start();
    await until('the source to be idle', () => dup.source.isIdle(), 5_000, 2);
    await dup.source.stop();
    expect(dup.batches).toEqual([
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);

    let roll = 0;
    const crashDice = () => [0.01, 0.5, 0.99][roll++ % 3] as number;
    const crash = setup(4, () => undefined, { crashRate: 0.1, random: crashDice });
    crash.source.start();
    await until('the source to be idle', () => crash.source.isIdle(), 5_000, 2);
    await crash.source.stop();
    // The crashed invocation handled a prefix (side effects happened), then the whole batch came back.
    expect(crash.batches).toEqual([
      [1, 2],
      [1, 2, 3, 4],
    ]);
    expect(crash.source.stats().injectedCrashes).toBe(1);
  });

  it('waits up to the batching window to fill a batch', async () => {
    const { log, source, batches } = setup(2, () => undefined, { batchSize: 4, maximumBatchingWindowMs: 200 });
    source.start();
    await new Promise((r) => setTimeout(r, 20));
    log.append(0, [
      { seq: '00003', value: 3 },
      { seq: '00004', value: 4 },
    ]);
    await until('the source to be idle', () => source.isIdle(), 5_000, 2);
    await source.stop();
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('gives the event loop a turn between invocations, so I/O is read while a backlog is worked off', async () => {
    // Over an in-memory log no invocation waits for I/O: without a turn between them, 200
    // batches would run as one chain of promise callbacks before any socket or timer is served.
    const { source, batches } = setup(1_000, () => undefined);
    let batchesWhenTheLoopTurned: number | null = null;
    setImmediate(() => (batchesWhenTheLoopTurned = batches.length));
    source.start();
    await until('the source to be idle', () => source.isIdle(), 5_000, 2);
    await source.stop();
    expect(batches).toHaveLength(200);
    expect(batchesWhenTheLoopTurned).not.toBeNull();
    expect(batchesWhenTheLoopTurned).toBeLessThanOrEqual(1);
  });
});
