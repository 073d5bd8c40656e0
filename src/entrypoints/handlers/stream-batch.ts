import type { PartialItemFailureResponse } from '@aws-lambda-powertools/batch/types';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { KinesisDataStreamRecord, KinesisDataStreamRecordPayload } from '@aws-lambda-powertools/parser/schemas/kinesis';
import type { DynamoDBRecord } from 'aws-lambda';
import { z } from 'zod';

/**
 * A whole Kinesis record schema whose `kinesis.data` is base64 JSON parsed by `data`, for a
 * Powertools `BatchProcessor` `schema`. Build it once, at module load: Powertools' `innerSchema`
 * + `transformer: 'base64'` rebuilds the extended schema for every record and tries to gunzip
 * every payload first (its helper also accepts compressed CloudWatch Logs data), measured at
 * ~150 µs–3 ms per record, most of a batch's budget; base64 → JSON → zod costs ~25 µs.
 */
export const kinesisRecordWithData = <S extends z.ZodType>(data: S) =>
  KinesisDataStreamRecord.extend({
    kinesis: KinesisDataStreamRecordPayload.extend({
      data: z
        .base64('data is not base64')
        .transform((b64) => Buffer.from(b64, 'base64').toString('utf8'))
        .pipe(JSONStringified(data)),
    }),
  });

/**
 * Stream event sources (Kinesis, DynamoDB Streams) keep order per shard: after a partial
 * failure Lambda checkpoints before the LOWEST failed sequence number and resumes there, so
 * every record after it comes back anyway. A stream handler therefore acts only on the prefix
 * before the first failure, and reports exactly that one record.
 */
export const firstFailedIndex = (identifiers: readonly string[], response: PartialItemFailureResponse): number => {
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const at = identifiers.findIndex((id) => failed.has(id));
  return at === -1 ? identifiers.length : at;
};

/** The partial batch response that makes Lambda resume at `identifier` (or at nothing: all done). */
export const resumeAt = (identifier: string | undefined): PartialItemFailureResponse => ({
  batchItemFailures: identifier === undefined ? [] : [{ itemIdentifier: identifier }],
});

/** A short, loggable reason for a failed record. */
export const reasonOf = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * The parts of a DynamoDB Streams record the events table's consumers (relay, integration
 * publisher) rely on; the image itself is checked by their decoder.
 */
export const DynamoDbStreamRecordShape = z.object({
  eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
  dynamodb: z.object({ SequenceNumber: z.string().min(1), NewImage: z.record(z.string(), z.unknown()).optional() }),
});

/** A DynamoDB Streams record's identifier in partial batch responses. */
export const dynamoDbSequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';
