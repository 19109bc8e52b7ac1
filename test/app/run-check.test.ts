import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/app/run-check.js';
import { decide } from '../../src/domain/decide.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { sha256Hex } from '../../src/domain/sha256.js';
import { applyAll, checkDone, minutes, type Step, startEvent, T0 } from '../domain/fixtures.js';
import { useCaseWorld } from '../support/use-case-world.js';

const DIR = 'artifacts/mec/M6/backups/2025-10-21T13-00-36.000Z';
const started = (): RolloutState => decide(null, startEvent(), T0).state as RolloutState;
const backupRunning = (): RolloutState => applyAll(started(), [[checkDone('preflight'), minutes(0.5)]]);
const backedUp: Step = (state) => ({
  type: 'check_finished',
  check: 'backup',
  runId: state.checks.backup.runId ?? '',
  passed: true,
  summary: 'ok',
  ref: DIR,
});
const rehearsalRunning = (): RolloutState => applyAll(backupRunning(), [[backedUp, minutes(0.6)]]);

const run = (state: RolloutState, check: 'preflight' | 'backup' | 'rehearsal') => ({
  check,
  runId: state.checks[check].runId ?? '',
  rolloutId: 'R1',
});

describe('runCheck: pre-flight', () => {
  it('runs each configured command, writes the release record under the run start, and reports a pass', async () => {
    const command = {
      name: 'compliance_validator',
      argv: ['node', 'validate.mjs'],
      timeout: 30_000,
      env: [],
    };
    const world = useCaseWorld({
      settings: { preflight: { commands: [command], checksums: [], contacts: [] } },
    });
    const state = started();
    await world.seed(state);
    world.at(minutes(5));
    expect(await runCheck(world.ctx, run(state, 'preflight'))).toBe('applied');
    expect(world.commands).toEqual([['node', 'validate.mjs']]);
    const record = 'artifacts/mec/M6/releases/M6-2025-10-21T13-00-00.000Z.json';
    expect(JSON.parse(world.files.written.get(record) ?? '{}')).toMatchObject({ phase: 'M6', passed: true });
    const { state: after } = await world.store.load('M6');
    expect(after?.checks.preflight).toMatchObject({
      status: 'passed',
      summary: '1 checks passed',
      ref: record,
    });
    expect(world.effects.effects).toEqual([
      { kind: 'run_check', check: 'backup', runId: after?.checks.backup.runId },
    ]);
  });

  it("records in the ledger the release record's path and the SHA-256 of its bytes as written", async () => {
    const world = useCaseWorld();
    const state = started();
    await world.seed(state);
    await runCheck(world.ctx, run(state, 'preflight'));
    const record = 'artifacts/mec/M6/releases/M6-2025-10-21T13-00-00.000Z.json';
    const [entry] = world.newEntries();
    expect(entry?.body.detail).toMatchObject({
      request: { check: 'preflight', ref: record, sha256: sha256Hex(world.files.written.get(record) ?? '') },
    });
  });

  it('reports each failed check by name and what it said', async () => {
    const command = {
      name: 'compliance_validator',
      argv: ['node', 'validate.mjs'],
      timeout: 30_000,
      env: [],
    };
    const world = useCaseWorld({
      settings: { preflight: { commands: [command], checksums: [], contacts: [] } },
      commandResult: { ok: false, failure: 'exit 3', output: 'schema drift' },
    });
    const state = started();
    await world.seed(state);
    await runCheck(world.ctx, run(state, 'preflight'));
    expect((await world.store.load('M6')).state?.checks.preflight).toMatchObject({
      status: 'failed',
      summary: '1 of 1 checks failed: compliance_validator (exit 3: schema drift)',
    });
    expect(world.reasons()).toEqual(['check_failed']);
  });
});

describe('runCheck: backup and rehearsal', () => {
  it('backs up the configured files and the registry, named by the run start, and passes naming the folder', async () => {
    const world = useCaseWorld();
    const state = backupRunning();
    await world.seed(state);
    world.at(minutes(9));
    await runCheck(world.ctx, run(state, 'backup'));
    expect(world.backups.taken).toEqual([
      {
        phase: 'M6',
        files: [
          'artifacts/mec/M6/determinism_manifest.json',
          'telemetry/schema/meta_v1.json',
          'meta/meta_flags.json',
        ],
        takenAt: new Date(state.checks.backup.startedAt ?? ''),
      },
    ]);
    const dir = `artifacts/mec/M6/backups/${state.checks.backup.startedAt}`;
    expect((await world.store.load('M6')).state?.checks.backup).toMatchObject({
      status: 'passed',
      ref: dir,
      summary: `3 files with their checksums in ${dir}`,
    });
    // The fake store's manifest digest is that of the folder's name: the ledger holds what take gave.
    expect(world.newEntries()[0]?.body.detail).toMatchObject({
      request: { check: 'backup', ref: dir, sha256: sha256Hex(dir) },
    });
  });

  it('rehearses a restore from the backup and passes when its checksums hold', async () => {
    const world = useCaseWorld();
    const state = rehearsalRunning();
    await world.seed(state);
    await runCheck(world.ctx, run(state, 'rehearsal'));
    expect((await world.store.load('M6')).state?.checks.rehearsal).toMatchObject({
      status: 'passed',
      summary: `a restore from ${DIR} would work: the registry already matches the backup`,
      ref: DIR,
    });
    expect(world.registry.writes).toBe(0);
  });

  it('fails the rehearsal when the backup does not hold', async () => {
    const world = useCaseWorld();
    world.backups.verdict = { ok: false, problems: ['meta/meta_flags.json is missing from the backup'] };
    const state = rehearsalRunning();
    await world.seed(state);
    await runCheck(world.ctx, run(state, 'rehearsal'));
    expect((await world.store.load('M6')).state?.checks.rehearsal).toMatchObject({
      status: 'failed',
      summary: 'meta/meta_flags.json is missing from the backup',
    });
  });
});

describe('runCheck: a run that is not the one running', () => {
  it.each([
    ['no rollout', () => null, { check: 'preflight', runId: 'R1.1', rolloutId: 'R1' }],
    ['another rollout', started, { check: 'preflight', runId: 'R1.1', rolloutId: 'R0' }],
    ['an earlier run of the check', started, { check: 'preflight', runId: 'R1.0', rolloutId: 'R1' }],
    ['a check that already passed', backupRunning, { check: 'preflight', runId: 'R1.1', rolloutId: 'R1' }],
  ] as Array<[string, () => RolloutState | null, Parameters<typeof runCheck>[1]]>)(
    'is stale for %s: nothing runs and nothing is recorded',
    async (_what, state, stale) => {
      const world = useCaseWorld();
      const seeded = state();
      if (seeded) await world.seed(seeded);
      expect(await runCheck(world.ctx, stale)).toBe('stale');
      expect(world.commands).toEqual([]);
      expect(world.reasons()).toEqual([]);
    },
  );
});
