import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's headless Chromium, with the flags this closed network needs: without the background
 * networking ones it keeps trying to reach Google's hosts.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
