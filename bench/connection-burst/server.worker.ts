/**
 * The server of the connection burst, alone in its process so the event-loop delay it reports
 * is the server's own (the clients run in another process). Two subjects:
 * - `stampede`: the local runtime (`startLocalRuntime`, memory backend, live commerce only):
 *   WebSocket API → `$connect` → `join` action → connection registry → `joined` frame;
 * - `bare`: a bare `ws` server answering a join message with a `joined` frame at once.
 * `measure-start` / `measure-end` bracket the burst with `perf_hooks.monitorEventLoopDelay`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { startLocalRuntime, type LocalRuntime } from '../../src/entrypoints/local/runtime.js';
import { parentChannel, type Message } from '../lib/child-process.js';

const channel = parentChannel();
let runtime: LocalRuntime | null = null;
let bare: { http: Server; wss: WebSocketServer } | null = null;
let histogram: IntervalHistogram | null = null;

const startBare = async (): Promise<string> => {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, backlog: 8_192 } as ConstructorParameters<
    typeof WebSocketServer
  >[0]);
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8')) as { action?: string; channelId?: string };
      if (m.action === 'join') ws.send(JSON.stringify({ type: 'joined', channelId: m.channelId }));
    });
    ws.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => http.listen({ host: '127.0.0.1', port: 0, backlog: 8_192 }, resolve));
  bare = { http, wss };
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`;
};

const ms = (ns: number) => ns / 1e6;

channel.onMessage(async (m: Message) => {
  switch (m.type) {
    case 'start': {
      if (m.subject === 'bare') channel.send({ type: 'ready', url: await startBare() });
      else {
        runtime = await startLocalRuntime({
          host: '127.0.0.1',
          port: 0,
          progressIntervalMs: 0,
          logLevel: 'ERROR',
          demo: false,
          extensions: [],
        });
        channel.send({ type: 'ready', url: runtime.wsUrl });
      }
      return;
    }
    case 'measure-start': {
      histogram = monitorEventLoopDelay({ resolution: 10 });
      histogram.enable();
      channel.send({ type: 'measuring' });
      return;
    }
    case 'measure-end': {
      histogram?.disable();
      const h = histogram!;
      channel.send({
        type: 'loop',
        p50: ms(h.percentile(50)),
        p99: ms(h.percentile(99)),
        max: ms(h.max),
      });
      return;
    }
    case 'stop': {
      await runtime?.stop();
      if (bare) {
        for (const ws of bare.wss.clients) ws.terminate();
        await new Promise<void>((r) => bare!.wss.close(() => r()));
        bare.http.closeAllConnections();
        await new Promise<void>((r) => bare!.http.close(() => r()));
      }
      channel.send({ type: 'stopped' });
      setTimeout(() => process.exit(0), 50);
      return;
    }
  }
});
channel.send({ type: 'hello' });
