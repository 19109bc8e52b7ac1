import { describe, expect, it } from 'vitest';
import { crashpointFor } from '../../../src/adapters/bullmq/job-deps.js';
import type { Logger } from '../../../src/infra/logger.js';

function warnings() {
  const lines: unknown[][] = [];
  const logger = { warn: (...args: unknown[]) => void lines.push(args) } as unknown as Logger;
  return { lines, logger };
}

/** Whether a promise has settled once everything already queued has run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
  ]);
}

describe('crashpointFor', () => {
  it('passes every point straight through in a process that was not armed', async () => {
    const { lines, logger } = warnings();
    const crashpoint = crashpointFor(undefined, logger);
    expect(await settled(crashpoint('ramp:after_write'))).toBe(true);
    expect(lines).toEqual([]);
  });

  it('stops dead at the armed point, saying so, and nowhere else', async () => {
    const { lines, logger } = warnings();
    const crashpoint = crashpointFor('ramp:after_write', logger);
    expect(await settled(crashpoint('rollback:after_restore'))).toBe(true);
    expect(await settled(crashpoint('ramp:after_write'))).toBe(false);
    expect(lines).toEqual([
      [{ crashpoint: 'ramp:after_write' }, expect.stringContaining('waits to be killed')],
    ]);
  });
});
