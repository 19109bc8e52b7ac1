import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyWorkspace } from '../../src/app/verify-workspace.js';
import { compressed, holdingSoaks, toReady, useHarnessPerTest } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { latestDrawing, parentPost, textOf } from '../support/slack-find.js';
import { PEOPLE } from '../support/slack-harness.js';

const perTest = useHarnessPerTest(useTestRedis());
const { start } = perTest;

describe('a whole rollout as jobs, with durations in milliseconds', () => {
  it('runs pre-flight, backup, rehearsal and smoke, then 5 → 25 → 60 → 100 with a soak at each step, and certifies', async () => {
    const harness = await start();
    await toReady(harness, perTest.standIn());
    expect((await harness.command(PEOPLE.releaseManager, 'ramp 5')).args.text).toContain(
      'Ramp to 5% accepted',
    );
    const done = await harness.waitForState((state) => state.status === 'complete', 30_000);
    expect(done.trafficPct).toBe(100);

    const reasons = await harness.reasons();
    const count = (reason: string) => reasons.filter((candidate) => candidate === reason).length;
    expect(count('check_passed')).toBe(4);
    expect(count('ramp_accepted')).toBe(4);
    expect(count('traffic_applied')).toBe(4);
    expect(count('soak_passed')).toBe(3);
    expect(count('rollout_complete')).toBe(1);
    await expect
      .poll(async () => (await harness.reasons()).includes('phase_certified'), { timeout: 10_000 })
      .toBe(true);

    const entries = await harness.adapters.ledger.read();
    const weights = entries
      .filter((entry) => entry.body.reason === 'registry_write')
      .map((entry) => (entry.body.after as { meta_prod: { weightPct: number } }).meta_prod.weightPct);
    expect(weights).toEqual([5, 25, 60, 100]);
    const flags = JSON.parse(await readFile(join(harness.workspace, 'meta/meta_flags.json'), 'utf8'));
    expect(flags.meta_prod).toEqual({ mode: 'enabled', weightPct: 100 });

    const record = JSON.parse(
      await readFile(join(harness.workspace, done.checks.preflight.ref ?? ''), 'utf8'),
    );
    expect(done.checks.preflight.ref).toMatch(/^artifacts\/mec\/M6\/releases\/M6-.+\.json$/);
    expect(record).toMatchObject({ phase: 'M6', passed: true });
    expect(record.checks.map((check: { name: string }) => check.name)).toEqual([
      'compliance_validator',
      'checksum telemetry/schema/meta_v1.json',
      'determinism manifest',
      'incident contacts',
    ]);
    const backup = done.checks.backup.ref ?? '';
    expect(backup).toMatch(/^artifacts\/mec\/M6\/backups\//);
    expect((await readdir(join(harness.workspace, backup))).sort()).toEqual([
      'artifacts',
      'manifest.json',
      'meta',
      'telemetry',
    ]);
    const smoke = JSON.parse(await readFile(join(harness.workspace, 'reports/run_M6_smoke.json'), 'utf8'));
    expect(smoke).toMatchObject({ passed: true });
    expect(smoke.samples.length).toBeGreaterThanOrEqual(2);

    // The bot checkpoints on its own within a poll; this waits for the round that covers the end.
    await harness.bot.ctx.anchor?.anchor();
    const verified = await verifyWorkspace(harness.bot.ctx);
    expect(verified.checks.filter((check) => !check.ok)).toEqual([]);
    const parent = await parentPost(perTest.standIn());
    await expect
      .poll(() => textOf(latestDrawing(perTest.standIn(), parent)), { timeout: 10_000 })
      .toContain('Status:* complete');
  });

  it('keeps the rollout in pre-flight with a clear report in Slack when a check fails', async () => {
    // Compressed as well: the example's notifyInterval would space the Slack posts a second apart.
    const harness = await start((config) => ({
      ...compressed(config),
      preflight: {
        ...config.preflight,
        checksums: [{ path: 'telemetry/schema/meta_v1.json', sha256Prefix: '5b8d4d5dcd6a' }],
      },
    }));
    await harness.command(PEOPLE.releaseManager, 'start');
    const state = await harness.waitForState((candidate) => candidate.checks.preflight.status === 'failed');
    expect(state.checks.backup.status).toBe('pending');
    const thread = await perTest
      .standIn()
      .waitFor(
        (call) => call.method === 'chat.postMessage' && textOf(call).includes('preflight failed'),
        10_000,
      );
    expect(textOf(thread)).toContain('does not start with 5b8d4d5dcd6a');
    expect(textOf(thread)).toContain('run /mec preflight again');
  });

  it('answers rollback --dry-run with the backup checked and the change it would make, changing nothing', async () => {
    // The soak at 5% is held: with the compressed plan it would pass and move on to 25% by itself,
    // writing the ledger and the registry while the dry run is being checked for changing nothing.
    const harness = await start(holdingSoaks);
    await toReady(harness, perTest.standIn());
    await harness.command(PEOPLE.releaseManager, 'ramp 5');
    await harness.waitForState((state) => state.trafficPct === 5 && state.soak?.status === 'running');
    const before = await harness.adapters.ledger.head();
    const flags = await readFile(join(harness.workspace, 'meta/meta_flags.json'), 'utf8');
    const reply = await harness.command(PEOPLE.releaseManager, 'rollback --dry-run');
    expect(String(reply.args.text)).toContain('Dry run, nothing changed');
    expect(String(reply.args.text)).toMatch(/the checksums of artifacts\/mec\/M6\/backups\/.+ hold/);
    expect(String(reply.args.text)).toContain('meta_prod');
    expect(await readFile(join(harness.workspace, 'meta/meta_flags.json'), 'utf8')).toBe(flags);
    expect((await harness.adapters.ledger.head()).seq).toBe(before.seq);
  });
});
