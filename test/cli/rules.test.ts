import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { rulePack, rulePackPath } from '../../src/adapters/prometheus/rule-pack.js';
import { readConfig } from '../../src/config/load-settings.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const run = promisify(execFile);

async function rules(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run('node', ['--import', 'tsx', 'src/cli/rules.ts'], {
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run rules', () => {
  it('writes the rule pack of the configured phase into the workspace, generated from its alarms', async () => {
    const workspace = await copyExampleWorkspace();
    const result = await rules({ MEC_CONFIG: 'examples/m6/mec.config.yml', MEC_WORKSPACE: workspace });
    expect(result).toMatchObject({ code: 0 });
    const path = join(workspace, rulePackPath('M6'));
    expect(result.stdout).toContain(`Wrote 3 rules to ${path}`);
    const loaded = await readConfig('examples/m6/mec.config.yml');
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    expect(await readFile(path, 'utf8')).toBe(rulePack(loaded.config));
  });

  it('exits 2 listing the problems when the config is bad, writing nothing', async () => {
    const result = await rules({ MEC_CONFIG: 'nope.yml', MEC_WORKSPACE: await copyExampleWorkspace() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Configuration problems');
    expect(result.stderr).toContain('MEC_CONFIG');
  });
});
