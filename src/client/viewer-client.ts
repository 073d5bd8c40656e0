import { applyFeedEvent, emptyChannelView, type ChannelView } from '../domain/live-feed/channel-view.js';
import { BeaconSender, fetchBeaconGrant, type BeaconGrant, type SendBeat } from './beacon.js';
import { CLOSE_CODES } from '../domain/live-feed/close-codes.js';
import type { ChannelFeedEvent, ChatSignal, FeedItem, LikeSignal } from '../domain/live-feed/feed-item.js';
import { StreamSequencer, type AppliedItem } from './stream-sequencer.js';
import {
  APPSYNC_EVENTS_SUBPROTOCOL,
  authObjectOf,
  authSubprotocol,
  eventsOfData,
  operationId,
  type AppSyncEventsTransport,
} from './appsync-events-transport.js';

export type { AppSyncEventsTransport } from './appsync-events-transport.js';

/** The slice of the WebSocket API the client uses: the browser's `WebSocket` and `ws` both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: 'open' | 'close' | 'error' | 'message',
    listener: (event: { data?: unknown; code?: number; reason?: string }) => void,
  ): void;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;
type Fetch = (
  url: string,
  init?: { method?: string; headers?: Record<string, string> },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** A server frame the client understands. */
type ServerFrame =
  | { type: 'feed'; channelId: string; items: FeedItem[] }
  | { type: 'joined'; channelId: string; shardNo: number; connectionId: string; beacon?: BeaconGrant }
  | { type: 'error'; code: string; message: string; field?: string; requestId?: string }
  | { type: string; [key: string]: unknown };

interface Snapshot {
  readonly view: ChannelView;
  readonly versions: Readonly<Record<string, number>>;
}

interface RecoveryPage {
  readonly items: ChannelFeedEvent[];
  readonly hasMore: boolean;
}

export interface ViewerClientOptions {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:3000 */
  readonly httpUrl: string;
  /** The WebSocket API's URL, e.g. ws://127.0.0.1:3000/ws (unused with an AppSync Events transport). */
  readonly wsUrl: string;
  /**
   * Where frames come from: the WebSocket API (`join`, default), or an AppSync Event API
   * subscription (the `appsync-events` broadcaster). Both deliver the same `feed` frames.
   */
  readonly transport?: AppSyncEventsTransport;
  readonly channelId: string;
  readonly WebSocket: WebSocketConstructor;
  readonly fetch?: Fetch;
  /** How long a gap may wait for its versions to arrive on their own before they are fetched (default 250 ms). */
  readonly gapGraceMs?: number;
  /** Every so often, compare with the server's versions to catch a loss at the tail (0: off). */
  readonly syncIntervalMs?: number;
  /** After an applied event (or coalesced run): the event, the versions it newly covers, and the view. */
  readonly onEvent?: (event: ChannelFeedEvent, covers: { from: number; to: number }, view: ChannelView) => void;
  readonly onChat?: (chat: ChatSignal) => void;
  readonly onLikes?: (likes: LikeSignal) => void;
  readonly onServerError?: (frame: { code: string; message: string; field?: string }) => void;
  readonly onFrame?: (frame: ServerFrame, receivedAt: number) => void;
  /** The server closed the socket (code, reason); `rejoining` says whether the client opens a new one. */
  readonly onClose?: (event: { code: number; reason: string; rejoining: boolean }) => void;
  /**
   * Rejoin after the server closed a slow consumer (4008) or the connection dropped (1006), then
   * recover what was missed over HTTP (default true). Up to 5 attempts, 250 ms apart and doubling.
   */
  readonly rejoin?: boolean;
  readonly now?: () => number;
  /**
   * Presence beacons: when the join answer carries a grant (the beacon presence path), beat every
   * 5 s with it — each (re)join is a new session (default true). `send` replaces how a beat leaves
   * (tests; default navigator.sendBeacon, else fetch).
   */
  readonly beacon?: boolean | { readonly send: SendBeat };
}

/** Closes after which a viewer should come back: it was too slow, or the network dropped it. */
const REJOIN_CODES: ReadonlySet<number> = new Set([CLOSE_CODES.SLOW_CONSUMER, 1006]);
const REJOIN_ATTEMPTS = 5;

export interface ViewerClientStats {
  frames: number;
  applied: number;
  duplicates: number;
  gapsRecovered: number;
  recoveredEvents: number;
  recoveryRequests: number;
  rejoins: number;
}

