import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { EndOfTurnWriter } from './end-of-turn-writer.js';
import {
  ClientAbortedError,
  declaredBodyBytes,
  readRequestBody,
  requestTarget,
  toHttpApiEvent,
  writeHttpApiResult,
} from './http-api-event.js';
import type { LocalAuthorization } from './local-jwt-authorizer.js';

/** Serves a non-API request (static pages); resolves true when it answered. */
export type StaticHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>;

export interface LocalHttpApiOptions {
  /** The `http-api` function. */
  readonly handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;
  /** The stage's authorizer (`makeLocalJwtAuthorizer`): the event to hand on, or its own answer. */
  readonly authorize: (event: APIGatewayProxyEventV2) => Promise<LocalAuthorization>;
  /** The largest body the function sees (an HTTP API's integration: 64 KiB); larger ones never reach it. */
  readonly maxBodyBytes: number;
  /** The function's own answer to a body of `bytes` over the limit, so both say the same. */
  readonly tooLarge: (bytes: number) => APIGatewayProxyStructuredResultV2;
  /** Called as each request arrives (the edge pressure a queue consumer yields to). */
  readonly onRequest?: () => void;
  /** A request the server could not answer (logged; the client gets 500 INTERNAL). */
  readonly onError: (error: unknown, path: string) => void;
}

/** A target such as `//` (an empty host) that no URL can hold: a client error, not the server's. */
const BAD_TARGET: APIGatewayProxyStructuredResultV2 = {
  statusCode: 400,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    error: { code: 'INVALID_REQUEST', field: 'path', message: 'the request target is not a valid URL path' },
  }),
};

/** API Gateway's own answers (401, 413) carry the CORS headers too, so a page can read them. */
const withCors = (result: APIGatewayProxyStructuredResultV2): APIGatewayProxyStructuredResultV2 => ({
  ...result,
  headers: { ...result.headers, 'access-control-allow-origin': '*', vary: 'origin' },
});

/**
 * The HTTP API stage, locally: a node:http server that turns each request under `/api/` into an
 * API Gateway v2 event for the `http-api` function after the stage's authorizer, with the same
 * body limit (refused before it is buffered, also on `Expect: 100-continue`); any other path
 * goes to the static handlers first (pages). The WebSocket API attaches to `server` too.
 */
export class LocalHttpApi {
  readonly server: Server;
  private readonly statics: StaticHandler[] = [];
  // API answers ready in one turn of the event loop are written together at its end (see the class).
  private readonly answers = new EndOfTurnWriter((res, error) =>
    this.answerFailed(res, (res.req.url ?? '').split('?')[0] ?? '', error),
  );

  constructor(private readonly options: LocalHttpApiOptions) {
    this.server = createServer(this.onRequest);
    // `Expect: 100-continue` (curl sends it for large uploads): refuse a declared oversized body
    // before the client sends it; anything else gets its 100 Continue and is handled as usual.
    this.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      const declared = declaredBodyBytes(req);
      if (declared !== undefined && declared > options.maxBodyBytes) return this.tooLarge(res, declared, false);
      res.writeContinue();
      this.onRequest(req, res);
    });
  }

  addStaticHandler(handler: StaticHandler): void {
    this.statics.push(handler);
  }

  /** Listens on `host:port` (0: a free port); resolves with the port. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops listening and drops open connections; resolves once the server closed. */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return closed;
  }

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    this.options.onRequest?.();
    void (async () => {
      let path = req.url ?? '/';
      try {
        const target = requestTarget(req.url);
        if (target === null) return this.answers.write(res, BAD_TARGET);
        path = target.pathname;
        if (!path.startsWith('/api/')) {
          const url = target.url();
          for (const handler of this.statics) if (await handler(req, res, url)) return;
        }
        const read = await readRequestBody(req, this.options.maxBodyBytes);
        if (read.tooLarge) return this.tooLarge(res, read.bytes, read.drained);
        const authorized = await this.options.authorize(toHttpApiEvent(req, read.body, target));
        this.answers.write(
          res,
          'response' in authorized ? withCors(authorized.response) : await this.options.handler(authorized.event),
        );
      } catch (error) {
        this.answerFailed(res, path, error);
      }
    })();
  };

  /** The local server never buffers more than the function would see either. */
  private tooLarge(res: ServerResponse, bytes: number, drained: boolean): void {
    const result = withCors(this.options.tooLarge(bytes));
    // Undrained, the client may still be sending: close rather than read a body nobody wants.
    writeHttpApiResult(res, drained ? result : { ...result, headers: { ...result.headers, connection: 'close' } });
  }

  private answerFailed(res: ServerResponse, path: string, error: unknown): void {
    if (res.headersSent || error instanceof ClientAbortedError) return;
    this.options.onError(error, path);
    res
      .writeHead(500, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: { code: 'INTERNAL', message: 'unexpected error' } }));
  }
}
