import type { ClickOutcome, CommandOutcome } from '../../app/ports/rollout-actions.js';
import type { IncidentTransitionResult, TransitionResult } from '../../app/ports/transition-result.js';
import { mrkdwnOf, peopleOf } from './escape-text.js';
import type { SlackMessage } from './views/blocks.js';
import {
  dryRunReply,
  errorReply,
  helpReply,
  ledgerReply,
  refusalReply,
  staleReply,
  textReply,
  verifyReply,
} from './views/replies.js';

/** The ephemeral answer to the person who asked. `status` is drawn by the caller from fresh state. */
export function renderOutcome(
  outcome: Exclude<CommandOutcome, { kind: 'status' }> | ClickOutcome,
): SlackMessage {
  switch (outcome.kind) {
    case 'help':
      return helpReply();
    case 'transition':
      return renderTransition(outcome.result);
    case 'dry_run':
      return dryRunReply(outcome.weightPct, outcome.results, peopleOf(outcome.state.policy, outcome.actor));
    case 'rollback_dry_run': {
      const fromPct = Math.max(outcome.state?.trafficPct ?? 0, outcome.state?.pendingRamp?.weightPct ?? 0);
      const traffic =
        fromPct === 0
          ? 'Traffic is at shadow (0%): there is no traffic to move.'
          : `Traffic would go from ${fromPct}% to shadow (0%), and ramps would lock until every role approves again.`;
      const backup = outcome.backup.ok
        ? `Backup: ${mrkdwnOf(outcome.backup.detail)}.`
        : `Backup problem: ${mrkdwnOf(outcome.backup.detail)}. A rollback would still set shadow.`;
      return textReply(`*Dry run, nothing changed.* ${traffic}\n${backup}`);
    }
    case 'ledger':
      return ledgerReply(outcome.entries, outcome.total, outcome.page, outcome.pages, outcome);
    case 'verify':
      return verifyReply(outcome.ok, outcome.checks);
    case 'review_posted':
      return textReply(
        `The weekly governance review is posted in the release channel: ${outcome.review.warnings.length} warnings, ${outcome.review.rollbacks.length} rollbacks, ${outcome.review.preventedIncidents} incidents prevented.`,
      );
    case 'card_posted':
      return textReply('The approval card is posted in the release channel.');
    case 'refused':
      return errorReply(mrkdwnOf(outcome.message));
    case 'stale':
      return staleReply(outcome.state);
  }
}

/** The answer to a transition. Its message is plain text: escaped here, its people shown as mentions. */
export function renderTransition(result: TransitionResult): SlackMessage {
  if (result.outcome === 'conflict') return errorReply(`Not done: ${mrkdwnOf(result.message)}`);
  const message = mrkdwnOf(result.message, peopleOf(result.state?.policy, result.entry?.body.actor));
  switch (result.outcome) {
    case 'applied':
    case 'recorded':
      if (result.undelivered)
        return textReply(
          `⏳ ${message}\nThis is recorded, but its work has not reached the job queues yet: mec-bot keeps retrying it by itself. Check /mec status before asking again.`,
        );
      return textReply(`✅ ${message}`);
    case 'noop':
      return textReply(`Nothing to do: ${message}`);
    case 'refused':
      return refusalReply(result.reason, message);
  }
}

/** The answer to an Acknowledge click: who was first, if it was not this person. */
export function renderAcknowledgement(result: IncidentTransitionResult, actor: string): SlackMessage {
  const incident = result.outcome === 'conflict' ? null : result.incident;
  const message = mrkdwnOf(result.message, peopleOf(undefined, actor, incident?.acknowledged?.by));
  switch (result.outcome) {
    case 'applied':
    case 'recorded':
      return textReply(message);
    case 'noop':
      return result.reason === 'duplicate' ? textReply(message) : errorReply(message);
    case 'refused':
      return refusalReply(result.reason, message);
    case 'conflict':
      return errorReply(`Not done: ${message}`);
  }
}
