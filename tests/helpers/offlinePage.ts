import { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * A browser page on a closed network: it may reach only `origins` (and data: URLs); every other
 * request is aborted and written down, as is every console error (a CSP refusal is one).
 */
export interface OfflinePage {
  page: Page;
  context: BrowserContext;
  /** URLs the page tried to load from anywhere else. */
  leftLocalhost: string[];
  consoleErrors: string[];
}

/** `viewport`: Playwright's default (1280 × 720) when left out. */
export async function openOfflinePage(browser: Browser, origins: string[], viewport?: { width: number; height: number }): Promise<OfflinePage> {
  const context = await browser.newContext(viewport && { viewport });
  const leftLocalhost: string[] = [];
  const consoleErrors: string[] = [];
  const allowed = origins.map((url) => new URL(url).origin);
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed.includes(new URL(url).origin) || url.startsWith('data:')) return route.continue();
    leftLocalhost.push(url);
    return route.abort('internetdisconnected');
  });
  // Well under jest's minute, so a page that never renders fails with what it was waiting for.
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return { page, context, leftLocalhost, consoleErrors };
}
