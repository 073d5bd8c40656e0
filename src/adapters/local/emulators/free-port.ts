import { createServer } from 'node:net';

/**
 * A loopback port that was free a moment ago, for emulators that cannot listen on port 0
 * (DynamoDB Local takes `-port`). The caller retries on the rare race with another process.
 */
export const freeLoopbackPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read the probe port'))));
    });
  });
