import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_CHANNELS } from '../../../src/entrypoints/demo/demo-catalogue.js';
import { LOCAL_FEATURES } from '../../../src/entrypoints/local/local-features.js';
import { startLocalRuntime, type LocalRuntime } from '../../../src/entrypoints/local/runtime.js';

/**
 * Ten minutes of `npm start`'s demo on a fake clock: the runtime (handlers, queues with their
 * delays and visibility timeouts, event sources) and the demo's simulated users all run on
 * vitest's fake timers and Date, while sockets and HTTP stay real. The clock moves in 200 ms
 * steps and each step lets real I/O run, so what takes ten minutes of wall time in `npm start`
 * takes seconds here (about 12 s on 2 busy cores), and it shows what a person watching the live
 * room would see over those ten minutes: auctions close and the next ones open, and the
 * auction-close queue stays small.
 */
const SIMULATED_MS = 10 * 60_000;
const STEP_MS = 200;
const SAMPLE_EVERY_MS = 5_000;

const realTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Waits for real I/O (an HTTP answer) while the fake clock creeps, so timers it needs fire too. */
const settle = async <T>(work: Promise<T>): Promise<T> => {
  let done = false;
  const watched = work.finally(() => (done = true));
  while (!done) {
    await realTurn();
    if (!done) await vi.advanceTimersByTimeAsync(5);
  }
  return watched;
};

interface AuctionAnswer {
  auctionId: string;
  status: 'OPEN' | 'CLOSED';
  endsAt: number;
  latestEndsAt: number;
  maxExtensionMs: number;
  closedAt: number | null;
}

const auctionChannels = DEMO_CHANNELS.filter((c) => c.auction !== null).map((c) => c.channelId);

describe('the demo over ten simulated minutes (fake clock)', () => {
  let runtime: LocalRuntime;
  const seen = new Map<string, Set<string>>(auctionChannels.map((c) => [c, new Set<string>()]));
  const backlog: number[] = [];
  let auctions: AuctionAnswer[] = [];

  const getJson = async <T>(path: string): Promise<T> =>
    settle(fetch(`${runtime.url}${path}`).then((r) => r.json() as Promise<T>));

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    runtime = await settle(
      startLocalRuntime({
        port: 0,
        demo: true,
        seed: 7,
        progressIntervalMs: 0,
        logLevel: 'ERROR',
        // The pages are not needed to watch the API (and their build is real I/O that does not tick).
        extensions: LOCAL_FEATURES.filter((f) => f.name !== 'pages'),
      }),
    );
    const closeSource = runtime.eventSources.find((s) => s.name === 'auction-close');
    if (!closeSource) throw new Error('no auction-close event source');

    for (let elapsed = 0; elapsed < SIMULATED_MS; elapsed += STEP_MS) {
      await vi.advanceTimersByTimeAsync(STEP_MS);
      for (let i = 0; i < 3; i++) await realTurn();
      if (elapsed % SAMPLE_EVERY_MS === 0) {
        backlog.push(closeSource.stats().backlog);
        for (const channelId of auctionChannels) {
          const snapshot = await getJson<{ openAuctions?: string[] }>(`/api/channels/${channelId}`);
          for (const id of snapshot.openAuctions ?? []) seen.get(channelId)?.add(id);
        }
      }
    }
    auctions = await Promise.all(
      [...seen.values()].flatMap((ids) => [...ids]).map((id) => getJson<AuctionAnswer>(`/api/auctions/${id}`)),
    );
  }, 600_000);

  afterAll(async () => {
    if (runtime) await settle(runtime.stop());
    vi.useRealTimers();
  }, 120_000);

  it('closes auctions and opens the next ones on every auction channel', () => {
    for (const channelId of auctionChannels) {
      const ids = [...(seen.get(channelId) ?? [])];
      const closed = auctions.filter((a) => ids.includes(a.auctionId) && a.status === 'CLOSED');
      // A lot lasts 75 s, up to 60 s more of anti-sniping, then 6 s until the next: at least 4 in 10 minutes.
      expect(ids.length, `${channelId}: lots seen`).toBeGreaterThanOrEqual(4);
      expect(closed.length, `${channelId}: lots closed`).toBeGreaterThanOrEqual(3);
    }
  });

  it('closes each one at its end, within the bound on extensions', () => {
    const closed = auctions.filter((a) => a.status === 'CLOSED');
    for (const a of closed) {
      expect(a.endsAt).toBeLessThanOrEqual(a.latestEndsAt);
      expect(a.closedAt).toBeGreaterThanOrEqual(a.endsAt);
      // The close message waits for the end; the queue polls at least every second.
      expect((a.closedAt ?? 0) - a.endsAt).toBeLessThan(10_000);
    }
  });

  it('sees both endings: bidders who stop before the final seconds, and a bidding war the bound ends', () => {
    const closed = auctions.filter((a) => a.status === 'CLOSED');
    const onTime = closed.filter((a) => a.endsAt === a.latestEndsAt - a.maxExtensionMs);
    const atTheBound = closed.filter((a) => a.endsAt === a.latestEndsAt);
    expect(onTime.length, 'closed on time, never extended').toBeGreaterThan(0);
    expect(atTheBound.length, 'extended up to the bound').toBeGreaterThan(0);
  });

  it('keeps the auction-close backlog bounded: one message per open auction, never a pile', () => {
    expect(backlog.length).toBeGreaterThanOrEqual(SIMULATED_MS / SAMPLE_EVERY_MS - 1);
    // Each open auction has one close message waiting (delayed to its end); a superseded one is
    // deleted when its replacement is sent, so the queue never holds more than a couple per channel.
    expect(Math.max(...backlog)).toBeLessThanOrEqual(2 * auctionChannels.length);
  });
});
