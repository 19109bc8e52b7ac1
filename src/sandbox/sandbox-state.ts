import type { MecConfig } from '../config/config-schema.js';
import { displayNames, type SandboxPerson } from './sandbox-people.js';
import type { RecordedCall, StoredMessage } from './slack-api-stand-in.js';

/** What the sandbox knows beyond the stand-in's calls: the people, the closed modals, the firing alarms. */
export interface StateSources {
  config: MecConfig;
  people: readonly SandboxPerson[];
  calls: readonly RecordedCall[];
  messages: Iterable<StoredMessage>;
  closedModals: ReadonlySet<number>;
  firing: Readonly<Record<string, string>>;
}

/** A modal the bot opened for someone; its id is the index of its views.open call. */
export interface OpenModal {
  id: number;
  user: string;
  view: Record<string, unknown>;
}

/** Whose trigger an id of the sandbox's (`trigger.<user>.<n>`, `<user>.<n>`) was. */
const userOf = (id: unknown) =>
  String(id ?? '')
    .replace(/^trigger\./, '')
    .split('.')[0] ?? '';

/** Every modal the bot opened and nobody has closed, oldest first. */
export function openModals(calls: readonly RecordedCall[], closed: ReadonlySet<number>): OpenModal[] {
  return calls.flatMap((call, id) =>
    call.method === 'views.open' && !closed.has(id)
      ? [{ id, user: userOf(call.args.trigger_id), view: (call.args.view ?? {}) as Record<string, unknown> }]
      : [],
  );
}

/**
 * What the page shows: the people and their names, every channel's messages (with author and
 * times), each person's private replies, open modal (the newest, as Slack shows only the top of the
 * stack) and App Home, and the configured alarms with whether the page injected them.
 */
export function pageState(sources: StateSources) {
  const { config, calls } = sources;
  const ephemeral = calls
    .filter((call) => call.method === 'response_url' || call.method === 'chat.postEphemeral')
    .map((call) => ({
      user: call.method === 'response_url' ? userOf(call.args.id) : String(call.args.user),
      text: String(call.args.text ?? ''),
      blocks: call.args.blocks ?? [],
      at: call.at ?? 0,
    }));
  const modals = new Map<string, OpenModal>();
  for (const modal of openModals(calls, sources.closedModals)) modals.set(modal.user, modal);
  const homes = new Map<string, unknown>();
  for (const call of calls)
    if (call.method === 'views.publish') homes.set(String(call.args.user_id), call.args.view);
  return {
    people: sources.people,
    names: displayNames(sources.people),
    channels: { release: config.channels.release, incident: config.channels.incident },
    messages: [...sources.messages],
    ephemeral,
    modals: [...modals.values()],
    homes: [...homes].map(([user, view]) => ({ user, view })),
    alarms: config.alarms.map((alarm) => ({
      name: alarm.name,
      severity: alarm.severity,
      summary: alarm.summary ?? alarm.name,
      firing: alarm.name in sources.firing,
    })),
  };
}
