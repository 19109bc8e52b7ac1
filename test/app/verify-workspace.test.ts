import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/adapters/redis/redis-keys.js';
import { verifyWorkspace } from '../../src/app/verify-workspace.js';
import { approvedWorkspace } from '../support/approved-workspace.js';
import { useTestRedis } from '../support/redis.js';
import { body } from './ports/rollout-store.contract.js';

const testRedis = useTestRedis();

async function setup() {
  const { prefix, connect } = testRedis();
  const redis = connect();
  const fixture = await approvedWorkspace(redis, prefix);
  const run = () => verifyWorkspace(fixture.ctx);
  return { ...fixture, redis, prefix, run };
}

const failures = (result: Awaited<ReturnType<Awaited<ReturnType<typeof setup>>['run']>>) =>
  result.checks.filter((check) => !check.ok);

describe('verifyWorkspace', () => {
  it('passes an untouched workspace, recomputing every root, digest and link', async () => {
    const { run } = await setup();
    const result = await run();
    expect(failures(result)).toEqual([]);
    expect(result.checks.map((check) => check.name)).toEqual([
      'ledger chain',
      'checkpoint signatures',
      'ledger consistency',
      'ledger mirror',
      'approval digests',
      'registry root',
      'registry snapshot',
      'artifact root',
      'registry snapshots',
      'backups',
      'release records',
    ]);
    expect(result.checks.find((check) => check.name === 'approval digests')?.detail).toBe(
      '8 digests recomputed',
    );
  });

  it('catches a hand-edited registry', async () => {
    const { run, workspace } = await setup();
    const path = join(workspace, 'meta/meta_flags.json');
    const flags = JSON.parse(await readFile(path, 'utf8'));
    flags.meta_prod.weightPct = 100;
    await writeFile(path, JSON.stringify(flags));
    const [first] = failures(await run());
    expect(first).toMatchObject({ name: 'registry root', detail: expect.stringContaining('edited by hand') });
  });

  it('catches a changed ledger entry and names it', async () => {
    const { run, redis, prefix } = await setup();
    const key = redisKeys(prefix).ledgerEntries;
    const entry = JSON.parse((await redis.lindex(key, 2)) as string);
    entry.body.actor = 'U0MALLORY';
    await redis.lset(key, 2, JSON.stringify(entry));
    const [first] = failures(await run());
    expect(first).toMatchObject({
      name: 'ledger chain',
      detail: 'entry #3 was changed after it was written (hash_mismatch)',
    });
  });

  it('catches a changed artifact file', async () => {
    const { run, workspace } = await setup();
    await appendFile(join(workspace, 'telemetry/schema/meta_v1.json'), ' ');
    const [first] = failures(await run());
    expect(first).toMatchObject({
      name: 'artifact root',
      detail: expect.stringContaining('a file changed after approval'),
    });
  });

  it('catches an approval whose digest does not match its parts', async () => {
    const { run, redis, prefix } = await setup();
    const key = redisKeys(prefix).rollout('M6');
    const state = JSON.parse((await redis.hget(key, 'state')) as string);
    state.approvals.security_officer.signedAt = '2025-10-21T03:14:59Z';
    await redis.hset(key, 'state', JSON.stringify(state));
    const [first] = failures(await run());
    expect(first).toMatchObject({
      name: 'approval digests',
      detail: expect.stringContaining('security_officer'),
    });
  });

  it('catches a mirror that no longer matches the ledger', async () => {
    const { run, workspace } = await setup();
    const path = join(workspace, '01-GOVERNANCE/META-GOVERNANCE-LOG.md');
    await writeFile(
      path,
      (await readFile(path, 'utf8')).replace(/hash=[0-9a-f]{64}/, `hash=${'0'.repeat(64)}`),
    );
    const [first] = failures(await run());
    expect(first).toMatchObject({ name: 'ledger mirror', detail: expect.stringContaining('entry #1') });
  });
});

describe('verifyWorkspace after crashes and quick writes', () => {
  it('passes while the bot commits and checkpoints between its reading the head and the files', async () => {
    const { ctx, adapters } = await setup();
    const ledger = {
      ...ctx.ledger,
      read: ctx.ledger.read.bind(ctx.ledger),
      stream: ctx.ledger.stream.bind(ctx.ledger),
      pages: ctx.ledger.pages.bind(ctx.ledger),
      head: async () => {
        const head = await ctx.ledger.head();
        // Right after verify read the head: a commit, mirrored and checkpointed.
        await adapters.ledger.append(body('pause', { actor: 'U_RM' }));
        await ctx.anchor?.anchor();
        return head;
      },
    };
    const result = await verifyWorkspace({ ...ctx, ledger });
    expect(failures(result)).toEqual([]);
    expect((await adapters.ledger.head()).seq).toBe(result.audit.entries + 1);
  });

  it('passes after a registry write that crashed before it was confirmed and was then recovered', async () => {
    const { run, adapters, workspace } = await setup();
    const { FileFlagRegistry } = await import('../../src/adapters/files/file-flag-registry.js');
    const { checkRegistry } = await import('../../src/app/registry-guard.js');
    const { registryMerkleRoot } = await import('../../src/domain/merkle.js');
    const registry = new FileFlagRegistry(workspace, 'meta/meta_flags.json');
    const { flags, root } = await registry.read();
    const next = { ...flags, meta_prod: { mode: 'ramp', weightPct: 5 } };
    await adapters.rootRecord.begin(root, registryMerkleRoot(next), 'crashed');
    await registry.write(next, new Date());
    await adapters.rootRecord.release('crashed');
    await checkRegistry({ registry, rootRecord: adapters.rootRecord, now: () => new Date() }, 'M6');
    expect(failures(await run())).toEqual([]);
  });

  it('passes after several registry writes within the same second', async () => {
    const { run, adapters, workspace } = await setup();
    const { FileFlagRegistry } = await import('../../src/adapters/files/file-flag-registry.js');
    const { writeFlag } = await import('../../src/app/registry-guard.js');
    const at = new Date('2025-10-21T20:18:05.000Z');
    const deps = {
      registry: new FileFlagRegistry(workspace, 'meta/meta_flags.json'),
      rootRecord: adapters.rootRecord,
      now: () => at,
    };
    for (let weightPct = 1; weightPct <= 8; weightPct++) {
      await writeFlag(deps, {
        phase: 'M6',
        rolloutId: 'R1',
        actor: 'mec-bot',
        key: 'meta_prod',
        value: { mode: 'ramp', weightPct },
      });
    }
    expect(failures(await run())).toEqual([]);
  });

  it('catches entries cut from the end of the ledger', async () => {
    const { run, redis, prefix } = await setup();
    await redis.rpop(redisKeys(prefix).ledgerEntries);
    const [first] = failures(await run());
    expect(first).toMatchObject({
      name: 'ledger chain',
      detail: expect.stringContaining('entries are missing from the end'),
    });
  });
});
