import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryQueue } from '../../src/adapters/in-memory/message-queue-adapter-in-memory.js';
import { messageQueueContract } from './message-queue.contract.js';

messageQueueContract('in-memory', {
  // The twin has no blob store: it refuses bodies over 1 MiB, as the SQS adapter does without one
  // (message-queue.sqs.test.ts runs the contract both ways); with one, the SQS adapter offloads to S3.
  carriesLargeBodies: false,
  makeHarness: async <T>({ fifo }: { fifo: boolean }) => {
    const clock = new FakeClock(1_000_000);
    const queue = new InMemoryQueue<T>({ fifo, contentBasedDeduplication: true, clock });
    return {
      queue,
      drain: async () => {
        const out: { body: T; groupId?: string }[] = [];
        for (let batch = queue.receive(10); batch.length > 0; batch = queue.receive(10)) {
          for (const m of batch) {
            out.push(m.groupId ? { body: m.body as T, groupId: m.groupId } : { body: m.body as T });
            queue.delete(m.receiptHandle);
          }
        }
        return out;
      },
      pass: async (seconds: number) => clock.advance(seconds * 1000),
    };
  },
});
