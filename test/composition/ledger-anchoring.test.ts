import { describe, expect, it, vi } from 'vitest';
import type { LedgerAnchor } from '../../src/app/anchor-ledger.js';
import { startLedgerAnchoring } from '../../src/composition/ledger-anchoring.js';
import type { Checkpoint } from '../../src/domain/checkpoint-note.js';
import { MecError } from '../../src/domain/errors.js';
import { GENESIS_HASH } from '../../src/domain/ledger-entry.js';
import type { Logger } from '../../src/infra/logger.js';

/**
 * An anchor that signs up to the ledger's head, or throws what `failures` holds next. It stands in
 * for LedgerAnchor, whose own tests cover signing: here only the loop around it is under test.
 */
function scriptedAnchor(ledger: { seq: number }, failures: Error[] = []) {
  let latest: Checkpoint | undefined;
  const anchor = {
    calls: 0,
    async anchor() {
      anchor.calls += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      latest = { origin: 'mec.test/l', size: ledger.seq, root: Buffer.alloc(32) };
      return latest;
    },
    async latest() {
      return latest;
    },
  } satisfies Pick<LedgerAnchor, 'anchor' | 'latest'> & { calls: number };
  return anchor;
}

interface Line {
  level: 'info' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** Keeps what is logged, called as pino is: `(message)` or `(fields, message)`. */
function recordingLogger() {
  const lines: Line[] = [];
  const record =
    (level: Line['level']) =>
    (first: unknown, second?: unknown): void => {
      if (typeof first === 'string') lines.push({ level, message: first, fields: {} });
      else lines.push({ level, message: String(second), fields: first as Record<string, unknown> });
    };
  const logger = { info: record('info'), error: record('error') } as unknown as Pick<
    Logger,
    'info' | 'error'
  >;
  return { logger, lines, at: (level: Line['level']) => lines.filter((line) => line.level === level) };
}

const headOf = (ledger: { seq: number }) => ({ head: async () => ({ seq: ledger.seq, hash: GENESIS_HASH }) });

describe('startLedgerAnchoring', () => {
  it('anchors at start and whenever the head passes the newest checkpoint, and not otherwise', async () => {
    const ledger = { seq: 2 };
    const anchor = scriptedAnchor(ledger);
    const log = recordingLogger();
    const loop = startLedgerAnchoring(anchor, headOf(ledger), log.logger, 1);
    await loop.started;
    expect(anchor.calls).toBe(1);
    expect((await anchor.latest())?.size).toBe(2);
    ledger.seq = 5;
    await vi.waitFor(async () => expect((await anchor.latest())?.size).toBe(5));
    await loop.close();
    expect(anchor.calls).toBe(2);
    expect(log.lines).toEqual([]);
  });

  it('does not anchor an empty ledger', async () => {
    const ledger = { seq: 0 };
    const anchor = scriptedAnchor(ledger);
    const loop = startLedgerAnchoring(anchor, headOf(ledger), recordingLogger().logger, 1);
    await loop.started;
    await loop.close();
    expect(anchor.calls).toBe(0);
  });

  it('logs a failure once while it repeats, again when it changes, and says when signing works again', async () => {
    const ledger = { seq: 3 };
    const diverged = () => new MecError('ledger_diverged', 'the ledger was rewritten');
    const failures = [diverged(), diverged(), diverged(), new Error('ENOSPC: no space left'), diverged()];
    const anchor = scriptedAnchor(ledger, failures);
    const log = recordingLogger();
    const loop = startLedgerAnchoring(anchor, headOf(ledger), log.logger, 1);
    await vi.waitFor(async () => expect(await anchor.latest()).toBeDefined(), { timeout: 5_000 });
    await loop.close();
    expect(anchor.calls).toBe(6);
    expect(log.lines.map(({ level, message, fields }) => [level, message, fields.code])).toEqual([
      ['error', 'signing a ledger checkpoint failed', 'ledger_diverged'],
      ['error', 'signing a ledger checkpoint failed', 'unexpected'],
      ['error', 'signing a ledger checkpoint failed', 'ledger_diverged'],
      ['info', 'ledger checkpoints are signed again', undefined],
    ]);
    expect(log.at('error')[1]?.fields.err).toMatchObject({ message: 'ENOSPC: no space left' });
  });

  it('backs off while failing, doubling the wait up to 30 s, and polls at the interval again once it works', async () => {
    vi.useFakeTimers();
    try {
      const ledger = { seq: 1 };
      const failures = Array.from({ length: 12 }, () => new Error('disk full'));
      const anchor = scriptedAnchor(ledger, failures);
      const loop = startLedgerAnchoring(anchor, headOf(ledger), recordingLogger().logger, 100);
      await loop.started;
      expect(anchor.calls).toBe(1);
      // After n failures the next round comes 100 ms × 2^n later, at most 30 s.
      for (let failed = 1; failed <= 12; failed++) {
        const waitMs = Math.min(30_000, 100 * 2 ** failed);
        await vi.advanceTimersByTimeAsync(waitMs - 1);
        expect(anchor.calls, `round after ${failed} failures, early`).toBe(failed);
        await vi.advanceTimersByTimeAsync(1);
        expect(anchor.calls, `round after ${failed} failures`).toBe(failed + 1);
      }
      // That round signed: new entries are picked up at the plain interval.
      ledger.seq = 2;
      await vi.advanceTimersByTimeAsync(100);
      expect(anchor.calls).toBe(14);
      await loop.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
