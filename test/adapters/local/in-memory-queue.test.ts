import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryQueue } from '../../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { EnqueueError } from '../../../src/application/ports/message-queue.port.js';

const bodies = (list: ReadonlyArray<{ body: unknown }>) => list.map((m) => m.body);

describe('InMemoryQueue: the SQS semantics consumers are tested against', () => {
  it('hides a received message for the visibility timeout, then delivers it again with a higher receive count', () => {
    const clock = new FakeClock(0);
    const queue = new InMemoryQueue<string>({ clock, visibilityTimeoutMs: 1_000 });
    void queue.send([{ body: 'a' }]);
    const first = queue.receive(10);
    expect(bodies(first)).toEqual(['a']);
    expect(queue.receive(10)).toEqual([]);
    expect(queue.counts()).toMatchObject({ visible: 0, inFlight: 1 });
    clock.advance(1_000);
    const again = queue.receive(10);
    expect(again[0]).toMatchObject({ messageId: first[0]?.messageId, receiveCount: 2 });
    expect(queue.delete(first[0]?.receiptHandle as string)).toBe(false); // a stale receipt no longer deletes
    expect(queue.delete(again[0]?.receiptHandle as string)).toBe(true);
    expect(queue.counts().total).toBe(0);
  });

  it('extends or ends visibility with changeVisibility', () => {
    const clock = new FakeClock(0);
    const queue = new InMemoryQueue<string>({ clock, visibilityTimeoutMs: 1_000 });
    void queue.send([{ body: 'a' }]);
    const [m] = queue.receive();
    queue.changeVisibility(m?.receiptHandle as string, 5_000);
    clock.advance(2_000);
    expect(queue.receive()).toEqual([]);
    queue.changeVisibility(m?.receiptHandle as string, 0);
    expect(bodies(queue.receive())).toEqual(['a']);
    expect(() => queue.changeVisibility('nope', 1)).toThrow(/not in flight/);
  });

  it('moves a message received maxReceiveCount times to its DLQ, keeping id and body', () => {
    const clock = new FakeClock(0);
    const dlq = new InMemoryQueue<string>({ clock });
    const queue = new InMemoryQueue<string>({
      clock,
      visibilityTimeoutMs: 10,
      maxReceiveCount: 3,
      deadLetterQueue: dlq,
    });
    queue.sendRaw('{not json');
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const [m] = queue.receive();
      expect(m).toMatchObject({ receiveCount: i + 1, body: undefined, rawBody: '{not json' });
      ids.add(m?.messageId as string);
      clock.advance(10);
    }
    expect(queue.receive()).toEqual([]);
    const [dead] = dlq.receive();
    expect(dead).toMatchObject({ rawBody: '{not json', messageId: [...ids][0] });
  });

  it('delays messages, refuses bodies over 1 MiB with a clear error and sends nothing of a refused call', async () => {
    const clock = new FakeClock(0);
    const queue = new InMemoryQueue<string>({ clock });
    await queue.send([{ body: 'later', delaySeconds: 2 }]);
    expect(queue.counts()).toMatchObject({ delayed: 1, visible: 0 });
    clock.advance(2_000);
    expect(bodies(queue.receive())).toEqual(['later']);
    const huge = 'x'.repeat(1024 * 1024);
    const error = await queue.send([{ body: 'small' }, { body: huge }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnqueueError);
    expect((error as EnqueueError).message).toMatch(/SQS limit.*S3/);
    expect((error as EnqueueError).failed).toEqual([{ body: huge }]);
    expect(queue.counts().total).toBe(1);
    await expect(queue.send([{ body: 'x', delaySeconds: 901 }])).rejects.toThrow(/delaySeconds/);
  });

  it('FIFO: one message in flight per group, strict order within a group, groups in parallel, 5-minute dedup', async () => {
    const clock = new FakeClock(0);
    const queue = new InMemoryQueue<string>({ clock, fifo: true, visibilityTimeoutMs: 100 });
    expect(queue.name).toBe('queue.fifo');
    await queue.send([
      { body: 'g1-a', groupId: 'g1', dedupId: '1' },
      { body: 'g1-b', groupId: 'g1', dedupId: '2' },
      { body: 'g2-a', groupId: 'g2', dedupId: '3' },
      { body: 'dup', groupId: 'g1', dedupId: '1' },
    ]);
    const first = queue.receive(10);
    expect(bodies(first)).toEqual(['g1-a', 'g2-a']);
    expect(queue.receive(10)).toEqual([]); // g1-b waits until g1-a is done
    queue.delete(first[0]?.receiptHandle as string);
    expect(bodies(queue.receive(10))).toEqual(['g1-b']);
    clock.advance(5 * 60 * 1000);
    await queue.send([{ body: 'again', groupId: 'g3', dedupId: '1' }]); // the window has passed
    expect(bodies(queue.receive(10))).toContain('again');
    await expect(queue.send([{ body: 'x' }])).rejects.toThrow(/groupId/);
    await expect(queue.send([{ body: 'x', groupId: 'g' }])).rejects.toThrow(/dedupId/);
  });

  it('standard queues can deliver duplicates and any order, when asked', async () => {
    let n = 0;
    const random = () => [0.9, 0.1, 0.5, 0.3][n++ % 4] as number;
    const queue = new InMemoryQueue<number>({ duplicateRate: 0.5, reorder: true, random });
    await queue.send([1, 2, 3, 4, 5, 6].map((body) => ({ body })));
    const seen: number[] = [];
    for (let got = queue.receive(10); got.length > 0; got = queue.receive(10)) {
      for (const m of got) {
        seen.push(m.body as number);
        queue.delete(m.receiptHandle);
      }
    }
    expect(new Set(seen)).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    expect(seen.length).toBeGreaterThan(6);
    expect(seen.slice(0, 6)).not.toEqual([1, 2, 3, 4, 5, 6]);
  });
});
