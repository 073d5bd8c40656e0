import type { AddressInfo } from 'node:net';
import { beatUrl, type BeaconGrant } from '../../client/beacon.js';
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { Server } from 'node:http';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DEMO_CHANNELS, DEMO_NAMES, DEMO_OPERATOR, demoTrips, type DemoChannel } from './demo-catalogue.js';

/** Where the demo's simulated users find the runtime, once `server` listens. */
export interface DemoDriverOptions {
  readonly server: Server;
  readonly host: string;
  readonly wsPath: string;
  /** The trip the demo books on (the runtime's `defaultTripId`). */
  readonly defaultTripId: string;
  readonly logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
}

/** Presence: the players' heartbeat period (F5). */
const HEARTBEAT_MS = 5_000;
const AUCTION_SECONDS = 75;
/** Anti-sniping: a bid in the last 10 s moves the end 10 s past it, by at most this much in all. */
const EXTEND_WINDOW_SECONDS = 10;
const MAX_EXTENSION_SECONDS = 60;
const PAUSE_BETWEEN_AUCTIONS_MS = 6_000;
/** The demo never runs more simulated sockets than this, whatever the catalogue says. */
const MAX_VIEWERS = 32;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown> | null;
}

interface SimViewer {
  readonly name: string;
  /** Null until its token arrived and the socket was opened. */
  socket: WebSocket | null;
  timer: ReturnType<typeof setInterval> | null;
  /** Sends the end beacon when it beats over the beacon (leaving then stops the count at once). */
  end?: () => void;
}

/**
 * Demo mode for `npm start`: live channels with products, back-to-back auctions with
 * simulated bidders (each bid at least the minimum next bid), price changes, chatters,
 * likers and a drifting audience of viewers whose heartbeats make the viewer counts move, and
 * trips with a trickle of bookings. Everything goes through the runtime's own edges — the
 * HTTP API and real WebSocket connections (identified with `?userId=`) — so the demo runs
 * the very handlers, queues and consumers a user's requests run.
 *
 * Cheap on purpose: at most 32 sockets, one timer per actor with a period of seconds.
 */
export class DemoDriver {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly audiences = new Map<string, SimViewer[]>();
  private stopped = false;
  private baseUrl = '';
  private wsUrl = '';
  /** Tokens from the local development issuer, per simulated user. */
  private readonly tokens = new Map<string, { readonly token: string; readonly expiresAt: number }>();
  /** False once the runtime answered that it has no development issuer (then nobody sends tokens). */
  private issuerAvailable = true;

  constructor(
    private readonly options: DemoDriverOptions,
    private readonly random: () => number,
  ) {}

