import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageErrors, startBrowserWorld, waitForText, type BrowserWorld } from './browser-world.js';

/**
 * The live room in headless Chromium against the whole local runtime: every update the pages
 * show travelled relay → feed → fan-out → broadcast → WebSocket → viewer client, and the
 * viewer counts came from the pages' own beacons through the beat-router and presence aggregator.
 */
const SELLER = 'seller-kim';

describe('live room page', () => {
  let world: BrowserWorld;
  let alice: Page;
  let bob: Page;

  const waitJoined = (page: Page) => page.locator('#conn[data-state="open"]').waitFor();
  const amountOf = (page: Page) => page.getByTestId('highest-bid');

  beforeAll(async () => {
    world = await startBrowserWorld();
    // The seller is whoever schedules the channel (the token's subject).
    await world.api(
      'POST',
      '/api/channels',
      { channelId: 'winter-sale', title: 'Winter sale live', currency: 'KRW' },
      SELLER,
    );
    await world.api('POST', '/api/channels/winter-sale/start', undefined, SELLER);
    await world.api(
      'POST',
      '/api/channels/winter-sale/products',
      { productId: 'down-jacket', name: 'Down jacket', category: 'outerwear', price: 129_000, currency: 'KRW' },
      SELLER,
    );
    await world.api(
      'POST',
      '/api/channels/winter-sale/auctions',
      {
        auctionId: 'jacket-auction',
        productId: 'down-jacket',
        startingPrice: 50_000,
        minIncrement: 1_000,
        durationSeconds: 600,
      },
      SELLER,
    );
    // The recommender learns of the channel from the feed, asynchronously; a page that asks before
    // that gets (and caches, per user) an empty list until its next refresh. Wait until the model
    // knows it, asking as another user so that alice's first answer is computed fresh.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const answer = await world.api<{ recommendations: { channelId: string }[] }>(
        'GET',
        `/recommend/cached/probe-${Date.now()}?top_n=5`,
        undefined,
        'recs-probe',
      );
      if (answer.recommendations.some((r) => r.channelId === 'winter-sale')) break;
      if (Date.now() > deadline) throw new Error('the recommender never listed winter-sale');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('lists the live channel, joins it and counts its own viewer', async () => {
    alice = await world.open('/live/', 'alice');
    await waitJoined(alice);
    await waitForText(alice.locator('#channels button[data-channel-id="winter-sale"] .title'), 'Winter sale live');
    await waitForText(alice.locator('#channel-title'), 'Winter sale live');
    await waitForText(alice.locator('#channel-seller'), `by ${SELLER}`);
    await waitForText(alice.getByTestId('price'), '₩129,000');
    // The page's own beacon, through the beat-router and the presence aggregator, became VIEWER_COUNT_CHANGED.
    await waitForText(alice.getByTestId('viewer-count'), '1');
  });

  it("lists 'For you' recommendations for the signed-in viewer, and a tap joins the channel", async () => {
    const pick = alice.locator('#recs button[data-channel-id="winter-sale"]');
    await waitForText(pick.locator('.title'), 'Winter sale live');
    expect(await alice.locator('#recs-title').isVisible()).toBe(true);
    await pick.click();
    await alice.locator('#conn[data-state="open"]').waitFor();
    await waitForText(alice.locator('#channel-title'), 'Winter sale live');
  });

  it('shows the viewer count change on the first page when a second page joins, and again when it leaves', async () => {
    bob = await world.open('/live/#winter-sale', 'bob');
    await waitJoined(bob);
    await waitForText(alice.getByTestId('viewer-count'), '2');
    await waitForText(bob.getByTestId('viewer-count'), '2');

    const carol = await world.open('/live/#winter-sale', 'carol');
    await waitJoined(carol);
    await waitForText(alice.getByTestId('viewer-count'), '3');
    await carol.context().close();
    // Carol's page beat over the beacon (the join answer granted one): her end beacon, sent at
    // pagehide, stops her session counting at once rather than at the TTL (15 s after her last beat).
    await waitForText(alice.getByTestId('viewer-count'), '2');
  });

  it('counts down to the auction end computed from the server clock', async () => {
    const text = (await alice.getByTestId('countdown').textContent()) ?? '';
    expect(text).toMatch(/^\d\d:\d\d$/);
    const [m, s] = text.split(':').map(Number) as [number, number];
    const left = m * 60 + s;
    // 600 s auction opened moments ago: well under 10 minutes, far from zero.
    expect(left).toBeGreaterThan(500);
    expect(left).toBeLessThanOrEqual(600);
  });

  it("shows a bid on the bidder's page and on the other page, and the other page's bid on the first", async () => {
    await alice.getByTestId('bid-amount').waitFor();
    expect(await alice.getByTestId('bid-amount').inputValue()).toBe('50000');
    await alice.getByTestId('bid').click();
    await waitForText(amountOf(alice), '₩50,000');
    await waitForText(alice.getByTestId('highest-bidder'), 'by alice (you)');
    await waitForText(amountOf(bob), '₩50,000');
    await waitForText(bob.getByTestId('highest-bidder'), 'by alice');

    // Bob's page offers the new minimum (50,000 + the 1,000 increment); he raises it by one increment more.
    await waitForText(bob.locator('.bid-form button', { hasText: 'Min' }), 'Min ₩51,000');
    await bob.getByTestId('bid-amount').fill('52000');
    await bob.getByTestId('bid').click();
    await waitForText(amountOf(alice), '₩52,000');
    await waitForText(alice.getByTestId('highest-bidder'), 'by bob');
    await waitForText(bob.getByTestId('highest-bidder'), 'by bob (you)');
    await waitForText(alice.getByTestId('bids').locator('li').first(), /^bob\s*₩52,000$/);
  });

  it('refuses a bid below the minimum with the reason, and nothing changes', async () => {
    await alice.getByTestId('bid-amount').fill('52500');
    await alice.getByTestId('bid').click();
    // Worded in the page's own currency format, as the amounts on the page are.
    await waitForText(alice.locator('#bid-notice'), 'Too low: a bid must be at least ₩53,000.');
    expect((await amountOf(alice).textContent())?.trim()).toBe('₩52,000');
  });

  it('shows a chat message on the other page, with its author', async () => {
    await alice.locator('#chat-input').fill('Is the jacket waterproof?');
    await alice.locator('#chat-send').click();
    const line = bob.getByTestId('chat-line').filter({ hasText: 'Is the jacket waterproof?' });
    await line.waitFor();
    expect(await line.locator('.author').textContent()).toBe('alice');
    await alice.getByTestId('chat-line').filter({ hasText: 'Is the jacket waterproof?' }).waitFor();
  });

  it('shows likes from one page on the other', async () => {
    const before = Number(await bob.getByTestId('like-count').textContent());
    for (let i = 0; i < 3; i++) await alice.locator('#like').click();
    await waitForText(bob.getByTestId('like-count'), String(before + 3));
  });

  it('shows a price change live on every page', async () => {
    await world.api(
      'PUT',
      '/api/channels/winter-sale/products/down-jacket/price',
      { price: 99_000, currency: 'KRW' },
      SELLER,
    );
    await waitForText(alice.getByTestId('price'), '₩99,000');
    await waitForText(bob.getByTestId('price'), '₩99,000');
    await world.screenshot(alice, 'live-room-alice');
    await world.screenshot(bob, 'live-room-bob');
    expect(pageErrors(alice)).toEqual([]);
    expect(pageErrors(bob)).toEqual([]);
  });
});
