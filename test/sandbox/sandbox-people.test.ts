import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/load-settings.js';
import { displayNames, sandboxPeople } from '../../src/sandbox/sandbox-people.js';

async function exampleConfig() {
  const loaded = await readConfig('examples/m6/mec.demo.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.config;
}

describe("the sandbox's people", () => {
  it('lists everyone of the config with their role and display name, then the visitor', async () => {
    const people = sandboxPeople(await exampleConfig());
    expect(people).toContainEqual({ user: 'U0PRIYANAT', role: 'SRE On-Call', name: 'Priya Natarajan' });
    expect(people).toContainEqual({ user: 'U0SREBACKUP', role: 'SRE On-Call', name: 'Sam Okafor' });
    expect(people.at(-1)).toEqual({ user: 'U0VISITOR1', role: 'no role', name: 'Visitor' });
    expect(people).toHaveLength(7);
  });

  it('shows a user of another config, with no display name known, as their id', async () => {
    const config = await exampleConfig();
    const people = sandboxPeople({
      ...config,
      roles: [{ ...config.roles[0], id: 'lead', name: 'Lead', users: ['U0SOMEONE'] }] as typeof config.roles,
    });
    expect(people[0]).toEqual({ user: 'U0SOMEONE', role: 'Lead', name: 'U0SOMEONE' });
    expect(displayNames(people)).toEqual({
      U0MECBOT: 'mec-bot',
      U0SOMEONE: 'U0SOMEONE',
      U0VISITOR1: 'Visitor',
    });
  });
});
