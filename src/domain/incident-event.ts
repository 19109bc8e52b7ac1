import type { NewIncident } from './incident.js';
import type { RolloutPolicy } from './policy.js';

/**
 * Something that happens to an incident. A person's event carries the Slack user id (from Slack's
 * signed request) and the policy the permission is checked against; the others report the bot's work.
 */
export type IncidentEvent =
  /** A BLOCKER or CRITICAL alarm the bot has just applied is paged. */
  | { type: 'open_incident'; incident: NewIncident }
  /**
   * More alerts of the incident's alarm fired while it is open: they fold into it, with no new page.
   * `instances` name them (the `instance` label, or the fingerprint).
   */
  | { type: 'alert_folded'; instances: readonly string[] }
  /** The notice is up in the incident channel, at this message. */
  | { type: 'notice_posted'; channel: string; ts: string }
  | { type: 'acknowledge'; actor: string; policy: RolloutPolicy }
  /** The incident's rollback has traffic back at shadow; `shadowAt` is ISO-8601 UTC. */
  | { type: 'shadow_reached'; rollbackId: string; shadowAt: string }
  /** An attempt of the incident's rollback failed with `code`; `retrying` while attempts are left. */
  | { type: 'rollback_failed'; rollbackId: string; code: string; retrying: boolean }
  /**
   * The alarm stopped firing. With `instances`, only those alerts resolved: an incident that folded
   * alerts of several instances resolves when the last of them has.
   */
  | {
      type: 'resolve_incident';
      instances?: readonly string[];
      /**
       * The value mec-bot's own evaluation read when it saw the alarm clear: set when the bot, not
       * Alertmanager, resolves an incident it raised from a soak.
       */
      clearedValue?: number;
    }
  /** A person closed the incident's CRITICAL gate by hand, with a reason. */
  | { type: 'override'; actor: string; reason: string; policy: RolloutPolicy }
  /** An alert that maps to no configured alarm of the phase: noted, and no incident is opened. */
  | {
      type: 'alert_unmatched';
      status: 'firing' | 'resolved';
      labels: Readonly<Record<string, string>>;
      annotations: Readonly<Record<string, string>>;
      /** ISO-8601, as Alertmanager sent it. */
      startsAt: string;
    };
