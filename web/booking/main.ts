import { ApiError, fetchJson, getApi, newId, postApi } from '../shared/api.js';
import { apiUrl, config } from '../shared/config.js';
import { byId, h, notice, render, setText } from '../shared/dom.js';
import { clockTime, count, dateTime, percent } from '../shared/format.js';
import { bindNameField } from '../shared/name-field.js';

/** Shapes of the API answers this page reads (see docs/PROTOCOL.md). */
interface Trip {
  tripId: string;
  route: string;
  departsAt: number;
  capacity: number;
  maxSeatsPerBooking: number;
  freeSeats: number;
  status: 'ON_SALE' | 'SALES_CLOSED';
}
interface Figures {
  requests: number;
  processed: number;
  success: number;
  successRate: number;
}
interface Stats extends Figures {
  trips?: (Figures & { tripId: string })[];
  updatedAt?: number;
}
type BookingStatus =
  | { status: 'QUEUED'; requestId: string; tripId: string; seats: number }
  | { status: 'CONFIRMED'; requestId: string; tripId: string; seatNumbers: number[] }
  | { status: 'REJECTED'; requestId: string; tripId: string; reason: string }
  | { status: 'CANCELLED'; requestId: string; tripId: string; seatNumbers: number[] };

const STATS_EVERY_MS = 1_000;
const TRIPS_EVERY_MS = 3_000;
const REASONS: Record<string, string> = {
  SOLD_OUT: 'sold out',
  NOT_ENOUGH_SEATS: 'not enough seats left',
  SALES_CLOSED: 'sales closed',
  INVALID_SEAT_COUNT: 'too many seats for one booking',
};

const tripsEl = byId('trips');
const bookNotice = byId('book-notice');
const requestsEl = byId<HTMLUListElement>('requests');
const nameInput = byId<HTMLInputElement>('user-name');

// ---- who is booking ----
bindNameField(nameInput, byId('name-notice'));

// ---- trips ----
interface TripRow {
  readonly el: HTMLElement;
  readonly free: HTMLElement;
  readonly bar: HTMLElement;
  readonly fill: HTMLElement;
  readonly seats: HTMLSelectElement;
  readonly book: HTMLButtonElement;
  trip: Trip;
}
const tripRows = new Map<string, TripRow>();
let knownTripIds: string[] = [];

const seatOptions = (max: number, select: HTMLSelectElement): void => {
  if (select.options.length === max) return;
  const chosen = Number(select.value) || 1;
  render(
    select,
    ...Array.from({ length: max }, (_, i) => h('option', { value: i + 1 }, `${i + 1} seat${i ? 's' : ''}`)),
  );
  select.value = String(Math.min(chosen, max));
};

const updateTripRow = (row: TripRow, trip: Trip): void => {
  row.trip = trip;
  const onSale = trip.status === 'ON_SALE' && trip.freeSeats > 0;
  setText(
    row.free,
    trip.status === 'SALES_CLOSED' ? 'sales closed' : `${count(trip.freeSeats)} of ${count(trip.capacity)} seats left`,
  );
  const ratio = trip.capacity === 0 ? 0 : trip.freeSeats / trip.capacity;
  row.fill.style.width = `${(ratio * 100).toFixed(1)}%`;
  row.bar.className = `seatbar${trip.freeSeats === 0 ? ' none' : ratio < 0.2 ? ' low' : ''}`;
  seatOptions(trip.maxSeatsPerBooking, row.seats);
  row.book.disabled = !onSale;
  setText(row.book, onSale ? 'Book' : trip.status === 'SALES_CLOSED' ? 'Closed' : 'Sold out');
};

const tripRow = (trip: Trip): TripRow => {
  const free = h('span', { class: 'muted num', 'data-testid': 'free-seats' });
  const fill = h('span');
  const bar = h('div', { class: 'seatbar' }, fill);
  const seats = h('select', { 'aria-label': `Seats on ${trip.route}` });
  const book = h('button', { class: 'primary', 'data-testid': 'book' }, 'Book');
  const el = h(
    'div',
    { class: 'trip panel', 'data-trip-id': trip.tripId },
    h(
      'div',
      {},
      h('div', { class: 'route' }, trip.route),
      h('div', { class: 'muted' }, `Departs ${dateTime(trip.departsAt)} · `, free),
      bar,
    ),
    h('div', { class: 'row' }, seats, book),
  );
  const row: TripRow = { el, free, bar, fill, seats, book, trip };
  book.addEventListener('click', () => void requestBooking(row.trip, Number(seats.value) || 1));
  updateTripRow(row, trip);
  return row;
};

