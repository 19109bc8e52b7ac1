import type { Checkpoint } from '../../../domain/checkpoint-note.js';
import { type LedgerEntry, SYSTEM_ACTOR } from '../../../domain/ledger-entry.js';
import type { RolloutPolicy } from '../../../domain/policy.js';
import { mrkdwnOf, peopleOf } from '../escape-text.js';
import { describeCheckpoint } from './blocks.js';

/**
 * The thread reply for a ledger entry: who did what, the outcome, a full approval digest, and the
 * signed checkpoint that covers the entry (undefined: none does yet).
 */
export function describeEntry(
  { seq, body }: LedgerEntry,
  policy: RolloutPolicy | undefined,
  checkpoint: Checkpoint | undefined,
): string {
  const actor = body.actor === SYSTEM_ACTOR ? undefined : body.actor;
  const who = actor ? `<@${actor}>` : 'mec-bot';
  const detail = body.detail as { message?: string; facts?: Record<string, unknown> } | null;
  const digest =
    typeof detail?.facts?.digest === 'string' ? `\nCommitment digest: \`${detail.facts.digest}\`` : '';
  const message = mrkdwnOf(detail?.message ?? body.reason, peopleOf(policy, actor));
  return `${who}: ${body.action.replaceAll('_', ' ')} → ${message}${digest} · ledger #${seq} · ${describeCheckpoint(checkpoint)}`;
}
