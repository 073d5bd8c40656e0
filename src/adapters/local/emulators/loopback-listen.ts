import { Server } from 'node:net';

const WILDCARDS = new Set([undefined, '', '0.0.0.0', '::', '::0']);

/**
 * For the emulator child process only: every server in it listens on 127.0.0.1, whatever host it
 * asked for. fauxqs's persistent start (`startFauxqs` with `dataDir`) hard-codes 0.0.0.0 and
 * offers no other way to wire its persistence from outside its package, so the child patches
 * `net.Server#listen` instead of copying fauxqs's internals; a non-wildcard host other than
 * loopback is refused. Never call this in the runtime's own process. Returns the undo (tests).
 */
export const listenOnLoopbackOnly = (): (() => void) => {
  const original = Server.prototype.listen;
  const loopback = (host: unknown): string => {
    if (WILDCARDS.has(host as string | undefined) || host === '127.0.0.1' || host === 'localhost') return '127.0.0.1';
    throw new Error(`the emulator process listens on 127.0.0.1 only, not on ${String(host)}`);
  };
  Server.prototype.listen = function listen(this: Server, ...args: unknown[]): Server {
    const [first, second] = args;
    if (typeof first === 'object' && first !== null && !('_handle' in first) && !('fd' in first)) {
      const options = first as { host?: string; path?: string };
      if (options.path === undefined) args[0] = { ...options, host: loopback(options.host) };
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      // listen(port[, host][, backlog][, callback])
      if (typeof second === 'string') args[1] = loopback(second);
      else args.splice(1, 0, '127.0.0.1');
    } else if (first === undefined || typeof first === 'function') {
      args.splice(0, 0, 0, '127.0.0.1');
    }
    return (original as (...a: unknown[]) => Server).apply(this, args);
  } as typeof Server.prototype.listen;
  return () => {
    Server.prototype.listen = original;
  };
};
