import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

/** A protocol message from AWS's documentation (test/fixtures/appsync-events/<name>.json). */
export const fixture = <T = Record<string, unknown>>(name: string): T => {
  const file = JSON.parse(
    readFileSync(new URL(`../../fixtures/appsync-events/${name}.json`, import.meta.url), 'utf8'),
  ) as { source: string; message: T };
  if (!file.source.startsWith('https://docs.aws.amazon.com/'))
    throw new Error(`fixture ${name} does not name its AWS source`);
  return file.message;
};

/** The shape of a JSON value: keys and value types, recursively (first element of arrays). */
export const shapeOf = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shapeOf(v)]),
    );
  return typeof value;
};

/** A raw WebSocket with a queue of received messages, for talking the protocol by hand. */
export class ProtocolSocket {
  readonly received: Array<Record<string, unknown>> = [];
  private waiters: Array<() => void> = [];
  closed: { code: number } | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as Record<string, unknown>);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', (code) => {
      this.closed = { code };
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(url: string, protocols: string[]): Promise<ProtocolSocket> {
    const socket = new WebSocket(url, protocols);
    const wrapped = new ProtocolSocket(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(wrapped));
      socket.once('error', reject);
    });
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The first received message (not yet taken) matching `predicate`; it is removed from the queue. */
  async next(
    predicate: (m: Record<string, unknown>) => boolean = () => true,
    what = 'a message',
  ): Promise<Record<string, unknown>> {
    for (let i = 0; i < 400; i++) {
      const index = this.received.findIndex(predicate);
      if (index >= 0) return this.received.splice(index, 1)[0] as Record<string, unknown>;
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) before ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 25);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    throw new Error(`no ${what}; received ${JSON.stringify(this.received)}`);
  }

  close(): void {
    this.socket.close();
  }
}
