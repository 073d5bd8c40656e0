/**
 * WebSocket close codes of the viewer protocol (docs/PROTOCOL.md, "When the server closes").
 * 4000–4999 are the range RFC 6455 leaves to applications.
 */
export const CLOSE_CODES = {
  /**
   * The viewer stopped reading: more than its outgoing buffer waited to be sent for longer than
   * the grace period. Rejoin, then recover what was missed over HTTP.
   */
  SLOW_CONSUMER: 4008,
  /** A message over 128 KiB (RFC 6455 "message too big"; API Gateway closes with it too). */
  MESSAGE_TOO_BIG: 1009,
} as const;
