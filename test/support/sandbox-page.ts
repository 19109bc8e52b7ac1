import { cp, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium } from './browser.js';
import { type BotProcess, startBotProcess } from './processes.js';

/** Where the sandbox page tests save their screenshots (gitignored). */
const SCREENSHOTS = '.build-test/screenshots';

export interface SandboxSession {
  bot: BotProcess;
  page: Page;
  /** The directory the bot runs in, holding its `.mec-sandbox`. */
  cwd: string;
  /** Errors the page's script threw. */
  errors: string[];
  /** Stops the bot as Ctrl-C would, starts it again in the same directory, and reloads the page. */
  restart(): Promise<void>;
  screenshot(name: string): Promise<void>;
}

/**
 * The sandbox as a newcomer runs it (no Slack credentials, no REDIS_URL, no MEC_CONFIG, from a
 * directory of its own) with its page open in Chromium. `track` is given what to clean up.
 */
export async function openSandbox(track: (cleanup: () => Promise<unknown>) => void): Promise<SandboxSession> {
  const cwd = await mkdtemp(join(tmpdir(), 'mec-sandbox-page-'));
  await cp('examples', join(cwd, 'examples'), { recursive: true });
  await mkdir(SCREENSHOTS, { recursive: true });
  const browser: Browser = await launchChromium();
  track(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const session: SandboxSession = {
    bot: await startBotProcess({}, { cwd }),
    page,
    cwd,
    errors,
    restart: async () => {
      await session.bot.kill('SIGTERM');
      session.bot = await startBotProcess({}, { cwd });
      await page.goto(`${session.bot.adminUrl}/sandbox`);
    },
    screenshot: async (name) => {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
    },
  };
  track(() => session.bot.kill('SIGTERM'));
  await page.goto(`${session.bot.adminUrl}/sandbox`);
  return session;
}

/** Types a command into the page's message box as `user`, as one would in Slack. */
export async function typeCommand(page: Page, user: string, text: string): Promise<void> {
  await page.selectOption('#user', user);
  await page.fill('#text', text);
  await page.click('#send');
}

/**
 * Waits out the demo's 20 s smoke after `/mec start`, then records the joint go as the Governance
 * Lead and SRE On-Call, each from the card in the rollout's thread.
 */
export async function recordJointGo(page: Page): Promise<void> {
  await page.locator('#release .thread button', { hasText: 'No-go' }).waitFor({ timeout: 60_000 });
  for (const user of ['U0AVERYCHEN', 'U0PRIYANAT']) {
    await page.selectOption('#user', user);
    await page.locator('#release .thread button', { hasText: /^Go$/ }).click();
    await expect
      .poll(() => page.locator('#private').innerText(), { timeout: 15_000 })
      .toMatch(/Go from Governance Lead recorded|Joint go recorded/);
  }
}
