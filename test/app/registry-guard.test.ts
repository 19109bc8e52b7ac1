import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileFlagRegistry } from '../../src/adapters/files/file-flag-registry.js';
import { redisAdapters } from '../../src/adapters/redis/redis-adapters.js';
import {
  checkRegistry,
  guardRegistry,
  REGISTRY_GATE,
  type RegistryDeps,
  writeFlag,
} from '../../src/app/registry-guard.js';
import { transition } from '../../src/app/transition.js';
import { registryMerkleRoot } from '../../src/domain/merkle.js';
import { evaluateRampGates } from '../../src/domain/ramp-gates.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { verifyLedger } from '../../src/domain/verify-ledger.js';
import { POLICY, T0, U_GOV, U_RM } from '../domain/fixtures.js';
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

async function handEdit(workspace: string, weightPct: number): Promise<void> {
  const path = join(workspace, 'meta/meta_flags.json');
  const flags = JSON.parse(await readFile(path, 'utf8'));
  flags.meta_prod.weightPct = weightPct;
  await writeFile(path, JSON.stringify(flags));
}

/** What guardRegistry works with: the Redis store, a publisher that keeps the reasons it was told. */
function guardContext(deps: RegistryDeps, adapters: ReturnType<typeof redisAdapters>) {
  const told: string[] = [];
  const ctx: Parameters<typeof guardRegistry>[0] = {
    ...deps,
    phase: 'M6',
    store: adapters.store,
    outbox: adapters.store,
    crashpoint: async () => undefined,
    effects: { run: async () => undefined },
    publisher: {
      published: async (_phase, result) => void told.push(result.reason),
      postApprovalCard: async () => undefined,
      redraw: async () => undefined,
      postReview: async () => undefined,
    },
    onPublishError: (error) => {
      throw error;
    },
    files: {
      artifactRoot: async () => ({ root: 'x', artifacts: [] }),
      sha256: async () => '',
      readJson: async () => undefined,
      readText: async () => undefined,
      write: async () => undefined,
    },
  };
  return { ctx, told };
}

const start = (adapters: ReturnType<typeof redisAdapters>) =>
  transition({ store: adapters.store, now: () => T0 }, 'M6', {
    type: 'start',
    actor: U_RM,
    rolloutId: 'R1',
    policy: POLICY,
  });

