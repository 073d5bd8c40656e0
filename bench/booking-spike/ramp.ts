import { Agent, request } from 'node:http';
import { SampleBuffer } from '../lib/stats.js';

export interface RampPlan {
  readonly url: string;
  readonly path: string;
  /** Requests per second of each step, in order (e.g. 100, 200, 300). */
  readonly steps: readonly number[];
  readonly stepMs: number;
  /** A request not answered within this is a client timeout (aborted, counted, never retried). */
  readonly timeoutMs: number;
  readonly maxSockets: number;
  readonly tokens: readonly string[];
  readonly body: (i: number) => string;
  readonly onProgress?: (sent: number, answered: number) => void;
}

export interface RampOutcome {
  readonly sent: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly acceptedLatencyMs: Float64Array;
  readonly timeouts: number;
  readonly errors: number;
  /** Sent rate the schedule asked for at its peak. */
  readonly peakRate: number;
  readonly durationMs: number;
}

/**
 * An open-loop ramp: requests leave on a schedule (steps of `steps[i]` requests/s), whether or
 * not earlier ones were answered — the shape of a sale opening, where the clients do not slow
 * down because the server does. autocannon is closed-loop (a slow server slows its clients), so
 * it cannot show client timeouts under a rate the server does not keep; this loop can.
 */
export const runRamp = (plan: RampPlan): Promise<RampOutcome> =>
  new Promise((resolve) => {
    const agent = new Agent({ keepAlive: true, maxSockets: plan.maxSockets });
    const target = new URL(plan.url);
    const byStatus: Record<string, number> = {};
    const total = plan.steps.reduce((n, rate) => n + Math.round((rate * plan.stepMs) / 1000), 0);
    const accepted = new SampleBuffer(total);
    let sent = 0;
    let settled = 0;
    let timeouts = 0;
    let errors = 0;
    const t0 = performance.now();
    let last = t0;
    const done = () => {
      settled++;
      last = performance.now();
      if (settled % 500 === 0) plan.onProgress?.(sent, settled);
      if (settled === total) {
        agent.destroy();
        resolve({
          sent,
          byStatus,
          acceptedLatencyMs: accepted.values().slice(),
          timeouts,
          errors,
          peakRate: Math.max(...plan.steps),
          durationMs: last - t0,
        });
      }
    };
    const fire = (i: number) => {
      sent++;
      const body = plan.body(i);
      const start = performance.now();
      let finished = false;
      const finish = (outcome: 'timeout' | 'error' | number) => {
        if (finished) return;
        finished = true;
        if (outcome === 'timeout') timeouts++;
        else if (outcome === 'error') errors++;
        else {
          byStatus[outcome] = (byStatus[outcome] ?? 0) + 1;
          if (outcome === 202) accepted.push(performance.now() - start);
        }
        done();
      };
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: plan.path,
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${plan.tokens[i % plan.tokens.length] ?? ''}`,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => finish(res.statusCode ?? 0));
          res.on('error', () => finish('error'));
        },
      );
      const timer = setTimeout(() => {
        finish('timeout');
        req.destroy();
      }, plan.timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', () => finish('error'));
      req.end(body);
    };
    // The schedule: request k of step s leaves at stepStart + k / rate. Late timers catch up at once.
    let i = 0;
    const tick = () => {
      const now = performance.now() - t0;
      let due = 0;
      let offset = 0;
      for (const rate of plan.steps) {
        const inStep = Math.round((rate * plan.stepMs) / 1000);
        const elapsed = Math.min(plan.stepMs, Math.max(0, now - offset));
        due += Math.min(inStep, Math.floor((elapsed * rate) / 1000));
        offset += plan.stepMs;
      }
      while (i < Math.min(due, total)) fire(i++);
      if (i < total) setTimeout(tick, 5);
    };
    tick();
  });
