import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageErrors, startBrowserWorld, waitForText, type BrowserWorld } from './browser-world.js';

/**
 * The booking page in headless Chromium against the local runtime: the request is queued
 * (202), decided by the booking consumer, and the page follows it to its outcome while the
 * processed count and success rate move on the published stats.json.
 */
describe('booking page', () => {
  let world: BrowserWorld;
  let page: Page;
  const trip = () => page.locator('.trip[data-trip-id="seoul-busan-0930"]');

  beforeAll(async () => {
    world = await startBrowserWorld();
    await world.api(
      'POST',
      '/api/trips',
      {
        tripId: 'seoul-busan-0930',
        route: 'Seoul → Busan',
        departsAt: Date.UTC(2027, 1, 8, 9, 30),
        capacity: 3,
        maxSeatsPerBooking: 2,
      },
      'bus-operator',
    );
    // The timeout test's trip (its own, so the figures above stay as they are).
    await world.api(
      'POST',
      '/api/trips',
      {
        tripId: 'daejeon-gwangju-1400',
        route: 'Daejeon → Gwangju',
        departsAt: Date.UTC(2027, 1, 8, 14, 0),
        capacity: 5,
        maxSeatsPerBooking: 2,
      },
      'bus-operator',
    );
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('lists the trip with its free seats before anything was booked', async () => {
    page = await world.open('/booking/', 'passenger-lee');
    await waitForText(trip().locator('.route'), 'Seoul → Busan');
    await waitForText(trip().getByTestId('free-seats'), '3 of 3 seats left');
    await waitForText(page.locator('#stat-processed'), '0');
  });

  it('books two seats: queued, then confirmed with seat numbers, and the figures move', async () => {
    await trip().locator('select').selectOption('2');
    await trip().getByTestId('book').click();
    const request = page.locator('#requests li').first();
    await waitForText(request.locator('.badge'), 'confirmed · seats 1, 2');
    await waitForText(page.locator('#stat-requests'), '1');
    await waitForText(page.locator('#stat-processed'), '1');
    await waitForText(page.locator('#stat-success'), '1');
    await waitForText(page.locator('#stat-rate'), '100.0%');
    await waitForText(trip().getByTestId('free-seats'), '1 of 3 seats left');
    await world.screenshot(page, 'booking-confirmed');
  });

  it('asks for more seats than are left: rejected with the reason, and the success rate drops', async () => {
    await trip().locator('select').selectOption('2');
    await trip().getByTestId('book').click();
    const request = page.locator('#requests li').first();
    await waitForText(request.locator('.badge'), 'rejected · not enough seats left');
    await waitForText(page.locator('#stat-processed'), '2');
    await waitForText(page.locator('#stat-success'), '1');
    await waitForText(page.locator('#stat-rate'), '50.0%');
    // The figures come from the published stats.json, as the seed's page reads them.
    await waitForText(page.locator('#stats-source'), /^from stats\.json/);
  });

  it('takes the last seat, then shows the trip sold out', async () => {
    await trip().locator('select').selectOption('1');
    await trip().getByTestId('book').click();
    await waitForText(page.locator('#requests li').first().locator('.badge'), 'confirmed · seat 3');
    await waitForText(trip().getByTestId('free-seats'), '0 of 3 seats left');
    await waitForText(trip().getByTestId('book'), 'Sold out');
    expect(await trip().getByTestId('book').isDisabled()).toBe(true);
    await waitForText(page.locator('#stat-rate'), '66.7%');
    await world.screenshot(page, 'booking-sold-out');
    expect(pageErrors(page)).toEqual([]);
  });

  it('after a POST with no answer, asks for the request by its id and sends it again, same id, unless it was decided', async () => {
    const other = await world.open('/booking/', 'passenger-kim');
    const card = other.locator('.trip[data-trip-id="daejeon-gwangju-1400"]');
    await waitForText(card.getByTestId('free-seats'), '5 of 5 seats left');
    const bodies: string[] = [];
    const lost: string[] = [];
    let lose: 'answer' | 'request' | null = 'answer';
    await other.route('**/api/trips/daejeon-gwangju-1400/bookings', async (route) => {
      const mode = lose;
      lose = null;
      if (mode === 'request') {
        lost.push(route.request().postData() ?? '');
        return route.abort('connectionreset');
      }
      bodies.push(route.request().postData() ?? '');
      if (mode === 'answer') {
        // The server takes it (202) but the answer never reaches the page: a client timeout.
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });

    const idOf = (body: string | undefined) => (JSON.parse(body ?? '{}') as { requestId?: string }).requestId;
    // The answer is lost: the request arrived, so the page finds it by its id. Decided already: it
    // shows the outcome; still QUEUED: it may post it again, always with the same id — one booking.
    await card.locator('select').selectOption('1');
    await card.getByTestId('book').click();
    await waitForText(other.locator('#requests li').first().locator('.badge'), 'confirmed · seat 1');
    await waitForText(card.getByTestId('free-seats'), '4 of 5 seats left');
    const firstRequest = bodies.map(idOf);
    expect(firstRequest.length).toBeGreaterThanOrEqual(1);
    expect(new Set(firstRequest).size).toBe(1);

    // The request is lost: the server has never heard of the id (404), so the page sends it again, same id.
    lose = 'request';
    await card.locator('select').selectOption('1');
    await card.getByTestId('book').click();
    await waitForText(other.locator('#requests li').first().locator('.badge'), 'confirmed · seat 2');
    const secondRequest = bodies.slice(firstRequest.length).map(idOf);
    expect(secondRequest.length).toBeGreaterThanOrEqual(1);
    expect(new Set(secondRequest)).toEqual(new Set([idOf(lost[0])]));
    expect(idOf(lost[0])).not.toBe(firstRequest[0]);
    await waitForText(card.getByTestId('free-seats'), '3 of 5 seats left');
  });

  it('links the index to both pages', async () => {
    const index = await world.open('/', 'passenger-lee');
    await index.locator('#go-booking').click();
    await index.waitForURL(/\/booking\/$/);
    await index.goto(`${world.runtime.url}/`);
    await index.locator('#go-live').click();
    await index.waitForURL(/\/live\/$/);
    await world.screenshot(index, 'live-room-empty');
    expect(pageErrors(index)).toEqual([]);
  });
});
