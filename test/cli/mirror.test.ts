import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { MIRROR_PATH } from '../../src/adapters/files/markdown-ledger-mirror.js';
import { body } from '../app/ports/rollout-store.contract.js';
import { approvedWorkspace } from '../support/approved-workspace.js';
import { useTestRedis } from '../support/redis.js';

const testRedis = useTestRedis();
const run = promisify(execFile);

async function mirror(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['--import', 'tsx', 'src/cli/mirror.ts', ...args], {
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run mirror', () => {
  it('appends to the mirror only the ledger entries it does not hold yet', async () => {
    const { prefix, connect } = testRedis();
    const { workspace, adapters } = await approvedWorkspace(connect(), prefix);
    const appended = await adapters.ledger.append(body('pause', { reason: 'paused' }));
    const env = { REDIS_URL: inject('redisUrl'), MEC_REDIS_PREFIX: prefix, MEC_WORKSPACE: workspace };
    const synced = await mirror(env);
    expect(synced).toMatchObject({ code: 0 });
    expect(synced.stdout).toContain(`Synced ${join(workspace, MIRROR_PATH)}: 1 entries written.`);
    expect(await readFile(join(workspace, MIRROR_PATH), 'utf8')).toContain(
      `<!-- mec-ledger seq=${appended.seq} hash=${appended.hash} -->`,
    );
    expect((await mirror(env)).stdout).toContain(': 0 entries written.');
  });

  it('refuses to sync over a mirror that disagrees with the ledger, and rebuilds it with --rebuild', async () => {
    const { prefix, connect } = testRedis();
    const { workspace, adapters } = await approvedWorkspace(connect(), prefix);
    await writeFile(join(workspace, MIRROR_PATH), '# someone else\n');
    const env = { REDIS_URL: inject('redisUrl'), MEC_REDIS_PREFIX: prefix, MEC_WORKSPACE: workspace };
    const refused = await mirror(env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('does not start as the bot writes it');
    const rebuilt = await mirror(env, '--rebuild');
    expect(rebuilt.code).toBe(0);
    const { seq } = await adapters.ledger.head();
    expect(rebuilt.stdout).toContain(`Rebuilt ${join(workspace, MIRROR_PATH)}: ${seq} entries written.`);
  });
});
