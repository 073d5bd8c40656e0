/**
 * The heartbeat rules as plain functions over numbers, so that the presence store's
 * conditional write (the product's real enforcement point: a stream per heartbeat would be
 * the hot path) and the decider apply one and the same rule.
 */

/** A beat counts only if its sequence is higher than the last accepted one (null: none yet). */
export const isNewerHeartbeat = (lastSequence: number | null | undefined, sequence: number): boolean =>
  lastSequence === null || lastSequence === undefined || sequence > lastSequence;

/**
 * A session is over once a full TTL has passed since its last sign of life. At exactly
 * `lastHeartbeatAt + ttlMs` it has expired; stores that count live sessions must therefore
 * count `expiresAt > now`.
 */
export const hasExpired = (lastHeartbeatAt: number, at: number, ttlMs: number): boolean => at - lastHeartbeatAt >= ttlMs;

/** The first instant at which `hasExpired` holds. */
export const expiresAt = (lastHeartbeatAt: number, ttlMs: number): number => lastHeartbeatAt + ttlMs;
