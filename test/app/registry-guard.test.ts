import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileFlagRegistry } from '../../src/adapters/files/file-flag-registry.js';
import { redisAdapters } from '../../src/adapters/redis/redis-adapters.js';
import { checkRegistry, type RegistryDeps, writeFlag } from '../../src/app/registry-guard.js';
import { transition } from '../../src/app/transition.js';
import { evaluateRampGates } from '../../src/domain/ramp-gates.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { verifyLedger } from '../../src/domain/verify-ledger.js';
import { POLICY, T0, U_RM } from '../domain/fixtures.js';
import { useTestRedis } from '../support/redis.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const testRedis = useTestRedis();

async function setup() {
  const workspace = await copyExampleWorkspace();
  const { prefix, connect } = testRedis();
  const adapters = redisAdapters(connect(), prefix);
  const deps: RegistryDeps = {
    registry: new FileFlagRegistry(workspace, 'meta/meta_flags.json'),
    rootRecord: adapters.rootRecord,
    ledger: adapters.ledger,
    now: () => T0,
  };
  return { workspace, deps, adapters, connect, prefix };
}

const setProd = (weightPct: number) => ({
  phase: 'M6',
  rolloutId: 'R1',
  actor: U_RM,
  key: 'meta_prod',
  value: { mode: weightPct === 0 ? 'shadow' : 'ramp', weightPct },
});

describe('the feature-registry guard', () => {
  it('adopts the root it first finds, then reports the file intact', async () => {
    const { deps, adapters } = await setup();
    const first = await checkRegistry(deps, 'M6');
    expect(first.status).toBe('adopted');
    expect(await checkRegistry(deps, 'M6')).toMatchObject({ status: 'intact' });
    expect((await adapters.ledger.read()).map((entry) => entry.body.reason)).toEqual(['registry_adopted']);
  });

  it('writes meta_prod, records the values before and after, and keeps the chain intact', async () => {
    const { deps, adapters } = await setup();
    const written = await writeFlag(deps, setProd(5));
    expect(written.status).toBe('written');
    const last = (await adapters.ledger.read()).at(-1);
    expect(last?.body).toMatchObject({
      action: 'registry_write',
      actor: U_RM,
      before: { meta_prod: { mode: 'shadow', weightPct: 0 } },
      after: {
        meta_prod: { mode: 'ramp', weightPct: 5 },
        root: written.status === 'written' ? written.root : '',
      },
    });
    expect(verifyLedger(await adapters.ledger.read()).ok).toBe(true);
  });

  it('detects a hand edit as a root that differs from the last one recorded, and refuses to write over it', async () => {
    const { workspace, deps } = await setup();
    await writeFlag(deps, setProd(5));
    const path = join(workspace, 'meta/meta_flags.json');
    const edited = JSON.parse(await readFile(path, 'utf8'));
    edited.meta_prod.weightPct = 100;
    await writeFile(path, JSON.stringify(edited));
    const check = await checkRegistry(deps, 'M6');
    expect(check).toMatchObject({ status: 'tampered' });
    expect(await writeFlag(deps, setProd(25))).toMatchObject({ status: 'tampered' });
    expect(JSON.parse(await readFile(path, 'utf8')).meta_prod.weightPct).toBe(100);
  });

  it('opens a CRITICAL gate when the registry was edited by hand', async () => {
    const { workspace, deps, adapters } = await setup();
    await writeFlag(deps, setProd(0));
    await writeFile(join(workspace, 'meta/meta_flags.json'), '{"meta_prod":{"mode":"ramp","weightPct":60}}');
    const check = await checkRegistry(deps, 'M6');
    const store = { store: adapters.store, now: () => T0 };
    await transition(store, 'M6', { type: 'start', actor: U_RM, rolloutId: 'R1', policy: POLICY });
    if (check.status !== 'tampered') throw new Error('expected tampering');
    const opened = await transition(store, 'M6', {
      type: 'gate_opened',
      gateId: 'registry_tampered',
      source: 'registry',
      summary: `root ${check.fileRoot.slice(0, 12)}… is not the recorded ${check.recordedRoot.slice(0, 12)}…`,
    });
    expect(opened).toMatchObject({ outcome: 'applied', reason: 'gate_opened' });
    const { state } = await adapters.store.load('M6');
    expect(state?.gates.registry_tampered).toMatchObject({ source: 'registry' });
    expect(
      evaluateRampGates(state as RolloutState, { actor: U_RM, weightPct: 5, artifactRoot: 'x' }, T0),
    ).toContainEqual(
      expect.objectContaining({
        gate: 'critical',
        hold: expect.objectContaining({ reason: 'critical_gate_open' }),
      }),
    );
  });

  it('recognises a write that crashed before it was confirmed, instead of calling it tampering', async () => {
    const { deps, adapters } = await setup();
    const adopted = await checkRegistry(deps, 'M6');
    const next = { meta_prod: { mode: 'ramp', weightPct: 5 } };
    const { registryMerkleRoot } = await import('../../src/domain/merkle.js');
    expect(
      await adapters.rootRecord.begin(
        adopted.status === 'adopted' ? adopted.root : null,
        registryMerkleRoot(next),
      ),
    ).toBe(true);
    await deps.registry.write(next, T0);
    // The process dies here, before confirm().
    expect(await checkRegistry(deps, 'M6')).toMatchObject({ status: 'recovered' });
    expect(await checkRegistry(deps, 'M6')).toMatchObject({ status: 'intact' });
  });

  it('loses no update when two processes write different flags at once', async () => {
    const { deps, connect, prefix } = await setup();
    const other = redisAdapters(connect(), prefix);
    const deps2: RegistryDeps = { ...deps, rootRecord: other.rootRecord, ledger: other.ledger };
    await checkRegistry(deps, 'M6');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        writeFlag(i % 2 ? deps : deps2, {
          phase: 'M6',
          rolloutId: null,
          actor: U_RM,
          key: `flag_${i}`,
          value: i,
        }),
      ),
    );
    expect(results.every((result) => result.status === 'written')).toBe(true);
    const { flags } = await deps.registry.read();
    for (let i = 0; i < 10; i++) expect(flags[`flag_${i}`]).toBe(i);
    expect(await checkRegistry(deps, 'M6')).toMatchObject({ status: 'intact' });
  });
});
