import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { redriveDeadLetters } from '../../../src/adapters/sqs/queue-redrive.js';
import { ensureQueue } from '../../../src/adapters/sqs/queue-provisioning.js';
import { InMemoryBlobStore } from '../../../src/adapters/in-memory/blob-store-adapter-in-memory.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';
import { drainQueue } from '../../support/emulators/sqs-support.js';

const { sqs, endpoints } = emulatorClients();
const run = promisify(execFile);

/** A source queue whose messages dead-letter after one failed receive. */
const queuesWithDlq = async (fifo: boolean) => {
  const suffix = fifo ? '.fifo' : '';
  const dlq = await ensureQueue(sqs, { name: uniqueName('dlq') + suffix });
  const source = await ensureQueue(sqs, {
    name: uniqueName('src') + suffix,
    visibilityTimeoutSeconds: 0,
    deadLetter: { arn: dlq.arn, maxReceiveCount: 1 },
  });
  return { dlq, source };
};

const receiveAll = async (url: string) => {
  const bodies: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 30 }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => m.Body ?? ''));
  }
};

/** Receives without deleting until SQS moves every message to the DLQ (maxReceiveCount 1, visibility 0). */
const poison = async (url: string) => {
  for (let i = 0; i < 5; i++)
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 0 }),
    );
};

describe('redrive (fauxqs)', () => {
  it('`npm run redrive -- <dlq-name>` moves dead letters back to their source and says how many', async () => {
    const { dlq, source } = await queuesWithDlq(false);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: source.url,
        Entries: ['a', 'b', 'c'].map((b) => ({ Id: b, MessageBody: `{"job":"${b}"}` })),
      }),
    );
    await poison(source.url);
    expect(await receiveAll(source.url)).toEqual([]);
    const dlqName = dlq.url.split('/').at(-1)!;
    const { stdout } = await run('npm', ['run', '--silent', 'redrive', '--', dlqName], {
      env: { ...process.env, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SQS: endpoints.sqs },
    });
    expect(stdout).toMatch(new RegExp(`moved 3 message\\(s\\) from ${dlq.url} to ${source.url}`));
    expect((await receiveAll(source.url)).sort()).toEqual(['{"job":"a"}', '{"job":"b"}', '{"job":"c"}']);
    expect(await receiveAll(dlq.url)).toEqual([]);
  });

  it('keeps FIFO groups in order and can be told the target and a maximum', async () => {
    const { dlq, source } = await queuesWithDlq(true);
    for (const [i, group] of [
      [1, 'g1'],
      [2, 'g1'],
      [3, 'g2'],
    ] as const) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: source.url,
          MessageBody: `"m${i}"`,
          MessageGroupId: group,
          MessageDeduplicationId: `d${i}`,
        }),
      );
    }
    for (let i = 0; i < 6; i++) await poison(source.url);
    const first = await redriveDeadLetters(sqs, { from: dlq.url, to: source.url, maxMessages: 2 });
    expect(first).toMatchObject({ moved: 2, failed: 0 });
    const rest = await redriveDeadLetters(sqs, { from: dlq.url });
    expect(rest).toMatchObject({ moved: 1, to: source.url });
    const back = await drainQueue<string>(sqs, source.url, new InMemoryBlobStore());
    expect(back.filter((m) => m.groupId === 'g1').map((m) => m.body)).toEqual(['m1', 'm2']);
    expect(back.filter((m) => m.groupId === 'g2').map((m) => m.body)).toEqual(['m3']);
  });

  it('moves large dead letters in batches under the 1 MiB batch limit (three 600 KB bodies cannot go in one SendMessageBatch)', async () => {
    const { dlq, source } = await queuesWithDlq(false);
    const big = (c: string) => JSON.stringify({ job: c, pad: c.repeat(600 * 1024) });
    for (const c of ['x', 'y', 'z'])
      await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: big(c) }));
    await poison(source.url);
    const result = await redriveDeadLetters(sqs, { from: dlq.url });
    expect(result).toMatchObject({ moved: 3, failed: 0, notDeleted: 0 });
    expect((await receiveAll(source.url)).map((b) => (JSON.parse(b) as { job: string }).job).sort()).toEqual([
      'x',
      'y',
      'z',
    ]);
    expect(await receiveAll(dlq.url)).toEqual([]);
  });

  it('says to name the target when no queue uses the DLQ', async () => {
    const orphan = await ensureQueue(sqs, { name: uniqueName('orphan-dlq') });
    await expect(redriveDeadLetters(sqs, { from: orphan.url })).rejects.toThrow(/--to/);
  });

  it('the command fails with a clear message when the region is missing', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ENDPOINT_URL_SQS: endpoints.sqs };
    delete env['AWS_REGION'];
    delete env['AWS_DEFAULT_REGION'];
    const failure = await run('node_modules/.bin/tsx', ['scripts/redrive.ts', 'some-dlq'], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/AWS_REGION/);
  });

  it('`--help` names the filters and the variables it needs; a bad --kind is refused', async () => {
    const { stdout } = await run('node_modules/.bin/tsx', ['scripts/redrive.ts', '--help']);
    for (const word of [
      '--group',
      '--message-id',
      '--kind',
      '--force',
      '--to',
      '--max',
      'AWS_REGION',
      'AWS_ENDPOINT_URL_SQS',
    ])
      expect(stdout).toContain(word);
    const failure = await run('node_modules/.bin/tsx', ['scripts/redrive.ts', 'some-dlq', '--kind', 'nope'], {
      env: { ...process.env, AWS_REGION: 'us-east-1' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringMatching(/--kind must be one of booking/) });
  });
});
