import { describe, expect, it } from 'vitest';
import { correlationId, newCorrelationId, withCorrelation } from '../../src/infra/correlation.js';

describe('withCorrelation', () => {
  it('carries the id through awaits and timers, and only inside', async () => {
    expect(correlationId()).toBeUndefined();
    const seen = await withCorrelation('c-1', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return correlationId();
    });
    expect(seen).toBe('c-1');
    expect(correlationId()).toBeUndefined();
  });

  it('keeps two requests running at once apart', async () => {
    const run = (id: string) =>
      withCorrelation(id, async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return correlationId();
      });
    expect(await Promise.all([run('a'), run('b')])).toEqual(['a', 'b']);
  });

  it('makes a new id each time', () => {
    expect(newCorrelationId()).not.toBe(newCorrelationId());
  });
});
