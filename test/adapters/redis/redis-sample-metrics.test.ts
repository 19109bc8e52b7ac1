import { RedisSampleMetrics } from '../../../src/adapters/redis/redis-sample-metrics.js';
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
