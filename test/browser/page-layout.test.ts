import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageErrors, startBrowserWorld, waitForText, type BrowserWorld } from './browser-world.js';
import { layoutProblems, seriousAxeFindings } from './page-checks.js';

/**
 * Both pages as people meet them: on a phone (390×844) and a laptop (1280×800), with real
 * content (a live channel with a long title, an auction and chat; a trip with a long route),
 * nothing may scroll sideways, stick out of the header or overlap it, and axe-core finds no
 * serious or critical accessibility problem. Screenshots go to test-artifacts/.
 */
const SELLER = 'seller-park';
const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

describe('pages on a phone and a laptop', () => {
  let world: BrowserWorld;

  beforeAll(async () => {
    world = await startBrowserWorld();
    await world.api(
      'POST',
      '/api/channels',
      {
        channelId: 'spring-outdoor',
        title: 'Spring outdoor gear: tents, boots and rain jackets live',
        currency: 'KRW',
      },
      SELLER,
    );
    await world.api('POST', '/api/channels/spring-outdoor/start', undefined, SELLER);
    await world.api('POST', '/api/channels', { channelId: 'kitchen', title: 'Kitchen week', currency: 'KRW' }, SELLER);
    await world.api('POST', '/api/channels/kitchen/start', undefined, SELLER);
    await world.api(
      'POST',
      '/api/channels/spring-outdoor/products',
      { productId: 'tent-2p', name: 'Two-person tent', category: 'camping', price: 296_000, currency: 'KRW' },
      SELLER,
    );
    await world.api(
      'POST',
      '/api/channels/spring-outdoor/auctions',
      {
        auctionId: 'tent-auction',
        productId: 'tent-2p',
        startingPrice: 296_000,
        minIncrement: 1_000,
        durationSeconds: 900,
      },
      SELLER,
    );
    await world.api(
      'POST',
      '/api/trips',
      {
        tripId: 'seoul-gangneung-0715',
        route: 'Seoul Express Bus Terminal → Gangneung Intercity Terminal',
        departsAt: Date.UTC(2027, 1, 8, 7, 15),
        capacity: 40,
        maxSeatsPerBooking: 4,
      },
      'bus-operator',
    );
  });

  afterAll(async () => {
    await world?.stop();
  });

  for (const viewport of VIEWPORTS) {
    it(`live room at ${viewport.width}×${viewport.height}: fits, header clear, no serious axe finding`, async () => {
      const page = await world.open('/live/#spring-outdoor', `jiwoo-${viewport.name}`, { viewport });
      await page.locator('#conn[data-state="open"]').waitFor();
      await waitForText(page.getByTestId('price'), '₩296,000');
      await page.getByTestId('bid-amount').waitFor();
      await page.locator('#chat-input').fill('Does the tent fit two with backpacks inside?');
      await page.locator('#chat-send').click();
      await page.getByTestId('chat-line').first().waitFor();
      await page.locator('#channels button[data-channel-id="kitchen"]').waitFor();
      expect(await layoutProblems(page)).toEqual([]);
      await world.screenshot(page, `live-room-${viewport.name}`);

      // Tapping another channel must not shift the page sideways (it used to cut content off on the left).
      await page.locator('#channels button[data-channel-id="kitchen"]').click();
      await waitForText(page.locator('#channel-title'), 'Kitchen week');
      await page.locator('#conn[data-state="open"]').waitFor();
      expect(await page.evaluate('window.scrollX')).toBe(0);
      expect(await layoutProblems(page)).toEqual([]);
      expect(await seriousAxeFindings(page)).toEqual([]);
      expect(pageErrors(page)).toEqual([]);
      await page.context().close();
    });

    it(`booking at ${viewport.width}×${viewport.height}: fits, header clear, no serious axe finding`, async () => {
      const page = await world.open('/booking/', `minseo-${viewport.name}`, { viewport });
      const trip = page.locator('.trip[data-trip-id="seoul-gangneung-0715"]');
      await waitForText(trip.getByTestId('free-seats'), /of 40 seats left$/);
      await trip.getByTestId('book').click();
      await waitForText(page.locator('#requests li').first().locator('.badge'), /^confirmed/);
      await waitForText(page.locator('#stat-rate'), '100.0%');
      expect(await layoutProblems(page)).toEqual([]);
      // The trip's text is not squeezed into a narrow column beside the button: on a phone the
      // controls go below it and the text takes the card's width; wider, it keeps at least half.
      const routeWidth = (await trip.locator('.route').boundingBox())?.width ?? 0;
      const cardWidth = (await trip.boundingBox())?.width ?? 0;
      expect(routeWidth).toBeGreaterThan(cardWidth * (viewport.width < 600 ? 0.85 : 0.5));
      // All processed: the meter is not red (red reads as an error).
      expect(await page.locator('.meter').getAttribute('class')).toContain('done');
      await world.screenshot(page, `booking-${viewport.name}`);
      expect(await seriousAxeFindings(page)).toEqual([]);
      expect(pageErrors(page)).toEqual([]);
      await page.context().close();
    });
  }

  it('the index page fits a phone too', async () => {
    const page = await world.open('/', 'index-viewer', { viewport: { width: 360, height: 740 } });
    await page.locator('#go-live').waitFor();
    expect(await layoutProblems(page)).toEqual([]);
    expect(await seriousAxeFindings(page)).toEqual([]);
    await page.context().close();
  });

  it('answers a browser asking for an unknown page with an HTML 404 page, and an API client with JSON', async () => {
    const page = await world.open('/live/', 'lost-viewer');
    const response = await page.goto(`${world.runtime.url}/nope`);
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    await waitForText(page.locator('h1'), 'Page not found');
    expect(await seriousAxeFindings(page)).toEqual([]);
    const api = await fetch(`${world.runtime.url}/nope`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
    // An API route asked for by a browser still answers as the API.
    const recommend = await page.goto(`${world.runtime.url}/recommend/cached/lost-viewer`);
    expect(recommend?.headers()['content-type']).toMatch(/^application\/json/);
    await page.context().close();
  });

  it('says why a name is refused, and accepts a one-letter name', async () => {
    const page = await world.open('/booking/', 'namer');
    const name = page.locator('#user-name');
    await name.fill('김지우');
    await name.press('Enter');
    await waitForText(page.locator('#name-notice'), /cannot be used\. Use Latin letters/);
    expect(await name.inputValue()).toBe('namer');
    await name.fill('J');
    await name.press('Enter');
    await waitForText(page.locator('#name-notice'), '');
    expect(await page.evaluate(() => sessionStorage.getItem('stampede.userId'))).toBe('J');
    await page.context().close();
  });
});
