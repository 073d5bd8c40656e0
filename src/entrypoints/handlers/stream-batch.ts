import type { PartialItemFailureResponse } from '@aws-lambda-powertools/batch/types';

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
export const reasonOf = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
