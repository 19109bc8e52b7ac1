import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { CheckpointFile } from '../../src/adapters/files/checkpoint-file.js';
import { approvedWorkspace } from '../support/approved-workspace.js';
import { useTestRedis } from '../support/redis.js';

const testRedis = useTestRedis();
const run = promisify(execFile);

async function exportBundle(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['--import', 'tsx', 'src/cli/export.ts', ...args], {
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('npm run export', () => {
  it('writes the header, every checkpoint and every entry exactly as Redis stores it', async () => {
    const { prefix, connect } = testRedis();
    const { workspace, config, ctx } = await approvedWorkspace(connect(), prefix);
    const out = join(await mkdtemp(join(tmpdir(), 'mec-export-')), 'audit.jsonl');
    const result = await exportBundle(
      {
        REDIS_URL: inject('redisUrl'),
        MEC_REDIS_PREFIX: prefix,
        MEC_WORKSPACE: workspace,
        MEC_CONFIG: 'examples/m6/mec.config.yml',
      },
      '--out',
      out,
    );
    const head = await ctx.ledger.head();
    const stored = await collect(ctx.ledger.stream(1, head.seq));
    const notes = await collect(new CheckpointFile(workspace).notes());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Wrote ${out}: ${stored.length} entries, ${notes.length} checkpoints.`);

    const [first = '', ...rest] = (await readFile(out, 'utf8')).split('\n');
    const header = JSON.parse(first);
    expect(header).toMatchObject({
      format: 'mec-audit-bundle/v1',
      phase: 'M6',
      ledger: { origin: config.ledger.origin, verifierKey: config.ledger.publicKey, head },
      registry: { path: config.registry.path },
      artifacts: { files: config.artifacts.files },
    });
    expect(header.approvals.map((approval: { roleId: string }) => approval.roleId).sort()).toEqual(
      [...config.approvals.roles].sort(),
    );
    expect(notes.length).toBeGreaterThan(0);
    expect(rest.slice(0, notes.length).map((line) => JSON.parse(line))).toEqual(
      notes.map((item) => ({ checkpoint: (item as { note: string }).note })),
    );
    expect(rest.slice(notes.length)).toEqual([...stored, '']);
  });

  it('exits 2 with the usage without --out', async () => {
    const result = await exportBundle({ MEC_CONFIG: 'examples/m6/mec.config.yml' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('usage: npm run export -- --out FILE');
  });
});
