import type { Checkpoint } from '../../domain/checkpoint-note.js';
import type { LedgerEntry } from '../../domain/ledger-entry.js';
import type { RolloutPolicy } from '../../domain/policy.js';
import type { GateResult } from '../../domain/ramp-gates.js';
import type { CheckName, RolloutState } from '../../domain/rollout-state.js';
import type { WeeklyReview } from '../../domain/weekly-review.js';
import type { Command } from './command.js';
import type { StoredRollout } from './rollout-store.js';
import type { IncidentTransitionResult, TransitionResult } from './transition-result.js';

export type CommandOutcome =
  | { kind: 'help' }
  /** `rollout`: the rollout as the command found it, when it changed nothing; absent, read it afresh. */
  | { kind: 'status'; rollout?: StoredRollout }
  | { kind: 'transition'; result: TransitionResult }
  | { kind: 'dry_run'; weightPct: number; results: GateResult[]; state: RolloutState; actor: string }
  | { kind: 'rollback_dry_run'; state: RolloutState | null; backup: { ok: boolean; detail: string } }
  /** One page of the ledger, newest first by page; `pages` counts them all (at least 1). */
  | ({ kind: 'ledger'; entries: LedgerEntry[]; total: number; page: number; pages: number } & LedgerAnchoring)
  | { kind: 'verify'; ok: boolean; checks: VerifyCheck[] }
  | { kind: 'card_posted' }
  | { kind: 'review_posted'; review: WeeklyReview }
  | { kind: 'refused'; message: string };

/** Where the ledger is kept outside Redis, as `/mec ledger` reports it. */
export interface LedgerAnchoring {
  /** The newest signed checkpoint; undefined while none is signed. */
  checkpoint: Checkpoint | undefined;
  /** How far the mirror file (at `path`, in the workspace) goes, against the ledger's head. */
  mirror: { path: string } & MirrorStatus;
}

/**
 * The mirror file against the ledger: not written yet (or holding no entry); ending at the head; ending
 * at an earlier entry `seq`; or with entry `seq`, its last, not the ledger's (or past the ledger's head).
 */
export type MirrorStatus = { status: 'absent' } | { status: 'through' | 'behind' | 'diverged'; seq: number };

export type ClickOutcome =
  | { kind: 'transition'; result: TransitionResult }
  | { kind: 'stale'; state: RolloutState | null };

/** A click on a button of the rollout message or the go/no-go card, drawn at `version`. */
export type RolloutClick =
  | { action: 'ramp'; weightPct: number }
  | { action: 'pause' | 'resume' | 'rollback' }
  | { action: 'retry_check'; check: CheckName }
  | { action: 'go_no_go'; go: boolean };

/** One check of `/mec verify`, with what it found. */
export interface VerifyCheck {
  name:
    | 'ledger chain'
    | 'checkpoint signatures'
    | 'ledger consistency'
    | 'registry root'
    | 'registry snapshot'
    | 'artifact root'
    | 'approval digests'
    | 'ledger mirror'
    | 'registry snapshots'
    | 'backups'
    | 'release records';
  ok: boolean;
  detail: string;
}

/**
 * What people can do to a rollout, from any surface (Slack, the sandbox): the use cases a listener
 * calls once it has parsed a request. `actor` is the user id from the signed request.
 */
export interface RolloutActions {
  readonly phase: string;
  readonly policy: RolloutPolicy;
  runCommand(command: Command, actor: string): Promise<CommandOutcome>;
  /**
   * A click on a rollout-message or go/no-go button drawn at `drawn.version`; a go/no-go button also
   * carries the card nonce it was drawn with (`nonce`).
   */
  clickRolloutButton(
    actor: string,
    drawn: { rolloutId: string; version: number; nonce?: number },
    click: RolloutClick,
  ): Promise<ClickOutcome>;
  /** A click on an approval card drawn for `artifactRoot` with card nonce `nonce`. */
  clickApprove(
    actor: string,
    drawn: { rolloutId: string; artifactRoot: string; roleId: string; nonce: number },
  ): Promise<ClickOutcome>;
  clickReject(
    actor: string,
    drawn: { rolloutId: string; roleId: string },
  ): Promise<ClickOutcome | { kind: 'ask_reason'; state: RolloutState }>;
  submitRejection(
    actor: string,
    drawn: { rolloutId: string; roleId: string },
    reason: string,
  ): Promise<ClickOutcome>;
  /** Closes a CRITICAL gate by hand, with a reason; its open incidents note the override. */
  overrideGate(actor: string, gateId: string, reason: string): Promise<TransitionResult>;
  acknowledgeIncident(actor: string, incidentId: string): Promise<IncidentTransitionResult>;
}
