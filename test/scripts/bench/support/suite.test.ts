import { describe, expect, it } from 'vitest';
import { abba, startAll } from '../../../../scripts/bench/support/suite.js';

const started = (name: string, stopped: string[]) => async () => ({
  name,
  stop: async () => void stopped.push(name),
});

describe('startAll', () => {
  it('answers every process in order when all start, and stops none', async () => {
    const stopped: string[] = [];
    const [a, b] = await startAll([started('a', stopped), started('b', stopped)]);
    expect([a.name, b.name]).toEqual(['a', 'b']);
    expect(stopped).toEqual([]);
  });

  it('stops those that started when one does not, then passes its failure on', async () => {
    const stopped: string[] = [];
    const failing = async (): Promise<{ stop(): Promise<void> }> => {
      throw new Error('did not get ready');
    };
    await expect(startAll([started('a', stopped), failing, started('c', stopped)])).rejects.toThrow(
      'did not get ready',
    );
    expect(stopped.sort()).toEqual(['a', 'c']);
  });
});

describe('abba', () => {
  it('runs the baseline, the measured side twice, and the baseline again, per repeat', async () => {
    const order: string[] = [];
    const run = (side: string) => async () => [order.push(side)];
    const result = await abba(2, run('B'), run('A'));
    expect(order.join('')).toBe('ABBAABBA');
    expect(result.measured).toEqual([
      [2, 3],
      [6, 7],
    ]);
    expect(result.baseline).toEqual([
      [1, 4],
      [5, 8],
    ]);
  });
});
