import { describe, expect, it } from 'vitest';
import { CHROMIUM_INSTALL_COMMAND, ChromiumUnavailableError, ensureChromium } from '../support/chromium.js';

describe('Chromium support', () => {
  it('fails loudly with the command to run when Chromium is missing and cannot be installed (never a skip)', async () => {
    const attempt = ensureChromium({ path: '/nonexistent/stampede/chromium', canInstall: false });
    await expect(attempt).rejects.toBeInstanceOf(ChromiumUnavailableError);
    await expect(attempt).rejects.toThrow(CHROMIUM_INSTALL_COMMAND);
    await expect(attempt).rejects.toThrow('/nonexistent/stampede/chromium');
  });

  it('uses a binary that is present without installing anything', async () => {
    // process.execPath certainly exists; nothing may be installed when the path is there.
    await expect(ensureChromium({ path: process.execPath, canInstall: false })).resolves.toBe(process.execPath);
  });
});
