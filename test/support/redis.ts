import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/**
 * Redis for a test file. Our machines run Redis 7 at 127.0.0.1:6379; when it answers PING it is
 * used, otherwise a private `redis-server` is started on a free loopback port (no persistence)
 * and stopped by its own handle. If neither works, this throws — a contract suite that cannot
 * reach Redis must fail, never skip.
 *
 * Several test files may share one server at once, so each gets its own key prefix and deletes
 * only its own keys.
 */
export interface RedisForTests {
  readonly host: string;
  readonly port: number;
  /** `test:<uuid>:` — prepend to every key this test file writes. */
  readonly prefix: string;
  /** A client for this file (closed by `stop`). */
  readonly client: Redis;
  /** A new prefix for one test, under this file's prefix (still removed by `cleanup`). */
  subPrefix(): string;
  /** Deletes every key under this file's prefix. */
  cleanup(): Promise<void>;
  /** Cleans up, closes the client, and stops the private server if one was started. */
  stop(): Promise<void>;
}

const SHARED_HOST = '127.0.0.1';
const SHARED_PORT = 6379;

const answersPing = async (host: string, port: number): Promise<boolean> => {
  const probe = new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read a free port'))));
    });
  });

const startPrivateServer = async (): Promise<{ port: number; child: ChildProcess }> => {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  for (let attempt = 0; attempt < 50; attempt++) {
    const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 100))]);
    if (failed) throw failed;
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (await answersPing(SHARED_HOST, port)) return { port, child };
  }
  child.kill();
  throw new Error(`redis-server on port ${port} did not answer PING within 5 s`);
};

/** `sharedPort` is for checking the fallback path (point it at a port where nothing listens). */
export const startRedisForTests = async ({
  sharedPort = SHARED_PORT,
}: { sharedPort?: number } = {}): Promise<RedisForTests> => {
  let port = sharedPort;
  let child: ChildProcess | null = null;
  if (!(await answersPing(SHARED_HOST, sharedPort))) {
    try {
      ({ port, child } = await startPrivateServer());
    } catch (error) {
      throw new Error(
        `Redis is needed for these tests: nothing answers PING at ${SHARED_HOST}:${sharedPort} and starting ` +
          `\`redis-server\` failed (${(error as Error).message}). Start Redis 7 locally or install redis-server.`,
        { cause: error },
      );
    }
  }
  const prefix = `test:${randomUUID()}:`;
  const client = new Redis({ host: SHARED_HOST, port, maxRetriesPerRequest: 1 });
  let sub = 0;
  const cleanup = async () => {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  };
  return {
    host: SHARED_HOST,
    port,
    prefix,
    client,
    subPrefix: () => `${prefix}${++sub}:`,
    cleanup,
    stop: async () => {
      try {
        await cleanup();
      } finally {
        client.disconnect();
        if (child) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
      }
    },
  };
};
