import { afterEach, describe, expect, it } from 'vitest';
import { openSandbox, recordJointGo, typeCommand } from '../support/sandbox-page.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}, 60_000);

// Screenshots go to .build-test/screenshots/ (gitignored): modal-*.png.
describe("the sandbox page's modals", () => {
  it('keeps typed text through redraws, shows field errors inline, cancels, and rejects with a reason', async () => {
    const sandbox = await openSandbox((cleanup) => cleanups.push(cleanup));
    const { page } = sandbox;
    await typeCommand(page, 'U0RELEASEMGR', '/mec start');
    await recordJointGo(page);
    const rejectAsGovernance = page.locator('#release button[data-block="mec_approval_governance_lead"]', {
      hasText: 'Reject…',
    });
    await rejectAsGovernance.waitFor({ timeout: 30_000 });

    // Avery, the Governance Lead, opens the reject modal from her row of the approval card.
    await page.selectOption('#user', 'U0AVERYCHEN');
    await rejectAsGovernance.click();
    const modal = page.locator('#modal-layer');
    await expect.poll(() => modal.isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.locator('#modal-title').innerText()).toBe('Reject the release');

    // Cancel closes it, and the card is untouched.
    await page.fill('#modal textarea', 'half a thought');
    await sandbox.screenshot('modal-typed');
    await page.click('#modal-cancel');
    await expect.poll(() => modal.isVisible()).toBe(false);
    await page.waitForTimeout(1_500);
    expect(await modal.isVisible()).toBe(false);

    // Opened again: an empty reason is refused by the bot, and its error sits under the field.
    await rejectAsGovernance.click();
    await expect.poll(() => modal.isVisible(), { timeout: 15_000 }).toBe(true);
    await page.click('#modal-submit');
    await expect
      .poll(() => page.locator('#modal [data-error-for="reason_block"]').innerText(), { timeout: 15_000 })
      .toContain('Give a reason of 1 to 500 characters.');
    await sandbox.screenshot('modal-field-error');

    // Typed slowly across several of the page's once-a-second redraws, the reason is kept whole.
    const reason = 'The determinism manifest changed after the review; re-run the rehearsal first.';
    await page.locator('#modal textarea').pressSequentially(reason, { delay: 40 });
    await page.waitForTimeout(1_500);
    expect(await page.locator('#modal textarea').inputValue()).toBe(reason);
    await page.click('#modal-submit');
    await expect.poll(() => modal.isVisible(), { timeout: 15_000 }).toBe(false);
    await expect
      .poll(() => page.locator('#release').innerText(), { timeout: 15_000 })
      .toContain('re-run the rehearsal first');
    await sandbox.screenshot('modal-rejected');
    expect(sandbox.errors).toEqual([]);
  }, 120_000);
});