  /** Seeds the catalogue, then starts every actor. Resolves once seeding is done. */
  async start(): Promise<void> {
    const address = this.options.server.address() as AddressInfo;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    this.baseUrl = `http://${host}:${address.port}`;
    this.wsUrl = `ws://${host}:${address.port}${this.options.wsPath}`;
    await this.seed();
    if (this.stopped) return;
    for (const channel of DEMO_CHANNELS) {
      // Start with the smallest audience, staggered, so the counts are there when the page opens.
      const viewers: SimViewer[] = [];
      this.audiences.set(channel.channelId, viewers);
      for (let i = 0; i < channel.audience[0]; i++) this.later(() => this.join(channel, viewers), 150 * i);
      this.every(() => this.driftAudience(channel), 2_000, 5_000);
      this.every(() => this.chat(channel), 3_000, 9_000);
      this.every(() => this.like(channel), 1_500, 4_000);
      if (channel.auction) void this.runAuctions(channel, 0);
    }
    this.every(() => this.changeAPrice(), 12_000, 25_000);
    this.every(() => this.bookASeat(), 4_000, 10_000);
    this.options.logger.info('demo running', { channels: DEMO_CHANNELS.length, url: `${this.baseUrl}/` });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const viewers of this.audiences.values()) for (const v of viewers.splice(0)) this.leave(v);
  }

  // ---- seeding ----

  private async seed(): Promise<void> {
    for (const c of DEMO_CHANNELS) {
      // The seller is whoever schedules the channel (the token's subject); sellerId is for runtimes without tokens.
      await this.call(
        'POST',
        '/api/channels',
        { channelId: c.channelId, sellerId: c.sellerId, title: c.title, currency: 'KRW' },
        c.sellerId,
      );
      await this.call('POST', `/api/channels/${c.channelId}/start`, undefined, c.sellerId);
      for (const p of c.products)
        await this.call('POST', `/api/channels/${c.channelId}/products`, { ...p, currency: 'KRW' }, c.sellerId);
    }
    const now = Date.now();
    for (const t of demoTrips(this.options.defaultTripId)) {
      const departsAt = Math.ceil((now + t.departsInHours * 3_600_000) / 1_800_000) * 1_800_000; // on the half hour
      await this.call(
        'POST',
        '/api/trips',
        { tripId: t.tripId, route: t.route, departsAt, capacity: t.capacity, maxSeatsPerBooking: t.maxSeatsPerBooking },
        DEMO_OPERATOR,
      );
    }
  }

  // ---- auctions: open, bid until closed, pause, next product ----

  private async runAuctions(channel: DemoChannel, round: number): Promise<void> {
    const terms = channel.auction;
    if (!terms || this.stopped) return;
    const productId = terms.productIds[round % terms.productIds.length] as string;
    const auctionId = `${channel.channelId}-auction-${Date.now().toString(36)}`;
    const opened = await this.call(
      'POST',
      `/api/channels/${channel.channelId}/auctions`,
      {
        auctionId,
        productId,
        startingPrice: terms.startingPrice,
        minIncrement: terms.minIncrement,
        durationSeconds: AUCTION_SECONDS,
        extendWindowSeconds: EXTEND_WINDOW_SECONDS,
        extendBySeconds: 10,
        maxExtensionSeconds: MAX_EXTENSION_SECONDS,
      },
      channel.sellerId,
    );
    if (opened.status !== 201) {
      this.later(() => void this.runAuctions(channel, round + 1), PAUSE_BETWEEN_AUCTIONS_MS);
      return;
    }
    // Every other lot the room loses interest before the final seconds: nobody bids inside the
    // anti-sniping window, so it closes on time and the next lot opens. The others end in a
    // bidding war that only the extension bound (MAX_EXTENSION_SECONDS) stops.
    const quietFinish = round % 2 === 1;
    const bid = async (): Promise<void> => {
      const auction = await this.call('GET', `/api/auctions/${auctionId}`);
      const status = auction.body?.['status'];
      if (status === 'CLOSED') {
        this.later(() => void this.runAuctions(channel, round + 1), PAUSE_BETWEEN_AUCTIONS_MS);
        return;
      }
      const endsAt = Number(auction.body?.['endsAt'] ?? 0);
      const minimum = Number(auction.body?.['minimumNextBid'] ?? 0);
      const highest = (auction.body?.['highest'] as { bidderId?: string } | null)?.bidderId;
      // Bid while it runs (sniping near the end extends it, up to the bound); wait for the close after.
      const stopAt = quietFinish ? endsAt - (EXTEND_WINDOW_SECONDS + 1) * 1_000 : endsAt - 300;
      if (status === 'OPEN' && minimum > 0 && Date.now() < stopAt) {
        const bidders = this.namesIn(channel).filter((n) => n !== highest);
        const bidderId = bidders[Math.floor(this.random() * bidders.length)] ?? this.pick(DEMO_NAMES);
        const amount = minimum + terms.minIncrement * Math.floor(this.random() * 3);
        // A bid that lost a race with a viewer's is refused (BID_TOO_LOW): the next round re-reads the minimum.
        await this.call(
          'POST',
          `/api/auctions/${auctionId}/bids`,
          { bidId: `demo-${randomUUID()}`, amount, bidderId },
          bidderId,
        );
      }
      this.later(() => void bid(), 2_000 + this.random() * 4_000);
    };
    this.later(() => void bid(), 2_000);
  }

  // ---- audience, chat and likes over real WebSocket connections ----

  private namesIn(channel: DemoChannel): string[] {
    return (this.audiences.get(channel.channelId) ?? []).map((v) => v.name);
  }

  private driftAudience(channel: DemoChannel): void {
    const viewers = this.audiences.get(channel.channelId) ?? [];
    const [min, max] = channel.audience;
    const total = [...this.audiences.values()].reduce((n, a) => n + a.length, 0);
    const grow = viewers.length < min || (viewers.length < max && this.random() < 0.55);
    if (grow && total < MAX_VIEWERS) this.join(channel, viewers);
    else if (viewers.length > min)
      this.leave(viewers.splice(Math.floor(this.random() * viewers.length), 1)[0] as SimViewer);
  }

  /** Adds a simulated viewer to `present` at once (so the audience bounds hold) and connects it. */
  private join(channel: DemoChannel, present: SimViewer[]): void {
    const taken = new Set(present.map((v) => v.name));
    const name =
      DEMO_NAMES.find((n) => !taken.has(n) && this.random() < 0.5) ??
      `${this.pick(DEMO_NAMES)}-${Math.floor(this.random() * 90 + 10)}`;
    const sessionId = `demo-${randomUUID()}`;
    const viewer: SimViewer = { name, socket: null, timer: null };
    present.push(viewer);
    let sequence = 0;
    void this.tokenFor(name).then((token) => {
      if (this.stopped || !present.includes(viewer)) return;
      // The handshake names the viewer as the authorizer expects: a signed token (or, on a runtime without an issuer, ?userId=).
      const socket = new WebSocket(
        `${this.wsUrl}?${token ? `token=${encodeURIComponent(token)}` : `userId=${encodeURIComponent(name)}`}`,
      );
      // The join answer says how to beat: `beacon` (the beacon presence path: HTTP /beat with its
      // session and token) or nothing (heartbeat frames). Nothing is sent before it arrives.
      let grant: BeaconGrant | null | undefined;
      viewer.end = () => {
        if (grant)
          void fetch(beatUrl(grant, channel.channelId, ++sequence, this.baseUrl, true))
            .then((r) => r.arrayBuffer())
            .catch(() => undefined);
      };
      const beat = (): void => {
        if (grant === undefined || socket.readyState !== WebSocket.OPEN) return;
        if (grant === null)
          socket.send(
            JSON.stringify({ action: 'heartbeat', channelId: channel.channelId, sessionId, sequence: ++sequence }),
          );
        else
          void fetch(beatUrl(grant, channel.channelId, ++sequence, this.baseUrl))
            .then((r) => r.arrayBuffer())
            .catch((error: unknown) => this.options.logger.debug('demo beacon failed', { name, error }));
      };
      socket.on('open', () => socket.send(JSON.stringify({ action: 'join', channelId: channel.channelId })));
      socket.on('message', (data: unknown) => {
        if (grant !== undefined) return;
        const frame = JSON.parse(String(data)) as { type?: string; beacon?: BeaconGrant };
        if (frame.type !== 'joined') return;
        grant = frame.beacon ?? null;
        beat();
      });
      socket.on('error', (error) => this.options.logger.debug('demo viewer socket failed', { name, error }));
      // Frames (the feed) are not read: a simulated viewer only adds load and presence.
      viewer.socket = socket;
      viewer.timer = setInterval(beat, HEARTBEAT_MS);
      viewer.timer.unref();
    });
  }

  private leave(viewer: SimViewer): void {
    if (viewer.timer) clearInterval(viewer.timer);
    viewer.end?.();
    viewer.socket?.close(1000, 'demo viewer left');
  }

  private someone(channel: DemoChannel): SimViewer | undefined {
    const open = (this.audiences.get(channel.channelId) ?? []).filter((v) => v.socket?.readyState === WebSocket.OPEN);
    return open[Math.floor(this.random() * open.length)];
  }

  private chat(channel: DemoChannel): void {
    this.someone(channel)?.socket?.send(JSON.stringify({ action: 'chat', text: this.pick(channel.lines) }));
  }

  private like(channel: DemoChannel): void {
    this.someone(channel)?.socket?.send(JSON.stringify({ action: 'like', count: 1 + Math.floor(this.random() * 5) }));
  }

  // ---- prices and bookings over HTTP ----

  private async changeAPrice(): Promise<void> {
    const channel = this.pick(DEMO_CHANNELS);
    const product = this.pick(channel.products);
    // Within 75–115 % of the list price, in steps of 100 won.
    const factor = 0.75 + this.random() * 0.4;
    const price = Math.max(100, Math.round((product.price * factor) / 100) * 100);
    await this.call(
      'PUT',
      `/api/channels/${channel.channelId}/products/${product.productId}/price`,
      { price, currency: 'KRW' },
      channel.sellerId,
    );
  }

  private async bookASeat(): Promise<void> {
    const trips = demoTrips(this.options.defaultTripId);
    const trip = this.pick(trips);
    const view = await this.call('GET', `/api/trips/${trip.tripId}`);
    // Leave seats for the humans: the trickle stops on a trip once it is nearly full.
    if (Number(view.body?.['freeSeats'] ?? 0) <= Math.max(8, trip.capacity * 0.25)) return;
    const seats = 1 + Math.floor(this.random() * Math.min(2, trip.maxSeatsPerBooking));
    const passengerId = `demo-${this.pick(DEMO_NAMES)}`;
    await this.call(
      'POST',
      `/api/trips/${trip.tripId}/bookings`,
      { passengerId, seats, requestId: `demo-${randomUUID()}` },
      passengerId,
    );
  }

  // ---- plumbing ----

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  private later(run: () => void, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) run();
    }, ms);
    this.timers.add(t);
  }

  /** Runs `act` now-ish and again after a random pause in [minMs, maxMs), until stopped. */
  private every(act: () => unknown, minMs: number, maxMs: number, firstMs = minMs): void {
    const loop = (): void => {
      void Promise.resolve()
        .then(act)
        .catch((error: unknown) => this.options.logger.debug('demo step failed', { error }))
        .finally(() => this.later(loop, minMs + this.random() * (maxMs - minMs)));
    };
    this.later(loop, firstMs);
  }

  /**
   * A signed token for a simulated user, from the runtime's development issuer (the same route
   * the pages use), renewed a minute before it expires; null when the runtime has no issuer.
   */
  private async tokenFor(userId: string): Promise<string | null> {
    const kept = this.tokens.get(userId);
    if (kept && kept.expiresAt * 1000 - Date.now() > 60_000) return kept.token;
    if (!this.issuerAvailable || this.stopped) return null;
    const answer = await this.call('POST', '/api/dev/tokens', { userId });
    if (answer.status === 404) this.issuerAvailable = false;
    const token = answer.body?.['token'];
    const expiresAt = answer.body?.['expiresAt'];
    if (typeof token !== 'string' || typeof expiresAt !== 'number') return null;
    this.tokens.set(userId, { token, expiresAt });
    return token;
  }

  /** Calls the runtime's own HTTP API as `as` (a bearer token); failures are answers (status 0: network), never throws. */
  private async call(method: string, path: string, body?: unknown, as?: string): Promise<Answer> {
    if (this.stopped) return { status: 0, body: null };
    const token = as === undefined ? null : await this.tokenFor(as);
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(5_000),
      });
      const text = await response.text();
      const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      if (response.status >= 500)
        this.options.logger.warn('demo request failed', { method, path, status: response.status, body: parsed });
      else if (response.status >= 400)
        this.options.logger.debug('demo request refused', { method, path, status: response.status, body: parsed });
      return { status: response.status, body: parsed };
    } catch (error) {
      if (!this.stopped) this.options.logger.debug('demo request did not complete', { method, path, error });
      return { status: 0, body: null };
    }
  }
}
