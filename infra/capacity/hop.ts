import { QUOTAS, type Quota, type QuotaId } from './aws-quotas.js';
import { PRICES, type PriceId } from './aws-prices.js';
import type { Source } from './sources.js';

/**
 * - ok: within its limit;
 * - needs-increase: over an adjustable AWS default quota: fits once AWS raises it to `required`;
 * - over: over a quota AWS does not raise, or over a stack setting (change the setting).
 */
export type HopStatus = 'ok' | 'needs-increase' | 'over';

export type LimitRef =
  | { readonly kind: 'quota'; readonly id: QuotaId; readonly quota: Quota; readonly raised: boolean }
  | { readonly kind: 'setting'; readonly name: string };

export interface HopResult {
  /** The stage of the pipeline: connect, join, heartbeat, relay, feed stream, fan-out, … */
  readonly hop: string;
  /** What is measured, e.g. "PostToConnection calls". */
  readonly what: string;
  readonly load: number;
  readonly limit: number;
  readonly unit: string;
  readonly utilisation: number;
  readonly status: HopStatus;
  readonly limitRef: LimitRef;
  /** For needs-increase: the quota value that would fit the load. */
  readonly required?: number;
  /** How the load was derived (and what it assumes). */
  readonly basis: string;
}

export interface CostLine {
  readonly item: string;
  readonly price: PriceId;
  readonly unitsPerHour: number;
  readonly usdPerHour: number;
  readonly source: Source;
  /** Part of the heartbeat (presence) path: counted in the cost per viewer-hour of presence. */
  readonly presence: boolean;
}

/** Quota values after `--quota id=value` overrides (an account whose quotas were raised). */
export type QuotaValues = Partial<Record<QuotaId, number>>;

export const quotaLimit = (
  hop: string,
  what: string,
  load: number,
  id: QuotaId,
  values: QuotaValues,
  basis: string,
): HopResult => {
  const quota = QUOTAS[id];
  const raised = values[id] !== undefined;
  const limit = values[id] ?? quota.value;
  const utilisation = load / limit;
  const fits = load <= limit;
  const status: HopStatus = fits ? 'ok' : quota.adjustable ? 'needs-increase' : 'over';
  return {
    hop,
    what,
    load,
    limit,
    unit: quota.unit,
    utilisation,
    status,
    limitRef: { kind: 'quota', id, quota, raised },
    ...(status === 'needs-increase' ? { required: Math.ceil(load) } : {}),
    basis,
  };
};

/** A limit the stack sets itself (shards, reserved concurrency, stage throttle): over it is always "over". */
export const settingLimit = (
  hop: string,
  what: string,
  load: number,
  limit: number,
  unit: string,
  setting: string,
  basis: string,
): HopResult => ({
  hop,
  what,
  load,
  limit,
  unit,
  utilisation: load / limit,
  status: load <= limit ? 'ok' : 'over',
  limitRef: { kind: 'setting', name: setting },
  basis,
});

/** What `unitsPerHour` of a priced unit cost in the peak hour. */
export const cost = (item: string, price: PriceId, unitsPerHour: number, presence = false): CostLine => {
  const p = PRICES[price];
  return { item, price, unitsPerHour, usdPerHour: (unitsPerHour / p.per) * p.usd, source: p.source, presence };
};

/** A steady rate sustained for the whole peak hour. */
export const perSecond = (item: string, price: PriceId, unitsPerSecond: number, presence = false): CostLine =>
  cost(item, price, unitsPerSecond * 3600, presence);

/** Lambda: requests plus GB-seconds of `invocationsPerHour` invocations of `ms` each. */
export const lambdaCost = (
  fn: string,
  invocationsPerHour: number,
  ms: number,
  gb: number,
  presence = false,
): CostLine[] => [
  cost(`${fn} invocations`, 'lambda.request', invocationsPerHour, presence),
  cost(`${fn} duration`, 'lambda.gb-second-arm64', invocationsPerHour * (ms / 1000) * gb, presence),
];

/** Concurrent executions for a steady invocation rate (Little's law). */
export const concurrencyOf = (invocationsPerSecond: number, ms: number): number => invocationsPerSecond * (ms / 1000);

/** What one part of the pipeline adds: its own hops and costs, and its share of account-wide limits. */
export interface Part {
  readonly hops: readonly HopResult[];
  readonly costs: readonly CostLine[];
  /** Lambda concurrent executions by function. */
  readonly concurrency: Readonly<Record<string, number>>;
  /** Requests/s counted by API Gateway's account throttle, by kind. */
  readonly apigwRps: Readonly<Record<string, number>>;
  /** Requests/s on the WebSocket stage's `$default` route (stage throttle). */
  readonly wsDefaultRps: number;
  /** Write units/s by DynamoDB table (the on-demand table quota). */
  readonly tableWru: Readonly<Record<string, number>>;
}

export const part = (p: Partial<Part>): Part => ({
  hops: p.hops ?? [],
  costs: p.costs ?? [],
  concurrency: p.concurrency ?? {},
  apigwRps: p.apigwRps ?? {},
  wsDefaultRps: p.wsDefaultRps ?? 0,
  tableWru: p.tableWru ?? {},
});
