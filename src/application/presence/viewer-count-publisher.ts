import {
  channelStreamId,
  type ChannelCommand,
  type ChannelEvent,
  type ChannelState,
} from '../../domain/channel/index.js';
import { DomainError } from '../../domain/shared/errors.js';
import type { CommandHandler } from '../command-handler.js';

type ChannelCommands = CommandHandler<ChannelCommand, ChannelEvent, ChannelState>;

export type PublishOutcome =
  | { readonly outcome: 'PUBLISHED'; readonly version: number }
  /** The channel already shows this count, or a newer measurement. */
  | { readonly outcome: 'UNCHANGED' }
  /** Rate-limited: publish again at `retryAt` or later. */
  | { readonly outcome: 'DEFERRED'; readonly retryAt: number }
  /** The channel does not exist or has ended: counts are not news any more. */
  | { readonly outcome: 'NO_CHANNEL'; readonly reason: string };

/**
 * Turns a measured count into the Channel's `UpdateViewerCount` (asOf = measurement time),
 * through a command handler whose decider carries the rate limit
 * (`withViewerCountRateLimit`). The channel's decider already ignores unchanged counts and
 * measurements older than the applied one.
 */
export class ViewerCountPublisher {
  constructor(
    private readonly channels: ChannelCommands,
    private readonly minIntervalMs: number,
  ) {}

  async publish(channelId: string, count: number, asOf: number): Promise<PublishOutcome> {
    let result;
    try {
      result = await this.channels.handle(
        channelStreamId(channelId),
        { type: 'UpdateViewerCount', count, asOf },
        { channelId },
      );
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'CHANNEL_NOT_FOUND' || error.code === 'CHANNEL_ENDED')) {
        return { outcome: 'NO_CHANNEL', reason: error.code };
      }
      throw error;
    }
    if (result.events.length > 0) return { outcome: 'PUBLISHED', version: result.version };
    const state = result.state;
    if (state.status === 'NONE') return { outcome: 'NO_CHANNEL', reason: 'CHANNEL_NOT_FOUND' };
    if (state.viewerCount === count || state.viewerCountAsOf === null || asOf <= state.viewerCountAsOf)
      return { outcome: 'UNCHANGED' };
    return { outcome: 'DEFERRED', retryAt: state.viewerCountAsOf + this.minIntervalMs };
  }
}
