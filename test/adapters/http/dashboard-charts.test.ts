import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { alarmChart, trafficChart } from '../../../src/adapters/http/dashboard-charts.js';
import type { MecConfig } from '../../../src/config/config-schema.js';
import type { WatchedAlarm } from '../../../src/domain/alarm-watch.js';
import { minutes } from '../../domain/fixtures.js';
import { alertPayload } from '../../support/alertmanager.js';
import { launchChromium } from '../../support/browser.js';
import { compressed, toReady, useHarnessPerTest } from '../../support/jobs-harness.js';
import { useTestRedis } from '../../support/redis.js';
import { PEOPLE } from '../../support/slack-harness.js';

const testRedis = useTestRedis();
const harnesses = useHarnessPerTest(testRedis);

const SPAN = { fromMs: minutes(0).getTime(), toMs: minutes(60).getTime() };
const LATENCY: WatchedAlarm = {
  name: 'latency_slo_drop',
  severity: 'BLOCKER',
  comparator: 'gt',
  threshold: 0.03,
};

/** The vertices of a polyline's `points`, as numbers. */
const vertices = (points: string) =>
  points
    .trim()
    .split(/\s+/)
    .map((pair) => pair.split(',').map(Number) as [number, number]);

/** The y of each level the line holds, in order, once consecutive repeats are dropped. */
const levels = (points: string) =>
  vertices(points)
    .map(([, y]) => y)
    .filter((y, index, all) => index === 0 || y !== all[index - 1]);

const attribute = (svg: string, pattern: RegExp) => svg.match(pattern)?.[1] ?? '';

describe('trafficChart', () => {
  it('draws the traffic as steps: up each ramp, down at the rollback, on to the right edge', () => {
    const svg = trafficChart(
      [
        { at: minutes(0).toISOString(), trafficPct: 0 },
        { at: minutes(20).toISOString(), trafficPct: 5 },
        { at: minutes(40).toISOString(), trafficPct: 25 },
        { at: minutes(50).toISOString(), trafficPct: 0 },
      ],
      SPAN,
    );
    const yAt = (pct: number) =>
      Number(attribute(svg, new RegExp(`class="grid" data-pct="${pct}"[^>]*y1="([\\d.]+)"`)));
    const line = attribute(svg, /class="traffic-line" points="([^"]+)"/);
    const yOf5 = yAt(0) - (yAt(0) - yAt(100)) * 0.05;
    expect(levels(line)).toEqual([yAt(0), Number(yOf5.toFixed(1)), yAt(25), yAt(0)]);
    const xs = vertices(line).map(([x]) => x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    // Held at 0 from the rollback at 50 minutes to the end of the span at 60.
    expect(vertices(line).at(-1)).toEqual([548, yAt(0)]);
  });

  it('says so when no traffic was recorded', () => {
    const svg = trafficChart([], SPAN);
    expect(svg).toContain('No traffic recorded yet');
    expect(svg).not.toContain('traffic-line');
  });
});

describe('alarmChart', () => {
  const sample = (minute: number, value: number | string) => ({
    at: minutes(minute).toISOString(),
    watch: 'soak' as const,
    values: { [LATENCY.name]: value },
  });

  it('puts breaching values above the threshold line, in red, and unread ones as ticks on the axis', () => {
    const svg = alarmChart(
      LATENCY,
      [sample(10, 0.01), sample(11, 0.02), sample(12, 'error: connection refused'), sample(13, 0.09)],
      SPAN,
    );
    const thresholdY = Number(attribute(svg, /class="threshold" [^>]*y1="([\d.]+)"/));
    const dots = [
      ...svg.matchAll(/<circle class="sample( breach)?" data-value="([^"]+)" cx="[\d.]+" cy="([\d.]+)"/g),
    ].map(([, breach, value, cy]) => ({ breach: Boolean(breach), value: Number(value), cy: Number(cy) }));
    expect(dots.map(({ value, breach }) => [value, breach])).toEqual([
      [0.01, false],
      [0.02, false],
      [0.09, true],
    ]);
    for (const { breach, cy } of dots) expect(cy < thresholdY).toBe(breach);
    expect(svg.match(/class="unread"/g)).toHaveLength(1);
  });

  it('keeps the worst of the evaluations that share a pixel column, so a lone breach is never thinned out', () => {
    const crowded = Array.from({ length: 100 }, (_, index) => ({
      at: new Date(minutes(10).getTime() + index * 10).toISOString(),
      watch: 'soak' as const,
      values: { [LATENCY.name]: index === 37 ? 0.2 : 0.01 },
    }));
    const svg = alarmChart(LATENCY, [...crowded, sample(30, 0.01)], SPAN);
    const dots = [...svg.matchAll(/<circle class="sample( breach)?" data-value="([^"]+)"/g)];
    expect(dots.map(([, breach, value]) => [value, Boolean(breach)])).toEqual([
      ['0.2', true],
      ['0.01', false],
    ]);
    // Where lower is worse, the lowest is kept.
    const low = alarmChart({ ...LATENCY, comparator: 'lt', threshold: 0.005 }, crowded, SPAN);
    expect([...low.matchAll(/data-value="([^"]+)"/g)].map(([, value]) => value)).toEqual(['0.01']);
  });

  it('escapes what it names, and says so when the alarm was never evaluated', () => {
    const svg = alarmChart({ ...LATENCY, name: '<img src=x onerror=alert(1)>' }, [], SPAN);
    expect(svg).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('Not evaluated yet');
  });
});

