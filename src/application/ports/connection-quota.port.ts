/**
 * How many WebSocket connections each user holds, so one account cannot open thousands of
 * sockets (each costs a connection slot, a registry entry and fan-out posts). Checked at
 * `$connect`, released at `$disconnect`; entries of connections whose `$disconnect` was lost
 * expire with the connection's maximum lifetime (2 h in API Gateway).
 */
export interface ConnectionQuota {
  /**
   * Counts `connectionId` against `userId`'s limit of `max`; false (and nothing recorded) when
   * the user already holds `max` live connections. Repeating an admitted connection is true.
   */
  tryOpen(userId: string, connectionId: string, max: number, at: number): Promise<boolean>;
  /** Releases a connection; unknown ids are ignored. */
  close(connectionId: string): Promise<void>;
}
