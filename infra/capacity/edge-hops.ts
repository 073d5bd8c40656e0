import { MIN_UNRESERVED_CONCURRENCY, reservationsOf } from '../stack-settings.js';
import { QUOTAS } from './aws-quotas.js';
import { concurrencyOf, quotaLimit, settingLimit, type HopResult, type Part } from './hop.js';
import { ESTIMATES as E, type Scenario } from './load.js';
import { fmt } from './viewer-hops.js';

/** Parts label concurrency by what runs (`http-api (join snapshot)`): the function is the first word. */
const functionOf = (label: string): string => label.split(' (')[0] ?? label;

/**
 * The edge against the pipeline: the HTTP API stage throttle, http-api's reservation at that
 * throttle, each reserved function's load, and the account's Lambda pool — reservations are set
 * aside whether used or not, and every function without one shares what is left, of which
 * Lambda keeps at least 100 unreserved.
 */
export const edgeHops = ({ settings, quotas }: Scenario, parts: readonly Part[]): HopResult[] => {
  const demand = new Map<string, number>();
  for (const p of parts)
    for (const [label, n] of Object.entries(p.concurrency))
      demand.set(functionOf(label), (demand.get(functionOf(label)) ?? 0) + n);
  const reserved = new Map(reservationsOf(settings));
  const httpRps = parts.reduce(
    (sum, p) =>
      sum +
      Object.entries(p.apigwRps)
        .filter(([k]) => k.startsWith('HTTP API'))
        .reduce((a, [, v]) => a + v, 0),
    0,
  );
  const hops: HopResult[] = [
    settingLimit(
      'edge',
      'HTTP API stage throttle (every route)',
      httpRps,
      settings.httpRateLimit,
      'requests/s',
      'httpRateLimit',
      'HTTP API requests of the load (join snapshots)',
    ),
  ];
  const http = settings.httpApiReservedConcurrency;
  if (http !== null) {
    const atThrottle =
      concurrencyOf(settings.httpRateLimit - settings.recommendRateLimit, E.joinSnapshotMs) +
      concurrencyOf(settings.recommendRateLimit, E.recommendComputeMs);
    hops.push(
      settingLimit(
        'edge',
        'http-api concurrency with the stage at its throttle',
        atThrottle,
        http,
        'executions',
        'httpApiReservedConcurrency',
        `(${fmt(settings.httpRateLimit)} − ${fmt(settings.recommendRateLimit)})/s × ${E.joinSnapshotMs} ms + ${fmt(settings.recommendRateLimit)}/s (cached-recommend route) × ${E.recommendComputeMs} ms (estimates): a flood is refused by API Gateway (429) before Lambda throttles`,
      ),
    );
  }
  for (const [fn, limit] of reserved) {
    const load = demand.get(fn) ?? 0;
    if (load > 0)
      hops.push(
        settingLimit(
          'edge',
          `${fn} concurrency at this load (its reservation caps it)`,
          load,
          limit,
          'executions',
          fn === 'http-api'
            ? 'httpApiReservedConcurrency'
            : fn === 'relay'
              ? 'relayReservedConcurrency'
              : 'wsReservedConcurrency',
          'the load’s own demand',
        ),
      );
  }
  const unreservedDemand = [...demand].filter(([fn]) => !reserved.has(fn)).reduce((a, [, n]) => a + n, 0);
  const totalReserved = [...reserved.values()].reduce((a, b) => a + b, 0);
  const quotaValues =
    settings.lambdaConcurrencyQuota === QUOTAS['lambda.concurrency'].value
      ? quotas
      : { 'lambda.concurrency': settings.lambdaConcurrencyQuota, ...quotas };
  const unreserved = [...demand]
    .filter(([fn, n]) => !reserved.has(fn) && n > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([fn, n]) => `${fn} ${fmt(Math.ceil(n))}`)
    .join(', ');
  hops.push(
    quotaLimit(
      'Lambda',
      'concurrent executions, all functions',
      totalReserved + Math.max(MIN_UNRESERVED_CONCURRENCY, unreservedDemand),
      'lambda.concurrency',
      quotaValues,
      `reserved ${fmt(totalReserved)} (${[...reserved].map(([fn, n]) => `${fn} ${n}`).join(', ') || 'none'}) + unreserved demand ${fmt(Math.ceil(unreservedDemand))} (${unreserved || 'none'}; at least ${MIN_UNRESERVED_CONCURRENCY} stay unreserved)`,
    ),
  );
  return hops;
};
