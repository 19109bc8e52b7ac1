import { afterEach, describe, expect, it } from 'vitest';
import { openSandbox, recordJointGo, typeCommand } from '../support/sandbox-page.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}, 60_000);

// Screenshots go to .build-test/screenshots/ (gitignored): sandbox-*.png.
describe('the local sandbox page', () => {
  it('lets a newcomer start a rollout as the release manager, see the rollout message, and click its buttons', async () => {
    const sandbox = await openSandbox((cleanup) => cleanups.push(cleanup));
    const { bot, page } = sandbox;
    expect(bot.output()).toContain(`open ${bot.adminUrl}/sandbox`);
    await typeCommand(page, 'U0RELEASEMGR', '/mec start');
    await expect
      .poll(() => page.locator('#release').innerText(), { timeout: 15_000 })
      .toContain('MEC M6 rollout');
    await expect
      .poll(() => page.locator('#private').innerText(), { timeout: 15_000 })
      .toContain('rollout started');
    // Each message names its author and time; people show by their display name.
    expect(await page.locator('#release .msg .author').first().innerText()).toBe('mec-bot');
    expect(await page.locator('#release .msg time').first().innerText()).toMatch(/^\d\d:\d\d:\d\d$/);
    await expect.poll(() => page.locator('#release').innerText()).toContain('Started by @Rene Baptiste');
    expect(await page.locator('#release').innerText()).not.toContain('U0RELEASEMGR');
    // The check jobs run in the same process, their results arrive in the thread; then the 20 s smoke
    // runs, and the message holds still long enough to click.
    await expect
      .poll(() => page.locator('#release').innerText(), { timeout: 20_000 })
      .toContain('rehearsal passed');
    await page.waitForTimeout(1_500);

    await page.locator('#release button', { hasText: 'Pause' }).first().click();
    await expect.poll(() => page.locator('#release').innerText(), { timeout: 15_000 }).toContain('Resume');

    await typeCommand(page, 'U0RELEASEMGR', 'ramp 33');
    await expect
      .poll(() => page.locator('#private').innerText(), { timeout: 15_000 })
      .toContain('33% is not a step of the plan');
    // App Home goes through the same signed receiver, as an Events API callback.
    await page.click('#home');
    await expect.poll(() => page.locator('#homeview').innerText(), { timeout: 15_000 }).toContain('⏸ paused');
    await sandbox.screenshot('sandbox-home');
    expect(sandbox.errors).toEqual([]);
  }, 90_000);

  it('injects and clears a BLOCKER, flags the incident from any channel until it resolves, and keeps the history across a restart', async () => {
    const sandbox = await openSandbox((cleanup) => cleanups.push(cleanup));
    const { page } = sandbox;
    await typeCommand(page, 'U0RELEASEMGR', '/mec start');
    await expect
      .poll(() => page.locator('#release').innerText(), { timeout: 15_000 })
      .toContain('MEC M6 rollout');
    await expect.poll(() => page.locator('#banner').innerText()).toBe('');

    // Injected as Alertmanager would send it, through the bot's webhook; the page stays on #release.
    await page.click('button[data-alarm="latency_slo_drop"][data-status="firing"]');
    const banner = page.locator('#banner .banner');
    await expect.poll(() => banner.innerText(), { timeout: 15_000 }).toContain('Incident open');
    expect(await banner.innerText()).toContain('BLOCKER · latency_slo_drop');
    expect(await page.locator('[data-unread="incident"]').innerText()).toMatch(/^[1-9]\d*$/);
    expect(await page.locator('#view-release').isVisible()).toBe(true);
    expect(await page.locator('[data-alarm-row="latency_slo_drop"] .state').innerText()).toBe('firing');
    await sandbox.screenshot('sandbox-incident-flagged');

    await banner.locator('button', { hasText: 'Open #incident' }).click();
    await expect.poll(() => page.locator('#view-incident').isVisible()).toBe(true);
    await expect
      .poll(() => page.locator('#incident').innerText(), { timeout: 15_000 })
      .toMatch(/BLOCKER · latency_slo_drop[\s\S]*Still firing/);
    await expect.poll(() => page.locator('[data-unread="incident"]').count()).toBe(0);

    // Cleared: Alertmanager's resolved alert resolves the incident, and the banner says so.
    await page.click('[data-go="release"]');
    await page.click('button[data-alarm="latency_slo_drop"][data-status="resolved"]');
    await expect.poll(() => banner.innerText(), { timeout: 15_000 }).toContain('Incident resolved');
    expect(await page.locator('[data-alarm-row="latency_slo_drop"] .state').innerText()).toBe('quiet');
    await page.click('[data-go="incident"]');
    await expect
      .poll(() => page.locator('#incident').innerText(), { timeout: 15_000 })
      .toContain('Resolved at');
    await sandbox.screenshot('sandbox-incident-resolved');
    // The thread's replies never change once posted: each must come back as it was. Their text, not
    // their rendered text: innerText of a view not yet shown after the click has no line breaks.
    await page.click('[data-go="release"]');
    const replies = await page.locator('#release .thread .msg').allTextContents();
    expect(replies.length).toBeGreaterThan(0);

    // Stopped as Ctrl-C stops it and started again in the same directory: the history is all there.
    await sandbox.restart();
    await expect
      .poll(
        async () => (await page.locator('#release .thread .msg').allTextContents()).slice(0, replies.length),
        {
          timeout: 15_000,
        },
      )
      .toEqual(replies);
    expect(await page.locator('#release').innerText()).toContain('MEC M6 rollout');
    await page.click('[data-go="incident"]');
    expect(await page.locator('#incident').innerText()).toContain('Resolved at');
    // The same person's first command after the restart is handled, not dropped as a Slack retry.
    await typeCommand(page, 'U0RELEASEMGR', '/mec status');
    await expect.poll(() => page.locator('#private').innerText(), { timeout: 15_000 }).toContain('MEC M6');
    // New messages after the restart are added to it, not written over it.
    await page.click('button[data-alarm="latency_slo_drop"][data-status="firing"]');
    await expect.poll(() => page.locator('#incident > .msg').count(), { timeout: 15_000 }).toBe(2);
    expect(await page.locator('#incident').innerText()).toContain('Resolved at');
    await sandbox.screenshot('sandbox-after-restart');
    expect(sandbox.errors).toEqual([]);
  }, 150_000);

  it('rolls traffic back to shadow and pages when a BLOCKER is injected during a ramp, as a real alert would', async () => {
    const sandbox = await openSandbox((cleanup) => cleanups.push(cleanup));
    const { page } = sandbox;
    await typeCommand(page, 'U0RELEASEMGR', '/mec start');
    await recordJointGo(page);
    // One distinct person per role; the card names each approver by name.
    const approvers = [
      { user: 'U0AVERYCHEN', role: 'Governance Lead', name: 'Avery Chen' },
      { user: 'U0PRIYANAT', role: 'SRE On-Call', name: 'Priya Natarajan' },
      { user: 'U0MALIKORT', role: 'Security Officer', name: 'Malik Ortega' },
      { user: 'U0ELENAMOR', role: 'Product Owner', name: 'Elena Moreno' },
    ];
    for (const { user, role, name } of approvers) {
      await page.selectOption('#user', user);
      await page.locator('#release button', { hasText: `Approve as ${role}` }).click({ timeout: 30_000 });
      await expect
        .poll(() => page.locator('#release').innerText(), { timeout: 15_000 })
        .toContain(`✅ ${role}: @${name}`);
    }
    await typeCommand(page, 'U0RELEASEMGR', '/mec ramp 5');
    await expect
      .poll(() => page.locator('#release').innerText(), { timeout: 30_000 })
      .toMatch(/Traffic \S+ 5%/);

    await page.click('button[data-alarm="latency_slo_drop"][data-status="firing"]');
    await expect
      .poll(() => page.locator('#banner').innerText(), { timeout: 15_000 })
      .toContain('Incident open');
    await page.click('#banner [data-go="incident"]');
    await expect
      .poll(() => page.locator('#incident').innerText(), { timeout: 30_000 })
      .toContain('Rolled back: traffic 5% → 0% (shadow)');
    await expect
      .poll(() => page.locator('#release').innerText(), { timeout: 15_000 })
      .toMatch(/Traffic \S+ 0%/);
    await sandbox.screenshot('sandbox-rolled-back');

    await page.click('button[data-alarm="latency_slo_drop"][data-status="resolved"]');
    await expect
      .poll(() => page.locator('#banner').innerText(), { timeout: 15_000 })
      .toContain('Incident resolved');
    expect(sandbox.errors).toEqual([]);
  }, 180_000);
});
