import { describe, expect, it } from 'vitest';
import { describeEntry } from '../../../../src/adapters/slack/views/describe-entry.js';
import type { Checkpoint } from '../../../../src/domain/checkpoint-note.js';
import type { LedgerEntry } from '../../../../src/domain/ledger-entry.js';
import { POLICY, U_GOV, U_SRE } from '../../../domain/fixtures.js';

const entry = (body: Partial<LedgerEntry['body']>): LedgerEntry => ({
  seq: 12,
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
  body: {
    v: 1,
    at: '2025-10-21T13:40:00.000Z',
    phase: 'M6',
    rolloutId: 'R1',
    actor: U_GOV,
    action: 'override_gate',
    outcome: 'applied',
    reason: 'gate_overridden',
    before: null,
    after: null,
    detail: { message: `Gate x overridden by ${U_GOV}: <!channel> & more.` },
    ...body,
  },
});

const CHECKPOINT: Checkpoint = {
  origin: 'mec.example/ledger',
  size: 14,
  root: Buffer.from('a1b2c3d4e5f6'.repeat(6).slice(0, 64), 'hex'),
};

describe('describeEntry, the thread reply for a ledger entry', () => {
  it('says who did what, the outcome, and the entry, escaping what was typed', () => {
    expect(describeEntry(entry({}), POLICY, undefined)).toBe(
      `<@${U_GOV}>: override gate → Gate x overridden by <@${U_GOV}>: &lt;!channel&gt; &amp; more. · ledger #12 · not checkpointed yet`,
    );
  });

  it('ends with the checkpoint that covers the entry, by its size and the first twelve digits of its root', () => {
    expect(describeEntry(entry({ actor: U_SRE, detail: null }), POLICY, CHECKPOINT)).toBe(
      `<@${U_SRE}>: override gate → gate_overridden · ledger #12 · checkpoint #14 \`a1b2c3d4e5f6…\``,
    );
  });

  it("names the bot for its own work, and gives an approval's digest in full", () => {
    const digest = 'd'.repeat(64);
    const text = describeEntry(
      entry({ actor: 'mec-bot', action: 'approve', detail: { message: 'approved', facts: { digest } } }),
      POLICY,
      CHECKPOINT,
    );
    expect(text).toBe(
      `mec-bot: approve → approved\nCommitment digest: \`${digest}\` · ledger #12 · checkpoint #14 \`a1b2c3d4e5f6…\``,
    );
  });

  it('falls back on the reason code when the entry has no message', () => {
    expect(describeEntry(entry({ actor: U_SRE, detail: null }), undefined, undefined)).toBe(
      `<@${U_SRE}>: override gate → gate_overridden · ledger #12 · not checkpointed yet`,
    );
  });
});
