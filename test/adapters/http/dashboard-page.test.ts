import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { dashboardHtml } from '../../../src/adapters/http/dashboard-page.js';
import { apply } from '../../../src/app/rollout-context.js';
import type { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { launchChromium } from '../../support/browser.js';
import { type JobsHarness, toReady, useJobsHarness } from '../../support/jobs-harness.js';
import { useTestRedis } from '../../support/redis.js';
import { PEOPLE } from '../../support/slack-harness.js';

const testRedis = useTestRedis();
const run = promisify(execFile);

const current = useJobsHarness(testRedis);
let harness: JobsHarness;
let standIn: SlackApiStandIn;
let prefix: string;
beforeEach(() => {
  ({ harness, standIn, prefix } = current());
});

describe('the governance dashboard', () => {
  it('shows state, checklist, approvals with full digests, the ledger tail and alarms, all escaped', async () => {
    const state = await toReady(harness, standIn);
    await apply(harness.bot.ctx, {
      type: 'reject',
      actor: PEOPLE.security,
      roleId: 'security_officer',
      reason: '<script>alert(1)</script>',
    });
    const html = dashboardHtml(await harness.bot.dashboard());
    for (const part of [
      'Seed checklist',
      'preflight',
      'Approvals',
      'Ledger (latest',
      'Alarms',
      'latency_slo_drop',
      state.rolloutId,
    ])
      expect(html).toContain(part);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    // Self-contained: it loads nothing from anywhere.
    expect(html).not.toMatch(/\b(?:src|href)=["']?https?:/);
  });

  it('renders in a real browser at /dashboard, showing every approval digest', async () => {
    const state = await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((candidate) => candidate.soak?.status === 'running');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(harness.dashboardUrl);
      expect(await page.title()).toBe('MEC M6 governance dashboard');
      const approvals = await page.locator('#approvals').innerText();
      for (const approval of Object.values(state.approvals)) expect(approvals).toContain(approval.digest);
      expect(await page.getAttribute('[role=progressbar]', 'aria-valuenow')).toBe('5');
      expect(await page.locator('#ledger tr').count()).toBeGreaterThan(10);
      // Kept where a person can look at it after the run.
      await page.screenshot({ path: join(tmpdir(), 'mec-dashboard.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('is written as one file by npm run dashboard:snapshot', async () => {
    await toReady(harness, standIn);
    const tsx = 'node_modules/tsx/dist/cli.mjs';
    const { stdout } = await run('node', [tsx, 'src/cli/dashboard-snapshot.ts'], {
      env: {
        PATH: process.env.PATH,
        REDIS_URL: inject('redisUrl'),
        MEC_REDIS_PREFIX: prefix,
        MEC_WORKSPACE: harness.workspace,
      },
    });
    expect(stdout).toContain('observability_dashboard.html');
    const html = await readFile(
      join(harness.workspace, 'artifacts/mec/M6/observability_dashboard.html'),
      'utf8',
    );
    expect(html).toContain('MEC M6 governance dashboard');
    expect(html).not.toMatch(/\b(?:src|href)=["']?https?:/);
  });
});
