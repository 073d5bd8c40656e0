import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { InMemoryBlobStore } from '../../../src/adapters/in-memory/blob-store-adapter-in-memory.js';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { SQS_MAX_BATCH_BYTES, SqsMessageQueue } from '../../../src/adapters/sqs/message-queue-adapter-sqs.js';
import {
  decodeQueueBody,
  isOffloadPointer,
  OffloadedBodyMissingError,
} from '../../../src/adapters/sqs/queue-body-codec.js';
import { EnqueueError } from '../../../src/application/ports/message-queue.port.js';

// These tests look at the SendMessageBatch calls themselves, so they use a scripted client; the
// contract suite runs the same adapter against fauxqs.
type Answer = (
  entry: NonNullable<SendMessageBatchCommandInput['Entries']>[number],
  call: number,
) => 'ok' | { code: string; senderFault: boolean };
const scriptedClient = (answer: Answer = () => 'ok') => {
  const calls: SendMessageBatchCommandInput[] = [];
  const client = {
    send: async (command: unknown) => {
      if (!(command instanceof SendMessageBatchCommand)) throw new Error('unexpected command');
      calls.push(command.input);
      const results = (command.input.Entries ?? []).map((e) => ({ e, a: answer(e, calls.length) }));
      return {
        Successful: results
          .filter((r) => r.a === 'ok')
          .map((r) => ({ Id: r.e.Id, MessageId: `m-${r.e.Id}`, MD5OfMessageBody: '' })),
        Failed: results.flatMap((r) =>
          r.a === 'ok' ? [] : [{ Id: r.e.Id, Code: r.a.code, SenderFault: r.a.senderFault, Message: 'scripted' }],
        ),
        $metadata: {},
      };
    },
  };
  return { client: client as unknown as SQSClient, calls };
};

const url = 'http://127.0.0.1:1/000000000000/jobs';
const fifoUrl = `${url}.fifo`;

describe('SqsMessageQueue', () => {
  it('sends batches of at most 10 entries and 1 MiB', async () => {
    const { client, calls } = scriptedClient();
    const queue = new SqsMessageQueue<{ n: number; pad: string }>(client, url, { sleeper: new FakeClock() });
    await queue.send(Array.from({ length: 23 }, (_, n) => ({ body: { n, pad: '' } })));
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 10, 3]);
    calls.length = 0;
    await queue.send(Array.from({ length: 6 }, (_, n) => ({ body: { n, pad: 'p'.repeat(300_000) } })));
    for (const call of calls) {
      expect(
        (call.Entries ?? []).reduce((sum, e) => sum + Buffer.byteLength(e.MessageBody ?? ''), 0),
      ).toBeLessThanOrEqual(SQS_MAX_BATCH_BYTES);
    }
    expect(calls.map((c) => c.Entries?.length)).toEqual([3, 3]);
  });

  it('offloads a body over the limit to the blob store and sends a pointer that decodes back', async () => {
    const { client, calls } = scriptedClient();
    const blobs = new InMemoryBlobStore();
    const queue = new SqsMessageQueue<{ text: string }>(client, url, {
      sleeper: new FakeClock(),
      offload: { store: blobs, keyPrefix: 'offload/' },
    });
    const body = { text: 'q'.repeat(2_000_000) };
    await queue.send([{ body }, { body: { text: 'small' } }]);
    const [big, small] = calls[0]!.Entries!;
    expect(isOffloadPointer(big!.MessageBody!)).toBe(true);
    expect(big!.MessageBody!.length).toBeLessThan(200);
    expect(JSON.parse(await decodeQueueBody(big!.MessageBody!, blobs))).toEqual(body);
    expect(await decodeQueueBody(small!.MessageBody!, blobs)).toBe('{"text":"small"}');
  });

  it('fails a record whose offloaded body is gone (so it ends in the DLQ, not silently empty)', async () => {
    const pointer = '{"$offloaded":{"key":"offload/missing.json","bytes":5}}';
    await expect(decodeQueueBody(pointer, new InMemoryBlobStore())).rejects.toBeInstanceOf(OffloadedBodyMissingError);
  });

  it('refuses an oversized body when no offload store is configured, sending nothing', async () => {
    const { client, calls } = scriptedClient();
    const queue = new SqsMessageQueue<{ text: string }>(client, url, { sleeper: new FakeClock() });
    await expect(
      queue.send([{ body: { text: 'ok' } }, { body: { text: 'q'.repeat(1_100_000) } }]),
    ).rejects.toBeInstanceOf(EnqueueError);
    expect(calls).toHaveLength(0);
  });

  it('FIFO: sets group and dedup ids (SHA-256 of the body when none is given), one message per group per call', async () => {
    const { client, calls } = scriptedClient();
    const queue = new SqsMessageQueue<{ n: number }>(client, fifoUrl, { sleeper: new FakeClock() });
    await queue.send([
      { body: { n: 1 }, groupId: 'a', dedupId: 'd1' },
      { body: { n: 2 }, groupId: 'a' },
      { body: { n: 3 }, groupId: 'b', dedupId: 'd3' },
    ]);
    expect(calls.map((c) => c.Entries!.map((e) => [e.MessageGroupId, e.MessageDeduplicationId]))).toEqual([
      [
        ['a', 'd1'],
        ['b', 'd3'],
      ],
      [['a', createHash('sha256').update('{"n":2}').digest('hex')]],
    ]);
    expect(calls.every((c) => c.QueueUrl === fifoUrl)).toBe(true);
  });

  it('standard queues get neither group nor dedup id, but do get DelaySeconds', async () => {
    const { client, calls } = scriptedClient();
    const queue = new SqsMessageQueue<{ n: number }>(client, url, { sleeper: new FakeClock() });
    await queue.send([{ body: { n: 1 }, groupId: 'g', dedupId: 'd', delaySeconds: 900 }]);
    expect(calls[0]!.Entries![0]).toEqual({ Id: '0', MessageBody: '{"n":1}', DelaySeconds: 900 });
  });

  it('retries only transient failures, and not a sender fault', async () => {
    const { client, calls } = scriptedClient((e, call) => {
      if (e.MessageBody === '{"n":2}' && call === 1) return { code: 'InternalError', senderFault: false };
      if (e.MessageBody === '{"n":3}') return { code: 'InvalidMessageContents', senderFault: true };
      return 'ok';
    });
    const queue = new SqsMessageQueue<{ n: number }>(client, url, { sleeper: new FakeClock() });
    const error = await queue
      .send([{ body: { n: 1 } }, { body: { n: 2 } }, { body: { n: 3 } }])
      .catch((e: unknown) => e);
    expect(calls.map((c) => c.Entries!.map((e) => e.MessageBody))).toEqual([
      ['{"n":1}', '{"n":2}', '{"n":3}'],
      ['{"n":2}'],
    ]);
    expect(error).toBeInstanceOf(EnqueueError);
    expect((error as EnqueueError).message).toMatch(/1 of 3 messages.*InvalidMessageContents/);
    expect((error as EnqueueError).failed).toEqual([{ body: { n: 3 } }]);
  });
});
