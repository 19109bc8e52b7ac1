import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { dashboardHtml } from '../../../src/adapters/http/dashboard-page.js';
import { DASHBOARD_SCRIPT } from '../../../src/adapters/http/dashboard-script.js';
import { apply } from '../../../src/app/rollout-context.js';
import { decide } from '../../../src/domain/decide.js';
import type { SlackApiStandIn } from '../../../src/sandbox/slack-api-stand-in.js';
import { applyAll, minutes, rampEvent, readyState, trafficDone } from '../../domain/fixtures.js';
import { launchChromium } from '../../support/browser.js';
import { type JobsHarness, toReady, useJobsHarness } from '../../support/jobs-harness.js';
import { useTestRedis } from '../../support/redis.js';
import { PEOPLE } from '../../support/slack-harness.js';

const testRedis = useTestRedis();

const current = useJobsHarness(testRedis);
let harness: JobsHarness;
let standIn: SlackApiStandIn;
beforeEach(() => {
  ({ harness, standIn } = current());
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
    // The page's own script is its only one.
    expect(html.replace(`<script>${DASHBOARD_SCRIPT}</script>`, '')).not.toContain('<script');
    // Self-contained: it loads nothing from anywhere.
    expect(html).not.toMatch(/\b(?:src|href)=["']?https?:/);
  });

  it('shows a soak that went blind, and its watch_blind gate', () => {
    const soaking = applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
    ]);
    const blind = decide(
      soaking,
      {
        type: 'watch_tick',
        watch: 'soak',
        watchId: soaking.soak?.soakId ?? 'none',
        tripped: [],
        sourceDown: false,
        sourceErrors: 0,
        allRead: true,
        finished: { passed: false, summary: 'read 3 of 30 evaluations', blind: true },
      },
      minutes(63),
    ).state;
    const html = dashboardHtml({
      phase: 'M6',
      state: blind,
      version: 9,
      artifactRoot: undefined,
      ledgerTail: [],
      ledgerHead: { seq: 0, hash: '0'.repeat(64) },
      checkpoint: undefined,
      alarms: [],
      incidents: [],
      traffic: [],
      samples: [],
      generatedAt: minutes(63),
    });
    expect(html).toContain('5% soak blind: too few evaluations read (gate watch_blind)');
    expect(html).toContain('watch_blind');
    expect(html).not.toContain('soak ends');
  });

  it('names the newest checkpoint beside the ledger head, in full, or says there is none yet', () => {
    const data = {
      phase: 'M6',
      state: null,
      version: 0,
      artifactRoot: undefined,
      ledgerTail: [],
      ledgerHead: { seq: 4, hash: 'e'.repeat(64) },
      checkpoint: { origin: 'mec.test/ledger', size: 3, root: Buffer.alloc(32, 0x3c) },
      alarms: [],
      incidents: [],
      traffic: [],
      samples: [],
      generatedAt: minutes(63),
    };
    expect(dashboardHtml(data)).toContain(
      `ledger head #4 <code>${'e'.repeat(64)}</code> · checkpoint #3 <code>${'3c'.repeat(32)}</code>`,
    );
    expect(dashboardHtml({ ...data, checkpoint: undefined })).toContain(
      `ledger head #4 <code>${'e'.repeat(64)}</code> · not checkpointed yet`,
    );
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
});
