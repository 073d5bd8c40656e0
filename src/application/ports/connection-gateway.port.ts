/** Result of posting one frame to many connections. */
export interface PostResult {
  /** Connections that no longer exist (API Gateway 410 Gone): the caller removes them. */
  readonly gone: readonly string[];
  /** Connections the frame could not reach for another reason after retries. */
  readonly failed: readonly string[];
}

/**
 * Pushes frames to viewers' WebSocket connections (API Gateway Management API
 * `PostToConnection` in AWS: one call per connection per frame, bounded concurrency,
 * throttling retried with back-off).
 */
export interface ConnectionGateway {
  /** Sends `frame` to each connection. */
  post(connectionIds: readonly string[], frame: string): Promise<PostResult>;
}
