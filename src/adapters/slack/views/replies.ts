import type { LedgerAnchoring, VerifyCheck } from '../../../app/ports/rollout-actions.js';
import type { LedgerEntry } from '../../../domain/ledger-entry.js';
import type { GateResult } from '../../../domain/ramp-gates.js';
import { isRefusalReason } from '../../../domain/reason.js';
import { type RolloutState, stageOf } from '../../../domain/rollout-state.js';
import { escapeSlackText, mrkdwnOf } from '../escape-text.js';
import { usageOf, VERBS } from '../parse-command.js';
import { abbreviate, context, describeCheckpoint, message, type SlackMessage, section } from './blocks.js';
import { adviceFor } from './refusal-advice.js';
import { type DashboardInput, dashboardBlocks } from './rollout-dashboard.js';

export function helpReply(): SlackMessage {
  const lines = Object.values(VERBS).map(
    (spec) => `\`/mec ${spec.usage}\`: ${spec.summary}. _e.g._ \`${spec.example}\``,
  );
  return message('mec-bot commands', [
    section(`*mec-bot* governs the MEC rollout. Commands:\n${lines.join('\n')}`),
  ]);
}

export function errorReply(error: string, usage?: string): SlackMessage {
  const form = usage ? `\nValid form: ${usageOf(usage as Parameters<typeof usageOf>[0])}` : '';
  return message(`${error}${form}`, [section(`⚠️ ${error}${form}`)]);
}

/**
 * A refusal: what to do first, then why it was refused, with the reason code in a context line.
 * `why` is mrkdwn, escaped by the caller.
 */
export function refusalReply(reason: string, why: string): SlackMessage {
  const advice = isRefusalReason(reason)
    ? adviceFor(reason)
    : 'See where the rollout stands with `/mec status`.';
  return message(`${advice} Refused: ${why} (reason code: ${reason})`, [
    section(`👉 *${advice}*
Refused: ${why}`),
    context(`Reason code: \`${escapeSlackText(reason)}\``),
  ]);
}

export function textReply(text: string): SlackMessage {
  return message(text, [section(text)]);
}

export function statusReply(input: DashboardInput | undefined): SlackMessage {
  if (!input) return textReply('No rollout has been started. Start one with `/mec start`.');
  return message(
    `MEC ${input.state.policy.phase}: ${stageOf(input.state)}, traffic ${input.state.trafficPct}%`,
    dashboardBlocks(input),
  );
}

/** Every gate a ramp would meet, for `--dry-run`; `people` are the user ids to show as mentions. */
export function dryRunReply(
  weightPct: number,
  results: readonly GateResult[],
  people: readonly string[] = [],
): SlackMessage {
  const held = results.filter((result) => result.hold);
  const lines = results.map((result) =>
    result.hold ? `❌ *${result.gate}*: ${mrkdwnOf(result.hold.message, people)}` : `✅ ${result.gate}`,
  );
  const verdict =
    held.length === 0
      ? `A ramp to ${weightPct}% would be accepted.`
      : `A ramp to ${weightPct}% would be refused by ${held.length} gate(s).`;
  return message(`Dry run: ${verdict}`, [
    section(`*Dry run, nothing changed.* ${verdict}\n${lines.join('\n')}`),
  ]);
}

/**
 * One page of the ledger (page 1 the newest ten entries), saying how to see older ones, and where the
 * ledger is kept outside Redis: its newest checkpoint and how far its mirror goes.
 */
export function ledgerReply(
  entries: readonly LedgerEntry[],
  total: number,
  page: number,
  pages: number,
  anchoring: LedgerAnchoring,
): SlackMessage {
  if (total === 0) return textReply('The ledger is empty.');
  if (entries.length === 0)
    return textReply(
      `The ledger has ${pages} page${pages === 1 ? '' : 's'} of ${total} entries; page ${page} is past the oldest. Try \`/mec ledger --page ${pages}\`.`,
    );
  const lines = entries.map(
    ({ seq, hash, body }) =>
      `#${seq} ${body.at.slice(0, 19)}Z · ${escapeSlackText(body.action)} · ${body.outcome} \`${escapeSlackText(body.reason)}\` · ${body.actor === 'mec-bot' ? 'mec-bot' : `<@${body.actor}>`} · \`${abbreviate(hash)}\``,
  );
  const first = entries[0]?.seq;
  const last = entries.at(-1)?.seq;
  const span = first === last ? `entry #${first}` : `entries #${first}–#${last}`;
  const older = page < pages ? ` · \`/mec ledger --page ${page + 1}\` for older` : '';
  return message(`Ledger page ${page} of ${pages}: ${span} of ${total}`, [
    section(`*Ledger*, ${span} of ${total}:\n${lines.join('\n')}`),
    context(
      `page ${page} of ${pages}${older}`,
      `${anchoringText(anchoring)} \`/mec verify\` re-walks the whole chain.`,
    ),
  ]);
}

/** What is true of the ledger's checkpoint and mirror, each in a sentence. */
function anchoringText({ checkpoint, mirror }: LedgerAnchoring): string {
  const signed = checkpoint
    ? `Newest signed ${describeCheckpoint(checkpoint)}.`
    : 'No checkpoint is signed yet.';
  const path = escapeSlackText(mirror.path);
  switch (mirror.status) {
    case 'absent':
      return `${signed} The mirror ${path} is not written yet.`;
    case 'through':
      return `${signed} Mirrored to ${path} through #${mirror.seq}.`;
    case 'behind':
      return `${signed} The mirror ${path} is behind: it ends at #${mirror.seq}.`;
    case 'diverged':
      return `${signed} The mirror ${path} does not match the ledger at #${mirror.seq}.`;
  }
}

export function verifyReply(ok: boolean, checks: readonly VerifyCheck[]): SlackMessage {
  const lines = checks.map((check) => `${check.ok ? '✅' : '❌'} *${check.name}*: ${mrkdwnOf(check.detail)}`);
  const first = checks.find((check) => !check.ok);
  const verdict = ok ? 'Everything recomputes.' : `Mismatch at ${first?.name}.`;
  return message(`Verify: ${verdict}`, [section(`*Verify*: ${verdict}\n${lines.join('\n')}`)]);
}

export function staleReply(state: RolloutState | null): SlackMessage {
  const now = state
    ? `The rollout is now at *${stageOf(state).replaceAll('_', ' ')}*, traffic ${state.trafficPct}%.`
    : 'There is no rollout now.';
  const advice = 'Use the buttons of the message as it is now: it has been redrawn.';
  const why = `That message was out of date, so nothing was done. ${now}`;
  return message(`${advice} ${why}`, [section(`👉 *${advice}*\n${why}`)]);
}
