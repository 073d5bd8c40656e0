import { fileURLToPath } from 'node:url';
import { intOption, type Benchmark, type BenchmarkResult, type Row } from '../lib/benchmark.js';
import { bundleWorker } from '../lib/bundle-worker.js';
import { ChildHandle, type Message } from '../lib/child-process.js';
import { ratio } from '../lib/stats.js';

type Subject = 'stampede' | 'bare';

interface BurstFigures {
  readonly joined: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly allJoinedMs: number;
}
interface LoopFigures {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

const runSubject = async (
  root: string,
  scripts: { server: string; clients: string },
  subject: Subject,
  p: { sockets: number; channels: number; timeoutMs: number },
): Promise<{ burst: BurstFigures; loop: LoopFigures }> => {
  // Each side holds one descriptor per socket.
  const fdLimit = p.sockets + 1_024;
  const server = ChildHandle.start({
    script: scripts.server,
    label: `connection-burst server (${subject})`,
    cwd: root,
    fdLimit,
  });
  const clients = ChildHandle.start({ script: scripts.clients, label: 'connection-burst clients', cwd: root, fdLimit });
  try {
    await Promise.all([server.next('hello', 60_000), clients.next('hello', 60_000)]);
    server.send({ type: 'start', subject });
    const { url } = await server.next<Message & { url: string }>('ready', 60_000);
    server.send({ type: 'measure-start' });
    await server.next('measuring');
    clients.send({ type: 'burst', url, sockets: p.sockets, channels: p.channels, timeoutMs: p.timeoutMs });
    const burst = await clients.next<Message & BurstFigures>('burst', p.timeoutMs + 30_000);
    server.send({ type: 'measure-end' });
    const loop = await server.next<Message & LoopFigures>('loop');
    return { burst, loop };
  } finally {
    clients.send({ type: 'stop' });
    await clients.next('stopped', 30_000).catch(() => undefined);
    await clients.stop(5_000, 2_000);
    server.send({ type: 'stop' });
    await server.next('stopped', 30_000).catch(() => undefined);
    await server.stop(5_000, 2_000);
  }
};

export const benchmark: Benchmark = {
  name: 'connection-burst',
  description:
    '5,000 WebSockets opened at once, each joining a channel: event-loop delay inside the server (p99, max) and connect → joined latency, Stampede local runtime (memory backend) vs a bare ws server',
  async run(ctx): Promise<BenchmarkResult> {
    const p = {
      sockets: intOption(ctx, 'sockets', 5_000),
      channels: intOption(ctx, 'channels', 50),
      timeoutMs: intOption(ctx, 'burst-timeout-ms', 60_000),
    };
    ctx.progress('bundling the workers…');
    const scripts = {
      server: await bundleWorker(ctx.root, fileURLToPath(new URL('./server.worker.ts', import.meta.url)), {
        outName: 'connection-burst-server.mjs',
      }),
      clients: await bundleWorker(ctx.root, fileURLToPath(new URL('./clients.worker.ts', import.meta.url)), {
        outName: 'connection-burst-clients.mjs',
      }),
    };
    const runs = new Map<Subject, { burst: BurstFigures; loop: LoopFigures }>();
    for (const subject of ['bare', 'stampede'] as const) {
      ctx.progress(`${subject}: ${p.sockets.toLocaleString('en-US')} sockets at once`);
      runs.set(subject, await runSubject(ctx.root, scripts, subject, p));
    }
    const row = (subject: string, role: Row['role'], r: { burst: BurstFigures; loop: LoopFigures }): Row => ({
      subject,
      role,
      values: {
        joined: r.burst.joined,
        failed: r.burst.failed + r.burst.timedOut,
        joinP50: r.burst.p50,
        joinP99: r.burst.p99,
        joinMax: r.burst.max,
        allJoinedMs: r.burst.allJoinedMs,
        loopP99: r.loop.p99,
        loopMax: r.loop.max,
      },
    });
    const bare = runs.get('bare')!;
    const ours = runs.get('stampede')!;
    return {
      status: 'ok',
      columns: [
        { key: 'joined', label: 'joined' },
        { key: 'failed', label: 'failed/timed out', better: 'lower' },
        { key: 'joinP50', label: 'join p50', unit: 'ms', better: 'lower', digits: 0 },
        { key: 'joinP99', label: 'join p99', unit: 'ms', better: 'lower', digits: 0 },
        { key: 'joinMax', label: 'join max', unit: 'ms', better: 'lower', digits: 0 },
        { key: 'allJoinedMs', label: 'all joined after', unit: 'ms', better: 'lower', digits: 0 },
        { key: 'loopP99', label: 'server loop delay p99', unit: 'ms', better: 'lower', digits: 1 },
        { key: 'loopMax', label: 'server loop delay max', unit: 'ms', better: 'lower', digits: 1 },
      ],
      rows: [row('bare ws (joined at once)', 'baseline', bare), row('Stampede local runtime', 'stampede', ours)],
      ratios: [
        {
          label: 'Stampede / bare ws, join p99',
          value: ratio(ours.burst.p99, bare.burst.p99),
          meaning: '× the bare server’s join p99 (> 1 = slower)',
        },
        {
          label: 'Stampede / bare ws, server event-loop delay max',
          value: ratio(ours.loop.max, bare.loop.max),
          meaning: '× the bare server’s longest stall',
        },
      ],
      notes: [
        `${p.sockets.toLocaleString('en-US')} sockets started in one turn of the clients' loop (their own process), over ${p.channels} channels; each sends {"action":"join"} once open; join latency = socket created → "joined" frame received. A socket not joined after ${p.timeoutMs / 1000} s counts as timed out.`,
        'Loop delay: perf_hooks.monitorEventLoopDelay (10 ms resolution) in the server process, from just before the burst to the last join.',
        'Stampede: the memory backend with live commerce only (no pages, no other features): $connect → `join` action → connection registry → `joined`.',
      ],
      details: { params: p, bare, stampede: ours },
    };
  },
};
