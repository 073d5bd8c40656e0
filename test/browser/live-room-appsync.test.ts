import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageErrors, startBrowserWorld, waitForText, type BrowserWorld } from './browser-world.js';

/**
 * The live room in headless Chromium on `--broadcaster appsync-events`: the page reads
 * `broadcaster: 'appsync-events'` from the runtime's config.js, subscribes on the AppSync Events
 * stand-in (the documented WebSocket protocol, a development token as its auth header), and
 * sends chat, likes and heartbeats as POSTs to the HTTP API — there is no WebSocket API
 * connection. One page loses a `data` message on purpose (an init script filters it out of the
 * socket), and heals the gap over HTTP.
 */
const SELLER = 'seller-lee';

/** Drops one socket message in the page (see the file): the gap the client must heal. */
const DROP_ONCE_SCRIPT = fileURLToPath(new URL('./in-page/drop-once.js', import.meta.url));

describe('live room page on the AppSync Events broadcaster (stand-in)', () => {
  let world: BrowserWorld;
  let alice: Page;
  let bob: Page;

  const waitJoined = (page: Page) => page.locator('#conn[data-state="open"]').waitFor();

  beforeAll(async () => {
    world = await startBrowserWorld({ broadcaster: 'appsync-events' });
    await world.api(
      'POST',
      '/api/channels',
      { channelId: 'spring-sale', title: 'Spring sale live', currency: 'KRW' },
      SELLER,
    );
    await world.api('POST', '/api/channels/spring-sale/start', undefined, SELLER);
    await world.api(
      'POST',
      '/api/channels/spring-sale/products',
      { productId: 'rain-coat', name: 'Rain coat', category: 'outerwear', price: 89_000, currency: 'KRW' },
      SELLER,
    );
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('is served a config.js naming the broadcaster and the stand-in, and watches with no WebSocket API connection', async () => {
    const config = await (await fetch(`${world.runtime.url}/config.js`)).text();
    expect(config).toContain('"broadcaster":"appsync-events"');
    expect(config).toContain(`"realtimeUrl":"${world.runtime.eventApi?.realtimeUrl}"`);

    alice = await world.open('/live/#spring-sale', 'alice');
    bob = await world.open('/live/', 'bob', { initScript: { path: DROP_ONCE_SCRIPT } });
    await waitJoined(alice);
    await waitJoined(bob);
    await waitForText(bob.locator('#channel-title'), 'Spring sale live');
    await waitForText(alice.getByTestId('price'), '₩89,000');
    // Both pages subscribed on the stand-in; neither opened the WebSocket API.
    await expect.poll(() => world.runtime.eventApi?.standIn.stats().subscriptions).toBe(2);
    expect(world.runtime.progress()).toMatch(/ws=0 /);
  });

  it('counts both viewers from their heartbeats over HTTP', async () => {
    await waitForText(alice.getByTestId('viewer-count'), '2');
    await waitForText(bob.getByTestId('viewer-count'), '2');
  });

  it('shows a chat message sent over HTTP on the other page, with its author', async () => {
    await alice.locator('#chat-input').fill('Does it come in yellow?');
    await alice.locator('#chat-send').click();
    const line = bob.getByTestId('chat-line').filter({ hasText: 'Does it come in yellow?' });
    await line.waitFor();
    expect(await line.locator('.author').textContent()).toBe('alice');
    await alice.getByTestId('chat-line').filter({ hasText: 'Does it come in yellow?' }).waitFor();
  });

  it('shows likes from one page on the other', async () => {
    const before = Number(await bob.getByTestId('like-count').textContent());
    for (let i = 0; i < 3; i++) await alice.locator('#like').click();
    await waitForText(bob.getByTestId('like-count'), String(before + 3));
  });

  it('shows price changes live; a page that lost one heals the gap over HTTP', async () => {
    // Bob's socket loses the frame of the first change; the second arrives with a gap before it.
    await bob.evaluate('window.__dropOnce = "79000"');
    await world.api(
      'PUT',
      '/api/channels/spring-sale/products/rain-coat/price',
      { price: 79_000, currency: 'KRW' },
      SELLER,
    );
    await waitForText(alice.getByTestId('price'), '₩79,000');
    await expect.poll(() => bob.evaluate('window.__dropped')).toBe(1);
    await world.api(
      'PUT',
      '/api/channels/spring-sale/products/rain-coat/price',
      { price: 69_000, currency: 'KRW' },
      SELLER,
    );
    // 69,000 can only be applied after 79,000: it shows once the lost version came back over HTTP.
    await waitForText(bob.getByTestId('price'), '₩69,000');
    await waitForText(alice.getByTestId('price'), '₩69,000');
    const recoveries = await bob.evaluate(
      "performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/streams/channel-spring-sale/events?after=')).length",
    );
    expect(recoveries).toBeGreaterThan(0);
    await world.screenshot(bob, 'live-room-appsync-bob');
    expect(pageErrors(alice)).toEqual([]);
    expect(pageErrors(bob)).toEqual([]);
  });
});
