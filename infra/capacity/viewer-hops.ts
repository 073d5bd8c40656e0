import { concurrencyOf, cost, lambdaCost, part, quotaLimit, settingLimit, type Part } from './hop.js';
import { ESTIMATES as E, ratesOf, type Scenario } from './load.js';

/**
 * Connect and join. API Gateway: a WebSocket $connect, then a `join` frame on $default that
 * places the connection in a channel shard: one conditional PutItem of a free slot (by a hash of the connection id)
 * `ch#<channel>#<n>`/`slot#<k>` of the filling shard, then a PutItem of the reverse entry (a
 * connection's first join; a move between channels is a transaction). 1 write unit each. There
 * is no counter item: concurrent joins write different slot items, so the limit is the filling
 * shard's partition throughput, not a single item's serialised transactions.
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
  // Two single-item puts per join (slot + reverse entry), one write unit each.
  const joinWru = 2;
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
        joinsPerChannel,
        'dynamodb.partition-wcu',
        quotas,
        `${fmt(joinsPerChannel)} joins/s per channel × 1 WCU (conditional put of a free slot; no counter item)`,
      ),
    ],
    costs: [
      cost('WebSocket join frames', 'apigw.ws-message', r.viewers),
      cost('WebSocket connection-minutes', 'apigw.ws-connection-minute', connectionMinutesPerHour),
      cost('join puts (connections table)', 'dynamodb.wru', r.viewers * joinWru),
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

/**
 * Chat, likes and bids: the viewers' own requests. Taken at the load's uncoalesced feed rate
 * (every feed item a viewer request: an upper bound, since state changes are sellers'). Which
 * way they come in depends on the broadcaster (docs/PROTOCOL.md "Which way each action takes"):
 * frames on the WebSocket API's `$default` (ws-message) with `apigateway`; POSTs to the HTTP API
 * (http-api: `/chat`, `/likes`, `/bids`) with `appsync-events`, whose Event API only the
 * fan-out may publish to. Either way each is one per-user budget check on the connections table
 * (a read and a write of `rate#<action>-user#<user>`) and one record on the feed stream (counted
 * by the feed hops). Heartbeats are the presence part's.
 */
export const actionHops = ({ load, settings }: Scenario): Part => {
  const perSecond = load.channels * load.feedEventsPerSecond;
  const perHour = perSecond * 3_600;
  const budget = { connections: perSecond * 1 };
  const budgetCosts = [
    cost('viewer actions: per-user budget writes', 'dynamodb.wru', perHour),
    cost('viewer actions: per-user budget reads', 'dynamodb.rru', perHour / 2),
  ];
  if (settings.broadcaster === 'appsync-events') {
    return part({
      costs: [
        cost('HTTP API chat, likes, bids', 'apigw.http-request', perHour),
        ...lambdaCost('http-api (chat, likes, bids)', perHour, E.wsMessageMs, E.lambdaGb),
        ...budgetCosts,
      ],
      concurrency: { 'http-api (chat, likes, bids)': concurrencyOf(perSecond, E.wsMessageMs) },
      apigwRps: { 'HTTP API chat, likes, bids': perSecond },
      tableWru: budget,
    });
  }
  return part({
    costs: [
      cost('WebSocket chat, like, bid frames', 'apigw.ws-message', perHour),
      ...lambdaCost('ws-message (chat, likes, bids)', perHour, E.wsMessageMs, E.lambdaGb),
      ...budgetCosts,
    ],
    concurrency: { 'ws-message (chat, likes, bids)': concurrencyOf(perSecond, E.wsMessageMs) },
    apigwRps: { 'WebSocket chat, like, bid frames': perSecond },
    wsDefaultRps: perSecond,
    tableWru: budget,
  });
};