const refreshTrips = async (): Promise<void> => {
  if (knownTripIds.length === 0) return;
  const results = await Promise.allSettled(
    knownTripIds.map((id) => getApi<Trip>(`/api/trips/${encodeURIComponent(id)}`)),
  );
  const trips = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  if (trips.length === 0) {
    render(tripsEl, h('p', { class: 'empty' }, 'The trips could not be loaded; retrying…'));
    tripRows.clear();
    return;
  }
  trips.sort((a, b) => a.departsAt - b.departsAt || a.route.localeCompare(b.route));
  for (const trip of trips) {
    const row = tripRows.get(trip.tripId);
    if (row) updateTripRow(row, trip);
    else tripRows.set(trip.tripId, tripRow(trip));
  }
  const wanted = trips.map((t) => tripRows.get(t.tripId)?.el).filter((el): el is HTMLElement => el !== undefined);
  if (wanted.some((el, i) => tripsEl.children[i] !== el) || tripsEl.children.length !== wanted.length)
    render(tripsEl, ...wanted);
};

// ---- stats: the published stats.json (as the seed's page polls it), else GET /api/stats ----
const statEls = {
  requests: byId('stat-requests'),
  processed: byId('stat-processed'),
  success: byId('stat-success'),
  rate: byId('stat-rate'),
  meter: byId('stat-meter'),
  source: byId('stats-source'),
};

const readStats = async (): Promise<{ stats: Stats; source: string }> => {
  try {
    const stats = await fetchJson<Stats>(
      `${config.statsUrl}${config.statsUrl.includes('?') ? '&' : '?'}t=${Date.now()}`,
      { cache: 'no-store' },
    );
    if (stats && typeof stats.requests === 'number') return { stats, source: 'stats.json' };
  } catch {
    // not published yet (404 before the first batch) or not reachable: ask the API
  }
  return { stats: await fetchJson<Stats>(apiUrl('/api/stats'), { cache: 'no-store' }), source: 'GET /api/stats' };
};

const showStats = (stats: Stats, source: string): void => {
  setText(statEls.requests, count(stats.requests));
  setText(statEls.processed, count(stats.processed));
  setText(statEls.success, count(stats.success));
  setText(statEls.rate, stats.processed === 0 ? '–' : percent(stats.successRate));
  // Blue while requests wait, green once all were processed: never red, which would read as an error.
  statEls.meter.parentElement?.classList.toggle('done', stats.requests > 0 && stats.processed >= stats.requests);
  statEls.meter.style.width = `${stats.requests === 0 ? 0 : Math.min(100, (stats.processed / stats.requests) * 100).toFixed(1)}%`;
  const published = stats.updatedAt ? ` · published ${clockTime(stats.updatedAt)}` : '';
  const waiting = Math.max(0, stats.requests - stats.processed);
  notice(
    statEls.source,
    'info',
    `from ${source}${published} · ${waiting === 0 ? 'queue drained' : `${count(waiting)} waiting in the queue`}`,
  );
  if (stats.trips) learnTrips(stats.trips.map((t) => t.tripId));
  else void catalogue();
};

const learnTrips = (tripIds: string[]): void => {
  const ids = [...tripIds].sort();
  if (ids.length === 0) render(tripsEl, h('p', { class: 'empty' }, 'No trip is on sale yet.'));
  if (ids.join() === knownTripIds.join()) return;
  knownTripIds = ids;
  void refreshTrips();
};

/** The initial stats.json (as the seed uploads it) lists no trips: ask the API for the catalogue, now and then. */
let catalogueAskedAt = 0;
const catalogue = async (): Promise<void> => {
  if (Date.now() - catalogueAskedAt < TRIPS_EVERY_MS) return;
  catalogueAskedAt = Date.now();
  try {
    const stats = await fetchJson<Stats>(apiUrl('/api/stats'), { cache: 'no-store' });
    learnTrips((stats.trips ?? []).map((t) => t.tripId));
  } catch {
    // the next stats poll asks again
  }
};

const pollStats = async (): Promise<void> => {
  try {
    const { stats, source } = await readStats();
    showStats(stats, source);
  } catch (error) {
    notice(statEls.source, 'error', `figures unavailable: ${(error as Error).message}`);
  } finally {
    setTimeout(() => void pollStats(), STATS_EVERY_MS);
  }
};

// ---- booking and following its outcome ----
const requestItems = new Map<string, HTMLLIElement>();

