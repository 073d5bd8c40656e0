import { WebSocket } from 'ws';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../src/entrypoints/local/runtime.js';

/** The whole local runtime on a free loopback port, quiet, stopped by its own handle; `options` override. */
export const startQuietRuntime = (options: LocalRuntimeOptions = {}): Promise<LocalRuntime> =>
  startLocalRuntime({ port: 0, host: '127.0.0.1', progressIntervalMs: 0, logLevel: 'SILENT', ...options });

/** `as`: call with a bearer token the runtime's development issuer signed for this user id. */
export const api = async (
  runtime: LocalRuntime,
  method: string,
  path: string,
  body?: unknown,
  options: { as?: string } = {},
) => {
  const token = options.as === undefined ? undefined : (await runtime.devTokens.issue(options.as)).token;
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
};

/**
 * A seller's channel with one product and a 6 s auction on it, through the HTTP API (each step
 * expected to answer 201); names derive from `prefix`: channel `<prefix>-ch`, product
 * `<prefix>-product`, auction `<prefix>-auc`.
 */
export const openAuction = async (
  runtime: LocalRuntime,
  prefix: string,
  options: { as: string; currency?: string },
): Promise<{ channelId: string; productId: string; auctionId: string }> => {
  const ids = { channelId: `${prefix}-ch`, productId: `${prefix}-product`, auctionId: `${prefix}-auc` };
  const currency = options.currency ?? 'KRW';
  const seller = { as: options.as };
  const steps: [string, unknown][] = [
    ['/api/channels', { channelId: ids.channelId, title: `Auction ${prefix}`, currency }],
    [
      `/api/channels/${ids.channelId}/products`,
      { productId: ids.productId, name: 'Lamp', category: 'home', price: 10_000, currency },
    ],
    [
      `/api/channels/${ids.channelId}/auctions`,
      {
        auctionId: ids.auctionId,
        productId: ids.productId,
        startingPrice: 1_000,
        minIncrement: 100,
        durationSeconds: 6,
      },
    ],
  ];
  for (const [path, body] of steps) {
    const answer = await api(runtime, 'POST', path, body, seller);
    if (answer.status !== 201)
      throw new Error(`POST ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return ids;
};

/** Schedules trip `tripId` (departing in a day) through the HTTP API as `as`; expects 201. */
export const scheduleTrip = async (
  runtime: LocalRuntime,
  tripId: string,
  options: { as: string; capacity: number; maxSeatsPerBooking: number },
): Promise<void> => {
  const { as, ...terms } = options;
  const answer = await api(
    runtime,
    'POST',
    '/api/trips',
    { tripId, route: 'A → B', departsAt: Date.now() + 86_400_000, ...terms },
    { as },
  );
  if (answer.status !== 201)
    throw new Error(`POST /api/trips answered ${answer.status}: ${JSON.stringify(answer.body)}`);
};

/** Polls `probe` until it returns a value `accept` likes (or gives up after `timeoutMs`, returning the last value). */
export const eventually = async <T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** A WebSocket client that collects the frames it receives; `as` connects with a signed token (else anonymous). */
export const connect = async (runtime: LocalRuntime, options: { as?: string } = {}) => {
  const token = options.as === undefined ? undefined : (await runtime.devTokens.issue(options.as)).token;
  const socket = new WebSocket(token ? `${runtime.wsUrl}?token=${encodeURIComponent(token)}` : runtime.wsUrl);
  const frames: Record<string, any>[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, any>));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    frames,
    send: (frame: unknown) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    close: () =>
      new Promise<void>((resolve) =>
        socket.readyState === WebSocket.CLOSED ? resolve() : (socket.once('close', () => resolve()), socket.close()),
      ),
  };
};
