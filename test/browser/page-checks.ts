import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** axe-core's browser build, injected into the page under test (a devDependency, never fetched). */
const AXE_PATH = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));
const LAYOUT_PROBE_PATH = fileURLToPath(new URL('./in-page/layout-probe.js', import.meta.url));

/**
 * What is wrong with the page's layout at its current viewport: horizontal scroll, any visible
 * element reaching past the viewport's edges, anything in the header sticking out of it, and
 * the content starting above the header's bottom. Each problem names the element.
 */
export const layoutProblems = async (page: Page): Promise<string[]> => {
  await page.addScriptTag({ path: LAYOUT_PROBE_PATH });
  return page.evaluate('window.stampedeLayoutProblems()') as Promise<string[]>;
};

export interface AxeFinding {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/** axe-core's WCAG 2.1 A/AA and best-practice findings of impact serious or critical on the page as it is now. */
export const seriousAxeFindings = async (page: Page): Promise<AxeFinding[]> => {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(`(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.map(String).join(' ')) }));
  })()`) as Promise<AxeFinding[]>;
};
