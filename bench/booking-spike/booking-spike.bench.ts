import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { intOption, type Benchmark, type BenchmarkContext, type BenchmarkResult, type Row } from '../lib/benchmark.js';
import { bundleWorker } from '../lib/bundle-worker.js';
import { ChildHandle, type Message } from '../lib/child-process.js';
import { ratio, summarize } from '../lib/stats.js';
import { runLoad, type LoadOutcome } from './load.js';
import type { SeatAudit } from './server.worker.js';

const CAPACITY = 500;
const MAX_SEATS = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Params {
  readonly requests: number;
  readonly connections: number;
  readonly users: number;
  readonly warmup: number;
}

const jsonFetch = async <T>(
  url: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<T> => {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
};

interface TripStats {
  readonly tripId: string;
  readonly requests: number;
  readonly processed: number;
  readonly success: number;
}
const tripStats = async (url: string, tripId: string): Promise<TripStats> => {
  const stats = await jsonFetch<{ trips: TripStats[] }>(`${url}/api/stats`);
  return stats.trips.find((t) => t.tripId === tripId) ?? { tripId, requests: 0, processed: 0, success: 0 };
};

/** Polls `/api/stats` until the trip has processed `expected` requests; returns when that was seen. */
const waitDrained = async (
  ctx: BenchmarkContext,
  url: string,
  tripId: string,
  expected: number,
  timeoutMs = 180_000,
): Promise<{ at: number; stats: TripStats }> => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const stats = await tripStats(url, tripId);
    const at = performance.now();
    if (stats.processed >= expected) return { at, stats };
    if (at > deadline)
      throw new Error(
        `booking queue did not drain within ${timeoutMs} ms: trip ${tripId} processed ${stats.processed} of ${expected}`,
      );
    ctx.progress(`draining ${stats.processed.toLocaleString('en-US')}/${expected.toLocaleString('en-US')} processed`);
    await sleep(50);
  }
};

interface SubjectRun {
  readonly load: LoadOutcome;
  readonly cpuMs: number;
  readonly tokens: readonly string[];
  readonly drainAfterLoadMs: number | null;
  readonly processedPerSecond: number | null;
  readonly audit: SeatAudit | null;
  readonly stats: TripStats | null;
}

const bookingBody = (runId: string) => (i: number) =>
  JSON.stringify({ seats: (i % MAX_SEATS) + 1, requestId: `${runId}-${i}` });

/**
 * `sameTokens`: the bare server ignores authorization but gets the very tokens Stampede got, so
 * both receive byte-for-byte the same kind of request.
 */
