/**
 * The system under test, alone in its process: a fan-out target plus the publisher that
 * feeds it (in-process, as an application that broadcasts would). The publisher is an open
 * loop: publish k is due at t0 + k·period and carries its due time as `sentAt`, so a server
 * that falls behind shows it as latency instead of quietly publishing less (no coordinated
 * omission).
 */
import { performance } from 'node:perf_hooks';
import { runQueueWaitMs } from '../lib/sched.js';
import { parentChannel, type Message } from '../lib/child-process.js';
import { makeFrame, monotonicMs, type FanoutTarget } from './frame.js';
import { createBareWsTarget } from './targets/bare-ws.target.js';
import { createSocketIoTarget } from './targets/socket-io.target.js';
import { createStampedeAppSyncTarget, createStampedeTarget } from './targets/stampede.target.js';

const factories: Record<string, () => Promise<FanoutTarget> | FanoutTarget> = {
  'bare-ws': createBareWsTarget,
  'socket.io': createSocketIoTarget,
  stampede: createStampedeTarget,
  'stampede-appsync': createStampedeAppSyncTarget,
};

const channel = parentChannel();
let target: FanoutTarget | null = null;
let channels: string[] = [];

interface PublishPlan {
  readonly rate: number;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly stopAt: number;
}

const publish = (plan: PublishPlan) => {
  const t = target!;
  const period = 1000 / (plan.rate * channels.length);
  const t0 = monotonicMs();
  let k = 0;
  let publishedInWindow = 0;
  let owedInWindow = 0;
  let publishErrors = 0;
  let lastError = '';
  let maxLagMs = 0;
  let cpu0 = process.cpuUsage();
  let elu0 = performance.eventLoopUtilization();
  let cpuPct = Number.NaN;
  let elu = Number.NaN;
  let diagnostics = '';
  let wait0 = runQueueWaitMs();
  let waitPct: number | null = null;
  let calls0: number | null = null;
  let backendCallsInWindow: number | null = null;
  setTimeout(
    () => {
      calls0 = t.backendCalls?.() ?? null;
      cpu0 = process.cpuUsage();
      elu0 = performance.eventLoopUtilization();
      wait0 = runQueueWaitMs();
    },
    Math.max(0, plan.windowStart - monotonicMs()),
  );
  setTimeout(
    () => {
      const d = process.cpuUsage(cpu0);
      cpuPct = ((d.user + d.system) / 1000 / (plan.windowEnd - plan.windowStart)) * 100;
      elu = performance.eventLoopUtilization(elu0).utilization;
      diagnostics = t.diagnostics?.() ?? '';
      const calls1 = t.backendCalls?.() ?? null;
      backendCallsInWindow = calls0 === null || calls1 === null ? null : calls1 - calls0;
      const wait1 = runQueueWaitMs();
      waitPct = wait0 === null || wait1 === null ? null : ((wait1 - wait0) / (plan.windowEnd - plan.windowStart)) * 100;
    },
    Math.max(0, plan.windowEnd - monotonicMs()),
  );

  const tick = () => {
    const now = monotonicMs();
    let due = t0 + k * period;
    while (due <= now && due < plan.stopAt) {
      const ch = channels[k % channels.length]!;
      const seq = Math.floor(k / channels.length) + 1;
      if (due >= plan.windowStart && due < plan.windowEnd) {
        publishedInWindow++;
        owedInWindow += t.subscribers(ch);
      }
      maxLagMs = Math.max(maxLagMs, now - due);
      try {
        const r = t.publish(ch, makeFrame(ch, seq, due));
        if (r) {
          r.catch((e: unknown) => {
            publishErrors++;
            lastError = e instanceof Error ? e.message : String(e);
          });
        }
      } catch (e) {
        publishErrors++;
        lastError = e instanceof Error ? e.message : String(e);
      }
      k++;
      due = t0 + k * period;
    }
    if (due >= plan.stopAt) {
      // Let the window-end sample land before reporting.
      setTimeout(
        () =>
          channel.send({
            type: 'published',
            publishes: k,
            publishedInWindow,
            owedInWindow,
            publishErrors,
            lastError,
            maxLagMs,
            cpuPct,
            elu,
            diagnostics,
            waitPct,
            backendCallsInWindow,
          }),
        20,
      );
      return;
    }
    setTimeout(tick, Math.max(0, due - monotonicMs()));
  };
  tick();
};

channel.onMessage(async (m: Message) => {
  switch (m.type) {
    case 'start': {
      const name = String(m.target);
      const factory = factories[name];
      if (!factory) throw new Error(`unknown fan-out target "${name}"; known: ${Object.keys(factories).join(', ')}`);
      channels = m.channels as string[];
      target = await factory();
      const descriptor = await target.start(channels);
      channel.send({ type: 'ready', descriptor });
      return;
    }
    case 'count':
      await target!.refreshSubscribers?.();
      channel.send({ type: 'count', subscribers: channels.reduce((n, c) => n + target!.subscribers(c), 0) });
      return;
    case 'publish':
      publish(m as unknown as PublishPlan);
      return;
    case 'stop':
      await target?.stop();
      channel.send({ type: 'stopped' });
      setTimeout(() => process.exit(0), 20);
      return;
  }
});
