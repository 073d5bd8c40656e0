import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intOption, type Benchmark, type BenchmarkContext, type BenchmarkResult, type Row } from '../lib/benchmark.js';
import { bundleWorker } from '../lib/bundle-worker.js';
import { ChildHandle, type Message } from '../lib/child-process.js';
import { ratio } from '../lib/stats.js';
import { channelName, monotonicMs, type TargetDescriptor } from './frame.js';

interface TargetSpec {
  readonly name: string;
  readonly subject: string;
  readonly role: Row['role'];
}

const TARGETS: readonly TargetSpec[] = [
  { name: 'bare-ws', subject: 'bare ws 8 (limit)', role: 'baseline' },
  { name: 'socket.io', subject: 'Socket.IO 4.8 rooms', role: 'peer' },
  // Whether it can run is decided when the server worker is bundled (see bundleServer).
  { name: 'stampede', subject: 'Stampede local runtime', role: 'stampede' },
  // The same runtime with --broadcaster appsync-events: one publish per channel batch to the AppSync Events stand-in.
  { name: 'stampede-appsync', subject: 'Stampede, AppSync Events stand-in', role: 'stampede' },
];

interface Published extends Message {
  readonly publishes: number;
  readonly publishedInWindow: number;
  readonly owedInWindow: number;
  readonly publishErrors: number;
  readonly lastError: string;
  readonly maxLagMs: number;
  readonly cpuPct: number;
  readonly elu: number;
  readonly diagnostics: string;
  readonly waitPct: number | null;
  /** Backend calls (PostToConnection, or publish requests) made inside the window; null for the peers. */
  readonly backendCallsInWindow: number | null;
}
interface Report extends Message {
  readonly receivedInWindow: number;
  readonly messagesInWindow: number;
  readonly receivedOfWindow: number;
  readonly undecodable: number;
  readonly closedEarly: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  readonly cpuPct: number;
  readonly elu: number;
  readonly waitPct: number | null;
  readonly rssMiB: number;
}
interface Connected extends Message {
  readonly connected: number;
  readonly failed: number;
  readonly lastError: string;
  readonly connectMs: number;
}

const hardFdLimit = (): number => {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(out);
  } catch {
    return 1024;
  }
};

const STAMPEDE_TARGET = fileURLToPath(new URL('./targets/stampede.target.ts', import.meta.url));
const STAMPEDE_STUB = (reason: string) =>
  `export const createStampedeTarget = async () => { throw new Error(${JSON.stringify(reason)}); };\n` +
  `export const createStampedeAppSyncTarget = createStampedeTarget;\n`;

/**
 * Bundles the server worker with every target. When the Stampede runtime does not exist or
 * does not build (someone's work in progress), the worker is bundled with a stub in its place
 * and the Stampede row says why, so the peer and the limit are still measured.
 */
