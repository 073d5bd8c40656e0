import { describe, expect, it } from 'vitest';
import {
  EnqueueError,
  type MessageQueue,
  type OutgoingMessage,
} from '../../src/application/ports/message-queue.port.js';

export interface Delivered<T> {
  readonly body: T;
  readonly groupId?: string;
}

export interface MessageQueueHarness<T> {
  readonly queue: MessageQueue<T>;
  /** Receives (and deletes) everything visible now, in delivery order. */
  drain(): Promise<Delivered<T>[]>;
  /** Lets `seconds` pass for delayed messages (a fake clock, or a real wait on an emulator). */
  pass(seconds: number): Promise<void>;
}

export interface MessageQueueContractOptions {
  readonly makeHarness: <T>(options: { fifo: boolean }) => Promise<MessageQueueHarness<T>>;
  /** Whether bodies over the 1 MiB SQS limit are carried (offloaded to S3) or refused. */
  readonly carriesLargeBodies: boolean;
  /**
   * Failure injection, where the adapter can be made to see SQS refuse entries: the next
   * `count` entries whose body matches are reported `Failed` (SenderFault false).
   */
  readonly refusals?: {
    readonly makeHarness: <T>(options: {
      fifo: boolean;
    }) => Promise<MessageQueueHarness<T> & { refuse(count: number, which: (body: T) => boolean): void }>;
    readonly maxAttempts: number;
  };
}

interface Job {
  readonly n: number;
  readonly tag: string;
  readonly payload?: string;
}

const job = (n: number, tag = 'job', payload?: string): Job =>
  payload === undefined ? { n, tag } : { n, tag, payload };
const plain = (n: number, tag?: string): OutgoingMessage<Job> => ({ body: job(n, tag) });
const numbers = (delivered: readonly Delivered<Job>[]) => delivered.map((d) => d.body.n);

/**
 * What every MessageQueue producer must do: deliver whole, typed bodies; batch past the
 * 10-per-call limit; keep FIFO group order and deduplicate; honour delays; refuse what SQS
 * would refuse before sending anything; and retry the entries SQS refuses.
 */
