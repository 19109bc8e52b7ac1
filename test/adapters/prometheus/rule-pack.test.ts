import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { alertName, rulePack, rulePackPath } from '../../../src/adapters/prometheus/rule-pack.js';
import { readConfig } from '../../../src/config/load-settings.js';

const run = promisify(execFile);

async function exampleConfig() {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.config;
}

/** An input series of a promtool unit test: its selector and its values in promtool's notation. */
type Series = { series: string; values: string };

/**
 * For each alarm of the example config, series that breach it and series that do not, the times to
 * look (still pending inside its `for` window, then firing), and the alert expected then: its labels and
 * annotations written out here, not taken from the rule pack, so a changed label fails.
 */
const CASES: Record<
  string,
  {
    breach: Series[];
    quiet: Series[];
    pendingAt: string;
    firingAt: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  }
> = {
  latency_slo_drop: {
    // Attainment halves at 2m; the 5m window holds it pending until 7m.
    breach: [
      { series: 'mec_latency_slo_attainment_baseline{phase="M6"}', values: '1x20' },
      { series: 'mec_latency_slo_attainment{phase="M6"}', values: '1x2 0.5x18' },
    ],
    quiet: [
      { series: 'mec_latency_slo_attainment_baseline{phase="M6"}', values: '1x20' },
      { series: 'mec_latency_slo_attainment{phase="M6"}', values: '0.98x20' },
    ],
    pendingAt: '6m',
    firingAt: '10m',
    labels: { severity: 'critical', mec_severity: 'BLOCKER', mec_alarm: 'latency_slo_drop', mec_phase: 'M6' },
    annotations: {
      summary: 'Latency SLO attainment dropped more than 3%: 0.5 (threshold > 0.03)',
      runbook:
        'mec-bot pages the incident channel and rolls production back to shadow by itself, then locks ramps until every role approves again. Check /mec status; acknowledge the page.',
      runbook_url: 'https://runbooks.example.com/mec/latency_slo_drop',
    },
  },
  determinism_variance: {
    breach: [{ series: 'mec_determinism_variance{phase="M6"}', values: '0.11x20' }],
    quiet: [{ series: 'mec_determinism_variance{phase="M6"}', values: '0.05x20' }],
    pendingAt: '9m',
    firingAt: '12m',
    labels: {
      severity: 'warning',
      mec_severity: 'CRITICAL',
      mec_alarm: 'determinism_variance',
      mec_phase: 'M6',
    },
    annotations: {
      summary: 'Determinism variance above 0.08: 0.11 (threshold > 0.08)',
      runbook:
        'mec-bot holds the deployment gate: ramps are refused until this resolves, or a permitted role overrides it with a reason.',
      runbook_url: 'https://runbooks.example.com/mec/determinism_variance',
    },
  },
  feature_drift: {
    // One trip at 5m: the hour's increase is above 0 from the next sample on, so it fires 15m later.
    breach: [{ series: 'mec_feature_drift_trips_total{phase="M6"}', values: '0x5 1x40' }],
    quiet: [{ series: 'mec_feature_drift_trips_total{phase="M6"}', values: '0x40' }],
    pendingAt: '15m',
    firingAt: '25m',
    labels: { severity: 'info', mec_severity: 'WARNING', mec_alarm: 'feature_drift', mec_phase: 'M6' },
    annotations: {
      summary: 'The feature drift detector tripped: 1 (threshold > 0)',
      runbook: 'mec-bot records this for the weekly governance review; no action is needed now.',
      runbook_url: 'https://runbooks.example.com/mec/feature_drift',
    },
  },
};

/** promtool's unit tests of the pack: per alarm, quiet while pending and when not breached, firing after. */
function unitTests(cases: typeof CASES) {
  const tests = Object.entries(cases).flatMap(([name, alarm]) => {
    const alertname = alertName({ name });
    return [
      {
        name: `${name} fires after its window when breached`,
        interval: '1m',
        input_series: alarm.breach,
        alert_rule_test: [
          { eval_time: alarm.pendingAt, alertname, exp_alerts: [] },
          {
            eval_time: alarm.firingAt,
            alertname,
            // The input series' own `phase` label stays on the alert.
            exp_alerts: [
              { exp_labels: { ...alarm.labels, phase: 'M6' }, exp_annotations: alarm.annotations },
            ],
          },
        ],
      },
      {
        name: `${name} stays quiet when not breached`,
        interval: '1m',
        input_series: alarm.quiet,
        alert_rule_test: [{ eval_time: '30m', alertname, exp_alerts: [] }],
      },
    ];
  });
  return stringify({ rule_files: ['mec-m6.rules.yml'], evaluation_interval: '1m', tests }, { lineWidth: 0 });
}

/** The pack generated from the example config and the unit tests, in a fresh directory; promtool's result. */
async function promtoolTestRules(cases: typeof CASES) {
  const dir = await mkdtemp(join(tmpdir(), 'mec-rules-'));
  await writeFile(join(dir, 'mec-m6.rules.yml'), rulePack(await exampleConfig()));
  await writeFile(join(dir, 'mec-m6.rules.test.yml'), unitTests(cases));
  return run('promtool', ['test', 'rules', 'mec-m6.rules.test.yml'], { cwd: dir }).then(
    ({ stdout }) => ({ ok: true, output: stdout }),
    (error: { stdout?: string; stderr?: string }) => ({
      ok: false,
      output: `${error.stdout}${error.stderr}`,
    }),
  );
}

describe('the Prometheus rule pack', () => {
  it('has one rule per configured alarm, with the labels and annotations the webhook and responders use', async () => {
    const config = await exampleConfig();
    const pack = parse(rulePack(config)) as { groups: Array<{ rules: Array<Record<string, unknown>> }> };
    const rules = pack.groups[0]?.rules ?? [];
    expect(rules.map((rule) => rule.alert)).toEqual(config.alarms.map(alertName));
    for (const [index, alarm] of config.alarms.entries()) {
      expect(rules[index]).toEqual({
        alert: alertName(alarm),
        expr: expect.any(String),
        for: expect.any(String),
        labels: {
          severity: expect.stringMatching(/^(critical|warning|info)$/),
          mec_severity: alarm.severity,
          mec_alarm: alarm.name,
          mec_phase: 'M6',
        },
        annotations: {
          summary: expect.stringContaining('{{ $value }}'),
          runbook: expect.any(String),
          runbook_url: alarm.runbookUrl,
        },
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
    const dir = await mkdtemp(join(tmpdir(), 'mec-rules-'));
    await writeFile(join(dir, 'mec-m6.rules.yml'), rulePack(await exampleConfig()));
    const { stdout } = await run('promtool', ['check', 'rules', join(dir, 'mec-m6.rules.yml')]);
    expect(stdout).toContain('SUCCESS: 3 rules found');
  });

  it('passes promtool test rules: each alarm fires after its window when breached and stays quiet when not', async () => {
    expect(Object.keys(CASES).sort()).toEqual(
      (await exampleConfig()).alarms.map((alarm) => alarm.name).sort(),
    );
    const result = await promtoolTestRules(CASES);
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  it('fails promtool test rules when one expectation is wrong, so the test above can fail', async () => {
    const broken = {
      ...CASES,
      determinism_variance: {
        ...(CASES.determinism_variance as (typeof CASES)[string]),
        labels: { ...CASES.determinism_variance?.labels, severity: 'critical' },
      },
    };
    const result = await promtoolTestRules(broken);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('MecDeterminismVariance');
  });
});
