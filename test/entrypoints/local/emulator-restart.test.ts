import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * "Nothing lost on restart", from outside: the runtime as `npm start` runs it, on the emulator
 * backend with a data dir, SIGKILLed in the middle of a booking spike over HTTP and started again
 * on the same directory. Its own emulators (not the shared ones of the test run): they are the
 * processes that must die with it.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const TRIP = 'restart-trip';
const CAPACITY = 150;
const PASSENGERS = 20;
const FIRST_WAVE = 150;
const SECOND_WAVE = 150;
const CONCURRENCY = 25;

interface Runtime {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}
const children: ChildProcessWithoutNullStreams[] = [];
let dataDir = '';

const startRuntime = async (dir: string): Promise<Runtime> => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/entrypoints/local/main.ts',
      '--backend',
      'emulators',
      '--data-dir',
      dir,
      '--port',
      '0',
      '--no-demo',
      '--progress-interval-ms',
      '0',
    ],
    { cwd: root, env: { ...process.env, STAMPEDE_LOG_LEVEL: 'ERROR' } },
  );
  children.push(child);
  let text = '';
  child.stdout.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const url = /HTTP API\s+(http:\/\/127\.0\.0\.1:\d+)\/api\/health/.exec(text)?.[1];
    if (url) return { child, url, output: () => text, exited };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the runtime did not start:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const call = async (
  url: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};

const tokenFor = async (url: string, userId: string): Promise<string> => {
  const { status, json } = await call(url, 'POST', '/api/dev/tokens', undefined, { userId });
  expect(status).toBe(201);
  return json['token'] as string;
};

/** Dead, or a zombie nobody has reaped yet (it holds no socket and runs nothing). */
const gone = (pid: number): boolean => {
  try {
    const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
};

/** Local addresses of the TCP sockets `pid` listens on, read from /proc (hex → dotted / IPv6 text). */
const listeningAddresses = (pid: number): string[] => {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const addresses: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const lines = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      // sl local_address rem_address st … inode; st 0A is LISTEN.
      const cols = line.trim().split(/\s+/);
      if (cols[3] !== '0A' || !inodes.has(cols[9] ?? '')) continue;
      const hex = (cols[1] ?? '').split(':')[0] ?? '';
      if (hex.length === 8) {
        addresses.push(
          (hex.match(/../g) ?? [])
            .reverse()
            .map((b) => parseInt(b, 16))
            .join('.'),
        );
      } else {
        // IPv6 in four little-endian words; only loopback forms matter here.
        const mapped = /^0000000000000000FFFF0000([0-9A-F]{8})$/i.exec(hex)?.[1];
        if (mapped) {
          addresses.push(
            `::ffff:${(mapped.match(/../g) ?? [])
              .reverse()
              .map((b) => parseInt(b, 16))
              .join('.')}`,
          );
        } else addresses.push(hex === '00000000000000000000000001000000' ? '::1' : `ipv6:${hex}`);
      }
    }
  }
  return addresses;
};

const LOOPBACK = new Set(['127.0.0.1', '::ffff:127.0.0.1', '::1']);

/** Books with `count` requests (ids `prefix-i`), `CONCURRENCY` at a time; stops issuing when `stop()` says so. */
const spike = async (
  url: string,
  tokens: readonly string[],
  prefix: string,
  count: number,
  onAnswer: (answered: number) => void = () => undefined,
): Promise<{ accepted: string[]; failed: number }> => {
  const accepted: string[] = [];
  let next = 0;
  let answered = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const requestId = `${prefix}-${i}`;
      try {
        const { status } = await call(url, 'POST', `/api/trips/${TRIP}/bookings`, tokens[i % tokens.length], {
          seats: 1 + (i % 2),
          requestId,
        });
        if (status === 202) accepted.push(requestId);
        else failed++;
      } catch {
        failed++; // refused or reset: the runtime is gone
      }
      onAnswer(++answered);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { accepted, failed };
};

type Status = { status: number; json: Record<string, unknown> };
const statusOf = (url: string, token: string, requestId: string): Promise<Status> =>
  call(url, 'GET', `/api/bookings/${requestId}`, token);

/** Polls until every request is decided (CONFIRMED or REJECTED); the views by request id. */
const decided = async (
  url: string,
  tokenOf: (requestId: string) => string,
  requestIds: readonly string[],
): Promise<Map<string, Record<string, unknown>>> => {
  const views = new Map<string, Record<string, unknown>>();
  const deadline = Date.now() + 180_000;
  let pending = [...requestIds];
  while (pending.length > 0) {
    const answers = await Promise.all(pending.map((id) => statusOf(url, tokenOf(id), id)));
    const still: string[] = [];
    answers.forEach((answer, i) => {
      const id = pending[i] as string;
      if (answer.status === 200 && ['CONFIRMED', 'REJECTED'].includes(answer.json['status'] as string)) {
        views.set(id, answer.json);
      } else still.push(id);
    });
    pending = still;
    if (pending.length > 0 && Date.now() > deadline) {
      const sample = await statusOf(url, tokenOf(pending[0] as string), pending[0] as string);
      throw new Error(
        `${pending.length} accepted requests never decided, e.g. ${pending[0]}: ${JSON.stringify(sample)}`,
      );
    }
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 500));
  }
  return views;
};

