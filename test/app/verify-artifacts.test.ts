import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileBackupStore } from '../../src/adapters/files/backup-store.js';
import { FileFlagRegistry } from '../../src/adapters/files/file-flag-registry.js';
import { FileReleaseFiles } from '../../src/adapters/files/file-release-files.js';
import type { VerifyCheck } from '../../src/app/ports/rollout-actions.js';
import { runCheck } from '../../src/app/run-check.js';
import { ArtifactFacts, verifyArtifacts } from '../../src/app/verify-artifacts.js';
import { watchTick } from '../../src/app/watch-tick.js';
import { NO_COUNTS } from '../../src/domain/alarm-watch.js';
import { decide } from '../../src/domain/decide.js';
import type { LedgerEntry } from '../../src/domain/ledger-entry.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { sha256Hex } from '../../src/domain/sha256.js';
import { minutes, startEvent, T0 } from '../domain/fixtures.js';
import { SHADOW, useCaseWorld } from '../support/use-case-world.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const REGISTRY = 'meta/meta_flags.json';
const SMOKE_REPORT = 'reports/run_M6_smoke.json';
const RECORD = 'artifacts/mec/M6/releases/M6-2025-10-21T13-00-00.000Z.json';

/**
 * A copy of the example workspace with real artifacts made by the real code paths: two registry
 * writes (two snapshots), then pre-flight (its release record), the backup, the rehearsal and the
 * smoke (its report), each reported through the transition into an in-memory ledger.
 */
async function producedWorkspace() {
  const workspace = await copyExampleWorkspace();
  const registry = new FileFlagRegistry(workspace, REGISTRY);
  const older = await registry.write({ meta_prod: SHADOW, meta_shadow_logging: false }, minutes(-2));
  const newer = await registry.write({ meta_prod: SHADOW, meta_shadow_logging: true }, minutes(-1));
  const world = useCaseWorld({
    settings: {
      preflight: {
        commands: [
          { name: 'compliance_validator', argv: ['node', 'validate.mjs'], timeout: 30_000, env: [] },
        ],
        checksums: [],
        contacts: [],
      },
    },
  });
  const deps = {
    registry,
    backups: new FileBackupStore(workspace, REGISTRY),
    files: new FileReleaseFiles(workspace, []),
  };
  Object.assign(world.ctx, deps);
  await world.seed(decide(null, startEvent(), T0).state as RolloutState);
  const state = async () => (await world.store.load('M6')).state as RolloutState;
  for (const [check, at] of [
    ['preflight', 1],
    ['backup', 2],
    ['rehearsal', 3],
  ] as const) {
    world.at(minutes(at));
    const runId = (await state()).checks[check].runId ?? '';
    expect(await runCheck(world.ctx, { check, runId, rolloutId: 'R1' })).toBe('applied');
  }
  const smoke = (await state()).checks.smoke;
  world.at(new Date(Date.parse(smoke.endsAt ?? '') + 1_000));
  const counters = { ...NO_COUNTS, evaluations: 59 };
  const tick = { kind: 'smoke' as const, rolloutId: 'R1', watchId: smoke.runId ?? '', tick: 0, counters };
  expect((await watchTick(world.ctx, { ...tick, samples: [] })).outcome).toBe('applied');
  const after = await state();
  expect(after.checks.smoke.status).toBe('passed');
  const facts = () => {
    const observed = new ArtifactFacts();
    for (const entry of world.ledger.entries) observed.observe(entry);
    return observed;
  };
  const backup = after.checks.backup.ref ?? '';
  return { workspace, deps, facts, snapshots: [older.snapshot, newer.snapshot], backup };
}

type Produced = Awaited<ReturnType<typeof producedWorkspace>>;

const verify = async ({ deps, facts }: Produced) => verifyArtifacts(deps, facts());
const failing = (checks: VerifyCheck[]) => checks.filter((check) => !check.ok).map((check) => check.name);
const detailOf = (checks: VerifyCheck[], name: VerifyCheck['name']) =>
  checks.find((check) => check.name === name)?.detail;

async function editJson(path: string, change: (content: Record<string, unknown>) => void) {
  const content = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  change(content);
  await writeFile(path, `${JSON.stringify(content, null, 2)}\n`);
}

describe('verifyArtifacts on an untouched workspace', () => {
  it('passes all three checks, in order, counting what each checked', async () => {
    const checks = await verify(await producedWorkspace());
    expect(checks).toEqual([
      {
        name: 'registry snapshots',
        ok: true,
        detail: '2 snapshots, each holding the root in its name; the 0 the ledger recorded are all there',
      },
      { name: 'backups', ok: true, detail: '1 backups match their manifests, 1 manifests match the ledger' },
      { name: 'release records', ok: true, detail: '2 recorded files match the ledger' },
    ]);
  });
});

