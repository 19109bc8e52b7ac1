import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MarkdownLedgerMirror, MIRROR_PATH } from '../../src/adapters/files/markdown-ledger-mirror.js';
import type { Command } from '../../src/app/ports/command.js';
import { guardRegistry, REGISTRY_GATE } from '../../src/app/registry-guard.js';
import { apply } from '../../src/app/rollout-context.js';
import { runCommand } from '../../src/app/run-command.js';
import { syncMirror } from '../../src/app/sync-mirror.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  minutes,
  ROOT_A,
  ROOT_B,
  rampEvent,
  readyState,
  smokedState,
  trafficDone,
  U_GOV,
  U_OUT,
  U_RM,
  U_SEC,
  U_SRE,
} from '../domain/fixtures.js';
import { useCaseWorld } from '../support/use-case-world.js';

async function worldAt(state: RolloutState | null) {
  const world = useCaseWorld();
  if (state) await world.seed(state);
  world.at(minutes(40));
  return world;
}

/** The event a command was turned into, as the publisher was told it. */
const lastEvent = (world: Awaited<ReturnType<typeof worldAt>>) => world.publisher.told.at(-1)?.event;

describe('runCommand', () => {
  it('answers help without touching the rollout', async () => {
    const world = await worldAt(readyState());
    expect(await runCommand(world.ctx, { verb: 'help' }, U_OUT)).toEqual({ kind: 'help' });
    expect(world.reasons()).toEqual([]);
  });

  it('answers status with the rollout as stored, without touching it', async () => {
    const world = await worldAt(readyState());
    const stored = await world.store.load('M6');
    expect(await runCommand(world.ctx, { verb: 'status' }, U_OUT)).toEqual({
      kind: 'status',
      rollout: stored,
    });
    expect(world.reasons()).toEqual([]);
  });

  it('starts a rollout under the policy, and looks at the registry again for a hand edit', async () => {
    const world = await worldAt(null);
    await guardRegistry(world.ctx, 'M6');
    world.registry.handEdit({ ...world.registry.flags, meta_shadow_logging: false });
    const outcome = await runCommand(world.ctx, { verb: 'start' }, U_RM);
    expect(outcome).toMatchObject({
      kind: 'transition',
      result: { outcome: 'applied', reason: 'rollout_started' },
    });
    const { state } = await world.store.load('M6');
    expect(state).toMatchObject({ rolloutId: 'R1', startedBy: U_RM, policy: world.ctx.policy });
    expect(Object.keys(state?.gates ?? {})).toEqual([REGISTRY_GATE]);
  });

  it.each([
    [{ verb: 'preflight' }, U_RM, { type: 'run_check', actor: U_RM, check: 'preflight' }],
    [{ verb: 'smoke' }, U_RM, { type: 'run_check', actor: U_RM, check: 'smoke' }],
    [
      { verb: 'pause', reason: 'dashboard first' },
      U_SRE,
      { type: 'pause', actor: U_SRE, reason: 'dashboard first' },
    ],
    [{ verb: 'pause' }, U_SRE, { type: 'pause', actor: U_SRE }],
    [{ verb: 'abort', reason: 'wrong build' }, U_RM, { type: 'abort', actor: U_RM, reason: 'wrong build' }],
    [{ verb: 'rollback', dryRun: false }, U_SRE, { type: 'rollback', actor: U_SRE, reason: '' }],
    [
      { verb: 'ramp', weightPct: 5, dryRun: false },
      U_RM,
      { type: 'ramp', actor: U_RM, weightPct: 5, artifactRoot: ROOT_A },
    ],
  ] as Array<[Command, string, object]>)(
    'turns %j into its event, decided and recorded as asked',
    async (command, actor, event) => {
      const world = await worldAt(readyState());
      const outcome = await runCommand(world.ctx, command, actor);
      expect(outcome.kind).toBe('transition');
      const [entry] = world.newEntries();
      if (!entry) throw new Error('the command recorded nothing');
      const { type, actor: _actor, ...request } = event as { type: string; actor: string };
      expect(world.newEntries()).toHaveLength(1);
      expect(entry.body).toMatchObject({ action: type, actor });
      expect((entry.body.detail as { request: unknown }).request).toEqual(request);
    },
  );

  it("speaks for the go/no-go role the person holds, with a no-go's reason", async () => {
    const world = await worldAt(smokedState());
    await runCommand(world.ctx, { verb: 'go' }, U_SRE);
    expect(lastEvent(world)).toEqual({ type: 'go_no_go', actor: U_SRE, roleId: 'sre_oncall', go: true });
    await runCommand(world.ctx, { verb: 'nogo', reason: 'p99 regressed' }, U_GOV);
    expect(lastEvent(world)).toEqual({
      type: 'go_no_go',
      actor: U_GOV,
      roleId: 'governance_lead',
      go: false,
      reason: 'p99 regressed',
    });
    expect((await world.store.load('M6')).state?.status).toBe('stopped');
  });

  it('ramps on the artifact root as the files are now', async () => {
    const world = await worldAt(readyState());
    world.files.root = ROOT_B;
    const outcome = await runCommand(world.ctx, { verb: 'ramp', weightPct: 5, dryRun: false }, U_RM);
    expect(outcome).toMatchObject({ result: { outcome: 'refused', reason: 'approval_stale_root' } });
  });

  it('shows every gate for a dry run, changing nothing', async () => {
    const world = await worldAt(readyState());
    const outcome = await runCommand(world.ctx, { verb: 'ramp', weightPct: 25, dryRun: true }, U_OUT);
    if (outcome.kind !== 'dry_run') throw new Error(`expected a dry run, got ${outcome.kind}`);
    expect(outcome.results.filter((result) => result.hold).map((result) => result.gate)).toEqual([
      'permission',
      'step',
    ]);
    expect(outcome).toMatchObject({ weightPct: 25, actor: U_OUT, state: readyState() });
    expect(world.reasons()).toEqual([]);
  });

  it('refuses a dry run, and the approval card, when there is no rollout to look at', async () => {
    const world = await worldAt(null);
    expect(await runCommand(world.ctx, { verb: 'ramp', weightPct: 5, dryRun: true }, U_RM)).toMatchObject({
      kind: 'refused',
    });
    expect(await runCommand(world.ctx, { verb: 'approvals' }, U_RM)).toMatchObject({
      kind: 'refused',
      message: expect.stringMatching(/^Start a rollout with `\/mec start` first: /),
    });
    expect(world.publisher.approvalCards).toEqual([]);
  });

  it('posts the approval card of an active rollout for someone holding a role', async () => {
    const world = await worldAt(smokedState());
    expect(await runCommand(world.ctx, { verb: 'approvals' }, U_SEC)).toEqual({ kind: 'card_posted' });
    expect(world.publisher.approvalCards).toEqual(['M6']);
  });

  it('posts neither the approval card nor the review for someone holding no role', async () => {
    const world = await worldAt(smokedState());
    for (const verb of ['approvals', 'review'] as const)
      expect(await runCommand(world.ctx, { verb }, U_OUT)).toMatchObject({
        kind: 'refused',
        message: expect.stringContaining('Only people who hold a role'),
      });
    expect(world.publisher.approvalCards).toEqual([]);
    expect(world.publisher.reviews).toEqual([]);
    expect(world.reasons()).toEqual([]);
  });

  it("says what a rollback would do, with the backup's plan, changing nothing", async () => {
    const state = applyAll(readyState(), [
      [rampEvent(5), minutes(40)],
      [trafficDone(5), minutes(40)],
    ]);
    const world = await worldAt(state);
    const outcome = await runCommand(world.ctx, { verb: 'rollback', dryRun: true }, U_SRE);
    expect(outcome).toEqual({
      kind: 'rollback_dry_run',
      state,
      backup: { ok: false, detail: 'there is no backup yet: the backup step has not run' },
    });
    expect(world.reasons()).toEqual([]);
  });

  it('shows the last ten ledger entries and how many there are', async () => {
    const world = await worldAt(readyState());
    for (let count = 0; count < 11; count += 1)
      await apply(world.ctx, {
        type: 'alarm',
        alarm: 'feature_drift',
        severity: 'WARNING',
        firing: true,
        summary: 'x',
      });
    const outcome = await runCommand(world.ctx, { verb: 'ledger' }, U_OUT);
    if (outcome.kind !== 'ledger') throw new Error(`expected the ledger, got ${outcome.kind}`);
    expect(outcome.total).toBe(12);
    expect(outcome.entries.map((entry) => entry.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(outcome).toMatchObject({ page: 1, pages: 2 });
    const older = await runCommand(world.ctx, { verb: 'ledger', page: 2 }, U_OUT);
    expect(older).toMatchObject({ kind: 'ledger', total: 12, page: 2, pages: 2 });
    if (older.kind !== 'ledger') return;
    expect(older.entries.map((entry) => entry.seq)).toEqual([1, 2]);
    const past = await runCommand(world.ctx, { verb: 'ledger', page: 3 }, U_OUT);
    expect(past).toMatchObject({ kind: 'ledger', entries: [], page: 3, pages: 2 });
  });

  it('tells the newest checkpoint, and whether the mirror is not written, through the head, behind it, or not matching', async () => {
    const world = await worldAt(readyState());
    const workspace = await mkdtemp(join(tmpdir(), 'mec-mirror-'));
    try {
      await mkdir(join(workspace, '01-GOVERNANCE'));
      const checkpoint = { origin: 'mec.test/ledger', size: 1, root: Buffer.alloc(32, 7) };
      const ctx = {
        ...world.ctx,
        mirror: new MarkdownLedgerMirror(workspace),
        checkpoints: { latest: async (seq?: number) => (seq === undefined ? checkpoint : undefined) },
      };
      const ledger = () => runCommand(ctx, { verb: 'ledger' }, U_OUT);
      expect(await ledger()).toMatchObject({ checkpoint, mirror: { path: MIRROR_PATH, status: 'absent' } });
      await syncMirror({ ledger: ctx.ledger, mirror: new MarkdownLedgerMirror(workspace) });
      const { seq } = await ctx.ledger.head();
      expect(await ledger()).toMatchObject({ total: seq, mirror: { status: 'through', seq } });
      await apply(ctx, {
        type: 'alarm',
        alarm: 'feature_drift',
        severity: 'WARNING',
        firing: true,
        summary: 'x',
      });
      expect(await ledger()).toMatchObject({ total: seq + 1, mirror: { status: 'behind', seq } });
      // The mirror's last entry, with a hash the ledger never had.
      const file = join(workspace, MIRROR_PATH);
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.replace(/hash=[0-9a-f]{64} -->\n$/, `hash=${'0'.repeat(64)} -->\n`));
      expect(await ledger()).toMatchObject({ mirror: { status: 'diverged', seq } });
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });

  it('says no checkpoint is signed when none is', async () => {
    const world = await worldAt(readyState());
    expect(await runCommand(world.ctx, { verb: 'ledger' }, U_OUT)).toMatchObject({
      kind: 'ledger',
      checkpoint: undefined,
      mirror: { path: '01-GOVERNANCE/META-GOVERNANCE-LOG.md', status: 'absent' },
    });
  });

  it('verifies the workspace, and posts the weekly review', async () => {
    const world = await worldAt(readyState());
    const verified = await runCommand(world.ctx, { verb: 'verify' }, U_OUT);
    // The in-memory world signs no checkpoints and keeps no mirror, and verify says so.
    expect(verified).toMatchObject({ kind: 'verify', ok: false });
    const failed = verified.kind === 'verify' ? verified.checks.filter((check) => !check.ok) : [];
    expect(failed.map((check) => check.name)).toEqual(['checkpoint signatures', 'ledger mirror']);
    const posted = await runCommand(world.ctx, { verb: 'review' }, U_GOV);
    expect(posted).toMatchObject({ kind: 'review_posted', review: { to: minutes(40).toISOString() } });
    expect(world.publisher.reviews).toHaveLength(1);
  });
});
