import { concurrencyOf, cost, lambdaCost, part, quotaLimit, settingLimit, type Part } from './hop.js';
import { ESTIMATES as E, ratesOf, type Scenario } from './load.js';

/**
 * Connect and join. API Gateway: a WebSocket $connect, then a `join` frame on $default that
 * places the connection in a channel shard: one DynamoDB transaction of 2 items (a random free
 * slot `ch#<channel>#<n>`/`slot#<k>` of the filling shard and the reverse entry; 2 write units
 * each). There is no counter item: concurrent joins write different slot items, so the limit
 * is the filling shard's partition throughput, not a single item's serialised transactions.
 * AppSync Events: a WebSocket connect + subscribe to `/live/<channel>`, and the join snapshot
 * over the HTTP API (GET /api/channels/{id}).
 */
export const viewerHops = ({ load, settings, quotas }: Scenario): Part => {
  const r = ratesOf(load);
  const joinsPerChannel = load.viewersPerChannel / load.joinWindowSeconds;
  const connectionMinutesPerHour = r.viewers * 60;
  if (settings.broadcaster === 'appsync-events') {
    return part({
      hops: [
        quotaLimit(
          'connect',
          'AppSync Events WebSocket connects',
          r.joinsPerSecond,
          'appsync.connect-rate',
          quotas,
          `${fmt(r.viewers)} viewers in ${load.joinWindowSeconds} s`,
        ),
      ],
      costs: [
        cost('AppSync connects + subscribes', 'appsync.operation', 2 * r.viewers),
        cost('AppSync connection-minutes', 'appsync.connection-minute', connectionMinutesPerHour),
        cost('HTTP API join snapshots', 'apigw.http-request', r.viewers),
        ...lambdaCost('http-api (join snapshot)', r.viewers, E.joinSnapshotMs, E.lambdaGb),
      ],
      concurrency: { 'http-api (join snapshot)': concurrencyOf(r.joinsPerSecond, E.joinSnapshotMs) },
      apigwRps: { 'HTTP API join snapshots': r.joinsPerSecond },
    });
  }
  // Two write units per item of a transaction; two items per join (slot + reverse entry).
  const joinWru = 2 * 2;
  return part({
    hops: [
      quotaLimit(
        'connect',
        'API Gateway WebSocket new connections',
        r.joinsPerSecond,
        'apigw.ws-new-connections',
        quotas,
        `${fmt(r.viewers)} viewers in ${load.joinWindowSeconds} s`,
      ),
      settingLimit(
        'connect',
        'WebSocket stage throttle, $connect route',
        r.joinsPerSecond,
        settings.wsRateLimit,
        'requests/s',
        'wsRateLimit',
        'the stage throttle applies per route',
      ),
      quotaLimit(
        'join',
        'DynamoDB filling shard ch#<channel>#<n> (slot puts)',
        joinsPerChannel * 2,
        'dynamodb.partition-wcu',
        quotas,
        `${fmt(joinsPerChannel)} joins/s per channel × 2 WCU (transactional put of a random free slot; no counter item)`,
      ),
    ],
    costs: [
      cost('WebSocket join frames', 'apigw.ws-message', r.viewers),
      cost('WebSocket connection-minutes', 'apigw.ws-connection-minute', connectionMinutesPerHour),
      cost('join transactions (connections table)', 'dynamodb.wru', r.viewers * joinWru),
      ...lambdaCost('ws-connect', r.viewers, E.connectMs, E.lambdaGb),
      ...lambdaCost('ws-message (join)', r.viewers, E.wsMessageMs, E.lambdaGb),
    ],
    concurrency: {
      'ws-connect': concurrencyOf(r.joinsPerSecond, E.connectMs),
      'ws-message (join)': concurrencyOf(r.joinsPerSecond, E.wsMessageMs),
    },
    apigwRps: { 'WebSocket $connect': r.joinsPerSecond, 'WebSocket join frames': r.joinsPerSecond },
    wsDefaultRps: r.joinsPerSecond,
    tableWru: { connections: r.joinsPerSecond * joinWru },
  });
};

export const fmt = (n: number): string =>
  Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 1 });