const bundleServer = async (root: string): Promise<{ script: string; stampedeMissing: string | null }> => {
  const entry = fileURLToPath(new URL('./server.worker.ts', import.meta.url));
  let reason: string;
  if (existsSync(join(root, 'src', 'entrypoints', 'local', 'runtime.ts'))) {
    try {
      return { script: await bundleWorker(root, entry), stampedeMissing: null };
    } catch (error) {
      const first =
        (error instanceof Error ? error.message : String(error)).split('\n').find((l) => /ERROR/.test(l)) ??
        String(error);
      reason = `the local runtime does not build: ${first.trim()}`;
    }
  } else reason = 'the local runtime (startLocalRuntime, src/entrypoints/local/runtime.ts) does not exist yet';
  return {
    script: await bundleWorker(root, entry, { stubs: { [STAMPEDE_TARGET]: STAMPEDE_STUB(reason) } }),
    stampedeMissing: reason,
  };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Params {
  readonly channels: number;
  readonly viewersPerChannel: number;
  readonly rate: number;
  readonly warmupMs: number;
  readonly windowMs: number;
  readonly drainMs: number;
  readonly fdLimit: number;
}

interface TargetRun {
  readonly connected: Connected;
  readonly subscribers: number;
  readonly published: Published;
  readonly report: Report;
  /** The ceiling ramp on the same connections, when asked for (the last round only). */
  readonly ramp?: readonly RampStep[];
}

/** The ceiling ramp: owed rate × `factor` per step until a step fails or `budgetMs` is spent. */
interface RampPlan {
  readonly startRate: number;
  readonly factor: number;
  readonly warmupMs: number;
  readonly windowMs: number;
  readonly drainMs: number;
  readonly budgetMs: number;
  readonly p99LimitMs: number;
  /** Steps that halve (geometrically) the gap between the last rate that held and the first that failed. */
  readonly refineSteps: number;
}

interface RampStep {
  /** Frames per second per channel, i.e. owed to every viewer. */
  readonly rate: number;
  readonly owed: number;
  readonly delivered: number;
  readonly complete: number;
  readonly p99: number;
  readonly serverElu: number;
  readonly waitPct: number;
  /** Empty when the step held: p99 within the limit and every frame of the window delivered. */
  readonly failure: string;
  /** A step between a rate that held and one that failed (after the ramp broke). */
  readonly refining: boolean;
}

/**
 * Steps through rising rates on connections already open. A step holds when the p99 of the
 * frames received in its window is within the limit and every frame published in the window
 * reached every viewer by the end of the drain (no loss, no viewer dropped, no publish error).
 * Stops at the first step that does not hold, or when the next step would overrun the budget.
 */
const rampCeiling = async (
  say: (text: string) => void,
  server: ChildHandle,
  clients: ChildHandle,
  plan: RampPlan,
  /** Viewers closed before the ramp (the fixed-rate run's report): only later closes count against a step. */
  closedBefore: number,
): Promise<RampStep[]> => {
  const steps: RampStep[] = [];
  // What the fixed-rate window left queued (an overloaded target falls seconds behind) drains first.
  say('ceiling ramp: letting the fixed-rate run drain…');
  await sleep(3_000);
  const stepMs = plan.warmupMs + plan.windowMs + plan.drainMs + 500;
  const deadline = monotonicMs() + plan.budgetMs;
  const runStep = async (rate: number, refining: boolean): Promise<RampStep> => {
    say(`ceiling ramp: ${rate.toFixed(2)} frames/s per viewer${refining ? ' (refining)' : ''}…`);
    const windowStart = monotonicMs() + plan.warmupMs;
    const windowEnd = windowStart + plan.windowMs;
    clients.send({ type: 'measure', windowStart, windowEnd });
    server.send({ type: 'publish', rate, windowStart, windowEnd, stopAt: windowEnd });
    const published = await server.next<Published>('published', stepMs + 60_000);
    await sleep(Math.max(0, windowEnd + plan.drainMs - monotonicMs()));
    clients.send({ type: 'report' });
    const report = await clients.next<Report>('report', 60_000);
    const seconds = plan.windowMs / 1000;
    const complete = published.owedInWindow > 0 ? report.receivedOfWindow / published.owedInWindow : 0;
    const failure = [
      report.latencyMs.p99 > plan.p99LimitMs ? `p99 ${report.latencyMs.p99.toFixed(1)} ms > ${plan.p99LimitMs} ms` : '',
      complete < 1
        ? `${(published.owedInWindow - report.receivedOfWindow).toLocaleString('en-US')} of ${published.owedInWindow.toLocaleString('en-US')} frames not delivered by the end of the drain`
        : '',
      report.closedEarly > closedBefore ? `${report.closedEarly - closedBefore} viewers dropped` : '',
      published.publishErrors > 0 ? `${published.publishErrors} publish errors (${published.lastError})` : '',
    ]
      .filter(Boolean)
      .join('; ');
    const step = {
      rate,
      owed: published.owedInWindow / seconds,
      delivered: report.receivedInWindow / seconds,
      complete: complete * 100,
      p99: report.latencyMs.p99,
      serverElu: published.elu,
      waitPct: (published.waitPct ?? 0) + (report.waitPct ?? 0),
      failure,
      refining,
    };
    steps.push(step);
    // Let a backlog clear before the next step starts: longer after a step that failed.
    await sleep(failure ? 3_000 : 250);
    return step;
  };
  let held: number | null = null;
  let failed: number | null = null;
  for (let rate = plan.startRate; monotonicMs() + stepMs <= deadline; rate *= plan.factor) {
    if ((await runStep(rate, false)).failure) {
      failed = rate;
      break;
    }
    held = rate;
  }
  // × factor per step brackets the ceiling within one step (× 1.5): a single borderline window
  // would move the figure by half. Bisect the bracket, on a log scale, a few times.
  for (let i = 0; i < plan.refineSteps && held !== null && failed !== null; i++) {
    if (monotonicMs() + stepMs + 3_000 > deadline) break;
    const rate: number = Math.sqrt(held * failed);
    if ((await runStep(rate, true)).failure) failed = rate;
    else held = rate;
  }
  return steps;
};

const runTarget = async (
  ctx: BenchmarkContext,
  spec: TargetSpec,
  scripts: { server: string; clients: string },
  p: Params,
  ramp?: RampPlan,
): Promise<TargetRun> => {
  const channels = Array.from({ length: p.channels }, (_, i) => channelName(i));
  const say = (text: string) => ctx.progress(`${spec.name}: ${text}`);
  const profileDir = ctx.options['cpu-prof'] ? join(ctx.root, 'bench', 'results', 'profiles') : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const server = ChildHandle.start({
    script: scripts.server,
    label: `fan-out server (${spec.name})`,
    cwd: ctx.root,
    fdLimit: p.fdLimit,
    nodeArgs: profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=fanout-server-${spec.name}.cpuprofile`]
      : [],
  });
  let clients: ChildHandle | null = null;
  try {
    server.send({ type: 'start', target: spec.name, channels });
    const { descriptor } = await server.next<Message & { descriptor: TargetDescriptor }>('ready', 60_000);
    clients = ChildHandle.start({
      script: scripts.clients,
      label: `fan-out clients (${spec.name})`,
      cwd: ctx.root,
      fdLimit: p.fdLimit,
      nodeArgs: ['--max-old-space-size=4096'],
    });
    clients.on('progress', (m) => say(String(m.text)));
    say('connecting…');
    clients.send({ type: 'connect', descriptor, channels, viewersPerChannel: p.viewersPerChannel, concurrency: 200 });
    const connected = await clients.next<Connected>('connected', 300_000);
    server.send({ type: 'count' });
    const { subscribers } = await server.next<Message & { subscribers: number }>('count');

    const windowStart = monotonicMs() + p.warmupMs;
    const windowEnd = windowStart + p.windowMs;
    clients.send({ type: 'measure', windowStart, windowEnd });
    server.send({ type: 'publish', rate: p.rate, windowStart, windowEnd, stopAt: windowEnd + 250 });
    const total = p.warmupMs + p.windowMs + p.drainMs;
    const t0 = monotonicMs();
    const ticker = setInterval(() => {
      const t = monotonicMs() - t0;
      say(
        t < p.warmupMs
          ? `warm-up ${(t / 1000).toFixed(0)}/${p.warmupMs / 1000} s`
          : t < p.warmupMs + p.windowMs
            ? `measuring ${((t - p.warmupMs) / 1000).toFixed(0)}/${p.windowMs / 1000} s`
            : 'draining…',
      );
    }, 1_000);
    try {
      const published = await server.next<Published>('published', total + 60_000);
      await sleep(Math.max(0, windowEnd + p.drainMs - monotonicMs()));
      clients.send({ type: 'report' });
      const report = await clients.next<Report>('report', 60_000);
      if (!ramp) return { connected, subscribers, published, report };
      clearInterval(ticker);
      return {
        connected,
        subscribers,
        published,
        report,
        ramp: await rampCeiling(say, server, clients, ramp, report.closedEarly),
      };
    } finally {
      clearInterval(ticker);
    }
  } finally {
    say('closing connections…');
    if (clients) {
      try {
        clients.send({ type: 'close' });
        await clients.next('closed', 30_000);
      } catch {
        // stop() below ends it either way
      }
      await clients.stop(5_000, 5_000);
    }
    try {
      server.send({ type: 'stop' });
      await server.next('stopped', 15_000);
    } catch {
      // idem
    }
    await server.stop(5_000, 5_000);
  }
};

export const benchmark: Benchmark = {
  name: 'fanout',
  description:
    'Frames delivered/s and publish→receive latency to 10,000 WebSocket viewers: bare ws (the limit) vs Socket.IO rooms vs Stampede',
  async run(ctx): Promise<BenchmarkResult> {
    const channels = intOption(ctx, 'channels', 50);
    let viewersPerChannel = intOption(ctx, 'viewers', 200);
    const notes: string[] = [];
    // Each process holds one descriptor per connection plus a margin (files, pipes, the listener).
    const hard = hardFdLimit();
    const wanted = channels * viewersPerChannel + 512;
    if (hard < wanted) {
      viewersPerChannel = Math.floor((hard - 512) / channels);
      notes.push(
        `SCALED DOWN: the hard open-files limit is ${hard}, too low for ${channels * intOption(ctx, 'viewers', 200)} connections; ran ${viewersPerChannel} viewers per channel. Raise it (ulimit -Hn, /etc/security/limits.conf) for the full figure.`,
      );
    }
    const p: Params = {
      channels,
      viewersPerChannel,
      rate: intOption(ctx, 'rate', 4),
      warmupMs: intOption(ctx, 'warmup-ms', 3_000),
      windowMs: intOption(ctx, 'window-ms', 10_000),
      drainMs: 2_000,
      fdLimit: Math.min(hard, channels * viewersPerChannel + 512),
    };
    // The ceiling ramp (skipped with --ceiling-s=0): from --ceiling-start up, × 1.5 per step, on the
    // connections of each target's last run; bounded in time per target.
    const ceilingBudgetMs = intOption(ctx, 'ceiling-s', 90) * 1000;
    const rampPlan: RampPlan | undefined =
      ceilingBudgetMs > 0
        ? {
            // From well below the fixed rate, so a busy machine still shows where it stands.
            startRate: Number(ctx.options['ceiling-start'] ?? 0.5),
            factor: 1.5,
            warmupMs: intOption(ctx, 'ceiling-warmup-ms', 1_000),
            windowMs: intOption(ctx, 'ceiling-window-ms', 3_000),
            drainMs: intOption(ctx, 'ceiling-drain-ms', 1_000),
            budgetMs: ceilingBudgetMs,
            p99LimitMs: 100,
            refineSteps: intOption(ctx, 'ceiling-refine', 2),
          }
        : undefined;
    const only = ctx.options['targets']?.split(',');
    const selected = TARGETS.filter((t) => !only || only.includes(t.name));
    const server = await bundleServer(ctx.root);
    const scripts = {
      server: server.script,
      clients: await bundleWorker(ctx.root, fileURLToPath(new URL('./clients.ts', import.meta.url))),
    };

    const rows: Row[] = [];
    const byName = new Map<
      string,
      { delivered: number; p99: number; cpuPerFrame: number | null; ceiling: number | null }
    >();
    // Each target runs `repeat` times, targets alternating; the kept run is the one whose two
    // processes waited least for a core — applied alike to every target, it keeps the figure of
    // the code rather than of whatever else the machine was doing at that moment.
    const repeat = intOption(ctx, 'repeat', 2);
    const runnable = selected.filter((spec) => !(spec.name === 'stampede' && server.stampedeMissing));
    const runs = new Map<string, TargetRun[]>(runnable.map((spec) => [spec.name, []]));
    for (let round = 0; round < repeat; round++) {
      for (const spec of round % 2 ? [...runnable].reverse() : runnable) {
        ctx.progress(`${spec.name}: run ${round + 1}/${repeat}`);
        runs.get(spec.name)!.push(await runTarget(ctx, spec, scripts, p, round === repeat - 1 ? rampPlan : undefined));
        await sleep(1_000);
      }
    }
    const waitOf = (r: TargetRun) => (r.published.waitPct ?? 0) + (r.report.waitPct ?? 0);

    for (const spec of selected) {
      if (spec.name.startsWith('stampede') && server.stampedeMissing) {
        rows.push({
          subject: spec.subject,
          role: spec.role,
          values: { status: `not measured: ${server.stampedeMissing}` },
        });
        continue;
      }
      const all = runs.get(spec.name)!;
      const r = all.reduce((best, x) => (waitOf(x) < waitOf(best) ? x : best));
      const seconds = p.windowMs / 1000;
      const delivered = r.report.receivedInWindow / seconds;
      const complete =
        r.published.owedInWindow > 0 ? (r.report.receivedOfWindow / r.published.owedInWindow) * 100 : Number.NaN;
      const cpuPerFrame =
        r.report.receivedInWindow > 0
          ? ((r.published.cpuPct / 100) * p.windowMs * 1000) / r.report.receivedInWindow
          : null;
      const steps = all.find((x) => x.ramp)?.ramp;
      const held = steps?.filter((x) => !x.failure) ?? [];
      const top = held.reduce<RampStep | undefined>(
        (best, x) => (best && best.delivered >= x.delivered ? best : x),
        undefined,
      );
      const ceiling = steps === undefined ? null : (top?.delivered ?? 0);
      byName.set(spec.name, { delivered, p99: r.report.latencyMs.p99, cpuPerFrame, ceiling });
      if (steps !== undefined) {
        const broke = steps.find((x) => x.failure);
        notes.push(
          `${spec.subject}, ceiling ramp (per-viewer frames/s → delivered frames/s · p99 ms · window frames received % · waited for a core %): ` +
            steps
              .map(
                (x) =>
                  `${x.refining ? '↳ ' : ''}${x.rate.toFixed(2)} → ${Math.round(x.delivered).toLocaleString('en-US')} · ${x.p99.toFixed(1)} · ${x.complete.toFixed(2)} · ${x.waitPct.toFixed(0)}${x.failure ? ` ✗ ${x.failure}` : ''}`,
              )
              .join(' | ') +
            (broke ? '' : ' — the time budget ran out before a step failed: the ceiling is at least the last step.'),
        );
      }
      const problems = [
        r.connected.failed > 0 ? `${r.connected.failed} connections failed (${r.connected.lastError})` : '',
        r.report.closedEarly > 0 ? `${r.report.closedEarly} closed early` : '',
        r.published.publishErrors > 0 ? `${r.published.publishErrors} publish errors (${r.published.lastError})` : '',
        r.report.undecodable > 0 ? `${r.report.undecodable} undecodable messages` : '',
      ].filter(Boolean);
      rows.push({
        subject: spec.subject,
        role: spec.role,
        values: {
          viewers: r.subscribers,
          offered: r.published.owedInWindow / seconds,
          delivered,
          messages: r.report.messagesInWindow / seconds,
          complete,
          p50: r.report.latencyMs.p50,
          p99: r.report.latencyMs.p99,
          max: r.report.latencyMs.max,
          serverCpu: r.published.cpuPct,
          serverCpuPerFrame: cpuPerFrame,
          serverWait: r.published.waitPct,
          // Per-connection ≈ 1 per viewer per frame; pub/sub ≈ 1 per channel batch (÷ viewers × frames in the batch).
          callsPerFrame:
            r.published.backendCallsInWindow !== null && r.report.receivedInWindow > 0
              ? r.published.backendCallsInWindow / r.report.receivedInWindow
              : null,
          clientCpu: r.report.cpuPct,
          clientWait: r.report.waitPct,
          connect: r.connected.connectMs / 1000,
          ceiling,
          ceilingRate: top?.rate ?? null,
          status: problems.length ? problems.join('; ') : 'ok',
        },
      });
      if (all.length > 1) {
        notes.push(
          `${spec.subject}, all runs (delivered frames/s · p99 ms · waited for a core server+clients %): ` +
            all
              .map(
                (x) =>
                  `${Math.round(x.report.receivedInWindow / seconds).toLocaleString('en-US')} · ${x.report.latencyMs.p99.toFixed(1)} · ${waitOf(x).toFixed(0)}`,
              )
              .join(' | '),
        );
      }
      if (r.published.diagnostics) notes.push(`${spec.subject} at the end of the window: ${r.published.diagnostics}`);
      if (r.report.elu > 0.9)
        notes.push(
          `${spec.subject}: the client process was saturated (event-loop utilisation ${(r.report.elu * 100).toFixed(0)} %) — latency and throughput there are bounded by the viewers’ process, not only by the server.`,
        );
      if (r.published.elu > 0.9)
        notes.push(
          `${spec.subject}: the server process was saturated (event-loop utilisation ${(r.published.elu * 100).toFixed(0)} %, publisher up to ${r.published.maxLagMs.toFixed(0)} ms behind schedule).`,
        );
    }

    const bare = byName.get('bare-ws');
    const sio = byName.get('socket.io');
    const ours = byName.get('stampede');
    return {
      status: 'ok',
      columns: [
        { key: 'viewers', label: 'viewers', digits: 0 },
        { key: 'offered', label: 'owed frames/s', digits: 0 },
        { key: 'delivered', label: 'delivered frames/s', better: 'higher', digits: 0 },
        { key: 'messages', label: 'WS messages/s', digits: 0 },
        { key: 'complete', label: 'window frames received', unit: '%', digits: 2, better: 'higher' },
        { key: 'p50', label: 'p50', unit: 'ms', digits: 2, better: 'lower' },
        { key: 'p99', label: 'p99', unit: 'ms', digits: 2, better: 'lower' },
        { key: 'max', label: 'max', unit: 'ms', digits: 1, better: 'lower' },
        { key: 'serverCpu', label: 'server CPU', unit: '%', digits: 0 },
        { key: 'serverCpuPerFrame', label: 'server CPU per frame', unit: 'µs', digits: 2, better: 'lower' },
        { key: 'serverWait', label: 'server waited for a core', unit: '%', digits: 0 },
        { key: 'callsPerFrame', label: 'backend calls per delivered frame', digits: 4, better: 'lower' },
        { key: 'clientCpu', label: 'clients CPU', unit: '%', digits: 0 },
        { key: 'clientWait', label: 'clients waited for a core', unit: '%', digits: 0 },
        { key: 'connect', label: 'connect all', unit: 's', digits: 1 },
        { key: 'ceiling', label: 'ceiling: highest sustained delivered frames/s', better: 'higher', digits: 0 },
        { key: 'ceilingRate', label: 'ceiling: frames/s per viewer', digits: 1 },
        { key: 'status', label: 'status' },
      ],
      rows,
      ratios: [
        {
          label: 'Socket.IO / bare ws, delivered frames/s',
          value: ratio(sio?.delivered, bare?.delivered),
          meaning: 'fraction of the machine’s limit',
        },
        {
          label: 'Socket.IO p99 / bare ws p99',
          value: ratio(sio?.p99, bare?.p99),
          meaning: '× the limit’s tail latency',
        },
        {
          label: 'Socket.IO / bare ws, server CPU per frame',
          value: ratio(sio?.cpuPerFrame, bare?.cpuPerFrame),
          meaning: '× the limit’s CPU cost of delivering one frame',
        },
        {
          label: 'Socket.IO / bare ws, fan-out ceiling',
          value: ratio(sio?.ceiling, bare?.ceiling),
          meaning: 'fraction of the machine’s highest sustained rate (p99 ≤ 100 ms, no frame lost)',
        },
        ...(ours
          ? [
              {
                label: 'Stampede / bare ws, fan-out ceiling',
                value: ratio(ours.ceiling, bare?.ceiling),
                meaning: 'fraction of the machine’s highest sustained rate (p99 ≤ 100 ms, no frame lost)',
              },
              {
                label: 'Stampede / bare ws, delivered frames/s',
                value: ratio(ours.delivered, bare?.delivered),
                meaning: 'fraction of the machine’s limit',
              },
              {
                label: 'Stampede / Socket.IO, delivered frames/s',
                value: ratio(ours.delivered, sio?.delivered),
                meaning: '× Socket.IO’s throughput',
              },
              {
                label: 'Stampede p99 / bare ws p99',
                value: ratio(ours.p99, bare?.p99),
                meaning: '× the limit’s tail latency',
              },
              {
                label: 'Stampede / bare ws, server CPU per frame',
                value: ratio(ours.cpuPerFrame, bare?.cpuPerFrame),
                meaning: '× the limit’s CPU cost of delivering one frame (robust to a busy machine)',
              },
              {
                label: 'Stampede / Socket.IO, server CPU per frame',
                value: ratio(ours.cpuPerFrame, sio?.cpuPerFrame),
                meaning: '< 1: Stampede spends less CPU per delivered frame',
              },
            ]
          : []),
      ],
      notes: [
        `Each target ran ${repeat} time(s), targets alternating; the row is the run whose processes waited least for a core.`,
        ...(rampPlan
          ? [
              `Ceiling: on the connections of each target's last run, the owed rate starts at ${rampPlan.startRate} frames/s per viewer and grows × ${rampPlan.factor} per step (warm-up ${rampPlan.warmupMs / 1000} s, window ${rampPlan.windowMs / 1000} s, drain ${rampPlan.drainMs / 1000} s) until a step's p99 exceeds ${rampPlan.p99LimitMs} ms or a frame of its window is not delivered by the end of the drain, or ${rampPlan.budgetMs / 1000} s have passed; then ${rampPlan.refineSteps} steps (↳) bisect, on a log scale, the gap between the last rate that held and the first that failed (one borderline window would otherwise move the figure by a whole step). The ceiling is the delivered frames/s of the highest step that held (0: not even the first).`,
            ]
          : []),
        `${p.channels} channels × ${p.viewersPerChannel} viewers = ${(p.channels * p.viewersPerChannel).toLocaleString('en-US')} WebSocket connections on 127.0.0.1; each channel publishes ${p.rate} frames/s (spread evenly), so every viewer is owed ${p.rate} frames/s. Warm-up ${p.warmupMs / 1000} s, measured window ${p.windowMs / 1000} s, then ${p.drainMs / 1000} s to drain.`,
        'Server (target + in-process publisher) and viewers run in two separate node processes; a frame carries its publish due time on the machine’s monotonic clock, the viewer subtracts on arrival. Publishing is an open loop (due times fixed in advance), so a server that falls behind shows up as latency, not as fewer publishes.',
        '“delivered frames/s”: frames received inside the window ÷ window; “window frames received”: of the frames published inside the window × their channel’s viewers, the share that arrived by the end of the drain. “server CPU per frame”: the server process’s CPU time in the window ÷ frames delivered in it — it holds up on a busy machine where frames/s and latency do not. “waited for a core”: share of the window the process’s event loop was runnable but not running (Linux schedstat) — a high figure means the row measures contention, not the code.',
        'Clients: `ws` for bare ws and Stampede, `socket.io-client` (WebSocket transport only) for Socket.IO. A frame is one feed item of ~280 bytes of JSON: a bid for bare ws and Socket.IO; for Stampede a chat signal (text padded to the same length) handed to its FeedPublisher in-process, delivered in its `{type:"feed", items}` frames — when the pipeline batches, several items share one WebSocket message (compare “WS messages/s” with “delivered frames/s”).',
        ...(selected.some((t) => t.name === 'stampede-appsync')
          ? [
              'Stampede, AppSync Events stand-in: the same runtime with --broadcaster appsync-events; viewers subscribe on the local stand-in of the AppSync Events protocol (development only, not AWS), the fan-out makes one SigV4-signed HTTP publish per channel batch. “backend calls per delivered frame”: PostToConnection calls (per-connection path) or publish requests (pub/sub) in the window ÷ frames delivered in it — what the AWS bill and quotas scale with.',
            ]
          : []),
        ...(selected.some((t) => t.name === 'stampede')
          ? [
              'Stampede runs its local runtime (memory backend, live commerce only) with default settings: shard size 500, fan-out batch 100, broadcast batch 10 × concurrency 4, no batching windows.',
            ]
          : []),
        ...notes,
      ],
      details: {
        params: p,
        repeat,
        runs: Object.fromEntries(
          [...runs].map(([n, rs]) => [
            n,
            rs.map(({ connected, subscribers, published, report }) => ({ connected, subscribers, published, report })),
          ]),
        ),
      },
    };
  },
};
