import { setTimeout as delay } from 'node:timers/promises';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { beforeAll } from 'vitest';
import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { S3BlobStore } from '../../src/adapters/s3/blob-store-adapter-s3.js';
import { SqsMessageQueue } from '../../src/adapters/sqs/message-queue-adapter-sqs.js';
import { ensureQueue } from '../../src/adapters/sqs/queue-provisioning.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { drainQueue, refusingSqsClient } from '../support/emulators/sqs-support.js';
import { messageQueueContract } from './message-queue.contract.js';

const { sqs, s3 } = emulatorClients();
const bucket = uniqueName('offload');
const blobs = new S3BlobStore(s3, bucket);
beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
const maxAttempts = 4;

const makeQueue = async (fifo: boolean) =>
  (await ensureQueue(sqs, { name: uniqueName('q') + (fifo ? '.fifo' : '') })).url;

messageQueueContract('SQS + S3 offload (fauxqs)', {
  carriesLargeBodies: true,
  makeHarness: async <T>({ fifo }: { fifo: boolean }) => {
    const url = await makeQueue(fifo);
    return {
      queue: new SqsMessageQueue<T>(sqs, url, { sleeper: new FakeClock(), offload: { store: blobs } }),
      drain: () => drainQueue<T>(sqs, url, blobs),
      pass: (seconds: number) => delay(seconds * 1000),
    };
  },
  refusals: {
    maxAttempts,
    makeHarness: async <T>({ fifo }: { fifo: boolean }) => {
      const url = await makeQueue(fifo);
      const refusing = refusingSqsClient<T>(sqs);
      const queue = new SqsMessageQueue<T>(refusing.client, url, {
        sleeper: new FakeClock(),
        backoff: { maxAttempts, baseDelayMs: 10, maxDelayMs: 100 },
      });
      return {
        queue,
        drain: () => drainQueue<T>(sqs, url, blobs),
        pass: (s: number) => delay(s * 1000),
        refuse: refusing.refuse,
      };
    },
  },
});

// The adapter as the in-memory twin is configured: no blob store, so a body over the limit is
// refused whole (EnqueueError) — the same contract, the twin's side of `carriesLargeBodies`.
messageQueueContract('SQS without offload (fauxqs)', {
  carriesLargeBodies: false,
  makeHarness: async <T>({ fifo }: { fifo: boolean }) => {
    const url = await makeQueue(fifo);
    return {
      queue: new SqsMessageQueue<T>(sqs, url, { sleeper: new FakeClock() }),
      drain: () => drainQueue<T>(sqs, url, blobs),
      pass: (seconds: number) => delay(seconds * 1000),
    };
  },
});
