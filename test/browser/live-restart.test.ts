import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageErrors, startBrowserWorld, waitForText, type BrowserWorld } from './browser-world.js';

/**
 * A developer restarts `npm start` under an open live room. The new process signs tokens with
 * new keys, so the token the tab kept is refused: the page must drop it, fetch a new one and
 * rejoin by itself, saying what happened, and never show the token or the socket URL.
 */
const SELLER = 'seller-choi';

const seed = async (world: BrowserWorld): Promise<void> => {
  // The in-memory runtime starts empty after a restart; the seller sets the channel up again (as the demo does on start).
  await world.api(
    'POST',
    '/api/channels',
    { channelId: 'night-market', title: 'Night market live', currency: 'KRW' },
    SELLER,
  );
  await world.api('POST', '/api/channels/night-market/start', undefined, SELLER);
};

describe('live room across a restart of the local runtime', () => {
  let world: BrowserWorld;
  let page: Page;
  const tokenOf = async (): Promise<string> => {
    const stored = (await page.evaluate("sessionStorage.getItem('stampede.token')")) as string | null;
    return stored ? (JSON.parse(stored) as { token: string }).token : '';
  };
  const domHolds = async (text: string): Promise<boolean> =>
    text !== '' && ((await page.evaluate('document.documentElement.outerHTML')) as string).includes(text);

  beforeAll(async () => {
    world = await startBrowserWorld();
    await seed(world);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('recovers by itself with a new token, says the server restarted, and never shows a token', async () => {
    page = await world.open('/live/#night-market', 'hana');
    await page.locator('#conn[data-state="open"]').waitFor();
    await waitForText(page.locator('#channel-title'), 'Night market live');
    const oldToken = await tokenOf();
    expect(oldToken).not.toBe('');

    // Everything the page shows while the server is away, sampled until it is back.
    const seen = new Set<string>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const text =
          (await page
            .locator('#conn')
            .textContent()
            .catch(() => null)) ?? '';
        seen.add(text.trim());
        if (await domHolds(oldToken).catch(() => false)) seen.add('TOKEN IN THE DOM');
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    await world.restart();
    await seed(world);

    await page.locator('#conn[data-state="open"]').waitFor();
    await waitForText(page.locator('#channel-title'), 'Night market live');
    await waitForText(page.locator('#channel-status'), 'LIVE');
    sampling = false;
    await sampler;

    expect([...seen]).toContain('server restarted — reconnecting…');
    expect([...seen]).not.toContain('TOKEN IN THE DOM');
    const newToken = await tokenOf();
    expect(newToken).not.toBe('');
    expect(newToken).not.toBe(oldToken);
    expect(await domHolds(newToken)).toBe(false);
    expect(await domHolds(oldToken)).toBe(false);
    expect((await page.locator('body').textContent()) ?? '').not.toMatch(/wss?:\/\//);

    // The connection works again as this viewer: chat goes through and comes back.
    await expect.poll(() => page.locator('#chat-input').isDisabled()).toBe(false);
    await page.locator('#chat-input').fill('back again');
    await page.locator('#chat-send').click();
    await page.getByTestId('chat-line').filter({ hasText: 'back again' }).waitFor();
    await world.screenshot(page, 'live-room-after-restart');
    expect(pageErrors(page)).toEqual([]);
  });

  it('a reload after the restart joins at once with a fresh token', async () => {
    await page.reload();
    await page.locator('#conn[data-state="open"]').waitFor();
    await waitForText(page.locator('#channel-title'), 'Night market live');
  });

  it('a channel that does not exist shows "not found" with chat and Like disabled', async () => {
    const lost = await world.open('/live/#no-such-channel', 'hana');
    await waitForText(lost.locator('#channel-status'), 'not found');
    expect(await lost.locator('#like').isDisabled()).toBe(true);
    expect(await lost.locator('#chat-input').isDisabled()).toBe(true);
    expect(await lost.locator('#chat-send').isDisabled()).toBe(true);
    await lost.context().close();
  });
});
