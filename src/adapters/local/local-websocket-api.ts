import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ConnectionGateway, PostResult } from '../../application/ports/connection-gateway.port.js';
import { CLOSE_CODES } from '../../domain/live-feed/close-codes.js';
import { API_GATEWAY_MAX_MESSAGE_BYTES } from '../in-memory/connection-gateway-adapter-in-memory.js';
import { DEFAULT_OUTGOING_BUFFER, OutgoingBuffer, type OutgoingBufferLimits } from './outgoing-buffer.js';
import { answerOversizedMessages, isClientFault } from './oversized-message.js';
import { TurnBudget } from './turn-budget.js';
import { requestTarget } from './http-api-event.js';
import { guardUpgradeSocket } from './upgrade-socket.js';

/** A WebSocket route event as API Gateway sends it; $connect also carries the handshake headers. */
export type WebSocketRouteEvent = APIGatewayProxyWebsocketEventV2 & { headers?: Record<string, string> };
export type WebSocketRouteHandler = (event: WebSocketRouteEvent) => Promise<APIGatewayProxyResultV2 | void>;

export interface WebSocketRoutes {
  readonly connect: WebSocketRouteHandler;
  readonly disconnect: WebSocketRouteHandler;
  readonly message: WebSocketRouteHandler;
}

/**
 * The $connect authorizer, as API Gateway runs it before `$connect`: it sees the handshake's
 * headers and query string and returns the context API Gateway then repeats as
 * `requestContext.authorizer` on every route event of the connection (null: anonymous).
 * Throwing refuses the handshake with 401.
 */
export type LocalAuthorizer = (request: {
  readonly headers: Readonly<Record<string, string>>;
  readonly queryStringParameters: Readonly<Record<string, string>>;
}) => Promise<Readonly<Record<string, string | number | boolean>> | null>;

export interface LocalWebSocketApiOptions {
  readonly routes: WebSocketRoutes;
  /** Optional $connect authorizer (none: every connection is anonymous). */
  readonly authorizer?: LocalAuthorizer;
  /** The upgrade path (default /ws); other upgrade requests are refused. */
  readonly path?: string;
  readonly stage?: string;
  /** Bounded outgoing buffer per connection (default: DEFAULT_OUTGOING_BUFFER). */
  readonly outgoingBuffer?: Partial<OutgoingBufferLimits>;
  /** A fault of ours (a route handler threw, an authorizer could not verify): log at ERROR. */
  readonly onError?: (error: unknown, context: { connectionId: string; route: string }) => void;
  /**
   * Something any client can cause — a refused handshake (bad, forged, expired token), an
   * oversized or malformed frame, a slow consumer closed: log without a stack at INFO, or anyone
   * could flood the error log.
   */
  readonly onRefused?: (reason: string, context: { connectionId: string; route: string }) => void;
}

interface Connection {
  readonly socket: WebSocket;
  readonly buffer: OutgoingBuffer;
  /** Closed as a slow consumer: posts answer Gone from then on, while the close handshake finishes. */
  closing: boolean;
  readonly connectedAt: number;
  readonly authorizer: Readonly<Record<string, string | number | boolean>> | null;
  /** Route events of one connection run one after another, so `join` is handled before the next frame. */
  queue: Promise<void>;
}

const statusOf = (result: APIGatewayProxyResultV2 | void): number =>
  typeof result === 'object' && result !== null && 'statusCode' in result ? (result.statusCode ?? 200) : 200;

/**
 * API Gateway's WebSocket API, locally: upgrades on `path` become `$connect` route events
 * (a non-2xx answer refuses the handshake), messages become `$default` events and closes
 * `$disconnect`, each with a real connection id; and, as the Management API, it posts frames to
 * the live sockets (an unknown or closed connection answers Gone, like a 410).
 */
