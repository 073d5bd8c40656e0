import { PutRecordsCommand, type KinesisClient, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { KinesisRecommendationRequestPublisher } from '../../../src/adapters/kinesis/recommendation-request-publisher-adapter-kinesis.js';
import { ensureStream } from '../../../src/adapters/kinesis/stream-provisioning.js';
import { PublishError } from '../../../src/application/ports/feed-publisher.port.js';
import {
  RecommendationRequest,
  RecommendationRequestRecordSchema,
} from '../../../src/domain/recommendation/recommendation-request.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';
import { readStream } from '../../support/emulators/kinesis-support.js';

const { kinesis } = emulatorClients();
const request = (userId: string, n: number) =>
  RecommendationRequest.parse({ userId, topN: 5, requestId: `${userId}-r${n}`, timestamp: 1_700_000_000_000 + n });

/** Refuses the first `count` records of PutRecords calls (kinesalite never throttles). */
const refusing = (client: KinesisClient, count: number) => {
  let remaining = count;
  return {
    send: async (command: PutRecordsCommand): Promise<PutRecordsCommandOutput> => {
      const records = command.input.Records ?? [];
      const refused = records.map(() => remaining-- > 0);
      const accepted = records.filter((_, i) => !refused[i]);
      const forwarded = accepted.length
        ? await client.send(new PutRecordsCommand({ ...command.input, Records: accepted }))
        : { Records: [], $metadata: {} };
      let next = 0;
      const results = records.map((_, i) =>
        refused[i]
          ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' }
          : forwarded.Records![next++]!,
      );
      return {
        ...forwarded,
        Records: results,
        FailedRecordCount: refused.filter(Boolean).length,
      } as PutRecordsCommandOutput;
    },
  } as unknown as KinesisClient;
};

describe('KinesisRecommendationRequestPublisher on kinesalite', () => {
  let streamName: string;
  beforeAll(async () => {
    streamName = uniqueName('rec-requests');
    await ensureStream(kinesis, streamName, 2);
  });

  it('publishes every request as one JSON record, retrying refused ones, in order per user', async () => {
    const requests = Array.from({ length: 30 }, (_, i) => request(`u${i % 4}`, i));
    const publisher = new KinesisRecommendationRequestPublisher(refusing(kinesis, 7), streamName, {
      sleeper: new FakeClock(),
      backoff: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5 },
    });
    await publisher.publish(requests);
    const records = (await readStream(kinesis, streamName)).map(
      (d) => JSON.parse(Buffer.from(d).toString('utf8')) as Record<string, unknown>,
    );
    // The canonical wire format: the design's snake_case names, nothing else.
    expect(Object.keys(records[0] ?? {}).sort()).toEqual(['request_id', 'timestamp', 'top_n', 'user_id']);
    const stored = records.map((r) => RecommendationRequestRecordSchema.parse(r));
    expect(stored).toHaveLength(30);
    for (const user of ['u0', 'u1', 'u2', 'u3']) {
      expect(stored.filter((r) => r.userId === user).map((r) => r.requestId)).toEqual(
        requests.filter((r) => r.userId === user).map((r) => r.requestId),
      );
    }
  });

  it('gives up with PublishError naming the stream when refusals outlast the retries', async () => {
    const publisher = new KinesisRecommendationRequestPublisher(refusing(kinesis, 1_000), streamName, {
      sleeper: new FakeClock(),
      backoff: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const error = await publisher.publish([request('x', 1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).message).toContain(streamName);
    expect((error as PublishError).failed).toHaveLength(1);
  });
});
