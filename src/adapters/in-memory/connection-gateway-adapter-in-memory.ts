import type { ConnectionGateway, PostResult } from '../../application/ports/connection-gateway.port.js';

/** API Gateway WebSocket message limit: a larger PostToConnection fails (413). */
export const API_GATEWAY_MAX_MESSAGE_BYTES = 128 * 1024;

export interface InMemoryConnectionGatewayOptions {
  /**
   * Accept posts to ids never passed to `connect` (default false: like API Gateway, such an id
   * answers 410 Gone). For unit tests of a handler that do not model `$connect`.
   */
  readonly acceptUnknownIds?: boolean;
}

/**
 * The Management API twin: records every frame per connection. Like API Gateway, it knows the
 * open connections (`connect`, `markGone`): an id it never saw connect, or one marked gone,
 * answers like a 410 (the caller must remove it); connections marked failing like a persistent 5xx.
 */
export class InMemoryConnectionGateway implements ConnectionGateway {
  private readonly frames = new Map<string, string[]>();
  private readonly connected = new Set<string>();
  private readonly goneIds = new Set<string>();
  private readonly failingIds = new Set<string>();
  private posts = 0;

  constructor(private readonly options: InMemoryConnectionGatewayOptions = {}) {}

  /** A viewer connected ($connect): posts to it are delivered until it is marked gone. */
  connect(connectionId: string): void {
    this.connected.add(connectionId);
    this.goneIds.delete(connectionId);
  }

  async post(connectionIds: readonly string[], frame: string): Promise<PostResult> {
    const gone: string[] = [];
    const failed: string[] = [];
    const rejected: string[] = [];
    const tooLarge = Buffer.byteLength(frame) > API_GATEWAY_MAX_MESSAGE_BYTES;
    for (const id of connectionIds) {
      this.posts++;
      if (this.goneIds.has(id) || (!this.options.acceptUnknownIds && !this.connected.has(id))) gone.push(id);
      else if (tooLarge) rejected.push(id);
      else if (this.failingIds.has(id)) failed.push(id);
      else {
        const list = this.frames.get(id);
        if (list) list.push(frame);
        else this.frames.set(id, [frame]);
      }
    }
    return { gone, failed, rejected };
  }

  /** The connection closed: later posts answer 410 Gone. */
  markGone(connectionId: string): void {
    this.connected.delete(connectionId);
    this.goneIds.add(connectionId);
  }

  /** Posts to this connection fail for a reason other than Gone (until `heal`). */
  markFailing(connectionId: string): void {
    this.failingIds.add(connectionId);
  }

  heal(connectionId: string): void {
    this.failingIds.delete(connectionId);
  }

  framesOf(connectionId: string): readonly string[] {
    return this.frames.get(connectionId) ?? [];
  }

  /** Frames of a connection, parsed. */
  parsedFramesOf<F = unknown>(connectionId: string): F[] {
    return this.framesOf(connectionId).map((f) => JSON.parse(f) as F);
  }

  /** PostToConnection calls made (one per connection per frame, as API Gateway bills them). */
  get postCount(): number {
    return this.posts;
  }
}
