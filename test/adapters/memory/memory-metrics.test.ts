import { MemoryMetrics } from '../../../src/adapters/memory/memory-metrics.js';
import { describeMetricsSourceContract } from '../../app/ports/metrics-source.contract.js';

describeMetricsSourceContract(
  'memory',
  () => {
    const source = new MemoryMetrics();
    return { source, set: async (alarm, value) => source.set(alarm.name, value) };
  },
  {
    'has no value for the alarm': async ({ source }, alarm) => source.clear(alarm.name),
    'is told to fail': async ({ source }, alarm) => source.fail(alarm.name, 'connection refused'),
  },
);
