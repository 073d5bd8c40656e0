import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { eventsTable } from '../../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../../src/adapters/dynamodb/table-provisioning.js';
import { ensureStream } from '../../../src/adapters/kinesis/stream-provisioning.js';
import { DynamoDbStreamMirror } from '../../../src/adapters/local/pollers/dynamodb-stream-mirror.js';
import { KinesisStreamMirror } from '../../../src/adapters/local/pollers/kinesis-stream-mirror.js';
import { FileShardCheckpoints } from '../../../src/adapters/local/pollers/shard-checkpoints.js';
import { emulatorClients, uniqueName } from '../../support/emulators/aws-clients.js';

const { dynamodb, dynamodbStreams, kinesis } = emulatorClients();
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
const checkpointDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stampede-stream-checkpoints-'));
  dirs.push(dir);
  return dir;
};
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await delay(50);
  expect(check()).toBe(true);
};

/**
 * A poller that restarts resumes after the last record its handler finished with: the records
 * handled before are not fed again, the ones copied but not handled are fed again, none skipped.
 */
describe('stream pollers resume from their checkpoints (DynamoDB Local, kinesalite)', () => {
  it('DynamoDB Streams: a new mirror on the same checkpoints starts after the last handled record', async () => {
    const table = uniqueName('events');
    const { streamArn } = await ensureTable(dynamodb, table, eventsTable);
    const dir = await checkpointDir();
    const put = (i: number) =>
      dynamodb.send(new PutItemCommand({ TableName: table, Item: { streamId: { S: `s-${i}` }, version: { N: '1' } } }));
    for (let i = 1; i <= 5; i++) await put(i);

    const first = new DynamoDbStreamMirror(dynamodbStreams, streamArn!, {
      idlePollMs: 50,
      describeEveryMs: 100,
      checkpoints: FileShardCheckpoints.in(dir, 'relay'),
    });
    first.start();
    await until(() => first.log.length(0) === 5);
    // The handler finished with three of the five, then the process went away.
    first.handled(0, first.log.read(0, 0, 3));
    await first.stop();

    await put(6);
    const second = new DynamoDbStreamMirror(dynamodbStreams, streamArn!, {
      idlePollMs: 50,
      describeEveryMs: 100,
      checkpoints: FileShardCheckpoints.in(dir, 'relay'),
    });
    second.start();
    await until(() => second.log.length(0) === 3);
    await delay(300); // nothing more arrives: the handled three are not fed again
    await second.stop();
    expect(second.log.read(0, 0, 10).map((r) => r.dynamodb?.Keys?.['streamId']?.S)).toEqual(['s-4', 's-5', 's-6']);
  });

  it('Kinesis: each shard resumes after its own last handled record', async () => {
    const stream = uniqueName('feed');
    await ensureStream(kinesis, stream, 2);
    const dir = await checkpointDir();
    const put = async (from: number, to: number) => {
      const keys = Array.from({ length: to - from + 1 }, (_, i) => from + i);
      // Explicit hash keys at both ends of the key space put records on both shards.
      await kinesis.send(
        new PutRecordsCommand({
          StreamName: stream,
          Records: keys.map((n) => ({
            Data: Buffer.from(String(n)),
            PartitionKey: `k${n}`,
            ExplicitHashKey: n % 2 === 0 ? '0' : '340282366920938463463374607431768211455',
          })),
        }),
      );
    };
    await put(1, 8);

    const first = new KinesisStreamMirror(kinesis, stream, {
      idlePollMs: 50,
      checkpoints: FileShardCheckpoints.in(dir, 'fanout'),
    });
    await first.start();
    await until(() => first.log.length(0) + first.log.length(1) === 8);
    // Log shard 0: two of its four handled; shard 1: none.
    const before = (shard: number) => first.log.read(shard, 0, 20).map((r) => Number(r.data));
    const [shard0, shard1] = [before(0), before(1)];
    expect(shard0).toHaveLength(4);
    first.handled(0, first.log.read(0, 0, 2));
    await first.stop();

    await put(9, 10);
    const second = new KinesisStreamMirror(kinesis, stream, {
      idlePollMs: 50,
      checkpoints: FileShardCheckpoints.in(dir, 'fanout'),
    });
    await second.start();
    await until(() => second.log.length(0) + second.log.length(1) === 8);
    await delay(300);
    await second.stop();
    const after = (shard: number) => second.log.read(shard, 0, 20).map((r) => Number(r.data));
    // 9 and 10 land on the shards of their parity, as 1..8 did.
    const sameParity = (list: number[], n: number) => (list[0] ?? 0) % 2 === n % 2;
    expect(after(0)).toEqual([...shard0.slice(2), ...[9, 10].filter((n) => sameParity(shard0, n))]);
    expect(after(1)).toEqual([...shard1, ...[9, 10].filter((n) => sameParity(shard1, n))]);
  });

  it('a checkpointing mirror stops copying while too many records wait for the handler', async () => {
    const table = uniqueName('events');
    const { streamArn } = await ensureTable(dynamodb, table, eventsTable);
    const put = (i: number) =>
      dynamodb.send(new PutItemCommand({ TableName: table, Item: { streamId: { S: `s-${i}` }, version: { N: '1' } } }));
    for (let i = 1; i <= 3; i++) await put(i);
    const mirror = new DynamoDbStreamMirror(dynamodbStreams, streamArn!, {
      idlePollMs: 50,
      describeEveryMs: 100,
      checkpoints: FileShardCheckpoints.in(await checkpointDir(), 'relay'),
      maxAhead: 2,
    });
    mirror.start();
    await until(() => mirror.log.length(0) === 3);
    for (let i = 4; i <= 5; i++) await put(i);
    await delay(500);
    expect(mirror.log.length(0)).toBe(3); // paused: three copied, none handled
    mirror.handled(0, mirror.log.read(0, 0, 3));
    await until(() => mirror.log.length(0) === 5);
    await mirror.stop();
  });
});
