import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, workspacePath } from '../../src/config/config-schema.js';

/** The example config as YAML reads it, before the schema: a fresh copy to change. */
const example = () => parse(readFileSync('examples/m6/mec.config.yml', 'utf8')) as Record<string, unknown>;

const messages = (raw: unknown) => {
  const parsed = configSchema.safeParse(raw);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('configSchema', () => {
  it('reads the example config, with its durations in milliseconds', () => {
    const config = configSchema.parse(example());
    expect(config.smoke.duration).toBe(30 * 60_000);
    expect(config.approvals.ttl).toBe(24 * 3_600_000);
    expect(config.plan.steps[1]).toEqual({ soak: 15 * 60_000 });
    expect(config.alarms.map((alarm) => alarm.window)).toEqual([300_000, 600_000, 900_000]);
    expect(config.preflight.commands[0]?.timeout).toBe(30_000);
  });

  it('fills what the example leaves out: the weekly review on Monday 09:00 UTC, a 5 s query timeout', () => {
    const config = configSchema.parse(example());
    expect(config.review).toEqual({ cron: '0 9 * * 1', timezone: 'UTC' });
    expect(config.metrics.queryTimeout).toBe(5_000);
    expect(config.traffic).toEqual({ controller: 'file', timeout: 5_000 });
  });

  it('refuses a config whose review schedule is not a cron expression', () => {
    expect(messages({ ...example(), review: { cron: 'every monday', timezone: 'UTC' } })).toEqual([
      expect.stringContaining('review.cron: "every monday" in UTC is not a usable cron schedule'),
    ]);
  });

  it('wants each alarm to name its runbook page, as an http(s) URL', () => {
    const alarms = (example() as { alarms: Array<Record<string, unknown>> }).alarms;
    const [first, second, ...rest] = alarms;
    const withoutUrl = { ...first };
    delete withoutUrl.runbookUrl;
    expect(
      messages({ ...example(), alarms: [withoutUrl, { ...second, runbookUrl: 'runbooks/mec.md' }, ...rest] }),
    ).toEqual([
      'alarms.0.runbookUrl: must be an http(s) URL of the runbook page for this alarm',
      'alarms.1.runbookUrl: must be an http(s) URL of the runbook page for this alarm',
    ]);
  });

  it('redraws a running soak’s countdown at most a minute apart, and refuses a longer interval', () => {
    const jobs = (example() as { jobs: Record<string, unknown> }).jobs;
    expect(
      configSchema.parse({ ...example(), jobs: { ...jobs, countdownInterval: '20s' } }).jobs,
    ).toMatchObject({
      countdownInterval: 20_000,
    });
    expect(messages({ ...example(), jobs: { ...jobs, countdownInterval: '2m' } })).toEqual([
      expect.stringContaining('jobs.countdownInterval: must be at most 1m'),
    ]);
  });

  it('refuses a duration it cannot read, saying how to write one', () => {
    expect(messages({ ...example(), smoke: { duration: '30 minutes' } })).toEqual([
      'smoke.duration: "30 minutes" is not a duration; write it like 15m, 30s, 250ms or 1h30m',
    ]);
  });

  it('reads the watch coverage rule, 0.9 of the evaluations with up to half the duration more by default', () => {
    const config = configSchema.parse(example());
    expect(config.metrics).toMatchObject({ minCoverage: 0.9, maxExtension: 0.5 });
    const { metrics } = example() as { metrics: Record<string, unknown> };
    const bare = configSchema.parse({
      ...example(),
      metrics: { ...metrics, minCoverage: undefined, maxExtension: undefined },
    });
    expect(bare.metrics).toMatchObject({ minCoverage: 0.9, maxExtension: 0.5 });
  });

  it.each([
    [
      { minCoverage: 0 },
      'metrics.minCoverage: must be above 0: a watch that needs no evaluation proves nothing; write it like 0.9',
    ],
    [
      { minCoverage: 1.2 },
      'metrics.minCoverage: must be at most 1 (every planned evaluation); write it like 0.9',
    ],
    [{ minCoverage: '90%' }, 'metrics.minCoverage: must be a number above 0 and at most 1, like 0.9'],
    [
      { maxExtension: -0.5 },
      "metrics.maxExtension: must be 0 (never extend) or more; it is a share of the watch's duration, like 0.5",
    ],
    [{ maxExtension: '5m' }, "metrics.maxExtension: must be a share of the watch's duration, like 0.5"],
  ])('refuses the coverage rule %j, saying what to write', (change, message) => {
    const { metrics } = example() as { metrics: Record<string, unknown> };
    expect(messages({ ...example(), metrics: { ...metrics, ...change } })).toEqual([message]);
  });

  it.each(['artifacts/mec/M6/manifest.json', 'meta/meta_flags.json'])(
    'takes %s as a workspace path',
    (path) => {
      expect(workspacePath.safeParse(path).success).toBe(true);
    },
  );

  it.each(['../secrets.json', '/etc/passwd', 'meta//flags.json', 'meta\\flags.json', 'meta/', ''])(
    'refuses %j as a workspace path',
    (path) => {
      expect(workspacePath.safeParse(path).success).toBe(false);
    },
  );
});
