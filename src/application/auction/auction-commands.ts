import type { AuctionCommand, AuctionEvent, AuctionState } from '../../domain/auction/index.js';
import type { ChannelCommand, ChannelEvent, ChannelState } from '../../domain/channel/index.js';
import type { CommandHandler } from '../command-handler.js';

/** The command handlers the auction use cases drive (built by the composition root). */
export type AuctionCommandHandler = CommandHandler<AuctionCommand, AuctionEvent, AuctionState>;
export type ChannelCommandHandler = CommandHandler<ChannelCommand, ChannelEvent, ChannelState>;
