import {
  channelStreamId,
  type ChannelCommand,
  type ChannelEvent,
  type ChannelState,
} from '../../domain/channel/index.js';
import type { AuctionId, ChannelId, ProductId } from '../../domain/shared/ids.js';
import { forbid, requireUser, type Actor } from '../auth/actor.js';
import type { CommandHandler } from '../command-handler.js';
import type { Clock } from '../ports/clock.port.js';
import type { IdGenerator } from '../ports/id-generator.port.js';

export type ChannelCommands = CommandHandler<ChannelCommand, ChannelEvent, ChannelState>;

export interface ChannelCommandsDeps {
  readonly channels: ChannelCommands;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

export interface ChannelCommandResult {
  readonly channelId: string;
  readonly streamId: string;
  /** The stream's version after the command. */
  readonly version: number;
  /** False when the command was already reflected (a retry): nothing was appended. */
  readonly changed: boolean;
  readonly status: ChannelState['status'];
}

/**
 * Refuses unless `actor` is the channel's seller. Safe as a check-then-act: a channel's seller
 * is fixed when it is scheduled and never changes, so no later append can make this stale. A
 * channel that does not exist is left to the decider (CHANNEL_NOT_FOUND).
 */
export const requireSeller = (state: ChannelState, actor: Actor, channelId: string, toDoWhat: string): void => {
  const userId = requireUser(actor, toDoWhat);
  if (state.status !== 'NONE' && state.profile.sellerId !== userId) {
    forbid(`only the channel's seller may ${toDoWhat} on channel ${channelId}`, { channelId });
  }
};

/**
 * The seller-facing channel use cases (F1). Only the channel's seller may start or end it, list
 * products or change prices (FORBIDDEN otherwise, and nothing is appended); whoever schedules a
 * channel becomes its seller. Time comes from the clock here, never from the domain; every
 * stored event carries the channel id so the relay routes it without reads.
 */
export const makeChannelCommands = (deps: ChannelCommandsDeps) => {
  const run = async (
    channelId: string,
    command: ChannelCommand,
    correlationId?: string,
  ): Promise<ChannelCommandResult> => {
    const streamId = channelStreamId(channelId);
    const result = await deps.channels.handle(streamId, command, { channelId, correlationId });
    return {
      channelId,
      streamId,
      version: result.version,
      changed: result.events.length > 0,
      status: result.state.status,
    };
  };
  const asSeller = async (
    channelId: ChannelId,
    actor: Actor,
    toDoWhat: string,
    command: () => ChannelCommand,
    correlationId?: string,
  ) => {
    requireUser(actor, toDoWhat);
    const { state } = await deps.channels.load(channelStreamId(channelId));
    requireSeller(state, actor, channelId, toDoWhat);
    return run(channelId, command(), correlationId);
  };
  return {
    /** The actor becomes the seller (a body cannot name someone else). */
    schedule: (input: {
      channelId?: ChannelId;
      actor: Actor;
      title: string;
      currency: string;
      correlationId?: string;
    }) => {
      const sellerId = requireUser(input.actor, 'schedule a channel');
      const channelId = input.channelId ?? (deps.ids.next() as ChannelId);
      return run(
        channelId,
        {
          type: 'ScheduleChannel',
          channelId,
          sellerId,
          title: input.title,
          currency: input.currency,
          at: deps.clock.now(),
        },
        input.correlationId,
      );
    },
    start: (channelId: ChannelId, actor: Actor, correlationId?: string) =>
      asSeller(channelId, actor, 'start the live', () => ({ type: 'StartLive', at: deps.clock.now() }), correlationId),
    end: (channelId: ChannelId, actor: Actor, correlationId?: string) =>
      asSeller(channelId, actor, 'end the live', () => ({ type: 'EndLive', at: deps.clock.now() }), correlationId),
    listProduct: (
      channelId: ChannelId,
      actor: Actor,
      p: { productId: ProductId; name: string; category: string; price: number; currency: string },
      correlationId?: string,
    ) => asSeller(channelId, actor, 'list products', () => ({ type: 'ListProduct', ...p }), correlationId),
    changePrice: (
      channelId: ChannelId,
      actor: Actor,
      productId: ProductId,
      p: { price: number; currency: string },
      correlationId?: string,
    ) =>
      asSeller(
        channelId,
        actor,
        'change prices',
        () => ({ type: 'ChangePrice', productId, price: p.price, currency: p.currency, at: deps.clock.now() }),
        correlationId,
      ),
    /** A measured viewer count (normally from the presence consumer, F5). Internal: no actor. */
    updateViewerCount: (channelId: ChannelId, count: number, asOf: number, correlationId?: string) =>
      run(channelId, { type: 'UpdateViewerCount', count, asOf }, correlationId),
    /** Internal (open-auction checks the seller first): no actor. */
    attachAuction: (channelId: ChannelId, auctionId: AuctionId, productId: ProductId, correlationId?: string) =>
      run(channelId, { type: 'AttachAuction', auctionId, productId }, correlationId),
  };
};
export type ChannelUseCases = ReturnType<typeof makeChannelCommands>;
