/**
 * The viewers, alone in their process: opens every connection (ws or socket.io-client), then
 * counts the frames received inside the measured window and the publish-to-receive latency of
 * each (the frame's `sentAt` on the shared monotonic clock).
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { runQueueWaitMs } from '../lib/sched.js';
import { parentChannel, type Message } from '../lib/child-process.js';
import { SampleBuffer, summarize } from '../lib/stats.js';
import { monotonicMs, type TargetDescriptor } from './frame.js';

const channel = parentChannel();

const latencies = new SampleBuffer(1 << 19);
let windowStart = Number.POSITIVE_INFINITY;
let windowEnd = Number.NEGATIVE_INFINITY;
let receivedInWindow = 0;
/** Frames published inside the window and received at any time (until the report): completeness. */
let receivedOfWindow = 0;
let receivedTotal = 0;
/** WebSocket messages (not items) received inside the window: Stampede may batch items per message. */
let messagesInWindow = 0;
let undecodable = 0;
let closedEarly = 0;
let cpuPct = Number.NaN;
let elu = Number.NaN;
let waitPct: number | null = null;
const sockets: { close(): void }[] = [];

const onMessage = (recv: number) => {
  if (recv >= windowStart && recv < windowEnd) messagesInWindow++;
};

const onStamp = (sentAt: number, recv: number) => {
  receivedTotal++;
  if (recv >= windowStart && recv < windowEnd) {
    receivedInWindow++;
    latencies.push(recv - sentAt);
  }
  if (sentAt >= windowStart && sentAt < windowEnd) receivedOfWindow++;
};

/** Send stamps in one WebSocket message; null for a message that is not a feed frame (a join reply). */
const decode = (decoder: TargetDescriptor['decoder'], raw: string): number[] | null => {
  const parsed = JSON.parse(raw) as unknown;
  if (decoder === 'bench-frame') {
    const sentAt = (parsed as { sentAt?: unknown }).sentAt;
    return typeof sentAt === 'number' ? [sentAt] : [];
  }
  if (decoder === 'appsync-events') {
    // `data` messages carry one published event: a JSON string (the docs also show an array of them).
    if ((parsed as { type?: unknown }).type !== 'data') return null;
    const event = (parsed as { event?: unknown }).event;
    return (Array.isArray(event) ? event : [event]).flatMap((e) =>
      typeof e === 'string' ? (decode('stampede-feed', e) ?? []) : [],
    );
  }
  // Stampede's feed frame `{ type: 'feed', channelId, items }`; the publisher stamps chat items (stampede.target.ts).
  if ((parsed as { type?: unknown }).type !== 'feed') return null;
  const items = (parsed as { items?: unknown[] }).items ?? [];
  const stamps: number[] = [];
  for (const item of items) {
    const text = (item as { text?: unknown }).text;
    const m = typeof text === 'string' ? /^bench:([\d.]+)/.exec(text) : null;
    if (m) stamps.push(Number(m[1]));
  }
  return stamps;
};

const connectWs = (d: TargetDescriptor, ch: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(d.url.replace('{channel}', encodeURIComponent(ch)), d.protocols ? [...d.protocols] : [], {
      perMessageDeflate: false,
    });
    let open = false;
    let joined = !d.joinAck;
    ws.on('open', () => {
      open = true;
      if (d.joinMessage) ws.send(d.joinMessage.replaceAll('{channel}', ch));
      sockets.push(ws);
      if (joined) resolve();
    });
    ws.on('message', (data: Buffer) => {
      const recv = monotonicMs();
      const text = data.toString('utf8');
      if (!joined) {
        if (text.includes(`"type":"${d.joinAck}"`)) {
          joined = true;
          resolve();
        } else reject(new Error(`join refused: ${text.slice(0, 200)}`));
        return;
      }
      let stamps: number[] | null;
      try {
        stamps = decode(d.decoder, text);
      } catch {
        undecodable++;
        return;
      }
      if (stamps === null) return;
      onMessage(recv);
      if (stamps.length === 0) undecodable++;
      for (const s of stamps) onStamp(s, recv);
    });
    ws.on('error', (e) => {
      if (!open) reject(e);
    });
    ws.on('close', () => {
      if (open) closedEarly++;
    });
  });

