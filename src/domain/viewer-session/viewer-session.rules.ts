/**
 * The heartbeat rules as plain functions over numbers, so that the presence store's
 * conditional write (the product's real enforcement point: a stream per heartbeat would be
 * the hot path) and the decider apply one and the same rule.
 */

/** A beat counts only if its sequence is higher than the last accepted one (null: none yet). */
export const isNewerHeartbeat = (lastSequence: number | null | undefined, sequence: number): boolean =>
  lastSequence === null || lastSequence === undefined || sequence > lastSequence;

/**
 * A session is over once a full TTL has passed since its last sign of life: at exactly
 * `lastHeartbeatAt + ttlMs` it no longer counts. A store that counts items with
 * `expiresAt >= now` must therefore store `expiresAt(…) - 1`, the last instant it still counts.
 */
export const hasExpired = (lastHeartbeatAt: number, at: number, ttlMs: number): boolean =>
  at - lastHeartbeatAt >= ttlMs;

/** The first instant at which `hasExpired` holds. */
export const expiresAt = (lastHeartbeatAt: number, ttlMs: number): number => lastHeartbeatAt + ttlMs;
