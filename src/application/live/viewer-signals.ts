import { z } from 'zod';
import type { ChatSignal, LikeSignal, WatchSignal } from '../../domain/live-feed/feed-item.js';
import { DomainError } from '../../domain/shared/errors.js';
import { makeActionGate, type GatedAction } from '../abuse/action-gate.js';
import type { Clock } from '../ports/clock.port.js';
import type { ConnectionInfo, ConnectionRegistry } from '../ports/connection-registry.port.js';
import type { FeedPublisher } from '../ports/feed-publisher.port.js';
import type { IdGenerator } from '../ports/id-generator.port.js';
import type { RateLimiter } from '../ports/rate-limiter.port.js';

export type SignalErrorCode = 'NOT_JOINED' | 'RATE_LIMITED' | 'UNAUTHENTICATED';

// C0/C1 controls, plus the bidirectional overrides that let a message disguise its own text.
const FORBIDDEN = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
// A high surrogate not followed by a low one, or a low one not preceded by a high one (no `u` flag: code units).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Chat text as accepted: trimmed, 1..500 UTF-16 units, no control characters or bidi
 * overrides, and well-formed Unicode (a lone surrogate cannot be encoded as UTF-8 and breaks
 * clients). Zero-width joiners, RTL letters and emoji sequences are ordinary text.
 */
export const ChatText = z
  .string()
  .trim()
  .min(1, 'text must not be empty')
  .max(500, 'text must be at most 500 characters')
  .refine((t) => !FORBIDDEN.test(t), 'text must not contain control characters')
  .refine((t) => !LONE_SURROGATE.test(t), 'text must be well-formed Unicode (no lone surrogates)');

/** Likes in one frame: a client may batch taps, up to this many. */
export const LikeCount = z.number().int().min(1).max(100);

export interface ViewerSignalsDeps {
  readonly registry: ConnectionRegistry;
  readonly publisher: FeedPublisher;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Per-connection budgets. */
  readonly chatLimiter: RateLimiter;
  readonly likeLimiter: RateLimiter;
  /** Per-user budgets, across all of a user's connections (none: per connection only). */
  readonly chatUserLimiter?: RateLimiter;
  readonly likeUserLimiter?: RateLimiter;
  /** Anonymous viewers may watch; they may chat and like only if this is true (default false). */
  readonly allowAnonymous?: boolean;
  /**
   * Per-connection budget for WATCHED signals: joins are not otherwise limited, and a client
   * re-joining in a loop must not turn into a stream of feed records. Over budget, the join
   * still succeeds and simply leaves no history. None: every signed-in join is published.
   */
  readonly watchLimiter?: RateLimiter;
}

/**
 * Chat and likes: ephemeral signals published straight to the live feed, deliberately NOT
 * events of the Channel aggregate — at thousands of taps a second they would make the
 * channel's stream the hottest key in the table and serialise every seller command behind
 * them. The fan-out sums likes per batch; each connection and each user is rate-limited
 * (RATE_LIMITED with `retryAfterMs`; nothing is published). The author is the user the
 * authorizer vouched for when the connection joined, never a name in the frame.
 */
