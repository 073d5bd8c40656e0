import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { BeaconHit, RouteBeats } from '../../application/presence-stream/route-beats.js';
import { parseBeaconLogLine } from './beacon-log-line.js';
import type { HandlerLogger } from './sqs-record-body.js';
import { reasonOf, resumeAt } from './stream-batch.js';

export interface BeatRouterHandlerDeps {
  readonly routeBeats: RouteBeats;
  readonly logger: HandlerLogger;
}

/**
 * The `beat-router` Lambda: CloudFront real-time log records (beacon-log stream) → beacon hits
 * with a valid token → presence stream. A line that is not a valid beacon (anyone can call
 * `/beat`; the edge answers 204 to everything) is counted and dropped, never retried: retrying
 * would block the shard on garbage. If the presence stream refuses the beats after the
 * adapter's retries, the whole batch comes back; re-routing a beat is harmless (duplicates
 * change nothing downstream).
 */
export const makeBeatRouterHandler =
  (deps: BeatRouterHandlerDeps) =>
  async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const hits: BeaconHit[] = [];
    const rejected: Record<string, number> = {};
    for (const record of event.Records) {
      const text = Buffer.from(record.kinesis.data, 'base64').toString('utf8');
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const parsed = parseBeaconLogLine(line);
        if (parsed.ok) hits.push(parsed.hit);
        else rejected[parsed.reason] = (rejected[parsed.reason] ?? 0) + 1;
      }
    }
    try {
      const { routed, forged } = await deps.routeBeats(hits);
      if (forged > 0 || Object.keys(rejected).length > 0)
        deps.logger.warn('beacon lines dropped', { forged, rejected });
      deps.logger.debug('beats routed', { records: event.Records.length, routed });
      return resumeAt(undefined);
    } catch (error) {
      deps.logger.error('routing beats to the presence stream failed; the batch is retried', {
        reason: reasonOf(error),
      });
      return resumeAt(event.Records[0]?.kinesis.sequenceNumber);
    }
  };
export type BeatRouterHandler = ReturnType<typeof makeBeatRouterHandler>;
