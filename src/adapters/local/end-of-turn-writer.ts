import type { ServerResponse } from 'node:http';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { writeHttpApiResult } from './http-api-event.js';

/**
 * Writes the answers that are ready in one turn of the event loop together, at the end of that
 * turn (`setImmediate`), instead of one socket write the moment each is ready.
 *
 * Why: when the local server is the busy side of a rush, its clients are idle between answers,
 * and each answer written alone wakes one of them. A CPU profile of the booking spike put 30 %
 * of the server's time during the bursts in the socket writes, ~26 µs per answer against ~7 µs
 * for the same write from a server that is not the bottleneck. Written back to back, the first
 * answer wakes the client and the rest reach it awake. Measured on the booking-spike bench (three
 * runs each way, alternating): the writes fell from 30 % to 10 % of the server's time during the
 * bursts, and the median burst rose from 10.9–13.0k to 13.8–16.6k accepted requests/s
 * (docs/PERFORMANCE.md, "Round 2, third pass"). An answer waits at most for the rest of the turn
 * it became ready in (microseconds when the server is idle).
 *
 * Hand-written: nothing in node:http coalesces writes across connections.
 */
export class EndOfTurnWriter {
  private pending: Array<{ readonly res: ServerResponse; readonly result: APIGatewayProxyResultV2 }> = [];
  private scheduled = false;

  /** `onError`: a result that cannot be written (e.g. a header value Node refuses); the response is still open. */
  constructor(private readonly onError: (res: ServerResponse, error: unknown) => void) {}

  write(res: ServerResponse, result: APIGatewayProxyResultV2): void {
    this.pending.push({ res, result });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (const { res, result } of batch) {
      // The client left (or the server is stopping) while the answer waited: nobody to tell.
      if (res.destroyed || res.writableEnded) continue;
      try {
        writeHttpApiResult(res, result);
      } catch (error) {
        this.onError(res, error);
      }
    }
  };
}