export class LocalWebSocketApi implements ConnectionGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: API_GATEWAY_MAX_MESSAGE_BYTES });
  private readonly limits: OutgoingBufferLimits;
  private readonly connections = new Map<string, Connection>();
  private readonly path: string;
  private readonly stage: string;
  private posted = 0;
  /**
   * Handshakes and route events wait here for a slice of the loop (see TurnBudget): a burst of
   * 5,000 connections stalled the loop for seconds when each was handled as it arrived.
   */
  private readonly turns = new TurnBudget();

  constructor(private readonly options: LocalWebSocketApiOptions) {
    this.path = options.path ?? '/ws';
    this.stage = options.stage ?? 'local';
    this.limits = { ...DEFAULT_OUTGOING_BUFFER, ...options.outgoingBuffer };
  }

  /** Handles upgrade requests of `server` on the configured path. */
  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      guardUpgradeSocket(socket);
      // null for a target such as `//` that holds no URL (new URL would throw out of the listener).
      const target = requestTarget(request.url);
      if (target?.pathname !== this.path) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      void this.turns.run(() => this.upgrade(request, socket, head, target.url()));
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** PostToConnection calls made. */
  get postCount(): number {
    return this.posted;
  }

  /**
   * Posts one frame to many connections without waiting for any of them to read it: the answer
   * comes from the send queues' state, never from a socket draining, so one viewer that stops
   * reading cannot hold up the broadcaster (the 33-second stall of every channel this replaced).
   * Like PostToConnection: an unknown or closing connection is Gone (410); one whose outgoing
   * buffer is over its limit is refused as `failed` (API Gateway's 429 "client side buffer is
   * full"), and is closed with 4008 if it stays over. The frame is UTF-8 encoded once and the
   * same bytes are queued on every socket: at 10,000 viewers this is the local runtime's hottest
   * loop (bench/fanout).
   */
  post(connectionIds: readonly string[], frame: string): Promise<PostResult> {
    const gone: string[] = [];
    const failed: string[] = [];
    const data = Buffer.from(frame, 'utf8');
    if (data.length > API_GATEWAY_MAX_MESSAGE_BYTES)
      return Promise.resolve({ gone, failed, rejected: [...connectionIds] });
    for (const id of connectionIds) {
      this.posted++;
      const outcome = this.postOne(id, data);
      if (outcome === 'gone') gone.push(id);
      else if (outcome === 'buffer-full') failed.push(id);
    }
    return Promise.resolve({ gone, failed, rejected: [] });
  }

  /** One PostToConnection, answered at once. */
  postOne(connectionId: string, data: Buffer): 'ok' | 'gone' | 'buffer-full' {
    const connection = this.connections.get(connectionId);
    if (!connection || connection.closing || connection.socket.readyState !== connection.socket.OPEN) return 'gone';
    if (!connection.buffer.admits()) return 'buffer-full';
    // A write error means the socket is going away: its 'close' follows and the next post answers Gone.
    connection.socket.send(data, { binary: false });
    return 'ok';
  }

  /** Closes every connection (each gets its $disconnect) and waits for the route handlers. */
  async close(): Promise<void> {
    const pending = [...this.connections.values()];
    for (const c of pending) {
      c.buffer.dispose();
      // A slow consumer that never read its close frame would hold the shutdown for ws's 30 s close timeout.
      if (c.closing) c.socket.terminate();
      else c.socket.close(1001, 'server shutting down');
    }
    await Promise.all(pending.map((c) => c.queue));
    this.wss.close();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    const connectionId = randomBytes(12).toString('base64').replace(/[+/]/g, 'x');
    const connectedAt = Date.now();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
    const query = Object.fromEntries(url.searchParams);
    let authorizer: Connection['authorizer'] = null;
    if (this.options.authorizer) {
      try {
        authorizer = await this.options.authorizer({ headers, queryStringParameters: query });
      } catch (error) {
        // API Gateway's contract: an authorizer that throws exactly "Unauthorized" refuses with 401;
        // anything else is the authorizer failing (500), which is ours to look at.
        if (error instanceof Error && error.message === 'Unauthorized') {
          this.options.onRefused?.('handshake refused: unauthorized', { connectionId, route: '$connect authorizer' });
          socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        } else {
          this.options.onError?.(error, { connectionId, route: '$connect authorizer' });
          socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        }
        return;
      }
    }
    let status: number;
    try {
      status = statusOf(
        await this.options.routes.connect({
          ...this.event('$connect', 'CONNECT', connectionId, connectedAt, authorizer),
          headers,
          ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
        }),
      );
    } catch (error) {
      this.options.onError?.(error, { connectionId, route: '$connect' });
      status = 500;
    }
    if (status >= 300) {
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection: Connection = {
        socket: ws,
        buffer: new OutgoingBuffer(ws, this.limits, (buffered) =>
          this.closeSlowConsumer(connection, connectionId, buffered),
        ),
        closing: false,
        connectedAt,
        authorizer,
        queue: Promise.resolve(),
      };
      this.connections.set(connectionId, connection);
      answerOversizedMessages(ws, API_GATEWAY_MAX_MESSAGE_BYTES);
      ws.on('message', (data: RawData, isBinary: boolean) => {
        const body = isBinary ? Buffer.from(data as Buffer).toString('base64') : data.toString();
        this.enqueue(connection, connectionId, '$default', () =>
          this.options.routes.message({
            ...this.event('$default', 'MESSAGE', connectionId, connectedAt, authorizer),
            body,
            isBase64Encoded: isBinary,
          }),
        );
      });
      ws.on('close', () => {
        connection.buffer.dispose();
        this.connections.delete(connectionId);
        this.enqueue(connection, connectionId, '$disconnect', () =>
          this.options.routes.disconnect(
            this.event('$disconnect', 'DISCONNECT', connectionId, connectedAt, authorizer),
          ),
        );
      });
      ws.on('error', (error) => {
        if (isClientFault(error))
          this.options.onRefused?.(`frame refused: ${error.message}`, { connectionId, route: 'socket' });
        else this.options.onError?.(error, { connectionId, route: 'socket' });
      });
    });
  }

  /**
   * The viewer stayed over its outgoing buffer for the grace period. The close frame queues behind
   * what is already buffered, so a viewer that reads again sees every frame sent before it, then
   * 4008; one that never does is dropped by ws's close timeout (30 s), holding at most its buffer.
   */
  private closeSlowConsumer(connection: Connection, connectionId: string, bufferedBytes: number): void {
    if (connection.closing) return;
    connection.closing = true;
    this.options.onRefused?.(
      `slow consumer closed with ${CLOSE_CODES.SLOW_CONSUMER}: ${bufferedBytes} bytes unread for ${this.limits.slowConsumerGraceMs} ms`,
      {
        connectionId,
        route: 'socket',
      },
    );
    connection.socket.close(CLOSE_CODES.SLOW_CONSUMER, 'slow consumer: rejoin and recover over HTTP');
  }

  private enqueue(connection: Connection, connectionId: string, route: string, run: () => Promise<unknown>): void {
    connection.queue = connection.queue
      .then(() => this.turns.run(run))
      .then(
        () => undefined,
        (error: unknown) => this.options.onError?.(error, { connectionId, route }),
      );
  }

  private event(
    routeKey: string,
    eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT',
    connectionId: string,
    connectedAt: number,
    authorizer: Connection['authorizer'] = null,
  ): WebSocketRouteEvent {
    const now = new Date();
    return {
      requestContext: {
        ...(authorizer ? { authorizer } : {}),
        routeKey,
        eventType,
        messageId: randomUUID(),
        extendedRequestId: randomUUID(),
        requestTime: now.toUTCString(),
        messageDirection: 'IN',
        stage: this.stage,
        connectedAt,
        requestTimeEpoch: now.getTime(),
        requestId: randomUUID(),
        domainName: 'localhost',
        connectionId,
        apiId: 'local',
      },
      isBase64Encoded: false,
    };
  }
}
