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
