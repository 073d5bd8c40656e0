import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionGateway } from '../../application/ports/connection-gateway.port.js';

/** Where the local Management API delivers frames: the emulator runtime's WebSocket server, or a recorder in tests. */
export interface ConnectionsApiTarget {
  /**
   * Queues one frame without waiting for the client to read it; false when the connection does
   * not exist (answered 410 Gone), 'buffer-full' when its outgoing buffer is over its limit
   * (answered 429 LimitExceededException, as API Gateway does).
   */
  post(connectionId: string, data: Buffer): boolean | 'buffer-full' | Promise<boolean | 'buffer-full'>;
  /** The connection's details, or null when unknown. */
  info(connectionId: string): { connectedAt: number; lastActiveAt: number; sourceIp: string; userAgent: string } | null;
  /** Closes the connection; false when unknown. */
  close(connectionId: string): boolean | Promise<boolean>;
}

/** A target that keeps frames in memory: connections exist from `connect` until `disconnect`. */
export class RecordingConnections implements ConnectionsApiTarget {
  private readonly open = new Map<string, { connectedAt: number; frames: string[] }>();
  constructor(private readonly now: () => number = Date.now) {}

  connect(connectionId: string): void {
    this.open.set(connectionId, { connectedAt: this.now(), frames: [] });
  }
  disconnect(connectionId: string): void {
    this.open.delete(connectionId);
  }
  frames(connectionId: string): readonly string[] {
    return this.open.get(connectionId)?.frames ?? [];
  }
  post(connectionId: string, data: Buffer): boolean {
    const connection = this.open.get(connectionId);
    if (!connection) return false;
    connection.frames.push(data.toString('utf8'));
    return true;
  }
  info(connectionId: string) {
    const connection = this.open.get(connectionId);
    return connection
      ? {
          connectedAt: connection.connectedAt,
          lastActiveAt: this.now(),
          sourceIp: '127.0.0.1',
          userAgent: 'stampede-local',
        }
      : null;
  }
  close(connectionId: string): boolean {
    return this.open.delete(connectionId);
  }
}

/**
 * A target that posts to a ConnectionGateway (the local runtime's WebSocket server), set once it
 * exists; until then every connection is Gone.
 */
export class GatewayTarget implements ConnectionsApiTarget {
  sockets: ConnectionGateway | null = null;
  // The local WebSocket API answers at once: `failed` there means the connection's outgoing buffer is full.
  async post(connectionId: string, data: Buffer): Promise<boolean | 'buffer-full'> {
    if (!this.sockets) return false;
    const result = await this.sockets.post([connectionId], data.toString('utf8'));
    if (result.rejected.length > 0) throw new Error(`frame to ${connectionId} was refused`);
    if (result.failed.length > 0) return 'buffer-full';
    return result.gone.length === 0;
  }
  info(): null {
    return null;
  }
  close(): boolean {
    return false;
  }
}

export interface ConnectionsApiServer {
  /** The endpoint to give `ApiGatewayManagementApiClient` (stage path included). */
  readonly endpoint: string;
  readonly startMs: number;
  /** The next `count` POSTs are refused with 429 LimitExceededException, as API Gateway throttles. */
  throttleNext(count: number): void;
  /** The next `count` POSTs are refused with 403 ForbiddenException (e.g. a connection of another stage). */
  forbidNext(count: number): void;
  /** Requests seen so far, by outcome, for tests. */
  readonly stats: { posted: number; gone: number; throttled: number };
  stop(): Promise<void>;
}

// API Gateway's REST-JSON error shape: the SDK reads the type from this header.
const sendError = (res: ServerResponse, status: number, type: string, message: string): void => {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ message }));
};

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** API Gateway's limit on one WebSocket message; larger posts get 413. */
const MAX_FRAME_BYTES = 128 * 1024;

/**
 * A local stand-in for the API Gateway Management API `@connections` routes, spoken over real
 * HTTP so the production adapter (and the AWS SDK's error parsing and retries) run unchanged:
 * POST → 200, 410 GoneException or 429 LimitExceededException (buffer full); GET → the connection or 410; DELETE → 204 or 410.
 */
export const startConnectionsApiServer = async (
  target: ConnectionsApiTarget,
  options: { stage?: string } = {},
): Promise<ConnectionsApiServer> => {
  const started = Date.now();
  const stats = { posted: 0, gone: 0, throttled: 0 };
  let throttleBudget = 0;
  let forbidBudget = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const match = /\/@connections\/([^/?]+)\/?(?:\?.*)?$/.exec(req.url ?? '');
      if (!match?.[1]) return sendError(res, 404, 'NotFoundException', `no route for ${req.method} ${req.url}`);
      const connectionId = decodeURIComponent(match[1]);
      if (req.method === 'POST') {
        const body = await readBody(req);
        if (throttleBudget > 0) {
          throttleBudget--;
          stats.throttled++;
          return sendError(res, 429, 'LimitExceededException', 'Rate exceeded');
        }
        if (forbidBudget > 0) {
          forbidBudget--;
          return sendError(res, 403, 'ForbiddenException', 'Forbidden');
        }
        if (body.length > MAX_FRAME_BYTES)
          return sendError(res, 413, 'PayloadTooLargeException', `frame of ${body.length} bytes exceeds 128 KB`);
        const outcome = await target.post(connectionId, body);
        if (outcome === 'buffer-full') {
          stats.throttled++;
          // API Gateway's own words for this case (API_PostToConnection, Errors: LimitExceededException).
          return sendError(
            res,
            429,
            'LimitExceededException',
            'The client has exceeded its throttling limits, or the WebSocket client side buffer is full',
          );
        }
        if (!outcome) {
          stats.gone++;
          return sendError(res, 410, 'GoneException', `connection ${connectionId} is gone`);
        }
        stats.posted++;
        res.writeHead(200).end();
        return;
      }
      if (req.method === 'GET') {
        const info = target.info(connectionId);
        if (!info) return sendError(res, 410, 'GoneException', `connection ${connectionId} is gone`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            connectedAt: new Date(info.connectedAt).toISOString(),
            lastActiveAt: new Date(info.lastActiveAt).toISOString(),
            identity: { sourceIp: info.sourceIp, userAgent: info.userAgent },
          }),
        );
        return;
      }
      if (req.method === 'DELETE') {
        if (!(await target.close(connectionId)))
          return sendError(res, 410, 'GoneException', `connection ${connectionId} is gone`);
        res.writeHead(204).end();
        return;
      }
      sendError(res, 405, 'MethodNotAllowedException', `${req.method} is not supported`);
    })().catch((error: unknown) => sendError(res, 500, 'InternalServerErrorException', (error as Error).message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/${options.stage ?? 'local'}`,
    startMs: Date.now() - started,
    stats,
    throttleNext: (count) => {
      throttleBudget = count;
    },
    forbidNext: (count) => {
      forbidBudget = count;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
