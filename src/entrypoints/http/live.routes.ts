import { z } from 'zod';
import type { GetChannelSnapshot } from '../../application/live/channel-snapshot.js';
import type { ChannelUseCases } from '../../application/live/channel-commands.js';
import { displayText } from '../../application/live/display-text.js';
import { ChatText, LikeCount, type UserSignals } from '../../application/live/viewer-signals.js';
import {
  MAX_RECOVERY_PAGE,
  type RecoverStream,
  type StreamRecoveryErrorCode,
} from '../../application/live/stream-recovery.js';
import type { ChannelErrorCode } from '../../domain/channel/channel.decider.js';
import { Currency, Price } from '../../domain/channel/channel.events.js';
import { DomainError } from '../../domain/shared/errors.js';
import { ChannelId, ProductId, UserId } from '../../domain/shared/ids.js';
import { RESOURCE_ID_PATTERN } from '../../domain/shared/brand.js';
import {
  actorOf,
  authenticatedUser,
  decimalQueryInt,
  json,
  pathParam,
  readBody,
  route,
  validate,
  type ApiRoutes,
} from './api-route.js';

export interface LiveRoutesDeps {
  readonly channels: ChannelUseCases;
  readonly snapshot: GetChannelSnapshot;
  readonly recover: RecoverStream;
  /** Chat and likes over HTTP (viewers without a WebSocket API connection: the appsync-events broadcaster). */
  readonly userSignals?: UserSignals;
  readonly onUnexpected: (error: unknown) => void;
}

export const ScheduleChannelBody = z.object({
  channelId: ChannelId.optional(),
  /** Ignored: the seller is whoever schedules the channel (the token's subject). Accepted so older clients keep working. */
  sellerId: UserId.optional(),
  title: displayText(200),
  currency: Currency,
});
export const ListProductBody = z.object({
  productId: ProductId,
  name: displayText(200),
  category: displayText(60).default('general'),
  price: Price,
  currency: Currency,
});
export const ChangePriceBody = z.object({ price: Price, currency: Currency });
export const ChatBody = z.object({ text: ChatText });
export const LikesBody = z.object({ count: LikeCount.default(1) });
export const RecoveryQuery = z.object({
  after: decimalQueryInt(0, Number.MAX_SAFE_INTEGER).default(0),
  limit: decimalQueryInt(1, MAX_RECOVERY_PAGE).default(MAX_RECOVERY_PAGE),
});

/** A viewer stream's id as a path names it; anything else names no stream a viewer can read (404). */
const ViewerStreamIdParam = z.string().regex(new RegExp(`^(?:channel|auction)-${RESOURCE_ID_PATTERN.source.slice(1)}`));

const correlationOf = (headers: Record<string, string | undefined> | undefined): string | undefined => {
  const id = headers?.['x-correlation-id'];
  return id && /^[\w.:-]{1,128}$/.test(id) ? id : undefined;
};

/**
 * The seller-facing channel API and the viewers' read side (F1, G3). Writes act as the
 * verified caller (`actorOf`): whoever schedules a channel is its seller, and only they may
 * start, end, list or reprice (403 FORBIDDEN otherwise). Commands answer with the
 * stream's new version (201 when a channel is created, 200 otherwise, also for a repeated
 * command that changed nothing); `GET /api/channels/{id}` is the join snapshot; `GET
 * /api/streams/{streamId}/events?after=N` fills a viewer's gap.
 */
