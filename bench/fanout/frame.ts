/**
 * Milliseconds on CLOCK_MONOTONIC, shared by every process on the machine: the publisher stamps
 * a frame in one process and the viewer subtracts in another, without wall-clock jumps.
 */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export const channelName = (i: number): string => `ch${String(i).padStart(3, '0')}`;

/** What each target broadcasts: a realistic feed item (a bid on an auction) plus the send stamp. */
export interface BenchFrame {
  readonly kind: 'event';
  readonly channelId: string;
  readonly streamId: string;
  readonly eventType: 'AUCTION_UPDATED';
  readonly sourceType: 'BidPlaced';
  readonly version: number;
  readonly occurredAt: number;
  readonly data: {
    readonly bidId: string;
    readonly bidderId: string;
    readonly amount: number;
    readonly currency: string;
  };
  /** Publisher's monotonicMs() at send time. */
  readonly sentAt: number;
}

export const makeFrame = (channelId: string, seq: number, sentAt: number): BenchFrame => ({
  kind: 'event',
  channelId,
  streamId: `auction-${channelId}-lot-7`,
  eventType: 'AUCTION_UPDATED',
  sourceType: 'BidPlaced',
  version: seq,
  occurredAt: 1_750_000_000_000 + seq,
  data: {
    bidId: `bid-${channelId}-${seq}`,
    bidderId: `user-${(seq * 7919) % 10_000}`,
    amount: 10_000 + seq * 50,
    currency: 'EUR',
  },
  sentAt,
});

/**
 * How clients reach a target: protocol, URL and optional join message (`{channel}` is replaced),
 * and how to find send stamps in what arrives.
 */
export interface TargetDescriptor {
  readonly protocol: 'ws' | 'socket.io';
  readonly url: string;
  /** WebSocket subprotocols to offer (AppSync Events: `aws-appsync-event-ws` and the auth header). */
  readonly protocols?: readonly string[];
  readonly joinMessage?: string;
  /** `type` of the reply that confirms the join; the viewer counts as connected only then. */
  readonly joinAck?: string;
  /**
   * `bench-frame`: a JSON BenchFrame per message; `stampede-feed`: Stampede's feed payloads;
   * `appsync-events`: AppSync Events `data` messages whose `event` is a Stampede feed frame.
   */
  readonly decoder: 'bench-frame' | 'stampede-feed' | 'appsync-events';
}

/** What a server-side target does; one instance lives in the server child process. */
export interface FanoutTarget {
  start(channels: readonly string[]): Promise<TargetDescriptor>;
  /** Subscribers of a channel, to know how many deliveries a publish owes (after `refreshSubscribers`). */
  subscribers(channel: string): number;
  /** Recounts subscribers when the target can only count asynchronously; called before publishing. */
  refreshSubscribers?(): Promise<void>;
  publish(channel: string, frame: BenchFrame): void | Promise<unknown>;
  stop(): Promise<void>;
  /**
   * Backend calls made so far to deliver frames (cumulative): PostToConnection calls on the
   * per-connection path, publish requests on the pub/sub path. Absent for the peers.
   */
  backendCalls?(): number;
  /** A line on the target's internal state (queues, backlogs), sampled at the end of the window. */
  diagnostics?(): string;
}
