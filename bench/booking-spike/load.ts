import { createRequire } from 'node:module';
import { SampleBuffer } from '../lib/stats.js';

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonInstance {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void,
  ): void;
  on(event: 'tick', listener: (counter: { counter: number }) => void): void;
  on(event: 'done', listener: (result: AutocannonResult) => void): void;
  stop(): void;
}
interface AutocannonResult {
  errors: number;
  timeouts: number;
  duration: number;
  requests: { total: number };
}
type Autocannon = (
  options: {
    url: string;
    connections: number;
    amount: number;
    timeout: number;
    pipelining: number;
    requests: (AutocannonRequest & { setupRequest?: (req: AutocannonRequest) => AutocannonRequest })[];
  },
  callback: (error: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadPlan {
  readonly url: string;
  readonly path: string;
  readonly amount: number;
  readonly connections: number;
  /** Bearer tokens, used in turn (one per simulated passenger). */
  readonly tokens: readonly string[];
  /** Body of request i (0-based): each carries its own request id. */
  readonly body: (i: number) => string;
  readonly onProgress?: (done: number, amount: number) => void;
}

export interface LoadOutcome {
  readonly sent: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** Latency (ms) of every 202, in completion order. */
  readonly acceptedLatencyMs: Float64Array;
  readonly errors: number;
  readonly timeouts: number;
  /** From the first request sent to the last response (ms). */
  readonly durationMs: number;
}

/**
 * A closed-loop burst: `connections` keep-alive clients each with one request in flight, until
 * `amount` requests were answered — the shape of a flash sale where everyone presses "book" at
 * once. Every request gets a unique request id and a passenger token through `setupRequest`.
 */
export const runLoad = (plan: LoadPlan): Promise<LoadOutcome> =>
  new Promise((resolve, reject) => {
    let next = 0;
    const byStatus: Record<string, number> = {};
    const accepted = new SampleBuffer(plan.amount);
    let answered = 0;
    const t0 = performance.now();
    let last = t0;
    const instance = autocannon(
      {
        url: plan.url,
        connections: plan.connections,
        amount: plan.amount,
        timeout: 30,
        pipelining: 1,
        requests: [
          {
            method: 'POST',
            path: plan.path,
            setupRequest: (req) => {
              const i = next++;
              return {
                ...req,
                headers: {
                  'content-type': 'application/json',
                  authorization: `Bearer ${plan.tokens[i % plan.tokens.length] ?? ''}`,
                },
                body: plan.body(i),
              };
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          sent: next,
          byStatus,
          acceptedLatencyMs: accepted.values().slice(),
          errors: result.errors,
          timeouts: result.timeouts,
          durationMs: last - t0,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      answered++;
      last = performance.now();
      byStatus[statusCode] = (byStatus[statusCode] ?? 0) + 1;
      if (statusCode === 202) accepted.push(responseTimeMs);
      if (answered % 500 === 0) plan.onProgress?.(answered, plan.amount);
    });
  });
