import { z } from 'zod';
import { FeedItem } from '../../domain/live-feed/feed-item.js';

/**
 * The data of one live-feed Kinesis record. The Kinesis publisher packs the consecutive items
 * of one channel into one record, `{"items":[…]}` (aggregation, as the KPL does): a record is
 * accepted or refused whole, so a partial PutRecords failure can never let a later item of a
 * channel overtake an earlier one, and a stampede spends far fewer of a shard's 1,000
 * records/s. A bare FeedItem (one per record, as the in-memory twin writes) decodes too.
 */
const AggregatedRecord = z.object({ items: z.array(FeedItem).min(1) });

/**
 * The data of one feed record as a schema, for a Powertools parser `innerSchema`: parses to the
 * record's items, in order, whichever of the two shapes it has.
 */
export const FeedRecordData = z.union([
  AggregatedRecord.transform((record) => record.items),
  FeedItem.transform((item) => [item]),
]);

export const encodeFeedRecord = (items: readonly FeedItem[]): string => JSON.stringify({ items });

/** The items of one record, in order; throws an error naming the bad field for anything else. */
export const decodeFeedRecord = (data: string | Uint8Array): FeedItem[] => {
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`feed record is not JSON: ${text.slice(0, 80)}`, { cause: error });
  }
  const schema = typeof json === 'object' && json !== null && 'items' in json ? AggregatedRecord : FeedItem;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`feed record is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`, {
      cause: parsed.error,
    });
  }
  return 'items' in parsed.data ? parsed.data.items : [parsed.data];
};
