import type { JsonValue } from './canonical-json.js';
import type { ReasonCode } from './reason.js';
import { sha256Hex } from './sha256.js';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Who acts when no person does: jobs, alarms and the bot's own checks. Never a Slack user id. */
export const SYSTEM_ACTOR = 'mec-bot';

/** What happened to a request: changed state, only noted, or refused by a gate or a permission. */
type LedgerOutcome = 'applied' | 'recorded' | 'refused';

/** The part of a ledger entry its author writes. Version 1 of the record format. */
export interface LedgerBody {
  v: 1;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
  phase: string;
  rolloutId: string | null;
  /** A Slack user id, or SYSTEM_ACTOR. */
  actor: string;
  /** What was attempted, e.g. `ramp`, `approve`, `alarm`, `registry_write`. */
  action: string;
  outcome: LedgerOutcome;
  /** A stable snake_case code from `REASONS`, e.g. `ramp_accepted`, `soak_running`. */
  reason: ReasonCode;
  before: JsonValue;
  after: JsonValue;
  detail: JsonValue;
}

/** A ledger entry as stored: the body, its place in the chain, and its hash. */
export interface LedgerEntry {
  seq: number;
  prevHash: string;
  hash: string;
  body: LedgerBody;
}

/**
 * The hash of entry `seq`: SHA-256 over `mec-ledger/v1\n<seq>\n<prevHash>\n<canonical JSON of body>`.
 * The Redis script computes the same string, so `bodyJson` must be the exact stored body text.
 */
export function ledgerEntryHash(seq: number, prevHash: string, bodyJson: string): string {
  return sha256Hex(`mec-ledger/v1\n${seq}\n${prevHash}\n${bodyJson}`);
}
