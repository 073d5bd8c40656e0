import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '../../domain/shared/envelope.js';
import { fromEventItem } from './event-item.js';

export interface EventLogScanOptions {
  /** Items per Scan page (DynamoDB also stops a page at 1 MB). */
  readonly pageSize?: number;
}

/**
 * Every event in the events table, a Scan page at a time (in no particular order: callers that
 * need stream order sort, as `factsFromStoredEvents` does). For operator tools that rebuild a
 * read model from the log — never for a request path: a Scan reads the whole table. Each item
 * is read through the envelope schema, so a malformed one stops the scan naming its stream and
 * version.
 */
export async function* scanEventLog(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: EventLogScanOptions = {},
): AsyncGenerator<EventEnvelope[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        Limit: options.pageSize ?? 1_000,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    yield (page.Items ?? []).map(fromEventItem);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
