/**
 * The burst, alone in its process: opens `sockets` WebSockets at once (no pacing: every
 * handshake is started in the same turn of the loop), sends `join` on each as soon as it is
 * open and times connect → `joined` frame per socket. Reports the join latencies, failures and
 * the time until the last socket joined.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { parentChannel, type Message } from '../lib/child-process.js';
import { SampleBuffer, summarize } from '../lib/stats.js';

const channel = parentChannel();
const sockets: WebSocket[] = [];

const burst = (url: string, count: number, channels: number, timeoutMs: number) =>
  new Promise<{ latencies: Float64Array; failed: number; timedOut: number; allJoinedMs: number }>((resolve) => {
    const latencies = new SampleBuffer(count);
    let failed = 0;
    let timedOut = 0;
    let settled = 0;
    const t0 = performance.now();
    let last = t0;
    const settle = () => {
      settled++;
      if (settled === count) {
        clearTimeout(deadline);
        resolve({ latencies: latencies.values().slice(), failed, timedOut, allJoinedMs: last - t0 });
      }
    };
    const pending = new Set<number>();
    const deadline = setTimeout(() => {
      timedOut = pending.size;
      for (const i of [...pending]) {
        pending.delete(i);
        settle();
      }
    }, timeoutMs);
    for (let i = 0; i < count; i++) {
      pending.add(i);
      const ch = `burst-${i % channels}`;
      const start = performance.now();
      const ws = new WebSocket(url, { perMessageDeflate: false });
      sockets.push(ws);
      ws.on('open', () => ws.send(JSON.stringify({ action: 'join', channelId: ch })));
      ws.on('message', (data: Buffer) => {
        if (!pending.has(i)) return;
        if (data.toString('utf8').includes('"type":"joined"')) {
          pending.delete(i);
          last = performance.now();
          latencies.push(last - start);
          settle();
        }
      });
      const fail = () => {
        if (!pending.has(i)) return;
        pending.delete(i);
        failed++;
        settle();
      };
      ws.on('error', fail);
      ws.on('close', fail);
    }
  });

channel.onMessage(async (m: Message) => {
  switch (m.type) {
    case 'burst': {
      const r = await burst(String(m.url), Number(m.sockets), Number(m.channels), Number(m.timeoutMs));
      const s = summarize(r.latencies);
      channel.send({
        type: 'burst',
        joined: r.latencies.length,
        failed: r.failed,
        timedOut: r.timedOut,
        p50: s.p50,
        p99: s.p99,
        max: s.max,
        allJoinedMs: r.allJoinedMs,
      });
      return;
    }
    case 'stop': {
      for (const ws of sockets) ws.terminate();
      channel.send({ type: 'stopped' });
      setTimeout(() => process.exit(0), 50);
      return;
    }
  }
});
channel.send({ type: 'hello' });
