import { describe, expect, it } from 'vitest';
import { RedisSampleMetrics } from '../../../src/adapters/redis/redis-sample-metrics.js';
import type { QueriedAlarm } from '../../../src/app/ports/metrics-source.js';
import { breaches } from '../../../src/domain/alarm-watch.js';
import { describeMetricsSourceContract } from '../../app/ports/metrics-source.contract.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

// The sample source has no "no value" to fail with: an alarm nothing was injected for reads a healthy
// sample value, by design (the sandbox's rollouts run on it), so only an injected error fails it.
describeMetricsSourceContract(
  'redis sample',
  () => {
    const { prefix, connect } = testRedis();
    const source = new RedisSampleMetrics(connect(), prefix);
    return { source, set: (alarm, value) => source.inject(alarm.name, value) };
  },
  {
    'has an error injected': ({ source }, alarm) =>
      source.inject(alarm.name, { error: 'connection refused' }),
  },
);

const alarm = (comparator: QueriedAlarm['comparator'], threshold: number): QueriedAlarm => ({
  name: `a_${comparator}`,
  severity: 'BLOCKER',
  comparator,
  threshold,
  query: 'q',
});

describe('RedisSampleMetrics', () => {
  it.each([
    ['gt', 0.03],
    ['gte', 0],
    ['lt', 0.9],
    ['lte', -2],
  ] as const)('reads an alarm nobody injected (%s %d) as healthy', async (comparator, threshold) => {
    const { prefix, connect } = testRedis();
    const metrics = new RedisSampleMetrics(connect(), prefix);
    const watched = alarm(comparator, threshold);
    const reading = await metrics.read(watched);
    if (!('value' in reading)) throw new Error(`expected a value, got ${reading.error}`);
    expect(breaches(watched, reading.value)).toBe(false);
  });

  it('reads what any process injected: a value, or a failure, until it is cleared', async () => {
    const { prefix, connect } = testRedis();
    const injector = new RedisSampleMetrics(connect(), prefix);
    const reader = new RedisSampleMetrics(connect(), prefix);
    const latency = alarm('gt', 0.03);
    await injector.inject(latency.name, 0.042);
    expect(await reader.read(latency)).toEqual({ alarm: latency.name, value: 0.042 });
    await injector.inject(latency.name, { error: 'connection refused' });
    expect(await reader.read(latency)).toEqual({ alarm: latency.name, error: 'connection refused' });
    await injector.clear(latency.name);
    expect(await reader.read(latency)).toMatchObject({ value: expect.any(Number) });
  });

  it('clears one alarm, or all of them', async () => {
    const { prefix, connect } = testRedis();
    const metrics = new RedisSampleMetrics(connect(), prefix);
    const [a, b] = [alarm('gt', 1), alarm('lt', 1)];
    await metrics.inject(a.name, 5);
    await metrics.inject(b.name, -5);
    await metrics.clear(a.name);
    expect(await metrics.read(b)).toEqual({ alarm: b.name, value: -5 });
    await metrics.clear();
    expect(await metrics.read(b)).not.toEqual({ alarm: b.name, value: -5 });
  });
});
