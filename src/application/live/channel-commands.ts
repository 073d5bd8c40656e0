import { channelStreamId, type ChannelCommand, type ChannelEvent, type ChannelState } from '../../domain/channel/index.js';
import type { AuctionId, ChannelId, ProductId, UserId } from '../../domain/shared/ids.js';
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
 * The seller-facing channel use cases (F1). Time comes from the clock here, never from the
 * domain; every stored event carries the channel id so the relay routes it without reads.
 */
export const makeChannelCommands = (deps: ChannelCommandsDeps) => {
  const run = async (channelId: string, command: ChannelCommand, correlationId?: string): Promise<ChannelCommandResult> => {
    const streamId = channelStreamId(channelId);
    const result = await deps.channels.handle(streamId, command, { channelId, correlationId });
    return { channelId, streamId, version: result.version, changed: result.events.length > 0, status: result.state.status };
  };
  return {
    schedule: (input: { channelId?: ChannelId; sellerId: UserId; title: string; currency: string; correlationId?: string }) => {
      const channelId = input.channelId ?? (deps.ids.next() as ChannelId);
      return run(
        channelId,
        { type: 'ScheduleChannel', channelId, sellerId: input.sellerId, title: input.title, currency: input.currency, at: deps.clock.now() },
        input.correlationId,
      );
    },
    start: (channelId: ChannelId, correlationId?: string) => run(channelId, { type: 'StartLive', at: deps.clock.now() }, correlationId),
    end: (channelId: ChannelId, correlationId?: string) => run(channelId, { type: 'EndLive', at: deps.clock.now() }, correlationId),
    listProduct: (
      channelId: ChannelId,
      p: { productId: ProductId; name: string; category: string; price: number; currency: string },
      correlationId?: string,
    ) => run(channelId, { type: 'ListProduct', ...p }, correlationId),
    changePrice: (channelId: ChannelId, productId: ProductId, p: { price: number; currency: string }, correlationId?: string) =>
      run(channelId, { type: 'ChangePrice', productId, price: p.price, currency: p.currency, at: deps.clock.now() }, correlationId),
    /** A measured viewer count (normally from the presence consumer, F5). */
    updateViewerCount: (channelId: ChannelId, count: number, asOf: number, correlationId?: string) =>
      run(channelId, { type: 'UpdateViewerCount', count, asOf }, correlationId),
    attachAuction: (channelId: ChannelId, auctionId: AuctionId, productId: ProductId, correlationId?: string) =>
      run(channelId, { type: 'AttachAuction', auctionId, productId }, correlationId),
  };
};
export type ChannelUseCases = ReturnType<typeof makeChannelCommands>;
