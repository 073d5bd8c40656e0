import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { chunkBySize } from '../../application/live/broadcast-plan.js';
import type { FeedFrame } from '../../application/live/broadcast-feed.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';
import type { DeliveryReceipt, ViewerDelivery } from '../../application/ports/viewer-delivery.port.js';
import type { FeedItem } from '../../domain/live-feed/feed-item.js';
import { backoff, defaultBackoffPolicy, type BackoffPolicy } from '../aws-shared/backoff.js';
import { liveChannelOf, MAX_EVENTS_PER_PUBLISH, PUBLISH_EVENT_BYTES, PublishResponse } from './event-api-wire.js';

/** Static credentials or a provider, as the SDK's signer takes them. */
type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];
type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface AppSyncEventsDeliveryOptions {
  /** The Event API's HTTP publish endpoint: `https://<httpDns>/event` (locally the stand-in's). */
  readonly endpoint: string;
  readonly region: string;
  /** The channel namespace viewers subscribe in (`live`): channel `/<namespace>/<channelId>`. */
  readonly namespace: string;
  /** Default: the SDK's default provider chain (the Lambda role's credentials in AWS). */
  readonly credentials?: Credentials;
  readonly sleeper: Sleeper;
  readonly backoff?: BackoffPolicy;
  readonly maxEventBytes?: number;
  readonly fetch?: Fetch;
}

/** The Event API refused a publish for good (4xx other than throttling): retrying the same request cannot help. */
export class PublishRejectedError extends Error {
  override readonly name = 'PublishRejectedError';
}

/** Some events were still not accepted after every retry: the caller fails the records so the event source redelivers them. */
export class PublishFailedError extends Error {
  override readonly name = 'PublishFailedError';
}

const RETRYABLE_STATUS = (status: number): boolean => status === 429 || status >= 500;

/**
 * The pub/sub viewer delivery (`appsync-events`): a channel's coalesced items become feed frames
 * (`{type:"feed",channelId,items}`, the same frame the WebSocket API sends), each ≤ the event
 * size limit, published ≤ 5 per request to `/<namespace>/<channelId>` over the Event API's
 * HTTP endpoint, signed with SigV4 (service `appsync`) by the SDK's signer. AppSync fans each
 * event out to every subscriber: one call per channel batch instead of one per viewer.
 *
 * Requests of one channel go one after another, so frames leave in order (viewers still
 * reorder by version). A partial failure (`failed` entries) retries only those events with
 * full-jitter back-off; what still fails, or a throttled / 5xx request after the last attempt,
 * throws `PublishFailedError`, and the fan-out fails the channel's Kinesis records: the retry
 * may publish some frames twice, which viewers drop by version.
 */
export class AppSyncEventsViewerDelivery implements ViewerDelivery {
  private readonly signer: SignatureV4;
  private readonly url: URL;
  private readonly policy: BackoffPolicy;
  private readonly maxEventBytes: number;
  private readonly fetch: Fetch;

  constructor(private readonly options: AppSyncEventsDeliveryOptions) {
    this.url = new URL(options.endpoint);
    this.signer = new SignatureV4({
      service: 'appsync',
      region: options.region,
      credentials: options.credentials ?? defaultProvider(),
      sha256: Sha256,
    });
    this.policy = options.backoff ?? defaultBackoffPolicy;
    this.maxEventBytes = options.maxEventBytes ?? PUBLISH_EVENT_BYTES;
    this.fetch = options.fetch ?? (globalThis.fetch as unknown as Fetch);
  }

  async deliver(channelId: string, items: readonly FeedItem[]): Promise<DeliveryReceipt> {
    if (items.length === 0) return { messages: 0, calls: 0 };
    const channel = liveChannelOf(this.options.namespace, channelId);
    const events = chunkBySize(channelId, items, 1, this.maxEventBytes).map((chunk) =>
      JSON.stringify({ type: 'feed', channelId, items: chunk } satisfies FeedFrame),
    );
    let calls = 0;
    for (let i = 0; i < events.length; i += MAX_EVENTS_PER_PUBLISH) {
      calls += await this.publish(channel, events.slice(i, i + MAX_EVENTS_PER_PUBLISH));
    }
    return { messages: events.length, calls };
  }

  /** Publishes up to 5 events, retrying only what was not accepted; resolves with the requests made. */
  private async publish(channel: string, events: readonly string[]): Promise<number> {
    let pending = [...events];
    let lastProblem = '';
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt++) {
      if (attempt > 1) await backoff(this.options.sleeper, this.policy, attempt - 1);
      const outcome = await this.send(channel, pending);
      if (outcome.kind === 'done') {
        if (outcome.failed.length === 0) return attempt;
        lastProblem = `${outcome.failed.length} of ${pending.length} events reported failed`;
        pending = outcome.failed.map((index) => pending[index]).filter((e): e is string => e !== undefined);
      } else lastProblem = outcome.problem;
    }
    throw new PublishFailedError(
      `publishing to ${channel} failed after ${this.policy.maxAttempts} attempts: ${lastProblem}`,
    );
  }

  private async send(
    channel: string,
    events: readonly string[],
  ): Promise<{ kind: 'done'; failed: number[] } | { kind: 'retry'; problem: string }> {
    const body = JSON.stringify({ channel, events });
    const request = new HttpRequest({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      ...(this.url.port ? { port: Number(this.url.port) } : {}),
      path: this.url.pathname,
      headers: { 'content-type': 'application/json', host: this.url.host },
      body,
    });
    const signed = await this.signer.sign(request);
    // fetch sets Host from the URL itself (the same value that was signed).
    const { host: _host, ...headers } = signed.headers;
    let response: { status: number; text(): Promise<string> };
    try {
      response = await this.fetch(this.url.href, { method: 'POST', headers, body });
    } catch (error) {
      return { kind: 'retry', problem: `request failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    const text = await response.text();
    if (RETRYABLE_STATUS(response.status))
      return { kind: 'retry', problem: `HTTP ${response.status}: ${text.slice(0, 200)}` };
    if (response.status < 200 || response.status >= 300) {
      throw new PublishRejectedError(
        `the Event API refused a publish to ${channel} with HTTP ${response.status}: ${text.slice(0, 300)}`,
      );
    }
    let parsed;
    try {
      parsed = PublishResponse.safeParse(JSON.parse(text));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) return { kind: 'retry', problem: `unreadable publish response: ${text.slice(0, 200)}` };
    return { kind: 'done', failed: parsed.data.failed.map((f) => f.index) };
  }
}
