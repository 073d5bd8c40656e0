import type { EventSourceStats } from '../batch-handler.js';
import { noActivity } from '../batch-handler.js';
import type { StreamEventSource } from '../stream-event-source.js';

/** A mapping over a mirror, as the local runtime runs its event sources. */
export interface MirroredEventSource {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
  stats(): EventSourceStats;
  isIdle(): boolean;
}

/** One event source mapping made of a mirror (real stream → local log) and the local stream event source over it. */
export const mirrored = <R, E>(
  name: string,
  mirror: {
    start(): void | Promise<void>;
    stop(): Promise<void>;
    caughtUp(): boolean;
    handled?(shard: number, records: readonly R[]): void;
  },
  source: () => StreamEventSource<R, E>,
  onError: (error: unknown) => void,
): MirroredEventSource => {
  let inner: StreamEventSource<R, E> | undefined;
  let stopped = false;
  let started: Promise<void> = Promise.resolve();
  return {
    name,
    start: () => {
      // The mirror must know its shards before the event source over it starts. Listing them
      // can fail (an emulator still starting): retry with back-off until it works or we stop.
      started = (async () => {
        for (let attempt = 0; !stopped; attempt++) {
          try {
            await mirror.start();
            break;
          } catch (error) {
            onError(error);
            const until = Date.now() + Math.min(5_000, 200 * 2 ** attempt);
            while (!stopped && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
          }
        }
        if (stopped) return;
        inner = source();
        // The mirror saves its position (with a data dir) once the handler is done with records.
        const handled = mirror.handled?.bind(mirror);
        if (handled) inner.onHandled(handled);
        inner.start();
      })();
    },
    stop: async () => {
      stopped = true;
      await started;
      await inner?.stop();
      await mirror.stop();
    },
    stats: () => inner?.stats() ?? { ...noActivity(), backlog: 0 },
    isIdle: () => inner !== undefined && mirror.caughtUp() && inner.isIdle(),
  };
};
