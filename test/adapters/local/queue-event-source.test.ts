import { SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { QueueEventSource } from '../../../src/adapters/local/queue-event-source.js';
import { until } from '../../support/until.js';

describe('QueueEventSource: SQS event source mapping', () => {
  it('hands real SQSEvent records, deletes what succeeded and redelivers only the failed messageId', async () => {
    const queue = new InMemoryQueue<string>({ visibilityTimeoutMs: 30 });
    await queue.send(['a', 'b', 'c'].map((body) => ({ body })));
    const seen: Array<[string, string]> = [];
    let failB = true;
    const source = new QueueEventSource(
      queue,
      async (event: SQSEvent): Promise<SQSBatchResponse> => {
        const failures: string[] = [];
        for (const record of event.Records) {
          SqsRecordSchema.parse(record);
          seen.push([JSON.parse(record.body) as string, record.attributes.ApproximateReceiveCount]);
          if (record.body === '"b"' && failB) {
            failB = false;
            failures.push(record.messageId);
          }
        }
        return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
      },
      { name: 'test', batchSize: 10, concurrency: 1 },
    );
    source.start();
    await until('the source to be idle', () => source.isIdle(), 5_000, 2);
    await source.stop();
    expect(seen).toEqual([
      ['a', '1'],
      ['b', '1'],
      ['c', '1'],
      ['b', '2'],
    ]);
  });

  it('moves a poisoned message to the DLQ after maxReceiveCount receives; the rest of its batch is done once', async () => {
    const dlq = new InMemoryQueue<unknown>();
    const queue = new InMemoryQueue<unknown>({ visibilityTimeoutMs: 20, maxReceiveCount: 3, deadLetterQueue: dlq });
    queue.sendRaw('{"poison":');
    await queue.send([{ body: { ok: 1 } }, { body: { ok: 2 } }]);
    const handled: string[] = [];
    const source = new QueueEventSource(
      queue,
      async (event) => ({
        batchItemFailures: event.Records.flatMap((r) => {
          try {
            JSON.parse(r.body);
            handled.push(r.body);
            return [];
          } catch {
            handled.push(`poison#${r.attributes.ApproximateReceiveCount}`);
            return [{ itemIdentifier: r.messageId }];
          }
        }),
      }),
      { name: 'test', batchSize: 10, concurrency: 2 },
    );
    source.start();
    await until('the queue to drain', () => queue.counts().total === 0 && source.isIdle(), 5_000, 2);
    await source.stop();
    expect(handled.filter((h) => h.startsWith('poison'))).toEqual(['poison#1', 'poison#2', 'poison#3']);
    expect(handled.filter((h) => !h.startsWith('poison')).sort()).toEqual(['{"ok":1}', '{"ok":2}']);
    expect(dlq.peekRawBodies()).toEqual(['{"poison":']);
    expect(source.stats().discarded).toBe(1);
  });

  it('keeps FIFO order within a message group even with concurrent pollers', async () => {
    const queue = new InMemoryQueue<{ g: string; n: number }>({ fifo: true, visibilityTimeoutMs: 1_000 });
    const messages = Array.from({ length: 30 }, (_, i) => ({ g: `g${i % 3}`, n: i }));
    await queue.send(messages.map((body, i) => ({ body, groupId: body.g, dedupId: String(i) })));
    const order = new Map<string, number[]>();
    const source = new QueueEventSource(
      queue,
      async (event) => {
        for (const r of event.Records) {
          const body = JSON.parse(r.body) as { g: string; n: number };
          expect(r.attributes.MessageGroupId).toBe(body.g);
          await new Promise((res) => setTimeout(res, Math.random() * 3));
          order.set(body.g, [...(order.get(body.g) ?? []), body.n]);
        }
      },
      { name: 'fifo', batchSize: 10, concurrency: 4 },
    );
    source.start();
    await until('the source to be idle', () => source.isIdle(), 5_000, 2);
    await source.stop();
    for (const g of ['g0', 'g1', 'g2']) expect(order.get(g)).toEqual(messages.filter((m) => m.g === g).map((m) => m.n));
  });

  it('redelivers the whole batch when the invocation crashes', async () => {
    const queue = new InMemoryQueue<number>({ visibilityTimeoutMs: 20 });
    await queue.send([1, 2].map((body) => ({ body })));
    let calls = 0;
    const seen: number[] = [];
    const source = new QueueEventSource(
      queue,
      async (event) => {
        seen.push(...event.Records.map((r) => Number(r.body)));
        if (++calls === 1) throw new Error('out of memory');
      },
      { name: 'crash', batchSize: 10, concurrency: 1 },
    );
    source.start();
    await until('the source to be idle', () => source.isIdle(), 5_000, 2);
    await source.stop();
    expect(seen).toEqual([1, 2, 1, 2]);
  });

  it('gives the event loop a turn between invocations, so I/O is read while a backlog is worked off', async () => {
    // An in-memory queue never makes an invocation wait for I/O: without a turn between them the
    // whole backlog would be decided before the HTTP edge could read one more request.
    const queue = new InMemoryQueue<number>();
    await queue.send(Array.from({ length: 1_000 }, (_, i) => ({ body: i })));
    let invocations = 0;
    const source = new QueueEventSource(
      queue,
      async () => {
        invocations++;
      },
      { name: 'backlog', batchSize: 10, concurrency: 1 },
    );
    let invocationsWhenTheLoopTurned: number | null = null;
    setImmediate(() => (invocationsWhenTheLoopTurned = invocations));
    source.start();
    await until('the source to be idle', () => source.isIdle(), 5_000, 2);
    await source.stop();
    expect(invocations).toBe(100);
    expect(invocationsWhenTheLoopTurned).not.toBeNull();
    expect(invocationsWhenTheLoopTurned).toBeLessThanOrEqual(1);
  });
});
