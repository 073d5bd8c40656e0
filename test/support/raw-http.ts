import { connect } from 'node:net';

/** An answer as read off the wire: status -1 when the server closed without a status line. */
export interface RawAnswer {
  readonly status: number;
  /** The body, as far as Content-Length says (empty for 1xx, 204, 304 and HEAD answers). */
  readonly body: string;
}

/**
 * Sends `request` as it is over a new TCP connection to 127.0.0.1:`port` and resolves with the
 * answer (what a hostile script gets, with no client library's checks between). The caller's
 * timeout catches a server that never answers.
 */
export const rawAnswer = (port: number, request: string | Buffer): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let seen = Buffer.alloc(0);
    const done = (answer: RawAnswer) => {
      socket.destroy();
      resolve(answer);
    };
    const complete = (): RawAnswer | null => {
      const end = seen.indexOf('\r\n\r\n');
      if (end < 0) return null;
      const head = seen.subarray(0, end).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? -1);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      const bodyless = status < 200 || status === 204 || status === 304 || request.toString().startsWith('HEAD ');
      if (bodyless) return { status, body: '' };
      if (seen.length < end + 4 + length) return null;
      return { status, body: seen.subarray(end + 4, end + 4 + length).toString('utf8') };
    };
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const answer = complete();
      if (answer) done(answer);
    });
    socket.once('close', () => resolve(complete() ?? { status: -1, body: seen.toString('latin1') }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? resolve({ status: -1, body: '' }) : reject(error),
    );
  });

/** The status of `rawAnswer`. */
export const rawStatus = async (port: number, request: string | Buffer): Promise<number> =>
  (await rawAnswer(port, request)).status;

/** A WebSocket upgrade request for `target` (key and version as RFC 6455 asks). */
export const upgradeRequest = (target: string, extraHeaders = ''): string =>
  `GET ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: Upgrade\r\nupgrade: websocket\r\n` +
  `sec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extraHeaders}\r\n`;

/**
 * Hostile timing: `rounds` × `clients` connections that each send `request` (a handshake, or a
 * request cut halfway through its body) and reset (RST) the connection 0–2 ms later, while the
 * server is still working on it.
 */
export const sendThenReset = async (port: number, request: string, rounds = 5, clients = 300): Promise<void> => {
  const resetAfter = (delayMs: number) =>
    new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(request);
        setTimeout(() => {
          socket.resetAndDestroy();
          resolve();
        }, delayMs);
      });
      socket.on('error', () => resolve());
    });
  for (let round = 0; round < rounds; round++)
    await Promise.all(Array.from({ length: clients }, (_, i) => resetAfter(i % 3)));
  // The resets reach the server after the last client has gone.
  await new Promise((resolve) => setTimeout(resolve, 200));
};
