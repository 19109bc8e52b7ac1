import type { MecConfig } from '../config/config-schema.js';

/** Someone the page can act as, with the name Slack would show for them. */
export interface SandboxPerson {
  user: string;
  role: string;
  name: string;
}

/** The visitor: someone in the workspace with no role in the config. */
const VISITOR = 'U0VISITOR1';

/**
 * Display names for the example config's people, the visitor and the bot, as a workspace would hold
 * them. A user id of another config, not listed here, shows as itself.
 */
const DISPLAY_NAMES: Record<string, string> = {
  U0AVERYCHEN: 'Avery Chen',
  U0PRIYANAT: 'Priya Natarajan',
  U0SREBACKUP: 'Sam Okafor',
  U0MALIKORT: 'Malik Ortega',
  U0ELENAMOR: 'Elena Moreno',
  U0RELEASEMGR: 'Rene Baptiste',
  [VISITOR]: 'Visitor',
  U0MECBOT: 'mec-bot',
};

/** Everyone with a role in the config (once per role they hold), then the visitor. */
export function sandboxPeople(config: MecConfig): SandboxPerson[] {
  const people = config.roles.flatMap((role) =>
    role.users.map((user) => ({ user, role: role.name, name: DISPLAY_NAMES[user] ?? user })),
  );
  return [...people, { user: VISITOR, role: 'no role', name: DISPLAY_NAMES[VISITOR] ?? VISITOR }];
}

/** The name the page shows for each user id it may meet, the bot's included. */
export function displayNames(people: readonly SandboxPerson[]): Record<string, string> {
  return { U0MECBOT: 'mec-bot', ...Object.fromEntries(people.map((person) => [person.user, person.name])) };
}
