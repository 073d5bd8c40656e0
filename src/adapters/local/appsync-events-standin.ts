import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  decodeAuthSubprotocol,
  EVENT_WS_SUBPROTOCOL,
  MAX_EVENT_BYTES,
  PublishRequest,
  SIGV4_APPSYNC_AUTHORIZATION,
} from '../appsync/event-api-wire.js';
import { AppSyncEventsSession, covers, segmentsOf } from './appsync-events-session.js';
import { requestTarget } from './http-api-event.js';
import { guardUpgradeSocket } from './upgrade-socket.js';

export interface AppSyncEventsStandInOptions {
  readonly host?: string;
  /** 0 (default): a free port. */
  readonly port?: number;
  /** Channel namespaces that exist (the first channel segment), e.g. `live`. */
  readonly namespaces: readonly string[];
  /** Connection and subscribe authorization: the auth object from the `header-…` subprotocol or a subscribe message. */
  readonly authorize: (auth: Readonly<Record<string, string>>) => Promise<boolean>;
  /** `ka` interval (the service: 60 s). */
  readonly keepAliveMs?: number;
  /** Faults, for tests of the viewer guarantee: a `data` message sent twice, deliveries delayed out of order, publishes reported `failed`. */
  readonly chaos?: {
    readonly duplicateRate?: number;
    readonly reorderMs?: number;
    readonly failRate?: number;
    readonly random?: () => number;
  };
}

export interface AppSyncEventsStandInStats {
  /** HTTP publish requests accepted (each is one backend call of the fan-out). */
  publishRequests: number;
  publishedEvents: number;
  /** Events reported `failed` by injected faults. */
  failedEvents: number;
  /** Events over the size limit, dropped without delivery as the service does. */
  oversizeDropped: number;
  /** `data` messages written to sockets. */
  deliveries: number;
  connections: number;
  subscriptions: number;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};
const refusal = (errorType: string, message: string) => ({ errors: [{ errorType, message }] });

/**
 * A stand-in for an AWS AppSync Event API — FOR DEVELOPMENT AND TESTS ONLY, never a production
 * server. It speaks the documented protocol on one port:
 *  - `POST /event`: HTTP publish (`{channel, events}` → `{successful, failed}`). It checks that
 *    the request carries a SigV4 `Authorization` header for service `appsync` and an
 *    `x-amz-date`, but does NOT verify the signature cryptographically (it has no secret keys).
 *  - `GET /event/realtime` upgraded to a WebSocket with the subprotocols `aws-appsync-event-ws`
 *    and `header-<base64url(auth JSON)>`; then connection_init/ack, ka, subscribe, unsubscribe,
 *    publish and `data` (see AppSyncEventsSession).
 * Each published event goes to every matching subscription as its own `data` message, with
 * `event` as the JSON string published (how Amplify's client reads it).
 */
export class AppSyncEventsStandIn {
  private readonly wss = new WebSocketServer({ noServer: true, handleProtocols: () => EVENT_WS_SUBPROTOCOL });
  private readonly sessions = new Set<AppSyncEventsSession>();
  private readonly counters = {
    publishRequests: 0,
    publishedEvents: 0,
    failedEvents: 0,
    oversizeDropped: 0,
    deliveries: 0,
  };
  private readonly random: () => number;

  private constructor(
    private readonly server: Server,
    private readonly options: AppSyncEventsStandInOptions,
    readonly port: number,
    private readonly hostName: string,
  ) {
    this.random = options.chaos?.random ?? Math.random;
  }