export const makeViewerSignals = (deps: ViewerSignalsDeps) => {
  const gate = makeActionGate({
    chat: { perConnection: deps.chatLimiter, ...(deps.chatUserLimiter ? { perUser: deps.chatUserLimiter } : {}) },
    like: { perConnection: deps.likeLimiter, ...(deps.likeUserLimiter ? { perUser: deps.likeUserLimiter } : {}) },
  });
  const joinedChannel = async (connectionId: string, toDoWhat: string) => {
    const info = await deps.registry.get(connectionId);
    if (!info) throw new DomainError<SignalErrorCode>('NOT_JOINED', 'join a channel before sending chat or likes');
    if (info.userId === null && deps.allowAnonymous !== true) {
      throw new DomainError<SignalErrorCode>('UNAUTHENTICATED', `sign in to ${toDoWhat}: connect with a token`);
    }
    return info;
  };
  const admit = (action: GatedAction, connectionId: string, userId: string | null) =>
    gate.admit(action, { connectionId, userId });
  return {
    async chat(connectionId: string, text: string): Promise<ChatSignal> {
      const clean = ChatText.parse(text);
      const info = await joinedChannel(connectionId, 'chat');
      await admit('chat', connectionId, info.userId);
      const signal: ChatSignal = {
        kind: 'signal',
        signal: 'CHAT',
        channelId: info.channelId,
        messageId: deps.ids.next(),
        userId: info.userId ?? `guest:${connectionId}`,
        text: clean,
        at: deps.clock.now(),
      };
      await deps.publisher.publish([signal]);
      return signal;
    },
    async like(connectionId: string, count = 1): Promise<LikeSignal> {
      const n = LikeCount.parse(count);
      const info = await joinedChannel(connectionId, 'like');
      await admit('like', connectionId, info.userId);
      const signal: LikeSignal = {
        kind: 'signal',
        signal: 'LIKES',
        channelId: info.channelId,
        count: n,
        at: deps.clock.now(),
      };
      await deps.publisher.publish([signal]);
      return signal;
    },
    /**
     * A signed-in viewer joined a channel: one WATCHED signal on the feed, the recommender's
     * "channels watched" history (the fan-out never shows it to viewers). Anonymous viewers
     * leave no history; past the connection's `watchLimiter` budget a join leaves none either.
     */
    async watched(info: Pick<ConnectionInfo, 'connectionId' | 'channelId' | 'userId'>): Promise<WatchSignal | null> {
      if (info.userId === null) return null;
      if (deps.watchLimiter && !(await deps.watchLimiter.tryAcquire(info.connectionId))) return null;
      const signal: WatchSignal = {
        kind: 'signal',
        signal: 'WATCHED',
        channelId: info.channelId,
        userId: info.userId,
        at: deps.clock.now(),
      };
      await deps.publisher.publish([signal]);
      return signal;
    },
  };
};
export type ViewerSignals = ReturnType<typeof makeViewerSignals>;

export interface UserSignalsDeps {
  readonly publisher: FeedPublisher;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** The same per-user budgets as the WebSocket path (one bucket per user, whichever way the signal came). */
  readonly chatUserLimiter: RateLimiter;
  readonly likeUserLimiter: RateLimiter;
  /** Whether the channel exists: a signal to a channel no one can watch is refused (CHANNEL_NOT_FOUND). */
  readonly channelExists: (channelId: string) => Promise<boolean>;
}

/** A signed-in user's chat or likes on a channel, without a WebSocket connection. */
export interface UserSignalInput {
  readonly channelId: string;
  readonly userId: string | null;
}

/**
 * Chat and likes over the HTTP API (`POST /api/channels/{id}/chat|likes`): the way in for
 * viewers on the `appsync-events` broadcaster, who hold a subscription to the Event API (which
 * only the fan-out may publish to) and no WebSocket API connection. Same text rules and
 * per-user budgets as the frames; no per-connection budget (there is no connection); the
 * author is the verified caller, and anonymous callers are refused.
 */
export const makeUserSignals = (deps: UserSignalsDeps) => {
  const gate = makeActionGate({ chat: { perUser: deps.chatUserLimiter }, like: { perUser: deps.likeUserLimiter } });
  const admitted = async (action: GatedAction, input: UserSignalInput, toDoWhat: string): Promise<string> => {
    if (input.userId === null)
      throw new DomainError<SignalErrorCode>('UNAUTHENTICATED', `sign in to ${toDoWhat}: send a bearer token`);
    await gate.admit(action, { userId: input.userId });
    if (!(await deps.channelExists(input.channelId)))
      throw new DomainError<'CHANNEL_NOT_FOUND'>('CHANNEL_NOT_FOUND', `channel ${input.channelId} does not exist`, {
        field: 'channelId',
      });
    return input.userId;
  };
  return {
    async chat(input: UserSignalInput & { readonly text: string }): Promise<ChatSignal> {
      const clean = ChatText.parse(input.text);
      const userId = await admitted('chat', input, 'chat');
      const signal: ChatSignal = {
        kind: 'signal',
        signal: 'CHAT',
        channelId: input.channelId,
        messageId: deps.ids.next(),
        userId,
        text: clean,
        at: deps.clock.now(),
      };
      await deps.publisher.publish([signal]);
      return signal;
    },
    async like(input: UserSignalInput & { readonly count: number }): Promise<LikeSignal> {
      const n = LikeCount.parse(input.count);
      await admitted('like', input, 'like');
      const signal: LikeSignal = {
        kind: 'signal',
        signal: 'LIKES',
        channelId: input.channelId,
        count: n,
        at: deps.clock.now(),
      };
      await deps.publisher.publish([signal]);
      return signal;
    },
  };
};
export type UserSignals = ReturnType<typeof makeUserSignals>;
