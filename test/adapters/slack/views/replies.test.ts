import { describe, expect, it } from 'vitest';
import { VERBS } from '../../../../src/adapters/slack/parse-command.js';
import {
  dryRunReply,
  errorReply,
  helpReply,
  ledgerReply,
  staleReply,
  statusReply,
  textReply,
  verifyReply,
} from '../../../../src/adapters/slack/views/replies.js';
import type { LedgerAnchoring } from '../../../../src/app/ports/rollout-actions.js';
import type { LedgerEntry } from '../../../../src/domain/ledger-entry.js';
import { evaluateRampGates } from '../../../../src/domain/ramp-gates.js';
import { minutes, ROOT_A, readyState, U_OUT, U_RM } from '../../../domain/fixtures.js';

const shown = (message: { blocks: unknown[] }) => JSON.stringify(message.blocks);

/** Ledger entry `seq`: the release manager's applied pause. */
const pauseEntry = (seq: number) =>
  ({
    seq,
    hash: 'f'.repeat(64),
    body: {
      at: '2025-10-21T13:40:00.123Z',
      action: 'pause',
      outcome: 'applied',
      reason: 'paused',
      actor: U_RM,
    },
  }) as LedgerEntry;

const MIRROR = '01-GOVERNANCE/META-GOVERNANCE-LOG.md';
const CHECKPOINT = { origin: 'mec.test/ledger', size: 12, root: Buffer.alloc(32, 0x5e) };
const THROUGH: LedgerAnchoring = {
  checkpoint: CHECKPOINT,
  mirror: { path: MIRROR, status: 'through', seq: 12 },
};
const ABSENT: LedgerAnchoring = { checkpoint: undefined, mirror: { path: MIRROR, status: 'absent' } };
/** The context line of a ledger page, where the checkpoint and the mirror are told. */
const footer = (anchoring: LedgerAnchoring) => {
  const block = ledgerReply([pauseEntry(12)], 12, 1, 2, anchoring).blocks.at(-1);
  return block?.type === 'context'
    ? block.elements.map((element) => ('text' in element ? element.text : ''))
    : [];
};

describe('the replies', () => {
  it('list every verb with its usage and an example on help', () => {
    const help = shown(helpReply());
    for (const spec of Object.values(VERBS)) {
      expect(help).toContain(`\`/mec ${spec.usage}\``);
      expect(help).toContain(spec.example);
    }
  });

  it('show an error with the valid form of the command, when one is named', () => {
    expect(errorReply('33% is not a step.', 'ramp').text).toBe(
      '33% is not a step.\nValid form: `/mec ramp <percent> [--dry-run]`, for example `/mec ramp 25`',
    );
    expect(errorReply('Something failed.').text).toBe('Something failed.');
    expect(shown(errorReply('x'))).toContain('⚠️ x');
    expect(textReply('plain')).toEqual({
      text: 'plain',
      blocks: [expect.objectContaining({ type: 'section' })],
    });
  });

  it('give the status as the dashboard, or say how to start when there is none', () => {
    const input = { state: readyState(), version: 3, now: minutes(40), artifactRoot: ROOT_A, alarms: [] };
    expect(statusReply(input).text).toBe('MEC M6: ready, traffic 0%');
    expect(statusReply(undefined).text).toBe('No rollout has been started. Start one with `/mec start`.');
  });

  it('list every gate of a dry run, the ones that hold with why', () => {
    const results = evaluateRampGates(
      readyState(),
      { actor: U_OUT, weightPct: 25, artifactRoot: ROOT_A },
      minutes(40),
    );
    const reply = dryRunReply(25, results, [U_OUT]);
    expect(reply.text).toBe('Dry run: A ramp to 25% would be refused by 2 gate(s).');
    expect(shown(reply)).toContain(`❌ *permission*: <@${U_OUT}> holds no role that may ramp`);
    expect(shown(reply)).toContain('✅ rollout');
    const clear = evaluateRampGates(
      readyState(),
      { actor: U_RM, weightPct: 5, artifactRoot: ROOT_A },
      minutes(40),
    );
    expect(dryRunReply(5, clear).text).toBe('Dry run: A ramp to 5% would be accepted.');
  });

  it('show the ledger tail, each entry with its outcome, reason, actor and hash', () => {
    const entry = pauseEntry(7);
    const reply = ledgerReply([entry], 12, 2, 2, THROUGH);
    expect(reply.text).toBe('Ledger page 2 of 2: entry #7 of 12');
    expect(shown(reply)).toContain(
      `#7 2025-10-21T13:40:00Z · pause · applied \`paused\` · <@${U_RM}> · \`ffffffffffff…\``,
    );
    expect(ledgerReply([], 0, 1, 1, ABSENT).text).toBe('The ledger is empty.');
  });

  it('say which page of the ledger this is and how to see older entries, and that a page past the end is empty', () => {
    const entries = Array.from({ length: 10 }, (_, index) => pauseEntry(491 + index));
    const first = ledgerReply(entries, 500, 1, 50, THROUGH);
    expect(first.text).toBe('Ledger page 1 of 50: entries #491–#500 of 500');
    expect(shown(first)).toContain('page 1 of 50 · `/mec ledger --page 2` for older');
    const last = ledgerReply(entries.slice(0, 1), 500, 50, 50, THROUGH);
    expect(shown(last)).not.toContain('for older');
    expect(ledgerReply([], 500, 51, 50, THROUGH).text).toBe(
      'The ledger has 50 pages of 500 entries; page 51 is past the oldest. Try `/mec ledger --page 50`.',
    );
  });

  it('say which checkpoint is the newest signed, or that none is, and how far the mirror goes', () => {
    expect(footer(THROUGH)[1]).toBe(
      `Newest signed checkpoint #12 \`5e5e5e5e5e5e…\`. Mirrored to ${MIRROR} through #12. \`/mec verify\` re-walks the whole chain.`,
    );
    expect(footer(ABSENT)[1]).toBe(
      `No checkpoint is signed yet. The mirror ${MIRROR} is not written yet. \`/mec verify\` re-walks the whole chain.`,
    );
    const behind = footer({ checkpoint: undefined, mirror: { path: MIRROR, status: 'behind', seq: 9 } });
    expect(behind[1]).toContain(`The mirror ${MIRROR} is behind: it ends at #9.`);
    expect(behind[1]).not.toContain('Mirrored to');
    const diverged = footer({
      checkpoint: CHECKPOINT,
      mirror: { path: MIRROR, status: 'diverged', seq: 12 },
    });
    expect(diverged[1]).toContain(`The mirror ${MIRROR} does not match the ledger at #12.`);
    expect(diverged[1]).not.toContain('Mirrored to');
  });

  it("give verify's verdict, naming the first check that failed", () => {
    const checks = [
      { name: 'ledger chain' as const, ok: true, detail: '12 entries' },
      { name: 'artifact root' as const, ok: false, detail: 'a file <changed>' },
    ];
    expect(verifyReply(false, checks).text).toBe('Verify: Mismatch at artifact root.');
    expect(shown(verifyReply(false, checks))).toContain('❌ *artifact root*: a file &lt;changed&gt;');
    expect(verifyReply(true, checks.slice(0, 1)).text).toBe('Verify: Everything recomputes.');
  });

  it('tell a stale click where the rollout is now', () => {
    expect(staleReply(readyState()).text).toContain('The rollout is now at *ready*, traffic 0%.');
    expect(staleReply(null).text).toContain('There is no rollout now.');
  });
});
