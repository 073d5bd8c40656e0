import type { ConnectionQuota } from '../../application/ports/connection-quota.port.js';

/** API Gateway closes a WebSocket after 2 hours: an entry older than that is a lost `$disconnect`. */
export const MAX_CONNECTION_LIFETIME_MS = 2 * 60 * 60 * 1000;

/** Connections per user in one process (the local runtime; tests). */
export class InMemoryConnectionQuota implements ConnectionQuota {
  private readonly byUser = new Map<string, Map<string, number>>();
  private readonly userOf = new Map<string, string>();

  constructor(private readonly lifetimeMs = MAX_CONNECTION_LIFETIME_MS) {}

  async tryOpen(userId: string, connectionId: string, max: number, at: number): Promise<boolean> {
    const open = this.byUser.get(userId) ?? new Map<string, number>();
    for (const [id, openedAt] of open) {
      if (at - openedAt >= this.lifetimeMs) {
        open.delete(id);
        this.userOf.delete(id);
      }
    }
    if (!open.has(connectionId) && open.size >= max) return false;
    open.set(connectionId, open.get(connectionId) ?? at);
    this.byUser.set(userId, open);
    this.userOf.set(connectionId, userId);
    return true;
  }

  async close(connectionId: string): Promise<void> {
    const userId = this.userOf.get(connectionId);
    if (userId === undefined) return;
    this.userOf.delete(connectionId);
    const open = this.byUser.get(userId);
    open?.delete(connectionId);
    if (open?.size === 0) this.byUser.delete(userId);
  }

  /** Connections the user holds now (tests, progress). */
  openFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }
}
