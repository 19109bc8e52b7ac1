import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/adapters/redis/redis-keys.js';
import { verifyWorkspace } from '../../src/app/verify-workspace.js';
import { approvedWorkspace } from '../support/approved-workspace.js';
import { useTestRedis } from '../support/redis.js';

const testRedis = useTestRedis();

async function setup() {
  const { prefix, connect } = testRedis();
  const redis = connect();
  const fixture = await approvedWorkspace(redis, prefix);
  const run = () =>
    verifyWorkspace({
      workspace: fixture.workspace,
      phase: fixture.config.phase,
      artifactFiles: fixture.config.artifacts.files,
      registryPath: fixture.config.registry.path,
      ...fixture.adapters,
    });
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
      'registry root',
      'registry snapshot',
      'artifact root',
      'approval digests',
      'ledger mirror',
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