export const makeLiveRoutes = (deps: LiveRoutesDeps): ApiRoutes => {
  const wrap = (handler: Parameters<typeof route>[0]) => route(handler, deps.onUnexpected);
  return {
    'POST /api/channels': wrap(async (event) => {
      const body = readBody(event, ScheduleChannelBody);
      const result = await deps.channels.schedule({
        ...(body.channelId ? { channelId: body.channelId } : {}),
        actor: actorOf(event),
        title: body.title,
        currency: body.currency,
        correlationId: correlationOf(event.headers),
      });
      return json(result.changed ? 201 : 200, result);
    }),
    'POST /api/channels/{channelId}/start': wrap(async (event) =>
      json(
        200,
        await deps.channels.start(
          pathParam(event, 'channelId', ChannelId),
          actorOf(event),
          correlationOf(event.headers),
        ),
      ),
    ),
    'POST /api/channels/{channelId}/end': wrap(async (event) =>
      json(
        200,
        await deps.channels.end(pathParam(event, 'channelId', ChannelId), actorOf(event), correlationOf(event.headers)),
      ),
    ),
    'POST /api/channels/{channelId}/products': wrap(async (event) => {
      const channelId = pathParam(event, 'channelId', ChannelId);
      const result = await deps.channels.listProduct(
        channelId,
        actorOf(event),
        readBody(event, ListProductBody),
        correlationOf(event.headers),
      );
      return json(result.changed ? 201 : 200, result);
    }),
    'PUT /api/channels/{channelId}/products/{productId}/price': wrap(async (event) => {
      const channelId = pathParam(event, 'channelId', ChannelId);
      const productId = pathParam(event, 'productId', ProductId);
      return json(
        200,
        await deps.channels.changePrice(
          channelId,
          actorOf(event),
          productId,
          readBody(event, ChangePriceBody),
          correlationOf(event.headers),
        ),
      );
    }),
    'GET /api/channels/{channelId}': wrap(async (event) => {
      const channelId = pathParam(event, 'channelId', ChannelId);
      const snapshot = await deps.snapshot(channelId);
      if (!snapshot)
        throw new DomainError<ChannelErrorCode>('CHANNEL_NOT_FOUND', `channel ${channelId} does not exist`, {
          field: 'channelId',
        });
      return { ...json(200, snapshot), headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } };
    }),
    'GET /api/streams/{streamId}/events': wrap(async (event) => {
      const raw = event.pathParameters?.['streamId'] ?? '';
      const notFound = () =>
        new DomainError<StreamRecoveryErrorCode>('STREAM_NOT_FOUND', `no viewer stream ${raw.slice(0, 80)}`, {
          field: 'streamId',
        });
      const streamId = ViewerStreamIdParam.safeParse(raw);
      if (!streamId.success) throw notFound();
      const query = validate(RecoveryQuery, event.queryStringParameters ?? {});
      const page = await deps.recover(streamId.data, query.after, query.limit);
      if (!page) throw notFound();
      return json(200, page);
    }),
    ...(deps.userSignals ? userSignalRoutes(deps.userSignals, wrap) : {}),
  };
};

/**
 * `POST /api/channels/{id}/chat` {text} and `POST /api/channels/{id}/likes` {count?}: the way in
 * for chat and likes when viewers watch over AppSync Events (no WebSocket API connection to send
 * frames on). 202 once the signal is on the feed; it reaches viewers, the sender included, as a
 * feed frame. A bearer token is required (every POST, route-access.ts); 429 past the user's
 * budget (the same buckets as the frames).
 */
const userSignalRoutes = (
  signals: UserSignals,
  wrap: (handler: Parameters<typeof route>[0]) => ReturnType<typeof route>,
): ApiRoutes => ({
  'POST /api/channels/{channelId}/chat': wrap(async (event) => {
    const channelId = pathParam(event, 'channelId', ChannelId);
    const { text } = readBody(event, ChatBody);
    const chat = await signals.chat({ channelId, userId: authenticatedUser(event) ?? null, text });
    return json(202, { messageId: chat.messageId, at: chat.at });
  }),
  'POST /api/channels/{channelId}/likes': wrap(async (event) => {
    const channelId = pathParam(event, 'channelId', ChannelId);
    const { count } = readBody(event, LikesBody);
    const likes = await signals.like({ channelId, userId: authenticatedUser(event) ?? null, count });
    return json(202, { count: likes.count, at: likes.at });
  }),
});
