import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as wsModule from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { BenchFrame, FanoutTarget, TargetDescriptor } from '../frame.js';

/** ws's per-connection sender; `sendFrame` writes an already framed message (public since ws 7, undocumented). */
interface FrameSender {
  sendFrame(list: readonly (Buffer | string)[], cb?: (err?: Error) => void): void;
}

/** `ws` exports its Sender (wrapper.mjs: `export { Sender }`), but @types/ws does not declare it. */
const { Sender } = wsModule as unknown as {
  Sender: {
    frame(
      data: Buffer,
      options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
    ): Buffer[];
  };
};

/**
 * The machine's limit: a bare `ws` server that keeps a set of sockets per channel and writes
 * each frame — serialised and WebSocket-framed once per publish — to every socket of the
 * channel. No auth, no queue, no fan-out tiers: nothing a real service could do less.
 * Framing once is what Socket.IO does for a room broadcast too (engine.io's
 * `wsPreEncodedFrame`); without it the "limit" would frame 200 times per publish and lose to
 * the peer it is meant to bound.
 */
export const createBareWsTarget = (): FanoutTarget => {
  const rooms = new Map<string, Set<WebSocket>>();
  let http: Server | null = null;
  let wss: WebSocketServer | null = null;

  return {
    async start(channels) {
      for (const c of channels) rooms.set(c, new Set());
      http = createServer();
      wss = new WebSocketServer({
        server: http,
        perMessageDeflate: false,
        clientTracking: false,
        backlog: 2_048,
      } as ConstructorParameters<typeof WebSocketServer>[0]);
      wss.on('connection', (ws, req) => {
        const channel = new URL(req.url ?? '/', 'http://x').searchParams.get('channel') ?? '';
        const room = rooms.get(channel);
        if (!room) {
          ws.close(1008, 'unknown channel');
          return;
        }
        room.add(ws);
        ws.on('close', () => room.delete(ws));
        ws.on('error', () => room.delete(ws));
      });
      await new Promise<void>((resolve) => http!.listen({ host: '127.0.0.1', port: 0, backlog: 2_048 }, resolve));
      const { port } = http.address() as AddressInfo;
      return {
        protocol: 'ws',
        url: `ws://127.0.0.1:${port}/?channel={channel}`,
        decoder: 'bench-frame',
      } satisfies TargetDescriptor;
    },
    subscribers: (channel) => rooms.get(channel)?.size ?? 0,
    publish(channel: string, frame: BenchFrame) {
      const framed = Sender.frame(Buffer.from(JSON.stringify(frame)), {
        fin: true,
        rsv1: false,
        opcode: 1,
        mask: false,
        readOnly: true,
      });
      for (const ws of rooms.get(channel) ?? []) {
        if (ws.readyState === WebSocket.OPEN) (ws as unknown as { _sender: FrameSender })._sender.sendFrame(framed);
      }
    },
    async stop() {
      wss?.close();
      http?.closeAllConnections();
      await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    },
  };
};