describe('the feature-registry guard', () => {
  it('adopts the root it first finds, recording it in the ledger, then reports the file intact', async () => {
    const { deps, adapters } = await setup();
    expect((await checkRegistry(deps, 'M6')).status).toBe('adopted');
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
    await handEdit(workspace, 100);
    expect(await checkRegistry(deps, 'M6')).toMatchObject({ status: 'tampered' });
    expect(await writeFlag(deps, setProd(25))).toMatchObject({ status: 'tampered' });
    expect(
      JSON.parse(await readFile(join(workspace, 'meta/meta_flags.json'), 'utf8')).meta_prod.weightPct,
    ).toBe(100);
  });

  it('opens the registry_tampered CRITICAL gate, which holds ramps, when the file was edited by hand', async () => {
    const { workspace, deps, adapters } = await setup();
    await writeFlag(deps, setProd(0));
    await transition({ store: adapters.store, now: () => T0 }, 'M6', {
      type: 'start',
      actor: U_RM,
      rolloutId: 'R1',
      policy: POLICY,
    });
    await handEdit(workspace, 60);
    const { ctx, told } = guardContext(deps, adapters);
    expect(await guardRegistry(ctx, 'M6')).toMatchObject({
      status: 'tampered',
    });
    const { state } = await adapters.store.load('M6');
    expect(state?.gates[REGISTRY_GATE]).toMatchObject({ source: 'registry' });
    const gates = evaluateRampGates(
      state as RolloutState,
      { actor: U_RM, weightPct: 5, artifactRoot: 'x' },
      T0,
    );
    expect(gates.find((gate) => gate.gate === 'critical')?.hold?.reason).toBe('critical_gate_open');
    // It is opened through the publishing path: people are told, the message redrawn.
    expect(told).toEqual(['gate_opened']);
  });

  it('holds an override for the edit it was given for: a different hand edit opens the gate again', async () => {
    const { workspace, deps, adapters } = await setup();
    const { ctx, told } = guardContext(deps, adapters);
    await writeFlag(deps, setProd(0));
    await start(adapters);
    await handEdit(workspace, 60);
    expect((await guardRegistry(ctx, 'M6')).status).toBe('tampered');
    await transition({ store: adapters.store, now: () => T0 }, 'M6', {
      type: 'override_gate',
      actor: U_GOV,
      gateId: REGISTRY_GATE,
      reason: 'set by the on-call during the incident, ticket 7',
    });
    expect((await guardRegistry(ctx, 'M6')).status).toBe('overridden');
    expect((await adapters.store.load('M6')).state?.gates).toEqual({});
    await handEdit(workspace, 25);
    expect((await guardRegistry(ctx, 'M6')).status).toBe('tampered');
    const { state } = await adapters.store.load('M6');
    expect(Object.keys(state?.gates ?? {})).toEqual([REGISTRY_GATE]);
    expect(state?.overrides).toEqual({});
    expect(told).toEqual(['gate_opened', 'gate_opened']);
  });

  it('closes the gate once the file is again the one the bot wrote', async () => {
    const { workspace, deps, adapters } = await setup();
    const { ctx, told } = guardContext(deps, adapters);
    await writeFlag(deps, setProd(0));
    await start(adapters);
    await handEdit(workspace, 60);
    await guardRegistry(ctx, 'M6');
    await handEdit(workspace, 0);
    expect((await guardRegistry(ctx, 'M6')).status).toBe('intact');
    expect((await adapters.store.load('M6')).state?.gates).toEqual({});
    expect(told).toEqual(['gate_opened', 'gate_closed']);
  });

  it('recognises a write that crashed before it was confirmed, and records it in the ledger', async () => {
    const { deps, adapters } = await setup();
    const adopted = await checkRegistry(deps, 'M6');
    const next = { meta_prod: { mode: 'ramp', weightPct: 5 } };
    const root = adopted.status === 'adopted' ? adopted.root : null;
    expect(await adapters.rootRecord.begin(root, registryMerkleRoot(next), 'crashed-writer')).toBe(true);
    await deps.registry.write(next, T0);
    // The writer dies here, before confirm(); while its lease lasts, the pending root is a write in progress.
    expect(await checkRegistry(deps, 'M6')).toMatchObject({ status: 'writing' });
    await adapters.rootRecord.release('crashed-writer');
    expect(await checkRegistry(deps, 'M6')).toMatchObject({ status: 'recovered' });
    expect(await checkRegistry(deps, 'M6')).toMatchObject({ status: 'intact' });
    const last = (await adapters.ledger.read()).at(-1);
    expect(last?.body).toMatchObject({
      reason: 'registry_recovered',
      after: { root: registryMerkleRoot(next) },
    });
  });

  it('loses no update when two processes write different flags at once', async () => {
    const { deps, connect, prefix } = await setup();
    const other = redisAdapters(connect(), prefix);
    const deps2: RegistryDeps = { ...deps, rootRecord: other.rootRecord };
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
    expect(results.map((result) => result.status)).toEqual(Array(10).fill('written'));
    const { flags } = await deps.registry.read();
    for (let i = 0; i < 10; i++) expect(flags[`flag_${i}`]).toBe(i);
    expect(await checkRegistry(deps, 'M6')).toMatchObject({ status: 'intact' });
  });

  it('does not take a write that lands while it reads the file for a hand edit', async () => {
    const { deps } = await setup();
    await checkRegistry(deps, 'M6');
    // This reader reads the file before the other writer's write, and the record only after it.
    let interleave: (() => Promise<unknown>) | undefined = () =>
      writeFlag(deps, { phase: 'M6', rolloutId: null, actor: U_RM, key: 'flag_other', value: 1 });
    const slowReader: RegistryDeps = {
      ...deps,
      registry: {
        write: (flags, now) => deps.registry.write(flags, now),
        read: async () => {
          const content = await deps.registry.read();
          const other = interleave;
          interleave = undefined;
          if (other) await other();
          return content;
        },
      },
    };
    expect(await checkRegistry(slowReader, 'M6')).toMatchObject({ status: 'intact' });
  });
});
