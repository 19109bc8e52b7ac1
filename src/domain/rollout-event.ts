import type { RolloutPolicy } from './policy.js';
import type { CheckName, OpenGate } from './rollout-state.js';

/** Alarm severities and what each one does (PRODUCT.md, "Governance alarms"). */
export type Severity = 'BLOCKER' | 'CRITICAL' | 'WARNING';

/** Something a person asked for. `actor` is the Slack user id, taken from Slack's signed request. */
export type UserEvent =
  | { type: 'start'; actor: string; rolloutId: string; policy: RolloutPolicy }
  | { type: 'run_check'; actor: string; check: CheckName }
  | { type: 'go_no_go'; actor: string; roleId: string; go: boolean; reason?: string }
  | {
      type: 'approve';
      actor: string;
      roleId: string;
      artifactRoot: string;
      /** The card clicked: the root and card nonce it was drawn for; a card drawn for others is refused. */
      drawn?: { artifactRoot: string; nonce: number };
    }
  | { type: 'reject'; actor: string; roleId: string; reason: string }
  /** `artifactRoot` is the root of the artifact files as they are now, computed just before. */
  | { type: 'ramp'; actor: string; weightPct: number; artifactRoot: string }
  | { type: 'pause'; actor: string; reason?: string }
  | { type: 'resume'; actor: string }
  | { type: 'rollback'; actor: string; reason: string }
  | { type: 'abort'; actor: string; reason: string }
  | { type: 'override_gate'; actor: string; gateId: string; reason: string };

/**
 * Something the bot observed or finished: job results, alarms, integrity checks. A job's report echoes
 * the attempt id of the effect that asked for it, so a late report of an earlier attempt is ignored.
 */
export type SystemEvent =
  | {
      type: 'check_finished';
      check: CheckName;
      runId: string;
      passed: boolean;
      summary: string;
      /** Where the check's evidence is in the workspace: a release record or a backup directory. */
      ref?: string;
      /** SHA-256 (hex) of the evidence's bytes as written: the file at `ref`, or a backup's manifest.json. */
      sha256?: string;
    }
  | { type: 'traffic_applied'; rampId: string; weightPct: number }
  | { type: 'soak_finished'; soakId: string; breached: boolean; summary: string }
  | { type: 'rollback_finished'; rollbackId: string; summary: string }
  | { type: 'alarm'; alarm: string; severity: Severity; firing: boolean; summary: string }
  | { type: 'gate_opened'; gateId: string; source: OpenGate['source']; summary: string }
  | { type: 'gate_resolved'; gateId: string; summary: string }
  /** The registry file's Merkle root is not the one the bot last recorded: someone edited it by hand. */
  | { type: 'registry_edited'; fileRoot: string; recordedRoot: string }
  /**
   * One evaluation of the smoke or a soak: the alarms that tripped on it, the metrics source's health,
   * and, when it ends the watch, the watch's result. Decided as one transition (decideWatchTick).
   */
  | {
      type: 'watch_tick';
      watch: 'smoke' | 'soak';
      watchId: string;
      tripped: Array<{ alarm: string; severity: Severity; summary: string }>;
      /** The metrics source failed too many evaluations in a row: never read as healthy. */
      sourceDown: boolean;
      /** Consecutive evaluations the source failed. */
      sourceErrors: number;
      /** Every alarm was read on this evaluation. */
      allRead: boolean;
      /**
       * The watch reached its end having read too few evaluations: it goes on until `endsAt` (ISO-8601
       * UTC) to make up what it missed. `read` of `planned` evaluations so far, `needed` to pass.
       */
      extended?: { endsAt: string; read: number; planned: number; needed: number };
      /** `blind`: it read too few by its latest end, which opens the watch_blind gate instead of a pass. */
      finished?: {
        passed: boolean;
        summary: string;
        /** The smoke report's workspace path, and the SHA-256 (hex) of its bytes as written. */
        ref?: string;
        sha256?: string;
        blind?: boolean;
      };
    }
  /**
   * The weight the registry serves, read just now. `rolloutId` and `policy` open a recovered rollout
   * when the record is gone (decide-state-lost.ts); `registry` names where the weight was read.
   */
  | {
      type: 'traffic_observed';
      servingPct: number;
      registry: string;
      rolloutId: string;
      policy: RolloutPolicy;
    }
  /** The finished phase's final roots, recorded once. */
  | { type: 'certify'; rolloutId: string; artifactRoot: string; registryRoot: string }
  /** The weekly governance review went out, with what it counted. */
  | { type: 'review_posted'; warnings: number; rollbacks: number; preventedIncidents: number };

export type RolloutEvent = UserEvent | SystemEvent;

export function actorOf(event: RolloutEvent, systemActor: string): string {
  return 'actor' in event ? event.actor : systemActor;
}
