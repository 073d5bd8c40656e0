import {
  PutRecordsCommand,
  type KinesisClient,
  type PutRecordsCommandInput,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import { decodeFeedRecord } from '../../../src/adapters/kinesis/feed-record-codec.js';
import {
  partitionKeyOf,
  KINESIS_MAX_BYTES_PER_PUT,
  KINESIS_MAX_RECORD_BYTES,
  KinesisFeedPublisher,
} from '../../../src/adapters/kinesis/feed-publisher-adapter-kinesis.js';
import { PublishError } from '../../../src/application/ports/feed-publisher.port.js';
import type { Sleeper } from '../../../src/application/ports/sleeper.port.js';
import type { FeedItem } from '../../../src/domain/live-feed/feed-item.js';

// These tests look at the PutRecords calls themselves (how many, how big, what is retried), so
// they use a scripted client; the contract suite runs the same adapter against kinesalite.
const scriptedClient = (
  answer: (input: PutRecordsCommandInput, call: number) => (PutRecordsResultEntry | 'refuse')[] | Error,
) => {
  const calls: PutRecordsCommandInput[] = [];
  const client = {
    send: async (command: unknown) => {
      if (!(command instanceof PutRecordsCommand)) throw new Error('unexpected command');
      calls.push(command.input);
      const result = answer(command.input, calls.length);
      if (result instanceof Error) throw result;
      const Records = result.map((r, i) =>
        r === 'refuse'
          ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' }
          : { ...r, SequenceNumber: `${calls.length}-${i}`, ShardId: 'shardId-0' },
      );
      return { Records, FailedRecordCount: Records.filter((r) => 'ErrorCode' in r).length, $metadata: {} };
    },
  };
  return { client: client as unknown as KinesisClient, calls };
};

const acceptAll = (input: PutRecordsCommandInput) => (input.Records ?? []).map(() => ({}));

const chat = (channelId: string, n: number, textBytes = 10): FeedItem => ({
  kind: 'signal',
  signal: 'CHAT',
  channelId,
  messageId: `${channelId}-${n}`,
  userId: 'u',
  text: 'x'.repeat(Math.min(500, textBytes)),
  at: n,
});
const bigEvent = (channelId: string, version: number, bytes: number): FeedItem => ({
  kind: 'event',
  channelId,
  streamId: `channel-${channelId}`,
  eventType: 'PRICE_UPDATED',
  sourceType: 'PriceUpdated',
  version,
  occurredAt: version,
  data: { blob: 'y'.repeat(bytes) },
});

const recordingSleeper = () => {
  const clock = new FakeClock(0, () => 0.999);
  const sleeps: number[] = [];
  const sleeper: Sleeper = { sleep: async (ms) => void sleeps.push(ms), random: () => clock.random() };
  return { sleeper, sleeps };
};

const callBytes = (input: PutRecordsCommandInput) =>
  (input.Records ?? []).reduce((sum, r) => sum + (r.Data?.length ?? 0) + Buffer.byteLength(r.PartitionKey ?? ''), 0);

describe('KinesisFeedPublisher', () => {
  it('keeps versioned events on the channel id and spreads chat by author over the signal partitions', async () => {
    const { client, calls } = scriptedClient(acceptAll);
    const publisher = new KinesisFeedPublisher(client, 'feed', { sleeper: new FakeClock(), signalPartitions: 16 });
    const event: FeedItem = {
      kind: 'event',
      channelId: 'c1',
      streamId: 'channel-c1',
      eventType: 'LIVE_STARTED',
      sourceType: 'LiveStarted',
      version: 1,
      occurredAt: 1,
      data: {},
    };
    const chats = Array.from({ length: 64 }, (_, i): FeedItem => ({
      kind: 'signal',
      signal: 'CHAT',
      channelId: 'c1',
      messageId: `m${i}`,
      userId: `user-${i}`,
      text: 'hi',
      at: 1,
    }));
    await publisher.publish([event, ...chats]);
    const keys = calls.flatMap((c) => (c.Records ?? []).map((r) => r.PartitionKey!));
    expect(keys).toContain('c1');
    const signalKeys = new Set(keys.filter((k) => k !== 'c1'));
    expect(signalKeys.size).toBeGreaterThan(4);
    for (const key of signalKeys) expect(key).toMatch(/^c1#s([0-9]|1[0-5])$/);
    // One author's messages share a key, so they stay in order.
    expect(partitionKeyOf(chats[3]!, 16)).toBe(partitionKeyOf({ ...chats[3]!, messageId: 'other' } as FeedItem, 16));
  });

  it('packs one channel into one record and sends 501 channels as 500 + 1 records', async () => {
    const { client, calls } = scriptedClient(acceptAll);
    const publisher = new KinesisFeedPublisher(client, 'feed', { sleeper: new FakeClock(), signalPartitions: 1 });
    await publisher.publish([...Array.from({ length: 501 }, (_, i) => chat(`c${i}`, 1)), chat('c0', 2)]);
    expect(calls.map((c) => c.Records?.length)).toEqual([500, 1]);
    const first = calls[0]!.Records![0]!;
    expect(first.PartitionKey).toBe('c0');
    expect(
      decodeFeedRecord(first.Data!).map((i) => (i.kind === 'signal' && i.signal === 'CHAT' ? i.messageId : '')),
    ).toEqual(['c0-1', 'c0-2']);
    expect(calls.every((c) => c.StreamName === 'feed')).toBe(true);
  });

  it('keeps every call within 5 MiB and every record within 1 MiB', async () => {
    const { client, calls } = scriptedClient(acceptAll);
    const publisher = new KinesisFeedPublisher(client, 'feed', { sleeper: new FakeClock(), signalPartitions: 1 });
    // 8 channels × 3 items × 400 KB: each channel needs 2 records, and a round of 8 records > 5 MiB.
    await publisher.publish(
      Array.from({ length: 24 }, (_, i) => bigEvent(`c${i % 8}`, Math.floor(i / 8) + 1, 400_000)),
    );
    for (const call of calls) {
      expect(callBytes(call)).toBeLessThanOrEqual(KINESIS_MAX_BYTES_PER_PUT);
      for (const r of call.Records ?? [])
        expect(r.Data!.length + r.PartitionKey!.length).toBeLessThanOrEqual(KINESIS_MAX_RECORD_BYTES);
      // At most one record per channel per call: the ordering guarantee under partial failure.
      const keys = (call.Records ?? []).map((r) => r.PartitionKey);
      expect(new Set(keys).size).toBe(keys.length);
    }
    const published = calls.flatMap((c) => (c.Records ?? []).flatMap((r) => decodeFeedRecord(r.Data!)));
    expect(published).toHaveLength(24);
  });

  it('resends only the refused records, after a full-jitter back-off', async () => {
    const { client, calls } = scriptedClient((input, call) =>
      (input.Records ?? []).map((r) => (call === 1 && r.PartitionKey === 'b' ? 'refuse' : {})),
    );
    const { sleeper, sleeps } = recordingSleeper();
    const publisher = new KinesisFeedPublisher(client, 'feed', {
      sleeper,
      signalPartitions: 1,
      backoff: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 },
    });
    await publisher.publish([chat('a', 1), chat('b', 1), chat('c', 1)]);
    expect(calls.map((c) => c.Records!.map((r) => r.PartitionKey))).toEqual([['a', 'b', 'c'], ['b']]);
    // Full jitter: random (0.999 here) × min(cap, base·2^retry) = just under 200 ms for the first retry.
    expect(sleeps).toEqual([199]);
  });

  it('holds a channel’s next record back until the refused one is in', async () => {
    // Channel a spans two records (tiny record cap); its first record is refused twice.
    let refusals = 2;
    const { client, calls } = scriptedClient((input) =>
      (input.Records ?? []).map((r) => {
        const items = decodeFeedRecord(r.Data!);
        if (refusals > 0 && items.some((i) => i.kind === 'signal' && i.signal === 'CHAT' && i.messageId === 'a-1')) {
          refusals--;
          return 'refuse';
        }
        return {};
      }),
    );
    const publisher = new KinesisFeedPublisher(client, 'feed', {
      sleeper: new FakeClock(),
      maxRecordBytes: 300,
      signalPartitions: 1,
    });
    await publisher.publish([chat('a', 1, 100), chat('a', 2, 100), chat('b', 1, 100)]);
    const accepted = calls.flatMap((c) =>
      c.Records!.flatMap((r) =>
        decodeFeedRecord(r.Data!).map((i) => (i.kind === 'signal' && i.signal === 'CHAT' ? i.messageId : '')),
      ),
    );
    // a-2 is sent only after a-1 got through (calls 1–2 carry a-1 alone for channel a).
    expect(calls.map((c) => c.Records!.length)).toEqual([2, 1, 1, 1]);
    expect(accepted.filter((m) => m.startsWith('a-'))).toEqual(['a-1', 'a-1', 'a-1', 'a-2']);
  });

  it('treats a failed call (after the SDK’s own retries) as all entries refused, then names the count in PublishError', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const { client, calls } = scriptedClient(() => throttled);
    const publisher = new KinesisFeedPublisher(client, 'feed', {
      sleeper: new FakeClock(),
      signalPartitions: 1,
      backoff: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 10 },
    });
    const error = await publisher.publish([chat('a', 1), chat('a', 2), chat('b', 1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).message).toMatch(
      /3 of 3 feed items \(2 channel\(s\)\).*after 3 attempts.*ProvisionedThroughputExceededException/,
    );
    expect((error as PublishError).failed).toHaveLength(3);
    expect(calls).toHaveLength(3);
  });

  it('does not retry a call the service refuses as invalid', async () => {
    const invalid = Object.assign(new Error('Stream feed not found'), {
      name: 'ResourceNotFoundException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    const { client, calls } = scriptedClient(() => invalid);
    const publisher = new KinesisFeedPublisher(client, 'feed', { sleeper: new FakeClock(), signalPartitions: 1 });
    await expect(publisher.publish([chat('a', 1)])).rejects.toThrow(/ResourceNotFoundException/);
    expect(calls).toHaveLength(1);
  });
});