afterAll(async () => {
  // Only the runtimes this file started, each by its own handle.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('emulator backend with --data-dir', () => {
  it('loses nothing when SIGKILLed mid-spike: accepted requests are decided after a restart, seats and tokens kept, no emulator left behind', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'stampede-restart-'));
    const first = await startRuntime(dataDir);
    const pids = JSON.parse(readFileSync(join(dataDir, 'pids.json'), 'utf8')) as {
      runtime: number;
      dynamodb: number;
      emulators: number;
    };
    expect(pids.runtime).toBe(first.child.pid);
    // The emulators listen on loopback only.
    for (const pid of [pids.dynamodb, pids.emulators]) {
      const addresses = listeningAddresses(pid);
      expect(addresses.length).toBeGreaterThan(0);
      expect(addresses.filter((a) => !LOOPBACK.has(a))).toEqual([]);
    }

    const operator = await tokenFor(first.url, 'operator');
    const passengers = await Promise.all(
      Array.from({ length: PASSENGERS }, (_, i) => tokenFor(first.url, `passenger-${i}`)),
    );
    const tokenOf = (requestId: string) => passengers[Number(requestId.split('-').at(-1)) % PASSENGERS] as string;
    const trip = await call(first.url, 'POST', '/api/trips', operator, {
      tripId: TRIP,
      route: 'Seoul → Busan',
      departsAt: Date.now() + 86_400_000,
      capacity: CAPACITY,
      maxSeatsPerBooking: 2,
    });
    expect(trip.status).toBe(201);

    // First wave, then what is confirmed so far (the seats that must stay as they are).
    const wave1 = await spike(first.url, passengers, 'w1', FIRST_WAVE);
    expect(wave1.accepted.length).toBe(FIRST_WAVE);
    const before = new Map<string, unknown>();
    const deadline = Date.now() + 60_000;
    while (before.size === 0 && Date.now() < deadline) {
      for (const id of wave1.accepted) {
        const { json } = await statusOf(first.url, tokenOf(id), id);
        if (json['status'] === 'CONFIRMED') before.set(id, json['seatNumbers']);
      }
      if (before.size === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(before.size).toBeGreaterThan(0);

    // Second wave, killed part-way: some requests get their 202, the rest are refused.
    let killed = false;
    const wave2 = await spike(first.url, passengers, 'w2', SECOND_WAVE, (answered) => {
      if (!killed && answered >= SECOND_WAVE / 3) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    });
    await first.exited;
    expect(killed).toBe(true);
    expect(wave2.failed).toBeGreaterThan(0);

    // The kernel takes the emulators down with the runtime.
    const goneBy = Date.now() + 10_000;
    while (!(gone(pids.dynamodb) && gone(pids.emulators)) && Date.now() < goneBy) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect({ dynamodb: gone(pids.dynamodb), emulators: gone(pids.emulators) }).toEqual({
      dynamodb: true,
      emulators: true,
    });

    // Restart on the same dir: the stale lock is taken over, old tokens still work.
    const second = await startRuntime(dataDir);
    expect(second.output()).toMatch(new RegExp(`taking over the lock of PID ${pids.runtime}`));
    const accepted = [...wave1.accepted, ...wave2.accepted];
    const views = await decided(second.url, tokenOf, accepted);
    for (const [id, seats] of before) expect(views.get(id)?.['seatNumbers']).toEqual(seats);

    // The requests that got no 202 (refused, or cut off by the kill): their clients retry with
    // the same request id, as the API asks. One cut off after it was recorded but before it was
    // queued is queued by the retry; then every request ever sent ends decided.
    const all = [
      ...Array.from({ length: FIRST_WAVE }, (_, i) => `w1-${i}`),
      ...Array.from({ length: SECOND_WAVE }, (_, i) => `w2-${i}`),
    ];
    const retried = all.filter((id) => !accepted.includes(id));
    for (const id of retried) {
      const i = Number(id.split('-').at(-1));
      const { status } = await call(second.url, 'POST', `/api/trips/${TRIP}/bookings`, tokenOf(id), {
        seats: 1 + (i % 2),
        requestId: id,
      });
      expect(status).toBe(202);
    }
    const late = await decided(second.url, tokenOf, all);
    const seats = [...late.values()].flatMap((v) =>
      v['status'] === 'CONFIRMED' ? (v['seatNumbers'] as number[]) : [],
    );
    expect(new Set(seats).size).toBe(seats.length);
    const tripAfter = await call(second.url, 'GET', `/api/trips/${TRIP}`);
    expect(tripAfter.json['freeSeats']).toBe(CAPACITY - seats.length);
    expect([...late.values()].some((v) => v['status'] === 'REJECTED')).toBe(true);

    // A clean stop releases the lock and stops the emulators; a third start finds the same state.
    const pids2 = JSON.parse(readFileSync(join(dataDir, 'pids.json'), 'utf8')) as typeof pids;
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(existsSync(join(dataDir, 'stampede.lock'))).toBe(false);
    expect(gone(pids2.dynamodb) && gone(pids2.emulators)).toBe(true);
    const third = await startRuntime(dataDir);
    const [sample, seatsKept] = [...before][0] as [string, unknown];
    expect((await statusOf(third.url, tokenOf(sample), sample)).json['seatNumbers']).toEqual(seatsKept);
    expect((await call(third.url, 'GET', `/api/trips/${TRIP}`)).json['freeSeats']).toBe(CAPACITY - seats.length);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 600_000);
});
