import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { InMemoryFeedStream } from '../../src/adapters/in-memory/feed-publisher-adapter-in-memory.js';
import { decodeFeedRecord } from '../../src/adapters/kinesis/feed-record-codec.js';
import { feedPublisherContract } from './feed-publisher.contract.js';

const maxAttempts = 4;

feedPublisherContract('in-memory', {
  maxAttempts,
  makeHarness: async () => {
    const clock = new FakeClock();
    const stream = new InMemoryFeedStream({ shardCount: 2, maxAttempts, clock, sleeper: clock });
    return {
      publisher: stream,
      readBack: async () =>
        Array.from({ length: stream.shardCount }, (_, shard) => stream.read(shard, 0, stream.length(shard))).flatMap(
          (records) => records.flatMap((r) => decodeFeedRecord(r.data)),
        ),
      refuse: (count, which) => stream.injectFailures(count, which),
    };
  },
});