const showRequest = (
  requestId: string,
  trip: Trip,
  seats: number,
  status: BookingStatus | { status: 'SENDING' } | { status: 'CHECKING' } | { status: 'FAILED'; message: string },
): void => {
  let li = requestItems.get(requestId);
  if (!li) {
    li = h('li', { 'data-request-id': requestId });
    requestItems.set(requestId, li);
    requestsEl.querySelector('.empty')?.remove();
    requestsEl.prepend(li);
  }
  const what = h(
    'span',
    {},
    h('strong', {}, trip.route),
    ` · ${seats} seat${seats > 1 ? 's' : ''} `,
    h('span', { class: 'muted mono' }, requestId.slice(-6)),
  );
  let badge: HTMLElement;
  switch (status.status) {
    case 'SENDING':
      badge = h('span', { class: 'badge badge-queued' }, 'sending…');
      break;
    case 'CHECKING':
      badge = h(
        'span',
        { class: 'badge badge-queued', title: 'No answer to the request: asking the server whether it arrived' },
        'no answer · checking…',
      );
      break;
    case 'QUEUED':
      badge = h('span', { class: 'badge badge-queued' }, 'queued');
      break;
    case 'CONFIRMED':
      badge = h(
        'span',
        { class: 'badge badge-confirmed' },
        `confirmed · seat${status.seatNumbers.length > 1 ? 's' : ''} ${status.seatNumbers.join(', ')}`,
      );
      break;
    case 'REJECTED':
      badge = h('span', { class: 'badge badge-rejected' }, `rejected · ${REASONS[status.reason] ?? status.reason}`);
      break;
    case 'CANCELLED':
      badge = h('span', { class: 'badge badge-closed' }, 'cancelled');
      break;
    case 'FAILED':
      badge = h('span', { class: 'badge badge-rejected', title: status.message }, 'not sent');
      break;
  }
  li.dataset['status'] = status.status;
  render(li, what, badge);
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The request's status if the server has it; null if it never arrived (404); throws if the server cannot be asked. */
const lookUp = async (requestId: string): Promise<BookingStatus | null> => {
  try {
    return await getApi<BookingStatus>(`/api/bookings/${encodeURIComponent(requestId)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
};

/** Polls the request (lookUp) until it has an outcome: quickly at first, then backing off to 3 s. */
const followOutcome = async (requestId: string, trip: Trip, seats: number): Promise<void> => {
  let wait = 300;
  for (;;) {
    await sleep(wait);
    wait = Math.min(3_000, Math.round(wait * 1.5));
    try {
      // A 404 right after the 202 cannot happen (the index is written first): keep following.
      const status = await lookUp(requestId);
      if (status === null) continue;
      showRequest(requestId, trip, seats, status);
      if (status.status !== 'QUEUED') {
        void refreshTrips();
        return;
      }
    } catch (error) {
      // Transient (network, 5xx, 429): keep following; any other refusal ends it.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) return;
    }
  }
};

/**
 * After a POST that got no answer (a timeout, a dropped connection, a 5xx), the request may
 * still have been accepted: the page never sends it again blindly. It asks for the request id
 * (ours, chosen before the first POST) and answers what the server knows of it, null for a 404
 * (it never arrived). While the server cannot be asked, it keeps asking.
 */
const recover = async (requestId: string, trip: Trip, seats: number): Promise<BookingStatus | null> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await lookUp(requestId);
    } catch {
      showRequest(requestId, trip, seats, { status: 'CHECKING' });
      await sleep(Math.min(5_000, 500 * 2 ** attempt));
    }
  }
};

const followQueued = (requestId: string, trip: Trip, seats: number, status: BookingStatus): void => {
  showRequest(requestId, trip, seats, status);
  notice(bookNotice, 'ok', `Request queued for ${trip.route}; the outcome follows below.`);
  void followOutcome(requestId, trip, seats);
};

const requestBooking = async (trip: Trip, seats: number): Promise<void> => {
  // The id is chosen here, so the outcome can be asked for by id after a timeout, and a POST sent
  // again is the same request, never a second booking.
  const requestId = newId('req');
  showRequest(requestId, trip, seats, { status: 'SENDING' });
  for (let attempt = 1; ; attempt++) {
    try {
      await postApi(`/api/trips/${encodeURIComponent(trip.tripId)}/bookings`, { seats, requestId });
      followQueued(requestId, trip, seats, { status: 'QUEUED', requestId, tripId: trip.tripId, seats });
      return;
    } catch (error) {
      const unanswered = error instanceof ApiError && (error.status === 0 || error.status >= 500);
      const refusedForNow = error instanceof ApiError && error.status === 429;
      const message = error instanceof ApiError ? error.message : String(error);
      if (unanswered) {
        // No answer: ask first. Decided: done. QUEUED: the server recorded the id, but a crash
        // between recording and queueing would leave it there, so it is sent again (same id; a copy
        // of a request already queued is dropped by the queue) — after the last attempt, followed.
        // A 404: it never arrived, send again.
        showRequest(requestId, trip, seats, { status: 'CHECKING' });
        const known = await recover(requestId, trip, seats);
        if (known && known.status !== 'QUEUED') {
          showRequest(requestId, trip, seats, known);
          void refreshTrips();
          return;
        }
        if (known && attempt >= 4) return followQueued(requestId, trip, seats, known);
      }
      if ((!unanswered && !refusedForNow) || attempt >= 4) {
        showRequest(requestId, trip, seats, { status: 'FAILED', message });
        notice(bookNotice, 'error', `Booking not sent: ${message}`);
        return;
      }
      // A 429 was refused, not taken: send again after the back-off.
      await sleep(250 * 2 ** attempt);
    }
  }
};

// ---- start ----
void pollStats();
setInterval(() => void refreshTrips(), TRIPS_EVERY_MS);
