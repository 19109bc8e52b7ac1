import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/load-settings.js';
import { toPolicy } from '../../src/config/to-policy.js';

const EXAMPLE = 'examples/m6/mec.config.yml';

async function configFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mec-config-'));
  const path = join(dir, 'mec.config.yml');
  await writeFile(path, text);
  return path;
}

/** The example config with some lines replaced, to make one file with several mistakes. */
async function exampleWith(replacements: Array<[string, string]>): Promise<string> {
  let text = await readFile(EXAMPLE, 'utf8');
  for (const [from, to] of replacements) {
    expect(text, `example config should contain ${from}`).toContain(from);
    text = text.replace(from, to);
  }
  return configFile(text);
}

describe('loadSettings', () => {
  it('loads the example config, which reproduces the seed M6 plan', async () => {
    const result = await loadSettings({ MEC_CONFIG: EXAMPLE });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const policy = toPolicy(result.settings.config);
    expect(policy.phase).toBe('M6');
    expect(policy.steps).toEqual([
      { kind: 'ramp', weightPct: 5 },
      { kind: 'soak', soakMs: 900_000 },
      { kind: 'ramp', weightPct: 25 },
      { kind: 'soak', soakMs: 900_000 },
      { kind: 'ramp', weightPct: 60 },
      { kind: 'soak', soakMs: 900_000 },
      { kind: 'ramp', weightPct: 100 },
      { kind: 'soak', soakMs: 900_000 },
    ]);
    expect(policy.smokeMs).toBe(1_800_000);
    expect(policy.approverRoleIds).toEqual([
      'governance_lead',
      'sre_oncall',
      'security_officer',
      'product_owner',
    ]);
    expect(
      result.settings.config.alarms.map(({ name, severity, threshold }) => [name, severity, threshold]),
    ).toEqual([
      ['latency_slo_drop', 'BLOCKER', 0.03],
      ['determinism_variance', 'CRITICAL', 0.08],
      ['feature_drift', 'WARNING', 0],
    ]);
    expect(result.settings.env).toMatchObject({ PORT: 3000, MEC_ROLE: 'all' });
  });

  it('defaults to the seconds-long demo config for the sandbox, and to the example with Slack credentials', async () => {
    const sandbox = await loadSettings({});
    expect(sandbox.ok && sandbox.settings.configPath).toMatch(/examples\/m6\/mec\.demo\.yml$/);
    expect(sandbox.ok && sandbox.settings.config.smoke.duration).toBe(20_000);
    const slack = await loadSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123456' });
    expect(slack.ok && slack.settings.configPath).toMatch(/examples\/m6\/mec\.config\.yml$/);
  });

  it('gives each pre-flight command the variables its config names, and none by default', async () => {
    const plain = await loadSettings({ MEC_CONFIG: await exampleWith([]) });
    expect(plain.ok && plain.settings.config.preflight.commands[0]?.env).toEqual([]);
    const named = await loadSettings({
      MEC_CONFIG: await exampleWith([
        ['      timeout: 30s\n', '      timeout: 30s\n      env: [CI_TOKEN, LANG]\n'],
      ]),
    });
    expect(named.ok && named.settings.config.preflight.commands[0]?.env).toEqual(['CI_TOKEN', 'LANG']);
  });

  it('lists every problem in a bad config, each with its path', async () => {
    const path = await exampleWith([
      ['    - ramp: 25\n', '    - ramp: 2\n'],
      ['  ttl: 24h', '  ttl: one day'],
      ['    users: [U0MALIKORT]', '    users: [malik]'],
      ['  override: [governance_lead]', '  override: [janitor]'],
      ['    severity: CRITICAL', '    severity: SEVERE'],
      ['  incident: C0INCIDENT1', '  incident: "#incidents"'],
    ]);
    const result = await loadSettings({ MEC_CONFIG: path });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    const expected = [
      'plan.steps[2].ramp: must be above the ramp before it (5%)',
      'approvals.ttl: "one day" is not a duration',
      'roles[2].users[0]: must be a Slack user id',
      'permissions.override[0]: "janitor" is not one of the roles',
      'alarms[1].severity:',
      'channels.incident: must be a Slack channel id',
    ];
    for (const fragment of expected) {
      expect(
        problems.some((problem) => problem.includes(fragment)),
        `${fragment}\n in\n${problems.join('\n')}`,
      ).toBe(true);
    }
    expect(problems.every((problem) => problem.startsWith(`MEC_CONFIG ${path} `))).toBe(true);
  });

  it.each([
    [
      'a plan that stops short of 100%',
      [['    - ramp: 100\n', '    - ramp: 90\n']],
      'plan.steps: the last ramp must reach 100%, not 90%',
    ],
    [
      'a soak before any ramp',
      [['    - ramp: 5\n    - soak: 15m\n', '    - soak: 15m\n    - ramp: 5\n']],
      'plan.steps[0]: a soak must follow a ramp',
    ],
    [
      'an unknown key (a typo)',
      [['smoke:\n  duration: 30m', 'smoke:\n  durration: 30m']],
      'smoke: Unrecognized key: "durration"',
    ],
    [
      'a path that climbs out of the workspace',
      [['    - telemetry/schema/meta_v1.json', '    - ../secrets.json']],
      'artifacts.files[1]: must be a relative POSIX path',
    ],
    ['an unsafe phase', [['phase: M6', 'phase: ../M6']], 'phase: must be like M6'],
    [
      'a pre-flight env entry that is not a variable name',
      [['      timeout: 30s\n', '      timeout: 30s\n      env: [ci-token]\n']],
      'preflight.commands[0].env[0]: must be a variable name',
    ],
    [
      'a pre-flight env entry that would hand a command the bot token',
      [['      timeout: 30s\n', '      timeout: 30s\n      env: [SLACK_BOT_TOKEN]\n']],
      "preflight.commands[0].env[0]: holds one of the bot's own secrets",
    ],
    [
      'a pre-flight env entry that would hand a command the PagerDuty routing key',
      [['      timeout: 30s\n', '      timeout: 30s\n      env: [MEC_PAGERDUTY_ROUTING_KEY]\n']],
      "preflight.commands[0].env[0]: holds one of the bot's own secrets",
    ],
    [
      'a pre-flight env entry that would hand a command the Redis URL',
      [['      timeout: 30s\n', '      timeout: 30s\n      env: [REDIS_URL]\n']],
      "preflight.commands[0].env[0]: holds one of the bot's own secrets",
    ],
    [
      'a role listed twice',
      [['  - id: release_manager', '  - id: governance_lead']],
      'roles[4].id: "governance_lead" is listed twice',
    ],
  ] as Array<[string, Array<[string, string]>, string]>)(
    'rejects %s',
    async (_what, replacements, fragment) => {
      const result = await loadSettings({ MEC_CONFIG: await exampleWith(replacements) });
      expect(result.ok ? [] : result.problems.join('\n')).toContain(fragment);
    },
  );

  it('refuses a Prometheus URL with credentials in it, so they never reach a report', async () => {
    const path = await exampleWith([
      [
        '  source: sample\n',
        '  source: prometheus\n  prometheusUrl: https://ops:hunter2@prom.internal:9090\n',
      ],
    ]);
    const result = await loadSettings({ MEC_CONFIG: path });
    if (result.ok) throw new Error('expected the config to be refused');
    expect(result.problems.join('\n')).toContain('metrics.prometheusUrl: must not carry a user or password');
    expect(result.problems.join('\n')).not.toContain('hunter2');
  });

  it('reports YAML syntax errors with where they are', async () => {
    const result = await loadSettings({ MEC_CONFIG: await configFile('phase: M6\nroles: [unclosed\n') });
    expect(result.ok ? '' : result.problems.join('\n')).toMatch(/YAML .*line 3/);
  });

  it('reports a missing config file and says which variable to set', async () => {
    const result = await loadSettings({ MEC_CONFIG: '/nonexistent/mec.yml' });
    expect(result.ok ? '' : result.problems.join('\n')).toContain(
      'cannot be read (ENOENT); point MEC_CONFIG at the YAML config',
    );
  });

  it('reports environment and config problems together', async () => {
    const path = await exampleWith([['  ttl: 24h', '  ttl: soon']]);
    const result = await loadSettings({
      MEC_CONFIG: path,
      PORT: 'eighty',
      MEC_ROLE: 'both',
      SLACK_BOT_TOKEN: 'xoxb-123',
      REDIS_URL: 'http://localhost:6379',
      MEC_ALERT_TOKEN: 'short',
    });
    const text = result.ok ? '' : result.problems.join('\n');
    for (const fragment of [
      'env PORT:',
      'env MEC_ROLE:',
      'env SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN',
      'env REDIS_URL: must be a redis://, rediss://, redis+sentinel://',
      'env MEC_ALERT_TOKEN: must be at least 16 characters',
      'approvals.ttl: "soon" is not a duration',
    ]) {
      expect(text).toContain(fragment);
    }
  });

  it('treats empty environment variables as unset', async () => {
    const result = await loadSettings({
      PORT: '',
      SLACK_BOT_TOKEN: '',
      SLACK_SIGNING_SECRET: '',
      MEC_ROLE: '',
      REDIS_URL: '',
    });
    expect(result.ok && result.settings.env).toMatchObject({ PORT: 3000, MEC_ROLE: 'all' });
    expect(result.ok && result.settings.env.SLACK_BOT_TOKEN).toBeUndefined();
  });

  it('lists the missing Slack credentials beside every other problem when the built bot is started without them', async () => {
    const result = await loadSettings(
      { MEC_CONFIG: '/nonexistent.yml', PORT: '3001' },
      process.cwd(),
      'built',
    );
    const text = result.ok ? '' : result.problems.join('\n');
    expect(text).toContain('env SLACK_BOT_TOKEN: no Slack credentials');
    expect(text).toContain('MEC_CONFIG /nonexistent.yml: cannot be read');
    expect(text).toContain('env MEC_ADMIN_PORT: must differ from PORT');
  });

  it('marks the sandbox only for the bot itself, never for the command-line tools', async () => {
    const bot = await loadSettings({ MEC_CONFIG: EXAMPLE }, process.cwd(), 'source');
    expect(bot.ok && bot.settings.sandbox).toBe(true);
    const cli = await loadSettings({ MEC_CONFIG: EXAMPLE });
    expect(cli.ok && cli.settings.sandbox).toBe(false);
  });
});
