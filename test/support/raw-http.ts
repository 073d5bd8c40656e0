import { connect } from 'node:net';

/**
 * Sends `request` as it is over a new TCP connection to 127.0.0.1:`port` and resolves with the
 * status of the answer's first line (what a hostile script gets, with no client library's
 * checks between), or -1 when the server closes without a status line. The caller's timeout
 * catches a server that never answers.
 */
export const rawStatus = (port: number, request: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let seen = '';
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      const line = /^HTTP\/1\.1 (\d{3})/.exec(seen);
      if (line) {
        socket.destroy();
        resolve(Number(line[1]));
      }
    });
    socket.once('close', () => resolve(-1));
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(-1) : reject(error)));
  });

/** A WebSocket upgrade request for `target` (key and version as RFC 6455 asks). */
export const upgradeRequest = (target: string, extraHeaders = ''): string =>
  `GET ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: Upgrade\r\nupgrade: websocket\r\n` +
  `sec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extraHeaders}\r\n`;