export const messageQueueContract = (label: string, options: MessageQueueContractOptions): void => {
  describe(`MessageQueue contract: ${label}`, () => {
    it('delivers structured bodies intact', async () => {
      const h = await options.makeHarness<{ text: string; odd: string; nested: { list: number[] }; nothing: null }>({
        fifo: false,
      });
      // U+FFFF and astral characters are outside what an SQS body may hold raw: the adapter must escape them.
      const body = { text: 'Ünïcödé 🚌 "quoted" \n', odd: '\uffff\ufffe', nested: { list: [1, 2, 3] }, nothing: null };
      await h.queue.send([{ body }]);
      expect((await h.drain()).map((d) => d.body)).toEqual([body]);
    });

    it('delivers 11 and 25 messages sent at once (past the 10-entry batch limit)', async () => {
      const h = await options.makeHarness<Job>({ fifo: false });
      await h.queue.send(Array.from({ length: 11 }, (_, i) => plain(i)));
      expect(numbers(await h.drain()).sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, i) => i));
      await h.queue.send(Array.from({ length: 25 }, (_, i) => plain(100 + i)));
      expect(numbers(await h.drain()).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => 100 + i));
    });

    it('sends several near-limit bodies (≈ 400 KB each, past 1 MiB per batch)', async () => {
      const h = await options.makeHarness<Job>({ fifo: false });
      await h.queue.send(Array.from({ length: 5 }, (_, i) => ({ body: job(i, 'big', 'z'.repeat(400_000)) })));
      const delivered = await h.drain();
      expect(numbers(delivered).sort()).toEqual([0, 1, 2, 3, 4]);
      expect(delivered.every((d) => d.body.payload?.length === 400_000)).toBe(true);
    });

    if (options.carriesLargeBodies) {
      it('carries a body over the 1 MiB SQS limit (offloaded) and reads it back whole', async () => {
        const h = await options.makeHarness<Job>({ fifo: false });
        const payload = 'w'.repeat(1_500_000);
        await h.queue.send([{ body: job(1, 'huge', payload) }, plain(2)]);
        const delivered = await h.drain();
        expect(delivered.find((d) => d.body.n === 1)?.body.payload).toBe(payload);
        expect(numbers(delivered).sort()).toEqual([1, 2]);
      });
    } else {
      it('refuses a body over the 1 MiB SQS limit with EnqueueError, sending nothing', async () => {
        const h = await options.makeHarness<Job>({ fifo: false });
        const error = await h.queue
          .send([plain(1), { body: job(2, 'huge', 'w'.repeat(1_500_000)) }])
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EnqueueError);
        expect(await h.drain()).toEqual([]);
      });
    }

    it('keeps FIFO group order across interleaved groups', async () => {
      const h = await options.makeHarness<Job>({ fifo: true });
      const messages = Array.from({ length: 24 }, (_, i) => ({
        body: job(i, `g${i % 3}`),
        groupId: `g${i % 3}`,
        dedupId: `d-${i}`,
      }));
      await h.queue.send(messages);
      const delivered = await h.drain();
      for (const g of ['g0', 'g1', 'g2']) {
        expect(delivered.filter((d) => d.groupId === g).map((d) => d.body.n)).toEqual(
          messages.filter((m) => m.groupId === g).map((m) => m.body.n),
        );
      }
      expect(delivered).toHaveLength(24);
    });

    it('deduplicates FIFO messages by dedup id, within a call and across calls', async () => {
      const h = await options.makeHarness<Job>({ fifo: true });
      await h.queue.send([
        { body: job(1), groupId: 'g', dedupId: 'same' },
        { body: job(2), groupId: 'g', dedupId: 'same' },
        { body: job(3), groupId: 'g', dedupId: 'other' },
      ]);
      await h.queue.send([{ body: job(4), groupId: 'g', dedupId: 'same' }]);
      expect(numbers(await h.drain())).toEqual([1, 3]);
    });

    it('refuses FIFO messages without a group, or with a per-message delay, sending nothing', async () => {
      const h = await options.makeHarness<Job>({ fifo: true });
      const noGroup = { body: job(2), dedupId: 'x' };
      let error = await h.queue.send([{ body: job(1), groupId: 'g', dedupId: 'a' }, noGroup]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnqueueError);
      expect((error as EnqueueError).failed).toEqual([noGroup]);
      error = await h.queue
        .send([{ body: job(3), groupId: 'g', dedupId: 'b', delaySeconds: 5 }])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnqueueError);
      expect(await h.drain()).toEqual([]);
    });

    it('refuses a delay outside 0..900 s', async () => {
      const h = await options.makeHarness<Job>({ fifo: false });
      await expect(h.queue.send([{ body: job(1), delaySeconds: 901 }])).rejects.toBeInstanceOf(EnqueueError);
      await expect(h.queue.send([{ body: job(1), delaySeconds: -1 }])).rejects.toBeInstanceOf(EnqueueError);
      expect(await h.drain()).toEqual([]);
    });

    it('holds a delayed message back until its delay has passed', async () => {
      const h = await options.makeHarness<Job>({ fifo: false });
      await h.queue.send([{ body: job(1), delaySeconds: 1 }, plain(2)]);
      expect(numbers(await h.drain())).toEqual([2]);
      await h.pass(1.2);
      expect(numbers(await h.drain())).toEqual([1]);
    });

    const refusals = options.refusals;
    if (refusals) {
      it('retries entries SQS refuses, keeping FIFO group order', async () => {
        const h = await refusals.makeHarness<Job>({ fifo: true });
        h.refuse(2, (body) => body.n === 1);
        const messages = Array.from({ length: 6 }, (_, i) => ({
          body: job(i, 'g'),
          groupId: `g${i % 2}`,
          dedupId: `r-${i}`,
        }));
        await h.queue.send(messages);
        const delivered = await h.drain();
        expect(delivered.filter((d) => d.groupId === 'g1').map((d) => d.body.n)).toEqual([1, 3, 5]);
        expect(delivered.filter((d) => d.groupId === 'g0').map((d) => d.body.n)).toEqual([0, 2, 4]);
      });

      it('gives up with EnqueueError naming the messages not sent, delivering the rest', async () => {
        const h = await refusals.makeHarness<Job>({ fifo: false });
        h.refuse(1_000, (body) => body.tag === 'stuck');
        const stuck = { body: job(2, 'stuck') };
        const error = await h.queue.send([plain(1), stuck, plain(3)]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EnqueueError);
        expect((error as EnqueueError).message).toMatch(/^1 of 3 messages/);
        expect((error as EnqueueError).failed).toEqual([stuck]);
        expect(numbers(await h.drain()).sort()).toEqual([1, 3]);
      });
    }
  });
};
