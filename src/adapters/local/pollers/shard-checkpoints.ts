import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Where a stream poller has got to: per source shard, the sequence number of the last record
 * its handler finished with (succeeded, or given up on after retries). A poller that restarts
 * reads each shard from just after it, so nothing handled is fed again and nothing unhandled is
 * skipped. A crash between handling a batch and saving its checkpoint feeds that batch again
 * (at-least-once, as Lambda's event source mappings): the handlers are idempotent by version.
 */
export interface ShardCheckpoints {
  /** Positions saved by the previous run (empty on the first). */
  readonly initial: ReadonlyMap<string, string>;
  save(shardId: string, sequenceNumber: string): void;
  /** Resolves once every position saved so far is on disk. */
  flush(): Promise<void>;
}

/**
 * Checkpoints in one JSON file (`{ "shardId": "sequenceNumber", … }`), rewritten atomically
 * (a temporary file renamed over it) after each batch. Saves coalesce: while a write is under
 * way, later positions wait and the newest is written next, so a spike costs one write at a time.
 */
export class FileShardCheckpoints implements ShardCheckpoints {
  readonly initial: ReadonlyMap<string, string>;
  private readonly positions: Map<string, string>;
  private writing: Promise<void> | null = null;
  private dirty = false;
  private failure: unknown = null;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    // A write cut off by a kill leaves its temporary file behind; the checkpoint itself is whole.
    const base = basename(file);
    for (const name of readdirSync(dirname(file))) {
      if (name.startsWith(base) && /^\.\d+\.tmp$/.test(name.slice(base.length))) {
        rmSync(join(dirname(file), name), { force: true });
      }
    }
    let saved: Record<string, string> = {};
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(
          `checkpoint file ${file} is unreadable (${(error as Error).message}); delete it to re-read the stream from its oldest record`,
          { cause: error },
        );
      }
    }
    this.initial = new Map(Object.entries(saved).filter((e): e is [string, string] => typeof e[1] === 'string'));
    this.positions = new Map(this.initial);
  }

  /** The checkpoint file of the consumer `name` under `dir`. */
  static in(dir: string, name: string): FileShardCheckpoints {
    return new FileShardCheckpoints(join(dir, `${name.replace(/[^\w.-]/g, '_')}.json`));
  }

  save(shardId: string, sequenceNumber: string): void {
    this.positions.set(shardId, sequenceNumber);
    this.dirty = true;
    this.writing ??= this.drain().catch((error: unknown) => {
      // Kept until the next save writes again (a full disk may clear); `flush` reports it.
      this.dirty = true;
      this.failure = error;
    });
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      throw failure;
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        const temporary = `${this.file}.${process.pid}.tmp`;
        await writeFile(temporary, JSON.stringify(Object.fromEntries(this.positions)));
        await rename(temporary, this.file);
        this.failure = null;
      }
    } finally {
      this.writing = null;
    }
  }
}
