import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, ledgerEntryHash, SYSTEM_ACTOR } from '../../src/domain/ledger-entry.js';

describe('ledgerEntryHash', () => {
  const body = '{"action":"ramp","v":1}';

  it('is SHA-256 over "mec-ledger/v1", the seq, the previous hash and the body text, a line each', () => {
    const byHand = createHash('sha256')
      .update(`mec-ledger/v1\n1\n${GENESIS_HASH}\n${body}`, 'utf8')
      .digest('hex');
    expect(ledgerEntryHash(1, GENESIS_HASH, body)).toBe(byHand);
    expect(ledgerEntryHash(1, GENESIS_HASH, body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['seq', () => ledgerEntryHash(2, GENESIS_HASH, body)],
    ['previous hash', () => ledgerEntryHash(1, 'f'.repeat(64), body)],
    ['body text, even by white space', () => ledgerEntryHash(1, GENESIS_HASH, '{"action":"ramp", "v":1}')],
  ])('changes when the %s changes', (_part, hash) => {
    expect(hash()).not.toBe(ledgerEntryHash(1, GENESIS_HASH, body));
  });

  it('starts the chain at 64 zeros, and names the bot as an actor no Slack id can be', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(SYSTEM_ACTOR).not.toMatch(/^[UW][A-Z0-9_]+$/);
  });
});
