import type { Wakeup } from '../batch-handler.js';
import type { ShardCheckpoints } from './shard-checkpoints.js';

/** The pause after the `emptyPolls`-th empty poll in a row: `idlePollMs`, doubling up to `maxIdlePollMs`. */
export const idleWaitMs = (options: Pick<StreamMirrorOptions, 'idlePollMs' | 'maxIdlePollMs'>, emptyPolls: number) => {
  const first = options.idlePollMs ?? 100;
  return Math.min(
    Math.max(first, options.maxIdlePollMs ?? first),
    first * 2 ** Math.min(16, Math.max(0, emptyPolls - 1)),
  );
};

/**
 * The shard iterator after `last`. When `last` came from a checkpoint the stream no longer holds
 * (trimmed past it, or a stream of the same name made anew), the shard is read from its oldest
 * record, with a warning; any other failure is thrown.
 */
export const iteratorResuming = async (
  iteratorAfter: (last: string | undefined) => Promise<string | undefined>,
  at: {
    last: string | undefined;
    fromCheckpoint: boolean;
    warn: ((message: string) => void) | undefined;
    where: string;
  },
): Promise<{ iterator: string | undefined; last: string | undefined }> => {
  try {
    return { iterator: await iteratorAfter(at.last), last: at.last };
  } catch (error) {
    if (!at.fromCheckpoint || !UNRESUMABLE.has((error as Error).name)) throw error;
    at.warn?.(
      `${at.where}: cannot resume after ${at.last} (${(error as Error).name}); reading it from its oldest record`,
    );
    return { iterator: await iteratorAfter(undefined), last: undefined };
  }
};

export interface StreamMirrorOptions {
  /** Pause after an empty GetRecords (AWS allows 5 GetRecords/s per shard). */
  readonly idlePollMs?: number;
  /**
   * While a shard stays empty the pause doubles up to this (default: `idlePollMs`, no back-off),
   * and drops back at the first record: idle pollers of a quiet runtime then stop taking CPU
   * from the requests it serves (Lambda itself polls a stream shard about 4 times a second).
   */
  readonly maxIdlePollMs?: number;
  /** Pause between DescribeStream calls looking for new shards. */
  readonly describeEveryMs?: number;
  readonly onError?: (error: unknown) => void;
  /**
   * Resume each shard after the last record handled by the previous run, and save where the
   * handler has got to (`handled`). Without it every shard is read from TRIM_HORIZON.
   */
  readonly checkpoints?: ShardCheckpoints;
  /** A saved position could not be used (the stream was recreated or trimmed): that shard is read from its oldest record. */
  readonly onWarning?: (message: string) => void;
  /**
   * With checkpoints: stop copying while this many records (plus at most one page) wait for the handler. The local log
   * keeps a bounded number of records; a mirror far ahead (a restart onto a large backlog) would
   * push unhandled ones out of it, and the checkpoint would then move past them.
   */
  readonly maxAhead?: number;
}

/** Records a checkpointing mirror copies ahead of its handler at most (well below the log's retention). */
export const DEFAULT_MAX_AHEAD = 10_000;

/** Errors after which a saved position cannot be resumed from (the stream or the records behind it are gone). */
const UNRESUMABLE: ReadonlySet<string> = new Set([
  'TrimmedDataAccessException',
  'ResourceNotFoundException',
  'ValidationException',
  'InvalidArgumentException',
]);

/** One GetRecords answer: the records and the iterator for the next call (none: the shard is closed and fully read). */
export interface ShardPage<R> {
  readonly records: readonly R[];
  readonly next: string | undefined;
}

/** What `readShard` needs of a stream technology (DynamoDB Streams, Kinesis) and of the mirror it copies for. */
export interface ShardReading<R> {
  readonly shardId: string;
  /** Names the shard in warnings. */
  readonly where: string;
  readonly options: StreamMirrorOptions;
  readonly wakeup: Wakeup;
  running(): boolean;
  /** GetShardIterator: after `last`, or at the shard's oldest record. */
  iteratorAfter(last: string | undefined): Promise<string | undefined>;
  getRecords(iterator: string): Promise<ShardPage<R>>;
  sequenceOf(record: R): string | undefined;
  /** Puts a non-empty page into the local log. */
  copy(records: readonly R[]): void;
  /** With checkpoints: the handler is far behind what was copied; wait before the next page. */
  tooFarAhead(): boolean;
  /** Whether the shard had records to copy at the last page (the mirror is caught up when none has). */
  setBehind(behind: boolean): void;
}

/**
 * Copies one shard into the local log, in order, until it is closed and fully read or the mirror
 * stops: resumes after the checkpoint (or at the oldest record), backs off while the shard stays
 * empty (`idleWaitMs`), waits while the handler is too far behind, and after an error re-acquires
 * the iterator after the last record copied, so nothing is copied twice.
 */
export const readShard = async <R>(reading: ShardReading<R>): Promise<void> => {
  const { options, wakeup } = reading;
  let iterator: string | undefined;
  let last: string | undefined = options.checkpoints?.initial.get(reading.shardId);
  let fromCheckpoint = last !== undefined;
  let emptyPolls = 0;
  while (reading.running()) {
    try {
      if (iterator === undefined) {
        ({ iterator, last } = await iteratorResuming((after) => reading.iteratorAfter(after), {
          last,
          fromCheckpoint,
          warn: options.onWarning,
          where: reading.where,
        }));
        fromCheckpoint = false;
      }
      if (!iterator) break;
      if (reading.tooFarAhead()) {
        await wakeup.wait(options.idlePollMs ?? 100);
        continue;
      }
      const page = await reading.getRecords(iterator);
      const newest = page.records.at(-1);
      if (newest !== undefined) {
        reading.copy(page.records);
        last = reading.sequenceOf(newest) ?? last;
      }
      iterator = page.next;
      if (!iterator) break; // closed and fully read: a child shard may start
      reading.setBehind(newest !== undefined);
      emptyPolls = newest === undefined ? emptyPolls + 1 : 0;
      if (emptyPolls > 0) await wakeup.wait(idleWaitMs(options, emptyPolls));
    } catch (error) {
      options.onError?.(error);
      iterator = undefined;
      await wakeup.wait(options.idlePollMs ?? 100);
    }
  }
  reading.setBehind(false);
};
