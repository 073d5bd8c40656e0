import type { SQSRecord } from 'aws-lambda';
import type { z } from 'zod';

/**
 * A queue record that is not what its consumer accepts. Thrown inside a batch record handler
 * it marks that one record failed: SQS redelivers it until the queue's maxReceiveCount, then
 * moves it to the DLQ, where the message names the faulty field.
 */
export class InvalidRecordError extends Error {
  override readonly name = 'InvalidRecordError';
  constructor(
    readonly messageId: string,
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`record ${messageId} rejected: ${issues.join('; ')}`, options);
  }
}

/** Parses an SQS record's JSON body with `schema`, or throws `InvalidRecordError` naming each bad field. */
export const parseRecordBody = <S extends z.ZodType>(
  schema: S,
  record: Pick<SQSRecord, 'messageId' | 'body'>,
): z.infer<S> => {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch (error) {
    throw new InvalidRecordError(record.messageId, ['body is not JSON'], { cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'body'}: ${i.message}`);
    throw new InvalidRecordError(record.messageId, issues, { cause: parsed.error });
  }
  return parsed.data;
};

/** The logger calls the handlers make (Powertools `Logger` fits). */
export interface HandlerLogger {
  debug(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}
