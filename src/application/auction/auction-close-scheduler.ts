import type { Clock } from '../ports/clock.port.js';
import { MAX_DELAY_SECONDS, type MessageQueue } from '../ports/message-queue.port.js';
import type { AuctionCloseMessage } from './auction-close-message.js';

/** Seconds to delay a message due at `dueAt`: rounded up (never early), capped at the SQS maximum. */
export const delaySecondsUntil = (dueAt: number, now: number): number =>
  Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt - now) / 1000)));

/**
 * Puts "close this auction at endsAt" on the scheduler queue as a delayed message. When the
 * end is more than 15 minutes away the message arrives early on purpose and the consumer sends
 * the next hop; duplicates are harmless because closing is idempotent.
 */
export class AuctionCloseScheduler {
  constructor(
    private readonly queue: MessageQueue<AuctionCloseMessage>,
    private readonly clock: Clock,
  ) {}

  async schedule(target: Omit<AuctionCloseMessage, 'hop'>, hop = 1): Promise<{ delaySeconds: number }> {
    const delaySeconds = delaySecondsUntil(target.endsAt, this.clock.now());
    await this.queue.send([{ body: { ...target, hop }, delaySeconds }]);
    return { delaySeconds };
  }
}