const connectSocketIo = (d: TargetDescriptor, ch: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const socket: Socket = io(d.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      query: { channel: ch },
    });
    socket.once('connect', () => {
      sockets.push(socket);
      socket.on('disconnect', () => closedEarly++);
      resolve();
    });
    socket.once('connect_error', (e) => reject(e));
    socket.on('feed', (frame: { sentAt?: unknown }) => {
      const recv = monotonicMs();
      onMessage(recv);
      if (typeof frame?.sentAt === 'number') onStamp(frame.sentAt, recv);
      else undecodable++;
    });
  });

const connectAll = async (
  d: TargetDescriptor,
  channels: readonly string[],
  perChannel: number,
  concurrency: number,
) => {
  const plan: string[] = [];
  // Viewers arrive round-robin over channels, as a crowd would.
  for (let v = 0; v < perChannel; v++) for (const c of channels) plan.push(c);
  const t0 = performance.now();
  let next = 0;
  let failed = 0;
  let lastError = '';
  const connect = d.protocol === 'ws' ? connectWs : connectSocketIo;
  const worker = async () => {
    while (next < plan.length) {
      const ch = plan[next++]!;
      try {
        await connect(d, ch);
      } catch (e) {
        failed++;
        lastError = e instanceof Error ? e.message : String(e);
      }
      if (next % 500 === 0)
        channel.progress(`connected ${sockets.length.toLocaleString('en-US')}/${plan.length.toLocaleString('en-US')}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { connected: sockets.length, failed, lastError, connectMs: performance.now() - t0 };
};

channel.onMessage(async (m: Message) => {
  switch (m.type) {
    case 'connect': {
      const r = await connectAll(
        m.descriptor as TargetDescriptor,
        m.channels as string[],
        Number(m.viewersPerChannel),
        Number(m.concurrency ?? 200),
      );
      channel.send({ type: 'connected', ...r });
      return;
    }
    case 'measure': {
      windowStart = Number(m.windowStart);
      windowEnd = Number(m.windowEnd);
      // A new window starts a new count (the ceiling ramp measures several windows on the same connections).
      latencies.clear();
      receivedInWindow = 0;
      receivedOfWindow = 0;
      messagesInWindow = 0;
      let cpu0 = process.cpuUsage();
      let elu0 = performance.eventLoopUtilization();
      let wait0 = runQueueWaitMs();
      setTimeout(
        () => {
          cpu0 = process.cpuUsage();
          elu0 = performance.eventLoopUtilization();
          wait0 = runQueueWaitMs();
        },
        Math.max(0, windowStart - monotonicMs()),
      );
      setTimeout(
        () => {
          const d = process.cpuUsage(cpu0);
          cpuPct = ((d.user + d.system) / 1000 / (windowEnd - windowStart)) * 100;
          elu = performance.eventLoopUtilization(elu0).utilization;
          const wait1 = runQueueWaitMs();
          waitPct = wait0 === null || wait1 === null ? null : ((wait1 - wait0) / (windowEnd - windowStart)) * 100;
        },
        Math.max(0, windowEnd - monotonicMs()),
      );
      return;
    }
    case 'report': {
      const s = summarize(latencies.values());
      channel.send({
        type: 'report',
        receivedInWindow,
        messagesInWindow,
        receivedOfWindow,
        receivedTotal,
        undecodable,
        closedEarly,
        latencyMs: { p50: s.p50, p90: s.p90, p99: s.p99, max: s.max, mean: s.mean },
        cpuPct,
        elu,
        waitPct,
        rssMiB: process.memoryUsage().rss / 2 ** 20,
      });
      return;
    }
    case 'close':
      for (const s of sockets) s.close();
      channel.send({ type: 'closed' });
      setTimeout(() => process.exit(0), 20);
      return;
  }
});
