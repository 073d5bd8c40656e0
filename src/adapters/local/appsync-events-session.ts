import type { RawData, WebSocket } from 'ws';
import {
  ClientMessage,
  CONNECTION_TIMEOUT_MS,
  OPERATION_ID_PATTERN,
  SIGV4_APPSYNC_AUTHORIZATION,
  SUBSCRIBE_CHANNEL_PATTERN,
  type ServerMessage,
} from '../appsync/event-api-wire.js';

/** What a session needs from its server: auth checks, namespaces, and the publish path. */
export interface SessionHost {
  /** Accepts or refuses an authorization object (connection or subscribe). */
  authorize(auth: Readonly<Record<string, string>>): Promise<boolean>;
  namespaceExists(channel: string): boolean;
  /** Publishes over the WebSocket; resolves with the indexes reported failed. */
  publish(channel: string, events: readonly string[]): number[];
  readonly keepAliveMs: number;
}

/** Channel path segments without the optional leading and trailing slash. */
export const segmentsOf = (channel: string): string[] => channel.replace(/^\/+|\/+$/g, '').split('/');

/** Does a subscription path (possibly ending in `*`) cover a published channel? */
export const covers = (subscription: readonly string[], channel: readonly string[]): boolean => {
  const wildcard = subscription[subscription.length - 1] === '*';
  const fixed = wildcard ? subscription.slice(0, -1) : subscription;
  if (wildcard ? channel.length <= fixed.length : channel.length !== fixed.length) return false;
  return fixed.every((segment, i) => segment === channel[i]);
};

const errors = (errorType: string, message: string) => [{ errorType, message }];

/**
 * One WebSocket connection of the stand-in (development only): the documented message
 * exchange — connection_init → connection_ack, `ka` every keep-alive interval, subscribe →
 * subscribe_success | subscribe_error, unsubscribe → unsubscribe_success | unsubscribe_error,
 * publish → publish_success | publish_error — and `data` messages for its subscriptions.
 * A message the protocol does not define gets `{type:"error"}` (the docs name no such message;
 * Amplify's client treats it as an error), never a closed socket.
 */
export class AppSyncEventsSession {
  /** Subscription id → channel segments. */
  readonly subscriptions = new Map<string, string[]>();
  private readonly keepAlive: ReturnType<typeof setInterval>;

  constructor(
    private readonly socket: WebSocket,
    private readonly host: SessionHost,
  ) {
    this.keepAlive = setInterval(() => this.send({ type: 'ka' }), host.keepAliveMs);
    this.keepAlive.unref();
    socket.on('message', (data: RawData) => void this.receive(data.toString()));
    socket.on('close', () => this.close());
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  send(message: ServerMessage): void {
    if (this.open) this.socket.send(JSON.stringify(message));
  }

  /** Sends an already-serialised message (a `data` message built once for every subscriber). */
  sendRaw(data: Buffer): void {
    if (this.open) this.socket.send(data, { binary: false });
  }

  close(): void {
    clearInterval(this.keepAlive);
    this.subscriptions.clear();
  }

  private async receive(text: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.send({ type: 'error', errors: errors('BadRequestException', 'the message is not JSON') });
      return;
    }
    const parsed = ClientMessage.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : undefined;
      const type = (raw as { type?: unknown })?.type;
      const knownType = type === 'subscribe' || type === 'unsubscribe' || type === 'publish';
      if (knownType && id !== undefined && OPERATION_ID_PATTERN.test(id)) {
        const reply =
          type === 'subscribe' ? 'subscribe_error' : type === 'unsubscribe' ? 'unsubscribe_error' : 'publish_error';
        this.send({
          type: reply,
          id,
          errors: errors(
            'BadRequestException',
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          ),
        });
      } else {
        this.send({
          type: 'error',
          ...(id !== undefined ? { id } : {}),
          errors: errors('UnsupportedOperation', `unknown or malformed message of type ${JSON.stringify(type)}`),
        });
      }
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'connection_init':
        this.send({ type: 'connection_ack', connectionTimeoutMs: CONNECTION_TIMEOUT_MS });
        return;
      case 'subscribe':
        return this.subscribe(message.id, message.channel, message.authorization);
      case 'unsubscribe':
        if (this.subscriptions.delete(message.id)) this.send({ type: 'unsubscribe_success', id: message.id });
        else
          this.send({
            type: 'unsubscribe_error',
            id: message.id,
            errors: errors('UnknownOperationError', `Unknown operation id ${message.id}`),
          });
        return;
      case 'publish': {
        // Publishing is IAM-only in this stack: the message must carry a SigV4 authorization for `appsync`.
        if (
          !SIGV4_APPSYNC_AUTHORIZATION.test(
            message.authorization?.['authorization'] ?? message.authorization?.['Authorization'] ?? '',
          )
        ) {
          this.send({
            type: 'publish_error',
            id: message.id,
            errors: errors('UnauthorizedException', 'publishing needs IAM (SigV4) authorization'),
          });
          return;
        }
        if (!this.host.namespaceExists(message.channel) || message.events.length === 0 || message.events.length > 5) {
          this.send({
            type: 'publish_error',
            id: message.id,
            errors: errors('BadRequestException', 'unknown namespace, or not 1–5 events'),
          });
          return;
        }
        const failed = new Set(this.host.publish(message.channel, message.events));
        this.send({
          type: 'publish_success',
          id: message.id,
          successful: message.events.flatMap((_, index) =>
            failed.has(index) ? [] : [{ identifier: crypto.randomUUID(), index }],
          ),
          failed: [...failed].map((index) => ({ index })),
        });
        return;
      }
    }
  }

  private async subscribe(
    id: string,
    channel: string,
    authorization: Readonly<Record<string, string>> | undefined,
  ): Promise<void> {
    const refuse = (errorType: string, message: string) =>
      this.send({ type: 'subscribe_error', id, errors: errors(errorType, message) });
    if (this.subscriptions.has(id))
      return refuse('SubscriptionProcessingError', `operation id ${id} is already in use on this connection`);
    if (!SUBSCRIBE_CHANNEL_PATTERN.test(channel) || !this.host.namespaceExists(channel)) {
      return refuse('SubscriptionProcessingError', `no channel namespace for ${channel}`);
    }
    if (!authorization || !(await this.host.authorize(authorization)))
      return refuse('UnauthorizedException', 'You are not authorized to make this call.');
    this.subscriptions.set(id, segmentsOf(channel));
    this.send({ type: 'subscribe_success', id });
  }
}
