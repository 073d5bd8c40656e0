import { z } from 'zod';
import type { ChannelConnections } from '../../application/live/channel-connections.js';
import type { ViewerSignals } from '../../application/live/viewer-signals.js';
import type { GrantBeacon } from '../../application/presence-stream/beacon-grant.js';
import { ChatText, LikeCount } from '../../application/live/viewer-signals.js';
import { ChannelId } from '../../domain/shared/ids.js';
import { defineWsAction, type WsAction } from './ws-actions.js';

export interface LiveWsActionsDeps {
  readonly connections: ChannelConnections;
  readonly signals: ViewerSignals;
  /** With the beacon presence path: the `joined` frame carries `beacon` (session, token, URL, period). */
  readonly grantBeacon?: GrantBeacon;
}

export const JoinFrame = z.object({ action: z.literal('join'), channelId: ChannelId });
export const ChatFrame = z.object({ action: z.literal('chat'), text: ChatText });
export const LikeFrame = z.object({ action: z.literal('like'), count: LikeCount.optional() });

/**
 * `join` (answered `{type:'joined', channelId, shardNo, beacon?}`; the client then fetches the
 * snapshot; a signed-in viewer's join also goes on the feed as WATCHED, for recommendations),
 * `chat` and `like`. Chat and likes are not acknowledged: the sender sees them
 * come back through the feed like everyone else.
 */
export const liveWsActions = (deps: LiveWsActionsDeps): WsAction[] => [
  defineWsAction({
    action: 'join',
    schema: JoinFrame,
    async handle(frame, ctx) {
      const info = await deps.connections.join(ctx.connectionId, frame.channelId, ctx.userId);
      await ctx.reply({
        type: 'joined',
        channelId: info.channelId,
        shardNo: info.shardNo,
        connectionId: ctx.connectionId,
        ...(deps.grantBeacon ? { beacon: deps.grantBeacon(info.channelId) } : {}),
      });
      // Watch history is a nicety for recommendations: a failed publish must not fail the join.
      try {
        await deps.signals.watched(info);
      } catch (error) {
        ctx.logger.warn('watch history not published; recommendations miss this visit', {
          channelId: info.channelId,
          error,
        });
      }
    },
  }),
  defineWsAction({
    action: 'chat',
    schema: ChatFrame,
    async handle(frame, ctx) {
      await deps.signals.chat(ctx.connectionId, frame.text);
    },
  }),
  defineWsAction({
    action: 'like',
    schema: LikeFrame,
    async handle(frame, ctx) {
      await deps.signals.like(ctx.connectionId, frame.count ?? 1);
    },
  }),
];