describe('verifyArtifacts catches each tamper by its check', () => {
  it('names an old snapshot whose flags were edited, though the newest one is whole', async () => {
    const produced = await producedWorkspace();
    const [old] = produced.snapshots;
    await editJson(join(produced.workspace, old ?? ''), (content) => {
      content.flags = { meta_prod: { mode: 'enabled', weightPct: 100 } };
    });
    const checks = await verify(produced);
    expect(failing(checks)).toEqual(['registry snapshots']);
    expect(detailOf(checks, 'registry snapshots')).toMatch(
      new RegExp(`^${old} holds flags whose root is [0-9a-f]{64}, not the root in its name$`),
    );
  });

  it('names a backed-up file edited after the backup', async () => {
    const produced = await producedWorkspace();
    await writeFile(join(produced.workspace, produced.backup, REGISTRY), '{"meta_prod":"tampered"}\n');
    const checks = await verify(produced);
    expect(failing(checks)).toEqual(['backups']);
    expect(detailOf(checks, 'backups')).toBe(`${produced.backup}: ${REGISTRY} does not match its checksum`);
  });

  it('names a manifest rewritten to agree with an edited file, by the digest the ledger holds', async () => {
    const produced = await producedWorkspace();
    const edited = '{"meta_prod":"tampered"}\n';
    await writeFile(join(produced.workspace, produced.backup, REGISTRY), edited);
    await editJson(join(produced.workspace, produced.backup, 'manifest.json'), (manifest) => {
      for (const file of manifest.files as Array<{ path: string; sha256: string; bytes: number }>) {
        if (file.path === REGISTRY) Object.assign(file, { sha256: sha256Hex(edited), bytes: edited.length });
      }
    });
    const checks = await verify(produced);
    expect(failing(checks)).toEqual(['backups']);
    expect(detailOf(checks, 'backups')).toMatch(
      new RegExp(`^${produced.backup}/manifest.json is not the manifest ledger entry #\\d+ recorded$`),
    );
  });

  it('names a recorded backup that is gone', async () => {
    const produced = await producedWorkspace();
    await rm(join(produced.workspace, produced.backup), { recursive: true });
    const checks = await verify(produced);
    expect(failing(checks)).toEqual(['backups']);
    expect(detailOf(checks, 'backups')).toMatch(
      new RegExp(`^${produced.backup}, recorded in ledger entry #\\d+, is gone$`),
    );
  });

  it.each([
    ['a release record', RECORD],
    ['the smoke report', SMOKE_REPORT],
  ])('names %s edited after the ledger recorded it', async (_what, path) => {
    const produced = await producedWorkspace();
    await editJson(join(produced.workspace, path), (content) => {
      content.passed = !content.passed;
    });
    const checks = await verify(produced);
    expect(failing(checks)).toEqual(['release records']);
    expect(detailOf(checks, 'release records')).toMatch(
      new RegExp(`^${path} does not match the sha256 ledger entry #\\d+ recorded for it$`),
    );
  });

  it('names a recorded release record that was deleted', async () => {
    const produced = await producedWorkspace();
    await rm(join(produced.workspace, RECORD));
    const checks = await verify(produced);
    expect(failing(checks)).toEqual(['release records']);
    expect(detailOf(checks, 'release records')).toMatch(
      new RegExp(`^${RECORD}, recorded in ledger entry #\\d+, is missing$`),
    );
  });
});

describe('ArtifactFacts', () => {
  const entry = (seq: number, action: string, request: Record<string, unknown>): LedgerEntry =>
    ({ seq, prevHash: '', hash: '', body: { action, detail: { request } } }) as unknown as LedgerEntry;
  const A = 'a'.repeat(64);
  const B = 'b'.repeat(64);

  it('keeps only the last digest recorded for each path, with the entry that recorded it', () => {
    const facts = new ArtifactFacts();
    for (let seq = 1; seq <= 100; seq++) {
      facts.observe(entry(seq, 'watch_tick', { finished: { ref: SMOKE_REPORT, sha256: seq < 100 ? A : B } }));
    }
    expect(facts.recorded('file')).toEqual([[SMOKE_REPORT, { kind: 'file', sha256: B, seq: 100 }]]);
  });

  it('takes a backup by its directory, and ignores entries that name no digest', () => {
    const facts = new ArtifactFacts();
    facts.observe(
      entry(1, 'check_finished', { check: 'backup', ref: 'artifacts/mec/M6/backups/x', sha256: A }),
    );
    facts.observe(entry(2, 'check_finished', { check: 'rehearsal', ref: 'artifacts/mec/M6/backups/x' }));
    facts.observe(entry(3, 'ramp', { ref: RECORD, sha256: A }));
    expect(facts.recorded('backup')).toEqual([
      ['artifacts/mec/M6/backups/x', { kind: 'backup', sha256: A, seq: 1 }],
    ]);
    expect(facts.recorded('file')).toEqual([]);
  });
});
