import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../../src/adapters/redis/redis-keys.js';

describe('redisKeys', () => {
  it('keeps every key of a deployment in one cluster slot, under its prefix', () => {
    const keys = redisKeys('p:');
    for (const key of [
      keys.rollout('M6'),
      keys.ledgerEntries,
      keys.ledgerHead,
      keys.registryRoot,
      keys.incident('inc-1'),
      keys.slack('draw-lock', 'message-M6'),
      keys.samples,
      keys.watchSamples('R1'),
      keys.lock('traffic-R1'),
    ]) {
      expect(key).toMatch(/^p:\{mec\}:/);
    }
  });

  it('gives each thing of a deployment its own key, and each deployment its own keys', () => {
    const keys = redisKeys('p:');
    const all = [
      keys.rollout('M6'),
      keys.rollout('M7'),
      keys.ledgerEntries,
      keys.ledgerHead,
      keys.registryRoot,
      keys.incident('inc-1'),
      keys.slack('parent', 'R1'),
      keys.slack('cards-approvals', 'R1'),
      keys.samples,
      keys.watchSamples('R1'),
      keys.watchSamples('R2'),
      keys.lock('traffic-R1'),
    ];
    expect(new Set(all).size).toBe(all.length);
    expect(redisKeys('q:').rollout('M6')).not.toBe(keys.rollout('M6'));
  });
});
