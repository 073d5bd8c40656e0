import { PRESENCE_INGRESSES, type PresenceIngress } from '../stack-settings.js';
import { quotaLimit, settingLimit, type CostLine, type HopResult, type Part } from './hop.js';
import { edgeHops } from './edge-hops.js';
import { feedHops, deliveryHops } from './feed-hops.js';
import { ratesOf, type Scenario } from './load.js';
import { presenceHops, type PresenceFigures } from './presence-hops.js';
import { actionHops, fmt, viewerHops } from './viewer-hops.js';

export interface PresenceSummary extends PresenceFigures {
  readonly usdPerPeakHour: number;
  readonly usdPerViewerHour: number;
  /** The presence hop with the highest utilisation. */
  readonly binding: HopResult;
}

export interface CapacityReport {
  readonly scenario: Scenario;
  /** Every hop in pipeline order, then the account-wide totals. */
  readonly hops: readonly HopResult[];
  /** The hop with the highest utilisation: what gives first as the load grows. */
  readonly binding: HopResult;
  /** The highest-utilised hop still within its limit (what binds once the named increases are granted). */
  readonly tightestFitting: HopResult | undefined;
  readonly over: readonly HopResult[];
  readonly increases: readonly HopResult[];
  readonly costs: readonly CostLine[];
  readonly usdPerPeakHour: number;
  /** The presence path the settings select. */
  readonly presence: PresenceSummary;
  /** Both presence paths at this load, so the difference shows whatever the settings say. */
  readonly presenceComparison: Readonly<Record<PresenceIngress, PresenceSummary>>;
}

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);
const mostUtilised = (hops: readonly HopResult[]): HopResult =>
  hops.reduce((a, b) => (b.utilisation > a.utilisation ? b : a));

/** Account-wide limits several parts draw on: Lambda concurrency, API Gateway's throttle, the stage, shards, tables. */
const accountHops = (scenario: Scenario, parts: readonly Part[]): HopResult[] => {
  const { settings, quotas } = scenario;
  const apigw = Object.assign({}, ...parts.map((p) => p.apigwRps)) as Record<string, number>;
  const wsDefault = sum(parts.map((p) => p.wsDefaultRps));
  const tables = new Map<string, number>();
  for (const p of parts)
    for (const [table, wru] of Object.entries(p.tableWru)) tables.set(table, (tables.get(table) ?? 0) + wru);
  const shards =
    settings.feedShards +
    settings.recommendShards +
    (settings.presence.ingress === 'beacon' ? settings.presence.beaconLogShards + settings.presence.presenceShards : 0);
  const breakdown = (entries: Record<string, number>): string =>
    Object.entries(entries)
      .filter(([, v]) => v > 0)
      .sort(([, a], [, b]) => b - a)
      .map(([k, v]) => `${k} ${fmt(Math.ceil(v))}`)
      .join(', ');
  const hops: HopResult[] = [
    // Lambda's pool with the edge's reservations set aside (edge-hops.ts).
    ...edgeHops(scenario, parts),
    quotaLimit(
      'account',
      'Kinesis provisioned shards',
      shards,
      'kinesis.account-shards',
      quotas,
      'feed + recommend (+ beacon-log + presence)',
    ),
  ];
  if (Object.keys(apigw).length > 0) {
    hops.push(
      quotaLimit(
        'account',
        'API Gateway requests/s (all APIs)',
        sum(Object.values(apigw)),
        'apigw.account-rps',
        quotas,
        breakdown(apigw),
      ),
    );
  }
  if (wsDefault > 0) {
    hops.push(
      settingLimit(
        'account',
        'WebSocket stage throttle, $default route',
        wsDefault,
        settings.wsRateLimit,
        'requests/s',
        'wsRateLimit',
        'join frames + beat frames share $default',
      ),
    );
  }
  for (const [table, wru] of tables) {
    hops.push(
      quotaLimit(
        'account',
        `DynamoDB ${table} table write units`,
        wru,
        'dynamodb.table-wru',
        quotas,
        'on-demand table default',
      ),
    );
  }
  return hops;
};

const summarise = (p: Part & { readonly figures: PresenceFigures }, viewers: number): PresenceSummary => {
  const usd = sum(p.costs.filter((c) => c.presence).map((c) => c.usdPerHour));
  return { ...p.figures, usdPerPeakHour: usd, usdPerViewerHour: usd / viewers, binding: mostUtilised(p.hops) };
};

/** The capacity of every hop for a load on a stack's settings. Pure: same scenario, same report. */
export const evaluateCapacity = (scenario: Scenario): CapacityReport => {
  const viewers = ratesOf(scenario.load).viewers;
  const presenceParts = Object.fromEntries(
    PRESENCE_INGRESSES.map((ingress) => [ingress, presenceHops(scenario, ingress)]),
  ) as Record<PresenceIngress, ReturnType<typeof presenceHops>>;
  const active = presenceParts[scenario.settings.presence.ingress];
  const parts: Part[] = [
    viewerHops(scenario),
    actionHops(scenario),
    active,
    feedHops(scenario),
    deliveryHops(scenario),
  ];
  const hops = [...parts.flatMap((p) => p.hops), ...accountHops(scenario, parts)];
  const costs = parts.flatMap((p) => p.costs);
  return {
    scenario,
    hops,
    binding: mostUtilised(hops),
    tightestFitting: hops.some((h) => h.status === 'ok')
      ? mostUtilised(hops.filter((h) => h.status === 'ok'))
      : undefined,
    over: hops.filter((h) => h.status === 'over'),
    increases: hops.filter((h) => h.status === 'needs-increase'),
    costs,
    usdPerPeakHour: sum(costs.map((c) => c.usdPerHour)),
    presence: summarise(active, viewers),
    presenceComparison: {
      beacon: summarise(presenceParts.beacon, viewers),
      websocket: summarise(presenceParts.websocket, viewers),
    },
  };
};
