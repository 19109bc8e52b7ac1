import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { type BotProcess, startBotProcess } from '../support/processes.js';

const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function sandbox(): Promise<{ bot: BotProcess; browser: Browser }> {
  // As a newcomer runs it: no Slack credentials, no REDIS_URL, no MEC_CONFIG, from a directory of its own.
  const cwd = await mkdtemp(join(tmpdir(), 'mec-sandbox-page-'));
  await cp('examples', join(cwd, 'examples'), { recursive: true });
  const bot = await startBotProcess({}, { cwd });
  cleanups.push(() => bot.kill('SIGTERM'));
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  return { bot, browser };
}

describe('the local sandbox page', () => {
  it('lets a newcomer start a rollout as the release manager, see the rollout message, and click its buttons', async () => {
    const { bot, browser } = await sandbox();
    expect(bot.output()).toContain(`open ${bot.adminUrl}/sandbox`);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${bot.adminUrl}/sandbox`);
    await page.selectOption('#user', 'U0RELEASEMGR');
    await page.fill('#text', '/mec start');
    await page.click('#send');
    await expect
      .poll(() => page.locator('#release').innerText(), { timeout: 15_000 })
      .toContain('MEC M6 rollout');
    await expect
      .poll(() => page.locator('#private').innerText(), { timeout: 15_000 })
      .toContain('rollout started');
    // The check jobs run in the same process, their results arrive in the thread; then the 20 s smoke
    // runs, and the message holds still long enough to click.
    await expect
      .poll(() => page.locator('#release').innerText(), { timeout: 20_000 })
      .toContain('rehearsal passed');
    await page.waitForTimeout(1_500);

    await page.locator('#release button', { hasText: 'Pause' }).first().click();
    await expect.poll(() => page.locator('#release').innerText(), { timeout: 15_000 }).toContain('Resume');

    await page.fill('#text', 'ramp 33');
    await page.click('#send');
    await expect
      .poll(() => page.locator('#private').innerText(), { timeout: 15_000 })
      .toContain('33% is not a step of the plan');
    // App Home goes through the same signed receiver, as an Events API callback.
    await page.click('#home');
    await expect.poll(() => page.locator('#homeview').innerText(), { timeout: 15_000 }).toContain('⏸ paused');
    await page.screenshot({ path: join(tmpdir(), 'mec-sandbox.png') });
    expect(errors).toEqual([]);
  }, 60_000);
});
