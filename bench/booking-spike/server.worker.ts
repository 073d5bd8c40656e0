/**
 * The system under test, alone in its process (the load generator runs in the runner, so its
 * work never shows up as the server's latency). Two subjects:
 * - `stampede`: the local runtime (`startLocalRuntime`, memory backend, no demo) — booking
 *   routes → FIFO booking queue → `booking` handler → trip stream;
 * - `emulators`: the same runtime with `--backend emulators` (DynamoDB Local, kinesalite and
 *   fauxqs started by the backend on loopback ports, stopped with it);
 * - `bare`: a bare `node:http` server that reads the body and answers 202 at once — the HTTP
 *   stack's own limit on this machine, with the same request and a response of similar size.
 * After the load, `audit` reads the trip's stream straight from the event store, so seats are
 * counted from the events themselves rather than from the decider's own `freeSeats`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventStore } from '../../src/application/ports/event-store.port.js';
import { TOKENS } from '../../src/entrypoints/composition/tokens.js';
import { LOCAL_FEATURES } from '../../src/entrypoints/local/local-features.js';
import { startLocalRuntime, type LocalRuntime } from '../../src/entrypoints/local/runtime.js';
import { parentChannel, type Message } from '../lib/child-process.js';

/**
 * Every API feature of `npm start` without the static pages (their build resolves web/ from
 * the source tree, which a bundled worker is not in; no API route depends on them) and the demo.
 */
const API_FEATURES = LOCAL_FEATURES.filter((f) => f.name !== 'pages' && f.name !== 'demo');

const channel = parentChannel();
let runtime: LocalRuntime | null = null;
let bare: Server | null = null;

const startBare = (): Promise<string> =>
  new Promise((resolve, reject) => {
    let n = 0;
    bare = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        n++;
        const body = JSON.stringify({ requestId: `bare-${n}`, status: 'QUEUED' });
        res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      });
    });
    bare.once('error', reject);
    bare.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(bare!.address() as AddressInfo).port}`));
  });

export interface SeatAudit {
  readonly confirmedBookings: number;
  readonly confirmedSeats: number;
  readonly rejectedBookings: number;
  readonly cancelledSeats: number;
  /** Seat numbers held by more than one live booking: must be 0. */
  readonly doubleSoldSeats: number;
  /** Seat numbers outside 1…capacity: must be 0. */
  readonly outOfRangeSeats: number;
  /** Request ids with more than one outcome event: must be 0. */
  readonly duplicateOutcomes: number;
  readonly events: number;
}

const audit = async (tripId: string, capacity: number): Promise<SeatAudit> => {
  const store: EventStore = runtime!.container.get(TOKENS.EventStore);
  const slice = await store.read(`trip-${tripId}`);
  const holder = new Map<number, string>();
  const outcomes = new Set<string>();
  let confirmedBookings = 0;
  let confirmedSeats = 0;
  let rejectedBookings = 0;
  let cancelledSeats = 0;
  let doubleSoldSeats = 0;
  let outOfRangeSeats = 0;
  let duplicateOutcomes = 0;
  for (const e of slice.events) {
    const data = e.data as { requestId?: string; seatNumbers?: number[] };
    if (e.type === 'BookingConfirmed' || e.type === 'BookingRejected') {
      if (outcomes.has(data.requestId ?? '')) duplicateOutcomes++;
      outcomes.add(data.requestId ?? '');
    }
    if (e.type === 'BookingConfirmed') {
      confirmedBookings++;
      for (const seat of data.seatNumbers ?? []) {
        confirmedSeats++;
        if (seat < 1 || seat > capacity) outOfRangeSeats++;
        if (holder.has(seat)) doubleSoldSeats++;
        holder.set(seat, data.requestId ?? '');
      }
    } else if (e.type === 'BookingRejected') rejectedBookings++;
    else if (e.type === 'BookingCancelled') {
      for (const seat of data.seatNumbers ?? []) {
        cancelledSeats++;
        holder.delete(seat);
      }
    }
  }
  return {
    confirmedBookings,
    confirmedSeats,
    rejectedBookings,
    cancelledSeats,
    doubleSoldSeats,
    outOfRangeSeats,
    duplicateOutcomes,
    events: slice.events.length,
  };
};

channel.onMessage(async (m: Message) => {
  switch (m.type) {
    case 'start': {
      if (m.subject === 'bare') channel.send({ type: 'ready', url: await startBare() });
      else {
        runtime = await startLocalRuntime({
          host: '127.0.0.1',
          port: 0,
          progressIntervalMs: 0,
          logLevel: 'ERROR',
          demo: false,
          extensions: API_FEATURES,
          backend: m.subject === 'emulators' ? 'emulators' : 'memory',
        });
        channel.send({ type: 'ready', url: runtime.url });
      }
      return;
    }
    case 'cpu': {
      const u = process.cpuUsage();
      channel.send({ type: 'cpu', ms: (u.user + u.system) / 1000 });
      return;
    }
    case 'audit':
      channel.send({ type: 'audit', audit: await audit(String(m.tripId), Number(m.capacity)) });
      return;
    case 'stop': {
      await runtime?.stop();
      bare?.closeAllConnections();
      await new Promise<void>((r) => (bare ? bare.close(() => r()) : r()));
      channel.send({ type: 'stopped' });
      // Leave by ourselves so a --cpu-prof profile is written.
      setTimeout(() => process.exit(0), 50);
      return;
    }
  }
});
channel.send({ type: 'hello' });
