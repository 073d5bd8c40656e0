import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { BenchFrame, FanoutTarget, TargetDescriptor } from '../frame.js';

/**
 * What a team would pick instead: Socket.IO with one room per channel, WebSocket transport only
 * (no long-polling upgrade dance), `io.to(room).emit` — which encodes a packet once per broadcast.
 */
export const createSocketIoTarget = (): FanoutTarget => {
  let http: HttpServer | null = null;
  let io: Server | null = null;

  return {
    async start(channels) {
      const known = new Set(channels);
      http = createServer();
      io = new Server(http, {
        transports: ['websocket'],
        serveClient: false,
        perMessageDeflate: false,
        httpCompression: false,
      });
      io.on('connection', (socket) => {
        const channel = String(socket.handshake.query['channel'] ?? '');
        if (!known.has(channel)) {
          socket.disconnect(true);
          return;
        }
        void socket.join(channel);
      });
      await new Promise<void>((resolve) => http!.listen({ host: '127.0.0.1', port: 0, backlog: 2_048 }, resolve));
      const { port } = http.address() as AddressInfo;
      return {
        protocol: 'socket.io',
        url: `http://127.0.0.1:${port}`,
        decoder: 'bench-frame',
      } satisfies TargetDescriptor;
    },
    subscribers: (channel) => io?.sockets.adapter.rooms.get(channel)?.size ?? 0,
    publish(channel: string, frame: BenchFrame) {
      io?.to(channel).emit('feed', frame);
    },
    async stop() {
      await new Promise<void>((resolve) => {
        if (io) void io.close(() => resolve());
        else resolve();
      });
    },
  };
};
