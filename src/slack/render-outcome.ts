import type { ClickOutcome } from '../app/click-button.js';
import type { CommandOutcome } from '../app/run-command.js';
import type { TransitionResult } from '../app/transition.js';
import type { SlackMessage } from './views/blocks.js';
import {
  dryRunReply,
  errorReply,
  helpReply,
  ledgerReply,
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
      return dryRunReply(outcome.weightPct, outcome.results);
    case 'rollback_dry_run': {
      const state = outcome.state;
      const fromPct = Math.max(state?.trafficPct ?? 0, state?.pendingRamp?.weightPct ?? 0);
      return textReply(
        fromPct === 0
          ? '*Dry run, nothing changed.* Traffic is at shadow (0%): there is nothing to roll back.'
          : `*Dry run, nothing changed.* A rollback would move traffic from ${fromPct}% to shadow (0%), restore the registry from the backup, void every approval and lock ramps until all roles approve again.`,
      );
    }
    case 'ledger':
      return ledgerReply(outcome.entries, outcome.total);
    case 'verify':
      return verifyReply(outcome.ok, outcome.checks);
    case 'card_posted':
      return textReply('The approval card is posted in the release channel.');
    case 'refused':
      return errorReply(outcome.message);
    case 'stale':
      return staleReply(outcome.state);
  }
}

export function renderTransition(result: TransitionResult): SlackMessage {
  switch (result.outcome) {
    case 'applied':
    case 'recorded':
      return textReply(`✅ ${result.message}`);
    case 'noop':
      return textReply(`Nothing to do: ${result.message}`);
    case 'refused':
      return errorReply(`Refused (\`${result.reason}\`): ${result.message}`);
    case 'conflict':
      return errorReply(`Not done: ${result.message}`);
  }
}
