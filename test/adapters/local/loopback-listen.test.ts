import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenOnLoopbackOnly } from '../../../src/adapters/local/emulators/loopback-listen.js';

let restore: (() => void) | undefined;
const servers: Server[] = [];
afterEach(async () => {
  restore?.();
  restore = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const listening = (server: Server, ...args: unknown[]): Promise<AddressInfo> =>
  new Promise((resolve, reject) => {
    servers.push(server);
    server.once('error', reject);
    (server.listen as (...a: unknown[]) => Server)(...args, () => resolve(server.address() as AddressInfo));
  });

describe('listenOnLoopbackOnly (the emulator child process)', () => {
  it('turns every wildcard listen into 127.0.0.1, in each calling form', async () => {
    restore = listenOnLoopbackOnly();
    expect((await listening(createServer(), { port: 0, host: '0.0.0.0' })).address).toBe('127.0.0.1');
    expect((await listening(createServer(), { port: 0 })).address).toBe('127.0.0.1');
    expect((await listening(createServer(), 0, '::')).address).toBe('127.0.0.1');
    expect((await listening(createServer(), 0)).address).toBe('127.0.0.1');
    expect((await listening(createHttpServer(), 0, '0.0.0.0')).address).toBe('127.0.0.1');
  });

  it('refuses a specific non-loopback host', () => {
    restore = listenOnLoopbackOnly();
    expect(() => createServer().listen(0, '192.0.2.1')).toThrow(/127\.0\.0\.1 only, not on 192\.0\.2\.1/);
  });

  it('leaves listen alone once undone', async () => {
    // 127.0.0.2 is loopback on Linux but not a host the patch lets through: it throws while patched.
    const undo = listenOnLoopbackOnly();
    expect(() => createServer().listen(0, '127.0.0.2')).toThrow(/127\.0\.0\.1 only/);
    undo();
    expect((await listening(createServer(), 0, '127.0.0.2')).address).toBe('127.0.0.2');
  });
});
