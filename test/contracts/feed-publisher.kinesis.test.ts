import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { KinesisFeedPublisher } from '../../src/adapters/kinesis/feed-publisher-adapter-kinesis.js';
import { ensureStream } from '../../src/adapters/kinesis/stream-provisioning.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { readFeedItems, refusingKinesisClient } from '../support/emulators/kinesis-support.js';
import { feedPublisherContract } from './feed-publisher.contract.js';

const { kinesis } = emulatorClients();
const maxAttempts = 4;

feedPublisherContract('Kinesis (kinesalite)', {
  maxAttempts,
  makeHarness: async () => {
    const streamName = uniqueName('feed');
    await ensureStream(kinesis, streamName, 2);
    // Refusals are injected by a wrapping client (kinesalite never throttles); accepted records go to kinesalite.
    const refusing = refusingKinesisClient(kinesis);
    const publisher = new KinesisFeedPublisher(refusing.client, streamName, {
      sleeper: new FakeClock(),
      backoff: { maxAttempts, baseDelayMs: 10, maxDelayMs: 100 },
    });
    return { publisher, readBack: () => readFeedItems(kinesis, streamName), refuse: refusing.refuse };
  },
});