/**
 * The example plan cut to 5% and 25%, with the first soak over at once and the second held for a
 * minute; the bot's own watch never trips (the BLOCKER comes from Alertmanager), so its samples keep
 * what it read while the alert decides.
 */
function chartedRollout(config: MecConfig): MecConfig {
  const fast = compressed(config);
  return {
    ...fast,
    plan: { autoAdvance: true, steps: [{ ramp: 5 }, { soak: 300 }, { ramp: 25 }, { soak: 60_000 }] },
    metrics: { ...fast.metrics, breachesToTrip: 1_000_000 },
  };
}

/** What the page shows now, read from one serialisation of its live DOM. */
async function shown(page: Page) {
  const html = await page.content();
  const traffic = html.slice(html.indexOf('<figure id="traffic">'));
  const latency = html.slice(html.indexOf('<figure data-alarm="latency_slo_drop">'));
  const latencyChart = latency.slice(0, latency.indexOf('</figure>'));
  const grid = (pct: number) =>
    Number(attribute(traffic, new RegExp(`class="grid" data-pct="${pct}"[^>]*y1="([\\d.]+)"`)));
  return {
    line: attribute(traffic, /class="traffic-line" points="([^"]+)"/),
    grid: { 0: grid(0), 100: grid(100) },
    threshold: Number(attribute(latencyChart, /class="threshold" [^>]*y1="([\d.]+)"/)),
    breaches: [...latencyChart.matchAll(/class="sample breach" [^>]*cy="([\d.]+)"/g)].map(([, cy]) =>
      Number(cy),
    ),
    countdown: html.match(/class="countdown"[^>]*>([^<]*)</)?.[1] ?? null,
    now:
      html.match(/<tr data-alarm="latency_slo_drop">(?:<td[^>]*>[^<]*<\/td>){3}<td[^>]*>([^<]*)</)?.[1] ?? '',
    live: html.match(/<span id="live"[^>]*>([^<]*)</)?.[1] ?? '',
  };
}

describe('the dashboard in Chromium, over a rollout a BLOCKER rolls back', () => {
  it('charts the ramp and the rollback and the breach against its threshold, counts the soak down, and updates itself', async () => {
    const standIn = harnesses.standIn();
    const harness = await harnesses.start(chartedRollout);
    await toReady(harness, standIn);
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.trafficPct === 25 && state.soak?.status === 'running');
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(harness.dashboardUrl);
      // Gone if the page reloads: what follows must arrive without one.
      await page.evaluate('window.sameDocument = true');

      // The soak counts down in the page, by itself.
      const first = (await shown(page)).countdown;
      expect(first).toMatch(/^(?:\d+ min )?\d+ s left$/);
      await expect.poll(async () => (await shown(page)).countdown, { timeout: 10_000 }).not.toBe(first);
      expect((await shown(page)).live).toMatch(/^live/);

      // A breach the watch reads appears, above the threshold line, with the value beside the threshold.
      await harness.samples.inject('latency_slo_drop', 0.09);
      await expect
        .poll(async () => (await shown(page)).breaches.length, { timeout: 20_000 })
        .toBeGreaterThan(0);
      const breached = await shown(page);
      for (const cy of breached.breaches) expect(cy).toBeLessThan(breached.threshold);
      await expect.poll(async () => (await shown(page)).now, { timeout: 10_000 }).toBe('0.09 (breach)');

      // Alertmanager's BLOCKER rolls back; the traffic line comes down to 0.
      await harness.alert(alertPayload({ alarm: 'latency_slo_drop', severity: 'BLOCKER' }));
      await expect
        .poll(async () => (await harness.reasons()).includes('rollback_finished'), { timeout: 20_000 })
        .toBe(true);
      await expect
        .poll(
          async () => {
            const { line, grid } = await shown(page);
            const pct = (y: number) => Math.round(((grid[0] - y) / (grid[0] - grid[100])) * 100);
            return line ? levels(line).map(pct) : [];
          },
          { timeout: 20_000 },
        )
        .toEqual([0, 5, 25, 0]);
      expect((await shown(page)).countdown).toBeNull();
      expect(await page.evaluate("'sameDocument' in window")).toBe(true);

      const path = join(await mkdtemp(join(tmpdir(), 'mec-dashboard-')), 'dashboard.png');
      await page.screenshot({ path, fullPage: true });
      const png = await readFile(path);
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(png.length).toBeGreaterThan(10_000);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