const runSubject = async (
  ctx: BenchmarkContext,
  script: string,
  subject: 'stampede' | 'bare',
  p: Params,
  sameTokens: readonly string[] = [],
): Promise<SubjectRun> => {
  const profileDir = ctx.options['cpu-prof'] ? join(ctx.root, 'bench', 'results', 'profiles') : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const child = ChildHandle.start({
    script,
    label: `booking-spike server (${subject})`,
    cwd: ctx.root,
    nodeArgs: profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=booking-spike-${subject}.cpuprofile`]
      : [],
  });
  try {
    await child.next('hello', 60_000);
    child.send({ type: 'start', subject });
    const { url } = await child.next<Message & { url: string }>('ready', 60_000);
    const stamp = Date.now().toString(36);
    const tripId = `spike-${stamp}`;
    const warmTrip = `spike-warm-${stamp}`;
    let tokens: readonly string[] = sameTokens.length > 0 ? sameTokens : ['bare-has-no-auth'];
    if (subject === 'stampede') {
      ctx.progress(`stampede: ${p.users} tokens from the development issuer`);
      const issued: string[] = [];
      tokens = issued;
      for (let u = 0; u < p.users; u++)
        issued.push(
          (
            await jsonFetch<{ token: string }>(`${url}/api/dev/tokens`, {
              method: 'POST',
              body: { userId: `passenger-${u}` },
            })
          ).token,
        );
      const operator = (
        await jsonFetch<{ token: string }>(`${url}/api/dev/tokens`, {
          method: 'POST',
          body: { userId: 'bench-operator' },
        })
      ).token;
      for (const [id, capacity] of [
        [warmTrip, 1000],
        [tripId, CAPACITY],
      ] as const) {
        await jsonFetch(`${url}/api/trips`, {
          method: 'POST',
          token: operator,
          body: {
            tripId: id,
            route: 'Bench — Spike City',
            departsAt: Date.now() + 86_400_000,
            capacity,
            maxSeatsPerBooking: MAX_SEATS,
          },
        });
      }
    }
    const pathOf = (trip: string) => `/api/trips/${trip}/bookings`;

    // Warm-up on its own trip (JIT, connection pools), drained before the measured burst starts.
    ctx.progress(`${subject}: warm-up ${p.warmup} requests`);
    await runLoad({
      url,
      path: pathOf(warmTrip),
      amount: p.warmup,
      connections: p.connections,
      tokens,
      body: bookingBody(`warm-${stamp}`),
    });
    if (subject === 'stampede') await waitDrained(ctx, url, warmTrip, p.warmup);

    child.send({ type: 'cpu' });
    const cpu0 = (await child.next<Message & { ms: number }>('cpu')).ms;
    const t0 = performance.now();
    const load = await runLoad({
      url,
      path: pathOf(tripId),
      amount: p.requests,
      connections: p.connections,
      tokens,
      body: bookingBody(`req-${stamp}`),
      onProgress: (done, amount) =>
        ctx.progress(`${subject}: ${done.toLocaleString('en-US')}/${amount.toLocaleString('en-US')} requests answered`),
    });
    const loadEnd = t0 + load.durationMs;
    child.send({ type: 'cpu' });
    const cpuMs = (await child.next<Message & { ms: number }>('cpu')).ms - cpu0;
    if (subject === 'bare')
      return { load, cpuMs, tokens, drainAfterLoadMs: null, processedPerSecond: null, audit: null, stats: null };

    const accepted = load.byStatus['202'] ?? 0;
    if (accepted === 0) throw new Error(`no booking was accepted: statuses ${JSON.stringify(load.byStatus)}`);
    const drained = await waitDrained(ctx, url, tripId, accepted);
    child.send({ type: 'audit', tripId, capacity: CAPACITY });
    const { audit } = await child.next<Message & { audit: SeatAudit }>('audit');
    return {
      load,
      cpuMs,
      tokens,
      drainAfterLoadMs: Math.max(0, drained.at - loadEnd),
      processedPerSecond: drained.stats.processed / ((drained.at - t0) / 1000),
      audit,
      stats: drained.stats,
    };
  } finally {
    child.send({ type: 'stop' });
    await child.next('stopped', 30_000).catch(() => undefined);
    await child.stop(5_000, 2_000);
  }
};

export const benchmark: Benchmark = {
  name: 'booking-spike',
  description: `A flash sale on a ${CAPACITY}-seat trip: ≥ 10,000 unique booking requests from 100 connections against the local runtime's HTTP API (accept latency, drain, seats, oversell) vs a bare node:http server answering 202`,
  async run(ctx): Promise<BenchmarkResult> {
    const p: Params = {
      requests: Math.max(10_000, intOption(ctx, 'requests', 10_000)),
      connections: Math.max(100, intOption(ctx, 'connections', 100)),
      users: intOption(ctx, 'users', 200),
      warmup: intOption(ctx, 'warmup', 1_000),
    };
    ctx.progress('bundling the server worker…');
    const script = await bundleWorker(ctx.root, fileURLToPath(new URL('./server.worker.ts', import.meta.url)), {
      outName: 'booking-spike-server.mjs',
    });

    const ours = await runSubject(ctx, script, 'stampede', p);
    const bare = await runSubject(ctx, script, 'bare', p, ours.tokens);

    const a = ours.audit!;
    const oversold = Math.max(0, a.confirmedSeats - a.cancelledSeats - CAPACITY);
    const problems: string[] = [];
    if (oversold > 0) problems.push(`${oversold} seats OVERSOLD (confirmed ${a.confirmedSeats} on ${CAPACITY} seats)`);
    if (a.doubleSoldSeats > 0) problems.push(`${a.doubleSoldSeats} seat numbers sold twice`);
    if (a.outOfRangeSeats > 0) problems.push(`${a.outOfRangeSeats} seat numbers outside 1…${CAPACITY}`);
    if (a.duplicateOutcomes > 0) problems.push(`${a.duplicateOutcomes} requests decided twice`);
    const accepted = ours.load.byStatus['202'] ?? 0;
    if (a.confirmedBookings + a.rejectedBookings !== accepted)
      problems.push(`${accepted} accepted but ${a.confirmedBookings + a.rejectedBookings} decided in the trip stream`);
    if (problems.length > 0) throw new Error(`booking-spike found WRONG RESULTS: ${problems.join('; ')}`);

    const row = (subject: string, role: Row['role'], r: SubjectRun): Row => {
      const lat = summarize(r.load.acceptedLatencyMs);
      const acc = r.load.byStatus['202'] ?? 0;
      return {
        subject,
        role,
        values: {
          requests: r.load.sent,
          accepted: acc,
          other: r.load.sent - acc + r.load.errors,
          acceptedPerSecond: acc / (r.load.durationMs / 1000),
          p50: lat.p50,
          p99: lat.p99,
          cpuPerRequest: (r.cpuMs * 1000) / r.load.sent,
          drainMs: r.drainAfterLoadMs,
          processedPerSecond: r.processedPerSecond,
          seatsConfirmed: r.audit ? r.audit.confirmedSeats - r.audit.cancelledSeats : null,
          oversold: r.audit ? oversold : null,
        },
      };
    };
    const rows = [
      row('bare node:http (202 at once)', 'baseline', bare),
      row('Stampede local runtime', 'stampede', ours),
    ];
    const rate = (r: SubjectRun) => (r.load.byStatus['202'] ?? 0) / (r.load.durationMs / 1000);
    return {
      status: 'ok',
      columns: [
        { key: 'requests', label: 'requests' },
        { key: 'accepted', label: '202' },
        { key: 'other', label: 'other/err' },
        { key: 'acceptedPerSecond', label: 'accepted/s', better: 'higher', digits: 0 },
        { key: 'p50', label: 'p50', unit: 'ms', better: 'lower', digits: 1 },
        { key: 'p99', label: 'p99', unit: 'ms', better: 'lower', digits: 1 },
        { key: 'cpuPerRequest', label: 'server CPU/req', unit: 'µs', better: 'lower', digits: 0 },
        { key: 'drainMs', label: 'drain after load', unit: 'ms', better: 'lower', digits: 0 },
        { key: 'processedPerSecond', label: 'processed/s', better: 'higher', digits: 0 },
        { key: 'seatsConfirmed', label: 'seats confirmed' },
        { key: 'oversold', label: 'OVERSOLD', better: 'lower' },
      ],
      rows,
      ratios: [
        {
          label: 'Stampede / bare node:http, accepted requests/s',
          value: ratio(rate(ours), rate(bare)),
          meaning:
            'share of the HTTP stack’s limit our booking API accepts (1 = as fast as answering 202 without doing anything)',
        },
        {
          label: 'Stampede / bare node:http, p99 accept latency',
          value: ratio(summarize(ours.load.acceptedLatencyMs).p99, summarize(bare.load.acceptedLatencyMs).p99),
          meaning: '× the bare server’s p99 (> 1 = slower)',
        },
      ],
      notes: [
        `${p.requests.toLocaleString('en-US')} POSTs from ${p.connections} keep-alive connections (autocannon in the runner; server in its own process), each with a unique request id, 1–${MAX_SEATS} seats, bearer tokens of ${p.users} passengers from the development issuer; ${p.warmup} warm-up requests on another trip first.`,
        `Seats are audited from the trip's events (not the decider's counter): ${a.confirmedBookings} bookings confirmed (${a.confirmedSeats} seats), ${a.rejectedBookings} rejected, 0 seats sold twice, OVERSOLD = ${oversold}.`,
        'Drain: from the last 202 until /api/stats shows processed = accepted (polled every 50 ms); processed/s counts from the first request to drained. Accepting a booking is the HTTP path only (JWT check, terms, request index, FIFO enqueue); the trip decides later.',
        'The bare server (run second, with the same tokens in the same requests) only reads the body and answers 202: the ceiling of node:http + autocannon on this machine, which shares the 2 cores with the load generator.',
      ],
      details: {
        params: { ...p, capacity: CAPACITY },
        bare: { byStatus: bare.load.byStatus, durationMs: bare.load.durationMs, cpuMs: bare.cpuMs },
        stampede: {
          byStatus: ours.load.byStatus,
          durationMs: ours.load.durationMs,
          cpuMs: ours.cpuMs,
          audit: a,
          stats: ours.stats,
        },
      },
    };
  },
};
