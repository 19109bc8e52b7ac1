import { execFile } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { approvedWorkspace } from '../support/approved-workspace.js';
import { useTestRedis } from '../support/redis.js';

const testRedis = useTestRedis();
const run = promisify(execFile);

async function verify(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run('node', ['--import', 'tsx', 'src/cli/verify.ts'], {
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run verify', () => {
  it('exits 0 on an intact workspace, and 1 naming the first mismatch once an artifact changes', async () => {
    const { prefix, connect } = testRedis();
    const { workspace } = await approvedWorkspace(connect(), prefix);
    const env = {
      REDIS_URL: inject('redisUrl'),
      MEC_REDIS_PREFIX: prefix,
      MEC_WORKSPACE: workspace,
      MEC_CONFIG: 'examples/m6/mec.config.yml',
    };
    const intact = await verify(env);
    expect(intact.stdout).toContain('M6 verified');
    expect(intact.code).toBe(0);
    await appendFile(join(workspace, 'artifacts/mec/M6/determinism_manifest.json'), '\n');
    const tampered = await verify(env);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('verify failed at artifact root');
  });

  it('exits 2 and lists the problems when the config is bad', async () => {
    const result = await verify({ REDIS_URL: inject('redisUrl'), PORT: 'x', MEC_CONFIG: 'nope.yml' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('env PORT');
    expect(result.stderr).toContain('MEC_CONFIG');
  });

  it('asks for REDIS_URL when it is not set', async () => {
    const result = await verify({});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Set REDIS_URL');
  });
});
