import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertName, rulePack, rulePackPath } from '../../../src/adapters/prometheus/rule-pack.js';
import { readConfig } from '../../../src/config/load-settings.js';

const run = promisify(execFile);

async function exampleConfig() {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.config;
}

/** The generated pack in a fresh directory, beside the promtool unit tests. */
async function generated() {
  const dir = await mkdtemp(join(tmpdir(), 'mec-rules-'));
  const config = await exampleConfig();
  await writeFile(join(dir, 'mec-m6.rules.yml'), rulePack(config));
  await copyFile('test/adapters/prometheus/mec-m6.rules.test.yml', join(dir, 'mec-m6.rules.test.yml'));
  return { dir, config };
}

describe('the Prometheus rule pack', () => {
  it('has one rule per configured alarm, with the labels and annotations the webhook and responders use', async () => {
    const config = await exampleConfig();
    const pack = parse(rulePack(config)) as { groups: Array<{ rules: Array<Record<string, unknown>> }> };
    const rules = pack.groups[0]?.rules ?? [];
    expect(rules.map((rule) => rule.alert)).toEqual(config.alarms.map(alertName));
    for (const [index, alarm] of config.alarms.entries()) {
      expect(rules[index]).toMatchObject({
        labels: { severity: alarm.severity, mec_alarm: alarm.name, mec_phase: 'M6' },
        annotations: { summary: expect.any(String), runbook: expect.any(String) },
      });
    }
    expect(rulePackPath('M6')).toBe('observability/rules/mec-m6.rules.yml');
  });

  it('follows the alarm config: a changed threshold changes the rule', async () => {
    const config = await exampleConfig();
    const changed = {
      ...config,
      alarms: config.alarms.map((alarm) =>
        alarm.name === 'determinism_variance' ? { ...alarm, threshold: 0.05 } : alarm,
      ),
    };
    expect(rulePack(changed)).toContain('(mec_determinism_variance{phase="M6"}) > 0.05');
  });

  it('passes promtool check rules', async () => {
    const { dir } = await generated();
    const { stdout } = await run('promtool', ['check', 'rules', join(dir, 'mec-m6.rules.yml')]);
    expect(stdout).toContain('SUCCESS: 3 rules found');
  });

  it('passes promtool test rules: each alarm fires when breached and stays quiet when not', async () => {
    const { dir } = await generated();
    const { stdout } = await run('promtool', ['test', 'rules', join(dir, 'mec-m6.rules.test.yml')], {
      cwd: dir,
    });
    expect(stdout).toContain('SUCCESS');
  });
});
