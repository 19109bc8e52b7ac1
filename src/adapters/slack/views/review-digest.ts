import type { WeeklyReview } from '../../../domain/weekly-review.js';
import { escapeSlackText } from '../escape-text.js';
import { context, header, listSections, message, type SlackMessage, section } from './blocks.js';

/** Blocks the warnings and the rollbacks may take: with the header, gates and footer, within Slack's 50. */
const WARNING_BLOCKS = 36;
const ROLLBACK_BLOCKS = 10;
const where = (what: string) => (count: number) =>
  `…and ${count} more ${what}, not shown: each is in the ledger (\`/mec ledger\`, \`/mec ledger --page 2\` for older) and in 01-GOVERNANCE/META-GOVERNANCE-LOG.md.`;

/** The weekly governance review as a Slack message. */
export function reviewDigest(phase: string, review: WeeklyReview): SlackMessage {
  const warningLines = review.warnings.map(
    (warning) =>
      `• ${warning.at.slice(0, 16).replace('T', ' ')} UTC *${escapeSlackText(warning.alarm)}*: ${escapeSlackText(warning.summary)}`,
  );
  const warnings = listSections(
    `*Warnings* (${review.warnings.length})`,
    warningLines.length ? warningLines : ['None.'],
    { maxBlocks: WARNING_BLOCKS, more: where('warnings') },
  );
  const rollbackLines = review.rollbacks.map(
    (rollback) =>
      `• ${rollback.at.slice(0, 16).replace('T', ' ')} UTC from ${rollback.fromPct}%: ${escapeSlackText(rollback.reason)}`,
  );
  const rollbacks = listSections(
    `*Rollbacks* (${review.rollbacks.length}, of which *${review.preventedIncidents} prevented incidents*: BLOCKER alarms that rolled back by themselves)`,
    rollbackLines.length ? rollbackLines : ['None.'],
    { maxBlocks: ROLLBACK_BLOCKS, more: where('rollbacks') },
  );
  const summary = `${review.warnings.length} warnings, ${review.rollbacks.length} rollbacks (${review.preventedIncidents} incidents prevented), ${review.gates.opened} gates opened, ${review.approvals.recorded} approvals`;
  return message(`Weekly governance review for ${phase}: ${summary}`, [
    header(`Weekly governance review · MEC ${phase}`),
    ...warnings,
    ...rollbacks,
    section(
      `*Deployment gates*: ${review.gates.opened} opened, ${review.gates.closed} closed on resolve, ${review.gates.overridden} overridden\n*Approvals*: ${review.approvals.recorded} given, ${review.approvals.rejected} rejections`,
    ),
    context(
      `From ${review.from.slice(0, 16).replace('T', ' ')} to ${review.to.slice(0, 16).replace('T', ' ')} UTC, counted from the ledger.`,
    ),
  ]);
}
