/**
 * Schedules the holiday trips through the admin route `POST /api/trips`, against the local
 * runtime (`npm start`) or a deployed HTTP API:
 *
 *   npx tsx scripts/seed-trips.ts [--url http://127.0.0.1:3000] [--capacity 500] [--departs-in-days 1] [--token <jwt>]
 *
 * Writes need a bearer token: `--token` (or STAMPEDE_TOKEN) — in AWS one from your identity
 * provider; against the local runtime, without one, the script asks its development issuer
 * (`POST /api/dev/tokens`) for a token of the user `trip-operator`.
 *
 * Safe to run twice: a trip scheduled again with the same terms is a no-op, and one that
 * exists with other terms (e.g. seeded on another day) is reported and left alone.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';

const Options = z.object({
  url: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3000'),
  capacity: z.coerce.number().int().min(1).max(1000).default(500),
  departsInDays: z.coerce.number().int().min(0).max(365).default(1),
  token: z.string().min(1).optional(),
});

/** The bearer token to send: given, or a development token from the local runtime (404 there: none, say so). */
const tokenFor = async (url: string, given: string | undefined): Promise<string> => {
  if (given) return given;
  const response = await fetch(new URL('/api/dev/tokens', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'trip-operator' }),
  });
  if (response.status !== 201) {
    console.error(
      `no token: pass --token <jwt> (or STAMPEDE_TOKEN); ${url} has no development issuer (POST /api/dev/tokens answered ${response.status})`,
    );
    process.exit(2);
  }
  return ((await response.json()) as { token: string }).token;
};

/** The seed's one bus (the default trip of `POST /api/book-bus`) and a few more departures. */
const TRIPS = [
  { tripId: 'holiday-express', route: 'Seoul → Busan (holiday express)', hour: 9 },
  { tripId: 'seoul-busan-1200', route: 'Seoul → Busan', hour: 12 },
  { tripId: 'seoul-gwangju-0800', route: 'Seoul → Gwangju', hour: 8 },
  { tripId: 'seoul-daegu-1500', route: 'Seoul → Daegu', hour: 15 },
] as const;

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      capacity: { type: 'string' },
      'departs-in-days': { type: 'string' },
      token: { type: 'string' },
    },
    strict: true,
  });
  const parsed = Options.safeParse({
    url: values.url,
    capacity: values.capacity,
    departsInDays: values['departs-in-days'],
    token: values.token ?? (process.env['STAMPEDE_TOKEN'] || undefined),
  });
  if (!parsed.success) {
    console.error(
      `invalid options: ${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; ')}`,
    );
    process.exit(2);
  }
  const { url, capacity, departsInDays } = parsed.data;
  let token: string;
  try {
    token = await tokenFor(url, parsed.data.token);
  } catch (error) {
    console.error(`cannot reach ${url}: ${(error as Error).message}. Is the API running (npm start)?`);
    process.exit(1);
  }
  // Whole hours of a UTC day, so that a rerun on the same day sends identical terms.
  const day = new Date();
  day.setUTCHours(0, 0, 0, 0);
  let failures = 0;
  for (const trip of TRIPS) {
    const departsAt = day.getTime() + departsInDays * 86_400_000 + trip.hour * 3_600_000;
    const body = { tripId: trip.tripId, route: trip.route, departsAt, capacity, maxSeatsPerBooking: 4 };
    let response: Response;
    try {
      response = await fetch(new URL('/api/trips', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    } catch (error) {
      console.error(`cannot reach ${url}: ${(error as Error).message}. Is the API running (npm start)?`);
      process.exit(1);
    }
    const answer = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (response.status === 201)
      console.log(`✓ ${trip.tripId}  ${trip.route}, ${capacity} seats, departs ${new Date(departsAt).toISOString()}`);
    else if (answer.error?.code === 'TRIP_ALREADY_SCHEDULED')
      console.log(`• ${trip.tripId}  already scheduled with other terms; left as it is`);
    else {
      failures++;
      console.error(`✗ ${trip.tripId}  HTTP ${response.status}: ${answer.error?.message ?? 'no details'}`);
    }
  }
  if (failures > 0) process.exit(1);
};

await main();
