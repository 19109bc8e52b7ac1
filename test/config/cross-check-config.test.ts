import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/config-schema.js';
import { crossCheckConfig } from '../../src/config/cross-check-config.js';

/** The example config as YAML reads it, before the schema: a fresh copy to change. */
const example = () => parse(readFileSync('examples/m6/mec.config.yml', 'utf8')) as Record<string, unknown>;

const messages = (raw: unknown) => {
  const parsed = configSchema.safeParse(raw);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('crossCheckConfig', () => {
  it('finds nothing wrong with the example config', () => {
    expect(crossCheckConfig(example())).toEqual([]);
  });

  it('lists every problem across fields at once, even in a document that fails its own validation', () => {
    const raw = {
      ...example(),
      roles: [
        { id: 'release_manager', name: 'RM', users: ['U0RM'] },
        { id: 'release_manager', name: 'RM again', users: ['U0RM2'] },
      ],
      approvals: { roles: ['release_manager', 'janitor'], ttl: 'soon' },
      goNoGo: { roles: ['gardener'] },
      permissions: { ramp: ['release_manager'], override: ['nobody'] },
      plan: { steps: [{ soak: '1m' }, { ramp: 50 }, { ramp: 25 }] },
      preflight: { contacts: ['release_manager', 'ghost'] },
      metrics: { source: 'prometheus' },
      traffic: { controller: 'http' },
      alarms: [{ name: 'latency_slo_drop' }, { name: 'latency_slo_drop' }],
    };
    expect(crossCheckConfig(raw).map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([
      'roles.1.id: "release_manager" is listed twice',
      'approvals.roles.1: "janitor" is not one of the roles (release_manager)',
      'goNoGo.roles.0: "gardener" is not one of the roles (release_manager)',
      'permissions.override.0: "nobody" is not one of the roles (release_manager)',
      'plan.steps.0: a soak must follow a ramp',
      'plan.steps.2.ramp: must be above the ramp before it (50%)',
      'plan.steps: the last ramp must reach 100%, not 25%',
      'preflight.contacts.1: "ghost" is not one of the roles (release_manager)',
      'metrics.prometheusUrl: is required when metrics.source is prometheus',
      'traffic.url: is required when traffic.controller is http',
      'alarms.1.name: "latency_slo_drop" is listed twice',
    ]);
    expect(messages(raw).length).toBeGreaterThan(0);
  });

  it.each([null, [], 'phase: M6', 42])('reads %j without throwing', (raw) => {
    expect(crossCheckConfig(raw)).toEqual([]);
  });
});
