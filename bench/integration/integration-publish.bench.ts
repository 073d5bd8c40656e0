import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, PurgeQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createSnsClient, createSqsClient } from '../../src/adapters/aws-shared/aws-clients.js';
import { startFauxqs } from '../../src/adapters/local/emulators/fauxqs-server.js';
import { SnsIntegrationPublisher } from '../../src/adapters/sns/integration-publisher-adapter-sns.js';
import { ensureFifoTopic, subscribeQueue } from '../../src/adapters/sns/topic-provisioning.js';
import { ensureQueue } from '../../src/adapters/sqs/queue-provisioning.js';
import {
  integrationMessageBody,
  type IntegrationMessage,
} from '../../src/application/integration/integration-events.js';
import { toIntegrationMessage } from '../../src/application/integration/integration-mapping.js';
import { intOption, type Benchmark, type BenchmarkResult, type Row } from '../lib/benchmark.js';
import { median, ratio } from '../lib/stats.js';

/** `n` BookingConfirmed messages, on `groups` trips (round robin), versions rising per trip. */
const messages = (n: number, groups: number, run: string): IntegrationMessage[] =>
  Array.from({ length: n }, (_, i) => {
    const message = toIntegrationMessage({
      streamId: `trip-${run}-${i % groups}`,
      version: Math.floor(i / groups) + 1,
      eventId: `e${i}`,
      type: 'BookingConfirmed',
      schemaVersion: 1,
      occurredAt: 1_764_700_000_000 + i,
      data: { requestId: `r${i}`, passengerId: `p${i}`, seatNumbers: [1 + (i % 40)], at: i },
    });
    if (!message) throw new Error('fixture maps to nothing');
    return message;
  });

/**
 * The raw-SDK peer: PublishBatch of 10 consecutive messages, the same concurrency. It keeps no
 * order under a partial failure (a refused entry's later group-mates in the same call go ahead);
 * it is what publishing costs without that guarantee.
 */
