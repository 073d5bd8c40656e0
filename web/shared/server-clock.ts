import { apiUrl } from './config.js';

/**
 * The server's clock as seen from this page. Countdowns are computed from the auction's end
 * time (server clock) and this offset, never ticked by the server: a viewer's own clock may be
 * minutes off, and a tick per second per viewer would cost a WebSocket post each.
 *
 * The offset is measured like NTP does: ask the server for its time, assume it answered half
 * way through the round trip, keep the sample with the shortest round trip (the least
 * uncertain). The server time comes from `serverTime` in the answer when the API sends one,
 * else from the `Date` header (1 s resolution; needs `access-control-expose-headers: date`
 * cross-origin).
 */
export interface ServerClock {
  /** The server's current time in epoch ms. */
  now(): number;
  /** Server minus local time, in ms. */
  readonly offsetMs: number;
  /** Half the best round trip: how far off the offset may be. */
  readonly uncertaintyMs: number;
}

let offsetMs = 0;
let uncertaintyMs = Number.POSITIVE_INFINITY;

export const serverClock: ServerClock = {
  now: () => Date.now() + offsetMs,
  get offsetMs() {
    return offsetMs;
  },
  get uncertaintyMs() {
    return uncertaintyMs;
  },
};

/** Feeds one measurement (e.g. a `serverTime` carried by a snapshot or frame). */
export const observeServerTime = (serverTime: number, sentAt: number, receivedAt: number): void => {
  const half = Math.max(0, receivedAt - sentAt) / 2;
  if (!Number.isFinite(serverTime) || half > uncertaintyMs) return;
  uncertaintyMs = half;
  offsetMs = serverTime + half - receivedAt;
};

const serverTimeOf = async (response: Response): Promise<number | null> => {
  try {
    const body = (await response.clone().json()) as { serverTime?: unknown; now?: unknown };
    const value = body.serverTime ?? body.now;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  } catch {
    // not JSON: fall back to the header
  }
  const date = response.headers.get('date');
  // The Date header is truncated to the second: its middle is the best estimate.
  return date ? Date.parse(date) + 500 : null;
};

/** Takes a few samples from `GET /api/health`; resolves once done (failures keep the local clock). */
export const syncServerClock = async (samples = 3): Promise<ServerClock> => {
  for (let i = 0; i < samples; i++) {
    try {
      const sentAt = Date.now();
      const response = await fetch(apiUrl('/api/health'), { cache: 'no-store' });
      const receivedAt = Date.now();
      const serverTime = await serverTimeOf(response);
      if (serverTime !== null) observeServerTime(serverTime, sentAt, receivedAt);
    } catch {
      // offline for a moment: the next sync (or the local clock) will do
    }
  }
  return serverClock;
};
