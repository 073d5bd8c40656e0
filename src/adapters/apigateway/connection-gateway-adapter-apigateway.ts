import { PostToConnectionCommand, type ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ConnectionGateway, PostResult } from '../../application/ports/connection-gateway.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import { awsErrorName, backoff, httpStatusOf, mapWithConcurrency, type BackoffPolicy } from '../aws-shared/backoff.js';

/** API Gateway WebSocket: one message ≤ 128 KB. */
export const MAX_FRAME_BYTES = 128 * 1024;

export interface ApiGatewayConnectionGatewayOptions {
  readonly sleeper: Sleeper;
  /** PostToConnection calls in flight at once per `post` (default 50). */
  readonly concurrency?: number;
  /** Retries of a throttled (429) or failed (5xx, network) post. */
  readonly backoff?: BackoffPolicy;
  /** Told about every post that ends `failed` or `rejected`, for logs and metrics. */
  readonly onFailure?: (connectionId: string, error: unknown) => void;
}

const defaultPolicy: BackoffPolicy = { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 1_000 };

type Outcome = 'ok' | 'gone' | 'failed' | 'rejected';

const isThrottled = (error: unknown): boolean =>
  httpStatusOf(error) === 429 ||
  ['LimitExceededException', 'TooManyRequestsException', 'ThrottlingException'].includes(awsErrorName(error));

const isTransient = (error: unknown): boolean => {
  const status = httpStatusOf(error);
  if (status !== undefined) return status >= 500;
  // No HTTP status: the request never got an answer (reset, timeout).
  return !['ForbiddenException', 'PayloadTooLargeException'].includes(awsErrorName(error));
};

/**
 * Pushes frames through the API Gateway Management API: one PostToConnection per connection,
 * `concurrency` at a time. 410 Gone → `gone` (the caller removes the connection). Throttling
 * (429 LimitExceeded) and 5xx are retried here with full-jitter back-off, then → `failed`.
 *
 * Why our own retry and not the SDK's: the standard strategy shares one retry quota per client
 * (500 tokens, 5 per throttled retry), so a broadcast to thousands of viewers that meets
 * throttling empties it after ~100 retries and every later post fails unretried. Build the
 * client with `maxAttempts: 1` so retries are not multiplied.
 */
export class ApiGatewayConnectionGateway implements ConnectionGateway {
  private readonly policy: BackoffPolicy;

  constructor(
    private readonly client: ApiGatewayManagementApiClient,
    private readonly options: ApiGatewayConnectionGatewayOptions,
  ) {
    this.policy = options.backoff ?? defaultPolicy;
  }

  async post(connectionIds: readonly string[], frame: string): Promise<PostResult> {
    const data = Buffer.from(frame, 'utf8');
    if (data.length > MAX_FRAME_BYTES) {
      // API Gateway would answer 413 to every one of them: spare the calls.
      const error = new RangeError(
        `frame of ${data.length} bytes exceeds the ${MAX_FRAME_BYTES}-byte WebSocket message limit`,
      );
      for (const id of connectionIds) this.options.onFailure?.(id, error);
      return { gone: [], failed: [], rejected: [...connectionIds] };
    }
    const outcomes = await mapWithConcurrency(connectionIds, this.options.concurrency ?? 50, (id) =>
      this.postOne(id, data),
    );
    return {
      gone: connectionIds.filter((_, i) => outcomes[i] === 'gone'),
      failed: connectionIds.filter((_, i) => outcomes[i] === 'failed'),
      rejected: connectionIds.filter((_, i) => outcomes[i] === 'rejected'),
    };
  }

  private async postOne(connectionId: string, data: Uint8Array): Promise<Outcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
        return 'ok';
      } catch (error) {
        if (awsErrorName(error) === 'GoneException' || httpStatusOf(error) === 410) return 'gone';
        const passing = isThrottled(error) || isTransient(error);
        if (passing && attempt < this.policy.maxAttempts) {
          await backoff(this.options.sleeper, this.policy, attempt);
          continue;
        }
        this.options.onFailure?.(connectionId, error);
        return passing ? 'failed' : 'rejected';
      }
    }
  }
}