  static async start(options: AppSyncEventsStandInOptions): Promise<AppSyncEventsStandIn> {
    const server = createServer();
    const hostName = options.host ?? '127.0.0.1';
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, hostName, () => resolve((server.address() as AddressInfo).port));
    });
    const standIn = new AppSyncEventsStandIn(server, options, port, hostName);
    server.on('request', (req, res) => standIn.handleHttp(req, res));
    server.on('upgrade', (req, socket, head) => {
      guardUpgradeSocket(socket);
      standIn.upgrade(req, socket, head).catch((error: unknown) => {
        // A fault of the stand-in itself: the client sees a dropped handshake; say why on stderr.
        socket.destroy();
        process.emitWarning(`AppSync Events stand-in: handshake failed: ${String(error)}`);
      });
    });
    return standIn;
  }

  /** `host:port`: what the `host` field of an auth object names (the HTTP endpoint's host). */
  get host(): string {
    return `${this.hostName.includes(':') ? `[${this.hostName}]` : this.hostName}:${this.port}`;
  }
  get httpEndpoint(): string {
    return `http://${this.host}/event`;
  }
  get realtimeEndpoint(): string {
    return `ws://${this.host}/event/realtime`;
  }

  stats(): AppSyncEventsStandInStats {
    let subscriptions = 0;
    for (const s of this.sessions) subscriptions += s.subscriptions.size;
    return { ...this.counters, connections: this.sessions.size, subscriptions };
  }

  /** Subscriptions per concrete channel id under a namespace (`/live/c1` → `c1`), for benches and tests. */
  subscribersByChannel(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const session of this.sessions) {
      for (const segments of session.subscriptions.values()) {
        const id = segments.slice(1).join('/');
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
    return counts;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.close(1001, 'stand-in stopping');
    for (const session of this.sessions) session.close();
    this.wss.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Delivers events to the matching subscriptions; resolves with the indexes reported failed. */
  publish(channel: string, events: readonly string[]): number[] {
    const target = segmentsOf(channel);
    const chaos = this.options.chaos ?? {};
    const failed: number[] = [];
    events.forEach((event, index) => {
      this.counters.publishedEvents++;
      if ((chaos.failRate ?? 0) > 0 && this.random() < (chaos.failRate ?? 0)) {
        this.counters.failedEvents++;
        failed.push(index);
        return;
      }
      if (Buffer.byteLength(event, 'utf8') > MAX_EVENT_BYTES) {
        this.counters.oversizeDropped++;
        return;
      }
      // The event is serialised once; only the subscription id differs between subscribers.
      const eventJson = JSON.stringify(event);
      for (const session of this.sessions) {
        for (const [id, subscription] of session.subscriptions) {
          if (!covers(subscription, target)) continue;
          const data = Buffer.from(`{"type":"data","id":${JSON.stringify(id)},"event":${eventJson}}`, 'utf8');
          const copies = (chaos.duplicateRate ?? 0) > 0 && this.random() < (chaos.duplicateRate ?? 0) ? 2 : 1;
          for (let c = 0; c < copies; c++) this.deliver(session, data);
        }
      }
    });
    return failed;
  }

  namespaceExists(channel: string): boolean {
    return this.options.namespaces.includes(segmentsOf(channel)[0] ?? '');
  }

  private deliver(session: AppSyncEventsSession, data: Buffer): void {
    const delay = this.options.chaos?.reorderMs ? Math.floor(this.random() * this.options.chaos.reorderMs) : 0;
    const send = () => {
      this.counters.deliveries++;
      session.sendRaw(data);
    };
    if (delay > 0) setTimeout(send, delay).unref();
    else send();
  }

  private handleHttp(req: IncomingMessage, res: ServerResponse): void {
    // null for a target such as `//` that holds no URL (new URL would throw out of the listener).
    if (requestTarget(req.url)?.pathname !== '/event')
      return json(
        res,
        404,
        refusal('NotFoundException', 'only /event (publish) and /event/realtime (WebSocket) exist'),
      );
    if (req.method !== 'POST')
      return json(res, 405, refusal('BadRequestException', 'publishing (POST) is the only action on /event'));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (
        !SIGV4_APPSYNC_AUTHORIZATION.test(req.headers.authorization ?? '') ||
        typeof req.headers['x-amz-date'] !== 'string'
      ) {
        return json(
          res,
          401,
          refusal(
            'UnauthorizedException',
            'publishing needs a SigV4 Authorization header for service appsync and x-amz-date',
          ),
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return json(res, 400, refusal('BadRequestException', 'the body is not JSON'));
      }
      const parsed = PublishRequest.safeParse(body);
      if (!parsed.success)
        return json(
          res,
          400,
          refusal(
            'BadRequestException',
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          ),
        );
      if (!this.namespaceExists(parsed.data.channel))
        return json(res, 400, refusal('BadRequestException', `no channel namespace for ${parsed.data.channel}`));
      this.counters.publishRequests++;
      const failed = new Set(this.publish(parsed.data.channel, parsed.data.events));
      json(res, 200, {
        failed: [...failed].map((index) => ({ identifier: randomUUID(), index })),
        successful: parsed.data.events.flatMap((_, index) =>
          failed.has(index) ? [] : [{ identifier: randomUUID(), index }],
        ),
      });
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (requestTarget(req.url)?.pathname !== '/event/realtime' || !protocols.includes(EVENT_WS_SUBPROTOCOL)) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const auth = protocols.map(decodeAuthSubprotocol).find((a) => a !== null) ?? null;
    const accepted = auth !== null && typeof auth['host'] === 'string' && (await this.options.authorize(auth));
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!accepted) {
        // The Event API docs name no handshake error; Amplify's client expects `connection_error`.
        ws.send(
          JSON.stringify({
            type: 'connection_error',
            errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }],
          }),
        );
        ws.close(1008, 'unauthorized');
        return;
      }
      const session = new AppSyncEventsSession(ws, {
        authorize: (a) => this.options.authorize(a),
        namespaceExists: (channel) => this.namespaceExists(channel),
        publish: (channel, events) => this.publish(channel, events),
        keepAliveMs: this.options.keepAliveMs ?? 60_000,
      });
      this.sessions.add(session);
      ws.on('close', () => this.sessions.delete(session));
    });
  }
}
