import { setTimeout as delay } from 'node:timers/promises';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { ensureQueue } from '../../../src/adapters/sqs/queue-provisioning.js';
import { VisibilityExtender } from '../../../src/adapters/sqs/visibility-extender.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';

const { sqs } = emulatorClients();

const receive = async (url: string, visibility?: number) =>
  (
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 1,
        WaitTimeSeconds: 0,
        ...(visibility !== undefined ? { VisibilityTimeout: visibility } : {}),
      }),
    )
  ).Messages ?? [];

describe('VisibilityExtender (fauxqs)', () => {
  it('release makes a received message visible again at once', async () => {
    const { url } = await ensureQueue(sqs, { name: uniqueName('vis'), visibilityTimeoutSeconds: 300 });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'slow job' }));
    const [message] = await receive(url);
    expect(await receive(url)).toHaveLength(0);
    await new VisibilityExtender(sqs, url).release(message!.ReceiptHandle!);
    expect((await receive(url)).map((m) => m.Body)).toEqual(['slow job']);
  });

  it('keeps a message hidden past its original timeout while work runs, and lets it go after', async () => {
    const { url } = await ensureQueue(sqs, { name: uniqueName('vis') });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'slow job' }));
    const [message] = await receive(url, 1);
    const extender = new VisibilityExtender(sqs, url);
    const errors: unknown[] = [];
    const seenDuringWork = await extender.during(
      message!.ReceiptHandle!,
      async () => {
        await delay(1_600); // longer than the 1 s the message was received for
        return receive(url);
      },
      { visibilitySeconds: 2, everyMs: 300, onError: (e) => errors.push(e) },
    );
    expect(seenDuringWork).toHaveLength(0);
    expect(errors).toEqual([]);
    await extender.release(message!.ReceiptHandle!);
    expect(await receive(url)).toHaveLength(1);
  });

  it('refuses a heartbeat too slow for its timeout, and timeouts beyond 12 h', async () => {
    const extender = new VisibilityExtender(sqs, 'http://unused');
    expect(() => extender.keepAlive('h', { visibilitySeconds: 1, everyMs: 1_000 })).toThrow(RangeError);
    await expect(extender.extend('h', 43_201)).rejects.toThrow(RangeError);
  });
});
