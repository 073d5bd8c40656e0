import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { StreamRecord } from '../in-memory/feed-publisher-adapter-in-memory.js';
import type { StreamRecordFormat } from './stream-event-source.js';

/** Kinesis records as Lambda delivers them: data base64-encoded, one event per shard batch. */
export const kinesisRecordFormat = (
  streamArn: string,
  region = 'local',
): StreamRecordFormat<StreamRecord, KinesisStreamEvent> => ({
  identifierOf: (record) => record.sequenceNumber,
  toEvent: (records, shard) => ({
    Records: records.map((r): KinesisStreamRecord => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: r.partitionKey,
        sequenceNumber: r.sequenceNumber,
        data: Buffer.from(r.data, 'utf8').toString('base64'),
        approximateArrivalTimestamp: r.approximateArrivalTimestamp,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-${String(shard).padStart(12, '0')}:${r.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/stampede-local',
      awsRegion: region,
      eventSourceARN: streamArn,
    })),
  }),
});