const rawPublish = async (
  sns: SNSClient,
  topicArn: string,
  all: readonly IntegrationMessage[],
  concurrency: number,
) => {
  const calls: IntegrationMessage[][] = [];
  for (let i = 0; i < all.length; i += 10) calls.push(all.slice(i, i + 10));
  let next = 0;
  const worker = async () => {
    while (next < calls.length) {
      const batch = calls[next++]!;
      const out = await sns.send(
        new PublishBatchCommand({
          TopicArn: topicArn,
          PublishBatchRequestEntries: batch.map((m, i) => ({
            Id: `e${i}`,
            Message: integrationMessageBody(m),
            MessageGroupId: m.groupId,
            MessageDeduplicationId: m.deduplicationId,
            MessageAttributes: Object.fromEntries(
              Object.entries(m.attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
            ),
          })),
        }),
      );
      if ((out.Failed ?? []).length > 0) throw new Error(`raw PublishBatch: ${out.Failed?.length} entries failed`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return calls.length;
};

const depth = async (sqs: SQSClient, url: string): Promise<number> => {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.['ApproximateNumberOfMessages'] ?? 0);
};

export const benchmark: Benchmark = {
  name: 'integration',
  description:
    'Integration events out: the SNS adapter (one entry per message group per PublishBatch, order kept under partial failure) vs raw PublishBatch of 10, on fauxqs SNS FIFO with one FIFO subscriber, for events spread over many streams and for one hot stream',
  async run(ctx): Promise<BenchmarkResult> {
    const n = intOption(ctx, 'messages', 2_000);
    const concurrency = 4;
    ctx.progress('starting fauxqs…');
    const fauxqs = await startFauxqs();
    try {
      const settings = {
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        endpoints: { sns: fauxqs.endpoint, sqs: fauxqs.endpoint },
      };
      const sns = createSnsClient(settings);
      const sqs = createSqsClient(settings);
      const topicArn = await ensureFifoTopic(sns, 'bench-integration.fifo');
      const queue = await ensureQueue(sqs, { name: 'bench-subscriber.fifo' });
      await subscribeQueue(sns, topicArn, queue.arn, { rawMessageDelivery: true });
      const adapter = new SnsIntegrationPublisher(sns, topicArn, {
        sleeper: { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), random: Math.random },
        concurrency,
      });
      const rows: Row[] = [];
      const figures: Record<string, number> = {};
      const rounds = intOption(ctx, 'rounds', 3);
      let run = 0;
      /** One publish of `count` messages on `groups` streams; checks the subscriber got them all; ms. */
      const once = async (subject: 'adapter' | 'raw', count: number, groups: number): Promise<number> => {
        const batch = messages(count, groups, `r${++run}`);
        const started = performance.now();
        if (subject === 'adapter') await adapter.publish(batch);
        else await rawPublish(sns, topicArn, batch, concurrency);
        const ms = performance.now() - started;
        const delivered = await depth(sqs, queue.url);
        if (delivered !== batch.length)
          throw new Error(`${subject}: the subscriber holds ${delivered} of ${batch.length}`);
        await sqs.send(new PurgeQueueCommand({ QueueUrl: queue.url }));
        return ms;
      };
      // Warm-up (JIT, connections), not measured.
      for (const subject of ['adapter', 'raw'] as const) await once(subject, 200, 50);
      for (const [workload, groups, count] of [
        ['spread (1 event per stream)', n, n],
        ['hot stream (all events on one)', 1, Math.min(n, 500)],
      ] as const) {
        const times: Record<'adapter' | 'raw', number[]> = { adapter: [], raw: [] };
        for (let r = 0; r < rounds; r++) {
          // Alternate who goes first, so neither always meets the emulator's leftovers.
          for (const subject of r % 2 === 0 ? (['adapter', 'raw'] as const) : (['raw', 'adapter'] as const)) {
            ctx.progress(`${workload}: ${subject}, round ${r + 1}/${rounds}…`);
            times[subject].push(await once(subject, count, groups));
          }
        }
        for (const subject of ['adapter', 'raw'] as const) {
          const ms = median(times[subject]);
          const perSecond = (1000 * count) / ms;
          figures[`${workload}|${subject}`] = perSecond;
          rows.push({
            subject: `${workload} — ${subject === 'adapter' ? 'Stampede SNS adapter' : 'raw PublishBatch of 10'}`,
            role: subject === 'adapter' ? 'stampede' : 'baseline',
            values: {
              messages: count,
              calls: subject === 'adapter' && groups === 1 ? count : Math.ceil(count / 10),
              messagesPerSecond: perSecond,
              ms,
            },
          });
        }
      }
      return {
        status: 'ok',
        columns: [
          { key: 'messages', label: 'messages' },
          { key: 'calls', label: 'PublishBatch calls' },
          { key: 'messagesPerSecond', label: 'messages/s', better: 'higher', digits: 0 },
          { key: 'ms', label: 'median time', unit: 'ms', better: 'lower', digits: 0 },
        ],
        rows,
        ratios: [
          {
            label: 'adapter / raw, spread',
            value: ratio(figures['spread (1 event per stream)|adapter'], figures['spread (1 event per stream)|raw']),
            meaning: '× the raw throughput with events on many streams (≈ 1: same calls)',
          },
          {
            label: 'adapter / raw, hot stream',
            value: ratio(
              figures['hot stream (all events on one)|adapter'],
              figures['hot stream (all events on one)|raw'],
            ),
            meaning: '× the raw throughput with one hot stream: the price of keeping its order under partial failure',
          },
        ],
        notes: [
          'fauxqs runs in the runner process; every message is checked to reach the subscriber queue; median of --rounds (default 3), alternating who goes first, after a warm-up.',
          'The hot-stream adapter row sends one entry per call by design (docs/INTEGRATION.md, "Ordering and duplication").',
        ],
      };
    } finally {
      await fauxqs.stop();
    }
  },
};
