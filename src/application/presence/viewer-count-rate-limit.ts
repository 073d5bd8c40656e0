import type { ChannelCommand, ChannelEvent, ChannelState } from '../../domain/channel/index.js';
import type { Decider } from '../../domain/shared/decider.js';

/**
 * The channel decider with one more rule for the presence path: a viewer count measured less
 * than `minIntervalMs` after the last published one is not published (yet). It runs inside the
 * command handler's load → decide → append loop, so concurrent consumer instances cannot both
 * publish within the interval: the loser of the append race re-decides on the fresh state and
 * yields nothing. The caller sees the unchanged state and schedules a later recount, so the
 * last change is delayed, never lost.
 */
export const withViewerCountRateLimit = (
  decider: Decider<ChannelCommand, ChannelEvent, ChannelState>,
  minIntervalMs: number,
): Decider<ChannelCommand, ChannelEvent, ChannelState> => ({
  initialState: decider.initialState,
  evolve: decider.evolve,
  decide(command, state) {
    if (command.type === 'UpdateViewerCount' && state.status !== 'NONE' && state.viewerCountAsOf !== null) {
      const since = command.asOf - state.viewerCountAsOf;
      if (since > 0 && since < minIntervalMs) return [];
    }
    return decider.decide(command, state);
  },
});
