import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { PartialItemFailureResponse } from '@aws-lambda-powertools/batch/types';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { KinesisDataStreamRecord, KinesisDataStreamRecordPayload } from '@aws-lambda-powertools/parser/schemas/kinesis';
import type { Context, DynamoDBRecord, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
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

/** A Kinesis stream batch parsed up to its first bad record. */
export interface KinesisPrefix<D> {
  /** Every record's sequence number, in batch order. */
  readonly sequences: readonly string[];
  /** Index of the first record that did not parse (`sequences.length`: none). */
  readonly cut: number;
  /** The parsed `data` of each record before `cut`, keyed by sequence number. */
  readonly data: ReadonlyMap<string, D>;
  /** The parsed `data` of the records before `cut`, in batch order. */
  readonly prefix: readonly D[];
}

/**
 * Parses a Kinesis batch with a Powertools `BatchProcessor` against `schema` (a
 * `kinesisRecordWithData`), and logs the first record that does not parse (Lambda retries it,
 * then sends it to the on-failure destination): what every Kinesis consumer here does before
 * acting on the prefix.
 */
export const parseKinesisPrefix = async <D>(
  event: KinesisStreamEvent,
  schema: z.ZodType,
  options: { context: Context | undefined; logger: { error(message: string, fields: object): void }; invalid: string },
): Promise<KinesisPrefix<D>> => {
  const data = new Map<string, D>();
  const processor = new BatchProcessor(EventType.KinesisDataStreams, { parser, schema });
  const response = await processPartialResponse(
    event,
    async (record: KinesisStreamRecord) => {
      data.set(record.kinesis.sequenceNumber, (record.kinesis as unknown as { data: D }).data);
    },
    processor,
    {
      ...(options.context ? { context: options.context } : {}),
      processInParallel: false,
      throwOnFullBatchFailure: false,
    },
  );
  const sequences = event.Records.map((r) => r.kinesis.sequenceNumber);
  const cut = firstFailedIndex(sequences, response);
  if (cut < sequences.length) {
    options.logger.error(`${options.invalid}; Lambda retries it, then sends it to the on-failure destination`, {
      sequenceNumber: sequences[cut],
      reason: processor.errors[0] ? reasonOf(processor.errors[0]) : 'unknown',
    });
  }
  return { sequences, cut, data, prefix: sequences.slice(0, cut).map((seq) => data.get(seq) as D) };
};
