import type { AuctionErrorCode } from '../domain/auction/auction.decider.js';
import type { TripErrorCode } from '../domain/booking/trip.decider.js';
import type { ChannelErrorCode } from '../domain/channel/channel.decider.js';
import type { ViewerSessionErrorCode } from '../domain/viewer-session/viewer-session.decider.js';
import type { ConnectionLimitErrorCode } from './abuse/connection-limit.js';
import type { AuthErrorCode } from './auth/actor.js';
import type { BookingRequestErrorCode } from './booking/booking-commands.js';
import type { SignalErrorCode } from './live/viewer-signals.js';
import type { StreamRecoveryErrorCode } from './live/stream-recovery.js';

/**
 * Every code a `DomainError` can carry: each decider's rules, and the refusals the use cases add
 * (identity, budgets, the booking front door, recovery). Edges map this union — the HTTP status
 * map is a record over it — so a new code in any of these unions fails the type check until
 * someone decides how it is answered. Faults (`UnreadableEventError`, vendor errors) are not
 * here: they are answered as internal errors.
 */
export type ErrorCode =
  | AuctionErrorCode
  | ChannelErrorCode
  | TripErrorCode
  | ViewerSessionErrorCode
  | AuthErrorCode
  | ConnectionLimitErrorCode
  | BookingRequestErrorCode
  | SignalErrorCode
  | StreamRecoveryErrorCode;
