import type { Duplex } from 'node:stream';

/**
 * Gives a socket handed to an HTTP server's `upgrade` listener an error listener. Node's server
 * removes its own before it emits `upgrade`, and until `ws` takes the socket over (after our
 * checks, or after a wait for a slice of the loop) nothing listens: a client that resets the
 * connection in between raised ECONNRESET out of the process and stopped the local runtime.
 * The listener stays after the handover; `ws` adds its own and a destroyed socket is done.
 */
export const guardUpgradeSocket = (socket: Duplex): void => {
  socket.on('error', () => socket.destroy());
};
