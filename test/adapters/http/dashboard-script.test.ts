import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dashboardHtml } from '../../../src/adapters/http/dashboard-page.js';
import {
  DASHBOARD_CSP,
  DASHBOARD_SCRIPT,
  timeLeftText,
} from '../../../src/adapters/http/dashboard-script.js';
import type { DashboardData } from '../../../src/app/ports/dashboard-data.js';
import { applyAll, minutes, rampEvent, readyState, trafficDone } from '../../domain/fixtures.js';
import { launchChromium } from '../../support/browser.js';
import { listenForTest } from '../../support/local-server.js';

/** Traffic at 5% with its soak running from T0+40m to T0+55m, as the page made at T0+50m shows it. */
const soakingPage = (): DashboardData => ({
  phase: 'M6',
  state: applyAll(readyState(), [
    [rampEvent(5), minutes(40)],
    [trafficDone(5), minutes(40)],
  ]),
  version: 7,
  artifactRoot: undefined,
  ledgerTail: [],
  ledgerHead: { seq: 0, hash: '0'.repeat(64) },
  checkpoint: undefined,
  alarms: [],
  incidents: [],
  traffic: [],
  samples: [],
  generatedAt: minutes(50),
});

describe('timeLeftText', () => {
  it.each([
    [300_000, '5 min 0 s left'],
    [299_001, '5 min 0 s left'],
    [59_000, '59 s left'],
    [3_849_000, '1 h 4 min 9 s left'],
    [3_609_000, '1 h 0 min 9 s left'],
    [0, 'ending now'],
    [-5_000, 'ending now'],
  ])('says %d ms as %j', (leftMs, text) => {
    expect(timeLeftText(leftMs)).toBe(text);
  });
});

describe('the dashboard script', () => {
  it('is allowed by the page policy by its hash, which allows nothing else', () => {
    const hash = createHash('sha256').update(DASHBOARD_SCRIPT).digest('base64');
    expect(DASHBOARD_CSP).toContain(`script-src 'sha256-${hash}'`);
    expect(DASHBOARD_CSP).toContain("default-src 'none'");
    expect(DASHBOARD_CSP).not.toMatch(/https?:|\*|'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    const html = dashboardHtml(soakingPage());
    expect(html).toContain(`content="${DASHBOARD_CSP.replaceAll("'", '&#39;')}"`);
  });

  it('counts the soak down by the clock of the server that made the page, and runs no other script', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.setContent(dashboardHtml(soakingPage()));
      // The page was made 5 minutes before the soak's end; this machine's clock is years away.
      const countdown = page.locator('#soak .countdown');
      await expect.poll(() => countdown.textContent(), { timeout: 10_000 }).toMatch(/^4 min 5\d s left$/);
      expect(await page.locator('#soak').textContent()).toContain('5% soak ends 21 Oct 2025 13:55:00 UTC, ');
      // A script that got into the page some other way is refused by the policy.
      const ran = await page.evaluate(`(async () => {
        const refused = new Promise((resolve) => document.addEventListener('securitypolicyviolation', resolve));
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.body.append(script);
        await refused;
        return 'injected' in window;
      })()`);
      expect(ran).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('says on the page when it cannot update, and keeps trying until it can', async () => {
    let failing: 'no' | 'with 503' | 'mid-body' = 'no';
    let asked = 0;
    const server = await listenForTest((_request, response) => {
      asked += 1;
      if (failing === 'with 503') response.writeHead(503).end();
      else if (failing === 'mid-body') {
        // Headers and half a page, then the connection drops: the body read fails, not the fetch.
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': '100000' });
        response.write('<!doctype html><html>', () => response.destroy());
      } else
        response
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(dashboardHtml({ ...soakingPage(), version: asked }));
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/dashboard`);
      const overview = page.locator('#overview');
      await expect
        .poll(() => overview.textContent(), { timeout: 10_000 })
        .toMatch(/version (?:[2-9]|\d{2,})\b/);
      failing = 'with 503';
      await expect
        .poll(() => page.locator('#live').textContent(), { timeout: 10_000 })
        .toBe('not updating (the bot answered 503); retrying');
      failing = 'mid-body';
      await expect
        .poll(() => page.locator('#live').textContent(), { timeout: 10_000 })
        .toMatch(/^not updating \((?!the bot answered).+\); retrying$/);
      failing = 'no';
      await expect
        .poll(() => page.locator('#live').textContent(), { timeout: 10_000 })
        .toMatch(/^live, updated /);
    } finally {
      await browser.close();
    }
  });
});
