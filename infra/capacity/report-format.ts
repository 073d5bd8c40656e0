import { QUOTAS } from './aws-quotas.js';
import type { HopResult } from './hop.js';
import { ESTIMATES } from './load.js';
import type { CapacityReport, PresenceSummary } from './model.js';
import { SOURCE_MARK } from './sources.js';

const num = (n: number): string =>
  Math.abs(n) >= 100 || Number.isInteger(n)
    ? Math.ceil(n).toLocaleString('en-US')
    : n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const usd = (n: number): string =>
  n >= 100 ? `$${Math.round(n).toLocaleString('en-US')}` : n >= 0.01 ? `$${n.toFixed(2)}` : `$${n.toPrecision(2)}`;
const pct = (u: number): string => `${Math.round(u * 100)}%`;
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padLeft = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** Where a hop's limit comes from, with the quota's source kind kept visible. */
export const limitFrom = (h: HopResult): string =>
  h.limitRef.kind === 'setting'
    ? `setting ${h.limitRef.name}`
    : `${h.limitRef.id} (${SOURCE_MARK[h.limitRef.quota.source.kind]}${h.limitRef.quota.adjustable ? ', adjustable' : ', fixed'}${h.limitRef.raised ? ', raised by --quota' : ''})`;

const hopLine = (h: HopResult): string =>
  `${pad(h.status, 15)} ${pad(h.hop, 13)} ${pad(h.what, 58)} ${padLeft(num(h.load), 11)} ${padLeft(num(h.limit), 11)} ${padLeft(pct(h.utilisation), 6)}  ${h.unit}`;

const hopTable = (hops: readonly HopResult[]): string[] => [
  `${pad('STATUS', 15)} ${pad('HOP', 13)} ${pad('WHAT', 58)} ${padLeft('LOAD', 11)} ${padLeft('LIMIT', 11)} ${padLeft('UTIL', 6)}  UNIT`,
  ...hops.flatMap((h) => [hopLine(h), `${' '.repeat(30)}↳ ${h.basis}; limit: ${limitFrom(h)}`]),
];

const presenceLine = (p: PresenceSummary): string =>
  `${pad(p.ingress, 10)} ${padLeft(num(p.writesPerKeyPerSecond), 14)} ${padLeft(num(p.readUnitsPerCount), 13)} ${padLeft(num(p.lambdaConcurrency), 9)} ${padLeft(usd(p.usdPerPeakHour), 10)} ${padLeft(usd(p.usdPerViewerHour), 12)}  ${p.binding.what} ${pct(p.binding.utilisation)} (${p.binding.status})`;

export const formatReport = (report: CapacityReport): string => {
  const { load, settings } = report.scenario;
  const viewers = load.channels * load.viewersPerChannel;
  const p = settings.presence;
  const out: string[] = [
    `Capacity model: ${num(load.channels)} channels × ${num(load.viewersPerChannel)} viewers (${num(viewers)}), ${load.framesPerSecond} frames/s each, ` +
      `${load.heartbeatSeconds} s heartbeats, everyone joining within ${load.joinWindowSeconds} s; ${load.feedEventsPerSecond} feed items/s per channel, ${num(load.frameBytes)} B frames`,
    `Stack settings (infra/stack-settings.ts + context): broadcaster ${settings.broadcaster}, presence ${p.ingress}, feedShards ${settings.feedShards}, ` +
      `recommendShards ${settings.recommendShards}, relayReservedConcurrency ${settings.relayReservedConcurrency ?? 'none'}, wsRateLimit ${settings.wsRateLimit}, ` +
      `httpRateLimit ${settings.httpRateLimit}, recommendRateLimit ${settings.recommendRateLimit}, httpApiReservedConcurrency ${settings.httpApiReservedConcurrency ?? 'none'}, ` +
      `wsReservedConcurrency ${settings.wsReservedConcurrency ?? 'none'}, lambdaConcurrencyQuota ${settings.lambdaConcurrencyQuota}, ` +
      `shardSize ${settings.shardSize}, beaconLogShards ${p.beaconLogShards}, presenceShards ${p.presenceShards}`,
    '',
    ...hopTable(report.hops),
    '',
    `Binding constraint: ${report.binding.hop} / ${report.binding.what} at ${pct(report.binding.utilisation)} (${report.binding.status}; limit ${limitFrom(report.binding)})`,
  ];
  if (report.tightestFitting !== undefined && report.tightestFitting !== report.binding) {
    const t = report.tightestFitting;
    out.push(`Tightest hop within its limit: ${t.hop} / ${t.what} at ${pct(t.utilisation)} (limit ${limitFrom(t)})`);
  }
  out.push(
    '',
    report.increases.length === 0 ? 'Quota increases needed: none' : 'Quota increases needed (adjustable AWS quotas):',
  );
  for (const h of report.increases) {
    if (h.limitRef.kind !== 'quota') continue;
    out.push(
      `  - ${h.limitRef.id} (${h.what}): ${h.limitRef.quota.name}: ${num(h.limit)} → at least ${num(h.required ?? h.load)} ${h.unit} [${SOURCE_MARK[h.limitRef.quota.source.kind]}: ${h.limitRef.quota.source.url ?? 'no page'}]`,
    );
  }
  out.push(
    report.over.length === 0
      ? 'Hops over their limit: none'
      : 'Hops over their limit (fixed AWS quota or stack setting):',
  );
  for (const h of report.over)
    out.push(`  - ${h.hop} / ${h.what}: ${num(h.load)} > ${num(h.limit)} ${h.unit} (${limitFrom(h)})`);

  out.push(
    '',
    `Presence (heartbeats in → writes per partition key → reads per count → Lambda → cost), selected: ${p.ingress}`,
    `${pad('path', 10)} ${padLeft('WCU/s per key', 14)} ${padLeft('RCU per count', 13)} ${padLeft('Lambdas', 9)} ${padLeft('$/peak h', 10)} ${padLeft('$/viewer-h', 12)}  binding`,
    presenceLine(report.presenceComparison.beacon),
    presenceLine(report.presenceComparison.websocket),
    `Busiest channel, selected path: ${num(report.presence.writesPerKeyPerSecond)} DynamoDB writes per partition key per second (limit ${num(QUOTAS['dynamodb.partition-wcu'].value)}); ` +
      `heartbeat cost ${usd(report.presence.usdPerViewerHour)} per viewer-hour`,
    '',
    'Cost per peak hour (list prices, us-east-1):',
    ...[...report.costs]
      .sort((a, b) => b.usdPerHour - a.usdPerHour)
      .map(
        (c) =>
          `  ${padLeft(usd(c.usdPerHour), 9)}  ${pad(c.item, 42)} ${padLeft(num(c.unitsPerHour), 15)} ${c.price} [${SOURCE_MARK[c.source.kind]}]`,
      ),
    `  ${padLeft(usd(report.usdPerPeakHour), 9)}  total (${usd(report.usdPerPeakHour / viewers)} per viewer-hour)`,
    '',
    `Estimates (not AWS figures, not measured at this load): ${Object.entries(ESTIMATES)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}. Quotas and prices: infra/capacity/aws-quotas.ts, aws-prices.ts (source and check date per row).`,
  );
  return out.join('\n');
};
