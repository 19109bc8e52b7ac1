import type { WeeklyReview } from '../../../domain/weekly-review.js';
import { escapeSlackText } from '../escape-text.js';
import { context, header, message, type SlackMessage, section } from './blocks.js';

/** The weekly governance review as a Slack message. */
export function reviewDigest(phase: string, review: WeeklyReview): SlackMessage {
  const warnings = review.warnings.length
    ? review.warnings
        .map(
          (warning) =>
            `• ${warning.at.slice(0, 16).replace('T', ' ')} UTC *${escapeSlackText(warning.alarm)}*: ${escapeSlackText(warning.summary)}`,
        )
        .join('\n')
    : 'None.';
  const rollbacks = review.rollbacks.length
    ? review.rollbacks
        .map(
          (rollback) =>
            `• ${rollback.at.slice(0, 16).replace('T', ' ')} UTC from ${rollback.fromPct}%: ${escapeSlackText(rollback.reason)}`,
        )
        .join('\n')
    : 'None.';
  const summary = `${review.warnings.length} warnings, ${review.rollbacks.length} rollbacks (${review.preventedIncidents} incidents prevented), ${review.gates.opened} gates opened, ${review.approvals.recorded} approvals`;
  return message(`Weekly governance review for ${phase}: ${summary}`, [
    header(`Weekly governance review · MEC ${phase}`),
    section(`*Warnings* (${review.warnings.length})\n${warnings}`),
    section(
      `*Rollbacks* (${review.rollbacks.length}, of which *${review.preventedIncidents} prevented incidents*: BLOCKER alarms that rolled back by themselves)\n${rollbacks}`,
    ),
    section(
      `*Deployment gates*: ${review.gates.opened} opened, ${review.gates.closed} closed on resolve, ${review.gates.overridden} overridden\n*Approvals*: ${review.approvals.recorded} given, ${review.approvals.rejected} rejections`,
    ),
    context(
      `From ${review.from.slice(0, 16).replace('T', ' ')} to ${review.to.slice(0, 16).replace('T', ' ')} UTC, counted from the ledger.`,
    ),
  ]);
}
