import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** Debian's chromium package; playwright-core drives it and downloads no browser. */
const CHROMIUM = '/usr/bin/chromium';
/** Headless, and nothing that would reach the internet on its own. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Debian's Chromium, headless, for the browser tests and the portal's screenshots. Missing, it fails
 * at once in one line saying how to install it; `who` is what needs it ("the explorer tests").
 */
export function launchChromium(who: string): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    const missing = new Error(`${who} need Debian's chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium`);
    missing.stack = missing.message;
    throw missing;
  }
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 30000 });
}
