import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REGISTRY_GATE } from '../../src/app/registry-guard.js';
import { registryMerkleRoot } from '../../src/domain/merkle.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  compressed,
  holdingSoaks,
  type JobsHarness,
  toReady,
  useHarnessPerTest,
} from '../support/jobs-harness.js';
import { overrideOnMessage } from '../support/override-gate.js';
import { useTestRedis } from '../support/redis.js';
import { latestDrawing, parentPost, textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const perTest = useHarnessPerTest(useTestRedis());
const { start } = perTest;

/** The registry file of the bot's workspace, and a way to edit it by hand as a person would. */
async function registryFile(bot: JobsHarness) {
  const path = join(bot.workspace, bot.config.registry.path);
  const original = await readFile(path, 'utf8');
  return {
    handEdit: (change: Record<string, unknown>) =>
      writeFile(path, JSON.stringify({ ...JSON.parse(original), ...change }, null, 2)),
    undo: () => writeFile(path, original),
    root: async () => registryMerkleRoot(JSON.parse(await readFile(path, 'utf8'))),
  };
}

const gateOpen = (state: RolloutState) => Object.hasOwn(state.gates, REGISTRY_GATE);

/** The Governance Lead overrides the registry gate on the rollout message. */
const overrideRegistryGate = (bot: JobsHarness, parent: Awaited<ReturnType<typeof parentPost>>) =>
  overrideOnMessage(
    bot,
    perTest.standIn(),
    parent,
    REGISTRY_GATE,
    'the on-call set it during the incident, GOV-7',
  );

describe('a hand edit of the feature registry', () => {
  it('during a ramp cancels it and opens the gate in Slack; an override holds for that edit only', async () => {
    const bot = await start(holdingSoaks);
    const file = await registryFile(bot);
    await toReady(bot, perTest.standIn());
    const parent = await parentPost(perTest.standIn());
    await file.handEdit({ meta_prod: { mode: 'enabled', weightPct: 100 } });
    expect(String((await bot.command(PEOPLE.releaseManager, 'ramp 5')).args.text)).toContain(
      'Ramp to 5% accepted',
    );
    const cancelled = await bot.waitForState((state) => gateOpen(state) && !state.pendingRamp);
    expect(cancelled.trafficPct).toBe(0);
    // Not silent: a thread note says what happened, and the message is redrawn with its Override button.
    const note = await perTest
      .standIn()
      .waitFor(
        (call) =>
          call.method === 'chat.postMessage' &&
          call.args.thread_ts === parent.reply.ts &&
          textOf(call).includes('Ramp to 5% cancelled'),
        10_000,
      );
    expect(textOf(note)).toContain(REGISTRY_GATE);
    await expect
      .poll(() => textOf(latestDrawing(perTest.standIn(), parent)), { timeout: 10_000 })
      .toContain(`Override ${REGISTRY_GATE}`);

    await overrideRegistryGate(bot, parent);
    // A different edit after the override: the next ramp's job opens the gate again, and cancels that ramp.
    await file.handEdit({ meta_prod: { mode: 'enabled', weightPct: 60 } });
    expect(String((await bot.command(PEOPLE.releaseManager, 'ramp 5')).args.text)).toContain(
      'Ramp to 5% accepted',
    );
    const reopened = await bot.waitForState((state) => gateOpen(state) && !state.pendingRamp);
    expect(reopened.overrides).toEqual({});
    await expect
      .poll(() => textOf(latestDrawing(perTest.standIn(), parent)), { timeout: 10_000 })
      .toContain(`Override ${REGISTRY_GATE}`);

    // Undone and overridden: the next ramp is accepted, not refused with ramp_in_progress, and moves traffic.
    await file.undo();
    await overrideRegistryGate(bot, parent);
    expect(String((await bot.command(PEOPLE.releaseManager, 'ramp 5')).args.text)).toContain(
      'Ramp to 5% accepted',
    );
    const live = await bot.waitForState((state) => state.trafficPct === 5);
    expect(live.soak?.status).toBe('running');
    expect((await bot.reasons()).filter((reason) => reason === 'ramp_cancelled')).toHaveLength(2);
  }, 60_000);

  it('during the final soak keeps the soak from passing and the phase from being certified', async () => {
    const lastSoakMs = 4_000;
    const bot = await start((config) => {
      const fast = compressed(config);
      const steps = fast.plan.steps;
      const last = steps.findLastIndex((step) => 'soak' in step);
      return {
        ...fast,
        plan: {
          ...fast.plan,
          steps: steps.map((step, index) => (index === last ? { soak: lastSoakMs } : step)),
        },
      };
    });
    const file = await registryFile(bot);
    await toReady(bot, perTest.standIn());
    const parent = await parentPost(perTest.standIn());
    await bot.command(PEOPLE.releaseManager, 'ramp 5');
    await bot.waitForState((state) => state.trafficPct === 100 && state.soak?.status === 'running', 30_000);
    await file.handEdit({ meta_shadow_logging: false });
    const held = await bot.waitForState(gateOpen, 30_000);
    expect(held).toMatchObject({ status: 'active', soak: { status: 'running' } });
    // The soak is evaluated on while the gate holds it, and still does not pass.
    const ticks = await bot.queues.soak.getCompletedCount();
    await expect
      .poll(() => bot.queues.soak.getCompletedCount(), { timeout: 10_000 })
      .toBeGreaterThan(ticks + 2);
    expect(await bot.state()).toMatchObject({ status: 'active', soak: { status: 'running' } });
    expect(await bot.reasons()).not.toContain('rollout_complete');

    // A person overrides that edit: the soak passes, and the phase is certified with the edited registry.
    await overrideRegistryGate(bot, parent);
    const done = await bot.waitForState((state) => state.certified !== undefined, 30_000);
    expect(done.certified?.registryRoot).toBe(await file.root());
  }, 60_000);
});
