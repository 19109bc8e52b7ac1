import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REGISTRY_GATE } from '../../src/app/registry-guard.js';
import { readConfig } from '../../src/config/load-settings.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import {
  compressed,
  expectVerified,
  type JobsHarness,
  startJobsHarness,
  toReady,
  waitCertified,
} from '../support/jobs-harness.js';
import { overrideOnMessage } from '../support/override-gate.js';
import { useTestRedis } from '../support/redis.js';
import { parentPost, textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';
import { useTeardown } from '../support/teardown.js';

const testRedis = useTestRedis();
const teardown = useTeardown();

/** The next phase's config as the README tells an operator to write it: M6's, one phase on. */
async function nextPhaseConfig() {
  const text = (await readFile('examples/m6/mec.config.yml', 'utf8'))
    .replaceAll('M6', 'M7')
    .replaceAll('M5', 'M6');
  const path = join(await mkdtemp(join(tmpdir(), 'mec-m7-')), 'mec.config.yml');
  await writeFile(path, text);
  const loaded = await readConfig(path);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return compressed(loaded.config);
}

async function rollOut(harness: JobsHarness, standIn: SlackApiStandIn, beforeRamp = async () => {}) {
  await toReady(harness, standIn);
  await beforeRamp();
  await harness.command(PEOPLE.releaseManager, 'ramp 5');
  await waitCertified(harness, 30_000);
}

describe('the next phase', () => {
  it('rolls out M7 after M6 on the same Redis and workspace: a new config, the flag back at shadow, one ledger', async () => {
    const standIn = new SlackApiStandIn();
    await standIn.start();
    teardown(() => standIn.stop());
    const redis = testRedis();
    const m6 = await startJobsHarness(standIn, redis);
    teardown(() => m6.close());
    await rollOut(m6, standIn);
    const m6Entries = (await m6.adapters.ledger.read()).length;
    await m6.close();

    // The release commit of M7: its artifacts, and the flag back at shadow for the new build.
    const { workspace } = m6;
    const manifest = JSON.parse(
      await readFile(join(workspace, 'artifacts/mec/M6/determinism_manifest.json'), 'utf8'),
    );
    await mkdir(join(workspace, 'artifacts/mec/M7'), { recursive: true });
    await writeFile(
      join(workspace, 'artifacts/mec/M7/determinism_manifest.json'),
      JSON.stringify({
        ...manifest,
        phase: 'M7',
        components: { ...manifest.components, meta_scorer: '0123456789abcdef' },
      }),
    );
    const flagsPath = join(workspace, 'meta/meta_flags.json');
    const flags = JSON.parse(await readFile(flagsPath, 'utf8'));
    await writeFile(flagsPath, JSON.stringify({ ...flags, meta_prod: { mode: 'shadow', weightPct: 0 } }));

    const config = await nextPhaseConfig();
    // A stand-in of its own, so the cards the test clicks are M7's.
    const slack = new SlackApiStandIn();
    await slack.start();
    teardown(() => slack.stop());
    const m7 = await startJobsHarness(slack, redis, { workspace, configure: () => config });
    teardown(() => m7.close());
    // The bot did not write that flag: the Governance Lead says in the ledger that the release commit did.
    let override: RolloutState | undefined;
    await rollOut(m7, slack, async () => {
      const parent = await parentPost(slack);
      expect(textOf(parent)).toContain('M7');
      override = await overrideOnMessage(
        m7,
        slack,
        parent,
        REGISTRY_GATE,
        'M7 release commit: meta_prod back at shadow, REL-7',
      );
    });
    expect(override?.overrides[REGISTRY_GATE]).toBeDefined();

    const entries = await m7.adapters.ledger.read();
    expect(entries.slice(0, m6Entries).every((entry) => entry.body.phase === 'M6')).toBe(true);
    expect(entries.slice(m6Entries).length).toBeGreaterThan(0);
    expect(entries.slice(m6Entries).every((entry) => entry.body.phase === 'M7')).toBe(true);
    const done = await m7.state();
    expect(Object.keys(done?.approvals ?? {})).toHaveLength(4);
    expect(await readdir(join(workspace, 'artifacts/mec/M6/releases'))).toHaveLength(1);
    expect(await readdir(join(workspace, 'artifacts/mec/M7/releases'))).toHaveLength(1);
    await expectVerified(m7);
  }, 120_000);
});