/**
 * A viewer of one channel (G3): connects, joins, loads the snapshot, then applies the feed —
 * every version of every stream once and in order, buffering early ones, dropping repeats,
 * and fetching what a gap still lacks after a short grace from
 * `GET /api/streams/{streamId}/events?after=N`. No Node-only imports: the same code runs in
 * tests (with `ws`) and in a page (with the browser's WebSocket).
 */
export class ViewerClient {
  readonly stats: ViewerClientStats = {
    frames: 0,
    applied: 0,
    duplicates: 0,
    gapsRecovered: 0,
    recoveredEvents: 0,
    recoveryRequests: 0,
    rejoins: 0,
  };
  private readonly sequencer = new StreamSequencer();
  private readonly ranges = new Map<string, Array<[number, number]>>();
  private readonly recovering = new Set<string>();
  private readonly seenChat = new Set<string>();
  private currentView: ChannelView;
  private socket: WebSocketLike | null = null;
  private ready = false;
  private early: ServerFrame[] = [];
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  private syncTimer: ReturnType<typeof setInterval> | null = null;
  private readonly beaconSender: BeaconSender | null;
  private closed = false;
  private readonly fetch: Fetch;
  private readonly now: () => number;

  constructor(private readonly options: ViewerClientOptions) {
    this.currentView = emptyChannelView(options.channelId);
    // Bound: called as `this.fetch(...)`, a browser's fetch throws "Illegal invocation" on a foreign `this`.
    this.fetch = options.fetch ?? (globalThis.fetch.bind(globalThis) as unknown as Fetch);
    this.beaconSender =
      options.beacon === false
        ? null
        : new BeaconSender({
            baseUrl: options.httpUrl,
            ...(typeof options.beacon === 'object' ? { send: options.beacon.send } : {}),
          });
    this.now = options.now ?? (() => Date.now());
  }

  get view(): ChannelView {
    return this.currentView;
  }

  /** Last applied version per stream. */
  versions(): Record<string, number> {
    return this.sequencer.versions();
  }

  /** Per stream, the version ranges applied in order (the snapshot counts as one range 1..v). */
  appliedRanges(): ReadonlyMap<string, ReadonlyArray<readonly [number, number]>> {
    return this.ranges;
  }

  /** Opens the socket, joins the channel, loads the snapshot; resolves once frames are being applied. */
  async connect(): Promise<void> {
    await (this.options.transport ? this.subscribe(this.options.transport) : this.join());
    // AppSync viewers hold no API Gateway socket to be answered `joined.beacon`: the HTTP join answer grants it.
    if (this.options.transport && this.beaconSender) await this.beaconOverHttp();
    // Join first, snapshot second: every event is then in the snapshot, in a frame, or in both.
    const snapshot = await this.loadSnapshot();
    if (snapshot) {
      this.currentView = snapshot.view;
      this.sequencer.seed(snapshot.versions);
      for (const [streamId, version] of Object.entries(snapshot.versions))
        if (version > 0) this.ranges.set(streamId, [[1, version]]);
    }
    this.ready = true;
    const early = this.early;
    this.early = [];
    for (const frame of early) this.receive(frame);
    if (this.options.syncIntervalMs) this.syncTimer = setInterval(() => void this.sync(), this.options.syncIntervalMs);
  }

