/**
 * The player side of the beacon presence path (docs/PROTOCOL.md, "Presence beacon"): every
 * `intervalMs` (5 s) one request to `<url>?c=<channel>&s=<session>&q=<sequence>&t=<token>`, where
 * the grant comes from the join answer (`joined.beacon` on the WebSocket, or
 * `GET /api/channels/{id}/beacon`). The edge answers 204 to anything, so there is nothing to
 * read back and nothing to retry: a lost beat is covered by the next one (the TTL spans three).
 * Leaving sends an end beacon (`e=1`) so the viewer stops counting at once.
 * Runs in browsers and Node alike (no DOM types needed).
 */

/** What a join answer grants (the server's `BeaconGrant`). */
export interface BeaconGrant {
  readonly sessionId: string;
  readonly token: string;
  /** `https://<beacon distribution>/beat`, or `/beat` (same origin as the HTTP API). */
  readonly url: string;
  readonly intervalMs: number;
}

/** How one beat leaves: `navigator.sendBeacon` in a browser (survives page unload), else `fetch`. */
export type SendBeat = (url: string) => void;

type BeaconNavigator = { sendBeacon?: (url: string) => boolean };
type KeepaliveFetch = (url: string, init: { method: string; keepalive: boolean; mode?: string }) => Promise<unknown>;

/** The default sender: sendBeacon (a POST the browser queues), falling back to a keepalive GET. */
export const defaultSendBeat: SendBeat = (url) => {
  const nav = (globalThis as { navigator?: BeaconNavigator }).navigator;
  if (nav?.sendBeacon?.(url)) return;
  const f = (globalThis as { fetch?: KeepaliveFetch }).fetch;
  // no-cors: the answer is empty anyway, and a cross-origin beacon host needs no CORS for that.
  void f?.(url, { method: 'GET', keepalive: true, mode: 'no-cors' }).catch(() => undefined);
};

export interface BeaconOptions {
  /** The base a relative grant URL (`/beat`) is resolved against: the HTTP API's origin. */
  readonly baseUrl: string;
  readonly send?: SendBeat;
}

/** The beat URL for one sequence number; `end`: the end beacon (`e=1`), the session stops counting at once. */
export const beatUrl = (
  grant: BeaconGrant,
  channelId: string,
  sequence: number,
  baseUrl: string,
  end = false,
): string => {
  const url = new URL(grant.url, baseUrl);
  url.search = new URLSearchParams({
    c: channelId,
    s: grant.sessionId,
    q: String(sequence),
    t: grant.token,
    ...(end ? { e: '1' } : {}),
  }).toString();
  return url.toString();
};

/**
 * Beats for one grant at a time: `start` beats at once and then every `intervalMs` with a rising
 * sequence; a new grant (a rejoin is a new session) replaces the old one; `stop` ends it.
 */
export class BeaconSender {
  private timer: ReturnType<typeof setInterval> | null = null;
  private sequence = 0;
  private current: { grant: BeaconGrant; channelId: string } | null = null;

  constructor(private readonly options: BeaconOptions) {}

  start(channelId: string, grant: BeaconGrant): void {
    this.stop();
    this.current = { grant, channelId };
    this.sequence = 0;
    this.beat();
    this.timer = setInterval(() => this.beat(), grant.intervalMs);
  }

  /** The session beating now (null when stopped). */
  get sessionId(): string | null {
    return this.current?.grant.sessionId ?? null;
  }

  get beats(): number {
    return this.sequence;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.current = null;
  }

  /**
   * The viewer leaves: one end beacon (a sequence above every beat sent), then stop. Best effort:
   * if it is lost the session still stops counting after the TTL.
   */
  end(): void {
    if (this.current) {
      const { grant, channelId } = this.current;
      (this.options.send ?? defaultSendBeat)(beatUrl(grant, channelId, ++this.sequence, this.options.baseUrl, true));
    }
    this.stop();
  }

  private beat(): void {
    if (!this.current) return;
    const { grant, channelId } = this.current;
    (this.options.send ?? defaultSendBeat)(beatUrl(grant, channelId, ++this.sequence, this.options.baseUrl));
  }
}

/** The HTTP join answer, for viewers without an API Gateway WebSocket (the AppSync Events transport). */
export const fetchBeaconGrant = async (
  httpUrl: string,
  channelId: string,
  fetchImpl: (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }> = (url) =>
    globalThis.fetch(url),
): Promise<BeaconGrant | null> => {
  const response = await fetchImpl(`${httpUrl}/api/channels/${encodeURIComponent(channelId)}/beacon`);
  // 404: this deployment counts beat frames (presenceIngress=websocket), not beacons.
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`beacon grant refused: HTTP ${response.status}`);
  return (await response.json()) as BeaconGrant;
};
