import { describe, expect, it } from 'vitest';
import { checkpointWithin } from '../../../src/adapters/slack/checkpoint-within.js';
import type { Checkpoint } from '../../../src/domain/checkpoint-note.js';

const CHECKPOINT: Checkpoint = { origin: 'mec.test/ledger', size: 5, root: Buffer.alloc(32, 1) };

describe('checkpointWithin', () => {
  it('gives the checkpoint that covers the entry, asking for that entry', async () => {
    const asked: Array<number | undefined> = [];
    const checkpoints = {
      latest: async (seq?: number) => {
        asked.push(seq);
        return CHECKPOINT;
      },
    };
    await expect(checkpointWithin(checkpoints, 4, 60_000)).resolves.toBe(CHECKPOINT);
    expect(asked).toEqual([4]);
  });

  it('gives none when no checkpoint comes within the wait, for an entry or the newest', async () => {
    const never = { latest: () => new Promise<Checkpoint | undefined>(() => undefined) };
    await expect(checkpointWithin(never, 4, 5)).resolves.toBeUndefined();
    await expect(checkpointWithin(never, undefined, 5)).resolves.toBeUndefined();
  });

  it('passes on a failure to read one', async () => {
    const failing = { latest: () => Promise.reject(new Error('anchor down')) };
    await expect(checkpointWithin(failing, 4, 60_000)).rejects.toThrow('anchor down');
  });
});