  /**
   * AppSync Events: open with the auth subprotocol, connection_init → connection_ack, subscribe
   * to `/<namespace>/<channelId>` → subscribe_success (the join). Each `data` message carries
   * one feed frame; `ka` needs no answer.
   */
  private subscribe(transport: AppSyncEventsTransport): Promise<void> {
    const auth = authObjectOf(transport);
    const socket = new this.options.WebSocket(transport.realtimeUrl, [
      APPSYNC_EVENTS_SUBPROTOCOL,
      authSubprotocol(auth),
    ]);
    this.socket = socket;
    const id = operationId();
    const { host: _host, ...authorization } = auth;
    return new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
      socket.addEventListener('error', () => reject(new Error(`WebSocket ${transport.realtimeUrl} failed`)));
      socket.addEventListener('close', (e) => {
        if (!this.ready) reject(new Error(`WebSocket closed before subscribing (${e.code ?? '?'} ${e.reason ?? ''})`));
      });
      socket.addEventListener('message', (event) => {
        const message = this.parse(event.data) as ({ type: string } & Record<string, unknown>) | null;
        if (!message) return;
        if (message.type === 'connection_ack') {
          const channel = `/${transport.namespace ?? 'live'}/${this.options.channelId}`;
          socket.send(JSON.stringify({ type: 'subscribe', id, channel, authorization }));
        } else if (message.type === 'subscribe_success' && message['id'] === id) resolve();
        else if (message.type === 'data' && message['id'] === id) {
          for (const frame of eventsOfData(message)) {
            if (typeof frame !== 'object' || frame === null || typeof (frame as { type?: unknown }).type !== 'string')
              continue;
            this.options.onFrame?.(frame as ServerFrame, this.now());
            this.receive(frame as ServerFrame);
          }
        } else if (Array.isArray(message['errors'])) {
          const first = (message['errors'] as Array<{ errorType?: string; message?: string }>)[0];
          const problem = { code: first?.errorType ?? message.type, message: first?.message ?? message.type };
          if (!this.ready) reject(new Error(`subscription refused: ${problem.code} ${problem.message}`));
          else this.options.onServerError?.(problem);
        }
      });
    });
  }

  /** Sends a frame of any action (chat, like, heartbeat, bid…). */
  send(frame: { action: string } & Record<string, unknown>): void {
    if (!this.socket) throw new Error('connect() first');
    // Publishing to the Event API is IAM-only (the fan-out): viewers' actions go over the HTTP API.
    if (this.options.transport)
      throw new Error(`an AppSync Events viewer cannot send '${frame.action}' frames; use the HTTP API`);
    this.socket.send(JSON.stringify(frame));
  }

  chat(text: string): void {
    this.send({ action: 'chat', text });
  }

  like(count = 1): void {
    this.send({ action: 'like', count });
  }

  /** Compares with the server's versions and recovers any stream that is behind (a tail loss). */
  async sync(): Promise<void> {
    const snapshot = await this.loadSnapshot();
    if (!snapshot) return;
    await Promise.all(
      Object.entries(snapshot.versions)
        .filter(([streamId, version]) => version > this.sequencer.lastVersion(streamId))
        .map(([streamId]) => this.recover(streamId)),
    );
  }

  /** Opens a socket and joins; resolves on `joined`. */
  private join(): Promise<void> {
    const socket = new this.options.WebSocket(this.options.wsUrl);
    this.socket = socket;
    let joined = false;
    return new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () =>
        socket.send(JSON.stringify({ action: 'join', channelId: this.options.channelId })),
      );
      socket.addEventListener('error', () => reject(new Error(`WebSocket ${this.options.wsUrl} failed`)));
      socket.addEventListener('close', (e) => {
        if (!joined) return reject(new Error(`WebSocket closed before joining (${e.code ?? '?'} ${e.reason ?? ''})`));
        if (this.closed || socket !== this.socket) return;
        const rejoining = this.options.rejoin !== false && REJOIN_CODES.has(e.code ?? 1006);
        this.options.onClose?.({ code: e.code ?? 1006, reason: e.reason ?? '', rejoining });
        if (rejoining) void this.rejoin();
      });
      socket.addEventListener('message', (event) => {
        const frame = this.parse(event.data);
        if (!frame) return;
        this.options.onFrame?.(frame, this.now());
        if (frame.type === 'joined') {
          joined = true;
          const grant = (frame as { beacon?: BeaconGrant }).beacon;
          if (grant && this.beaconSender) this.beaconSender.start(this.options.channelId, grant);
          resolve();
        } else if (frame.type === 'error' && !joined)
          reject(new Error(`join refused: ${String(frame['code'])} ${String(frame['message'])}`));
        this.receive(frame);
      });
    });
  }

  /**
   * Back after a close: a new socket and join, then whatever the old socket never delivered is
   * recovered over HTTP — `sync` compares with the snapshot's versions, so a loss at the tail is
   * found too. Versions already applied stay applied: each is still applied once, in order.
   */
  private async rejoin(): Promise<void> {
    for (let attempt = 1; attempt <= REJOIN_ATTEMPTS && !this.closed; attempt++) {
      await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
      if (this.closed) return;
      try {
        await this.join();
      } catch (error) {
        this.options.onServerError?.({
          code: 'REJOIN_FAILED',
          message: error instanceof Error ? error.message : String(error),
        });
        continue;
      }
      this.stats.rejoins++;
      // A failed sync is not a failed rejoin: the next gap check or sync tries again.
      await this.sync().catch((error: unknown) =>
        this.options.onServerError?.({
          code: 'RECOVERY_FAILED',
          message: error instanceof Error ? error.message : String(error),
        }),
      );
      return;
    }
  }

  private async beaconOverHttp(): Promise<void> {
    try {
      const grant = await fetchBeaconGrant(this.options.httpUrl, this.options.channelId, (url) =>
        this.fetch(url, { headers: { accept: 'application/json' } }),
      );
      if (grant && this.beaconSender && !this.closed) this.beaconSender.start(this.options.channelId, grant);
    } catch {
      // Not counted is better than not watching: the feed goes on without presence.
    }
  }

  /** The beacon session beating now (null without the beacon path, or once closed). */
  get beaconSession(): string | null {
    return this.beaconSender?.sessionId ?? null;
  }

  close(): void {
    this.closed = true;
    this.beaconSender?.end();
    if (this.gapTimer) clearTimeout(this.gapTimer);
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.socket?.close(1000, 'viewer left');
  }

  private parse(data: unknown): ServerFrame | null {
    try {
      const frame = JSON.parse(typeof data === 'string' ? data : String(data)) as ServerFrame;
      return typeof frame === 'object' && frame !== null && typeof frame.type === 'string' ? frame : null;
    } catch {
      return null;
    }
  }

  private receive(frame: ServerFrame): void {
    if (frame.type === 'error') {
      this.options.onServerError?.(frame as { code: string; message: string; field?: string });
      return;
    }
    if (frame.type !== 'feed') return;
    if (!this.ready) {
      this.early.push(frame);
      return;
    }
    this.stats.frames++;
    for (const item of (frame as { items: FeedItem[] }).items) {
      if (item.kind === 'event') this.offer(item);
      else if (item.signal === 'CHAT') {
        if (this.seenChat.has(item.messageId)) continue;
        this.seenChat.add(item.messageId);
        if (this.seenChat.size > 1_000) this.seenChat.delete(this.seenChat.values().next().value as string);
        this.options.onChat?.(item);
      } else if (item.signal === 'LIKES') this.options.onLikes?.(item);
      // Any other signal (WATCHED is for the recommender; the fan-out never sends it) is ignored.
    }
    this.scheduleGapCheck();
  }

  private offer(item: ChannelFeedEvent): void {
    const applied = this.sequencer.offer(item);
    if (applied.length === 0 && item.version <= this.sequencer.lastVersion(item.streamId)) this.stats.duplicates++;
    for (const a of applied) this.apply(a);
  }

  private apply({ item, from }: AppliedItem): void {
    this.currentView = applyFeedEvent(this.currentView, item);
    this.stats.applied++;
    const list = this.ranges.get(item.streamId) ?? [];
    list.push([from, item.version]);
    this.ranges.set(item.streamId, list);
    this.options.onEvent?.(item, { from, to: item.version }, this.currentView);
  }

  private scheduleGapCheck(): void {
    if (this.gapTimer || this.closed || this.sequencer.bufferedCount() === 0) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      for (const gap of this.sequencer.gaps()) void this.recover(gap.streamId);
    }, this.options.gapGraceMs ?? 250);
  }

  private async recover(streamId: string): Promise<void> {
    if (this.recovering.has(streamId) || this.closed) return;
    this.recovering.add(streamId);
    try {
      for (;;) {
        const after = this.sequencer.lastVersion(streamId);
        this.stats.recoveryRequests++;
        const url = `${this.options.httpUrl}/api/streams/${encodeURIComponent(streamId)}/events?after=${after}`;
        const response = await this.fetch(url, { headers: { accept: 'application/json' } });
        if (!response.ok) throw new Error(`recovery of ${streamId} answered ${response.status}`);
        const page = (await response.json()) as RecoveryPage;
        for (const item of page.items) {
          const before = this.stats.applied;
          this.offer(item);
          this.stats.recoveredEvents += this.stats.applied - before;
        }
        if (!page.hasMore || page.items.length === 0) break;
      }
      this.stats.gapsRecovered++;
    } catch (error) {
      // Try again at the next gap check: a gap is never given up, only retried.
      this.options.onServerError?.({
        code: 'RECOVERY_FAILED',
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      this.recovering.delete(streamId);
      this.scheduleGapCheck();
    }
  }

  private async loadSnapshot(): Promise<Snapshot | null> {
    const response = await this.fetch(
      `${this.options.httpUrl}/api/channels/${encodeURIComponent(this.options.channelId)}`,
      {
        headers: { accept: 'application/json' },
      },
    );
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`snapshot of channel ${this.options.channelId} answered ${response.status}`);
    return (await response.json()) as Snapshot;
  }
}
