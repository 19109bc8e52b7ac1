/**
 * Every code a thrown {@link MecError} can carry. Codes are snake_case and stable: logs, alerts and
 * runbooks match on them, so a code is never renamed or reused for another meaning. Expected refusals
 * are not here; they come back as values with their own reason codes.
 */
export const ERROR_CODES = [
  /** Not a MecError: whatever was thrown carried no code of ours. */
  'unexpected',
  /** Something the code relies on did not hold; a bug in mec-bot. */
  'invariant_violated',
  'not_json',
  'registry_malformed',
  'registry_write_failed',
  'registry_restore_failed',
  'flag_key_invalid',
  'artifact_unreadable',
  'mirror_mismatch',
  /** A checkpoint or signed note that does not parse. */
  'checkpoint_malformed',
  /** The ledger in Redis does not extend the last signed checkpoint: it was rewritten. No checkpoint is signed. */
  'ledger_diverged',
  /** A file given as an audit bundle is not one. */
  'bundle_malformed',
  /** The witness could not be reached, or did not answer within its timeout: the checkpoint stays uncosigned. */
  'witness_unreachable',
  /** The witness answered with a refusal (400, 403, 404, 422 or another status), named in the message. */
  'witness_refused',
  /** The witness's answer is not what C2SP tlog-witness says, or its cosignature does not verify. */
  'witness_answer_invalid',
  /** A cosigned checkpoint could not be written whole to the workspace (the disk is full, most likely). */
  'cosignature_write_failed',
  /** The pager (PagerDuty) answered 429: too many events for the routing key. The job waits and retries. */
  'pager_rate_limited',
  /** The pager could not be reached, timed out, or failed on its side (5xx). The job waits and retries. */
  'pager_unreachable',
  /** The pager refused the event (400, or another 4xx), named in the message: resending it cannot help. */
  'pager_refused',
  'traffic_controller_failed',
  'alarm_trip_conflict',
  'lock_timeout',
  /** A traffic lock's lease was lost while its work ran: another holder may have taken it. */
  'lock_lost',
  /** The registry could not be checked to the end (another writer, or a conflict): the job retries. */
  'registry_check_incomplete',
  /** Redis could not be asked for its settings at start: it is unreachable or failing. */
  'redis_unreachable',
  /** REDIS_URL names no Redis the bot can connect to (a malformed redis+sentinel:// one). */
  'redis_url_invalid',
  'body_too_large',
  'signing_secret_missing',
  'slack_reply_invalid',
  /** Slack answered a post to a command's response_url with an error status, named in the message. */
  'response_url_refused',
  /** Another process claimed a rollout's message and has not posted it yet: the job retries. */
  'slack_parent_pending',
  /** A post inside a queued job found its channel's turn taken: the job waits for it, not the queue. */
  'slack_post_paced',
  'button_value_too_long',
  'local_redis_failed',
  /** The sandbox's saved Slack history cannot be read back: `npm run sandbox:reset` starts afresh. */
  'sandbox_history_unreadable',
  'stand_in_timeout',
  /** A worker thread (the in-bot verify) failed, or exited without its answer. */
  'thread_failed',
  /** A worker thread gave no answer in its time and was stopped. */
  'thread_timeout',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The one error the bot throws: a stable `code` to match on, a message that says what to do, and the
 * error behind it as `cause` when there is one.
 */
export class MecError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The code to log for anything caught: a MecError's own, else `unexpected`. */
export function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof MecError ? error.code : 'unexpected';
}
