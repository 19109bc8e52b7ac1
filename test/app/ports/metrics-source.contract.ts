import { describe, expect, it } from 'vitest';
import type { MetricsSource, QueriedAlarm } from '../../../src/app/ports/metrics-source.js';
import { T0 } from '../../domain/fixtures.js';

export interface MetricsSourceAdapters {
  source: MetricsSource;
  /** Gives `alarm` the value `value` from now on. */
  set(alarm: QueriedAlarm, value: number): Promise<void>;
}

/**
 * Each way a source can fail to give a value for an alarm, by what it does: lose the value (where the
 * source can be without one), answer with an error, be out of reach. Each is brought about after the
 * alarm had a healthy value, so a source that falls back on a value it read before fails the contract.
 */
export type MetricsFailures<A> = Record<string, (adapters: A, alarm: QueriedAlarm) => Promise<void>>;

const LATENCY: QueriedAlarm = {
  name: 'latency_slo_drop',
  severity: 'BLOCKER',
  comparator: 'gt',
  threshold: 0.03,
  query: 'mec_latency_drop',
};

const DETERMINISM: QueriedAlarm = {
  name: 'determinism_variance',
  severity: 'CRITICAL',
  comparator: 'gte',
  threshold: 0.1,
  query: 'mec_determinism_variance',
};

/** What every MetricsSource must do, run against each implementation, the in-memory one included. */
export function describeMetricsSourceContract<A extends MetricsSourceAdapters>(
  name: string,
  make: () => A | Promise<A>,
  failures: MetricsFailures<A>,
): void {
  if (Object.keys(failures).length === 0) throw new Error(`${name}: name at least one way the source fails`);
  describe(`${name}: the metrics source contract`, () => {
    it('reads back the value set for each alarm, in a reading that names the alarm', async () => {
      const { source, set } = await make();
      await set(LATENCY, 0.041);
      await set(DETERMINISM, 0.2);
      expect(await source.read(LATENCY, T0)).toEqual({ alarm: 'latency_slo_drop', value: 0.041 });
      expect(await source.read(DETERMINISM, T0)).toEqual({ alarm: 'determinism_variance', value: 0.2 });
    });

    it('reads a value of 0 as 0, not as missing', async () => {
      const { source, set } = await make();
      await set(LATENCY, 0);
      expect(await source.read(LATENCY, T0)).toEqual({ alarm: 'latency_slo_drop', value: 0 });
    });

    it('reads the value last set', async () => {
      const { source, set } = await make();
      await set(LATENCY, 0.01);
      await set(LATENCY, 0.05);
      expect(await source.read(LATENCY, T0)).toEqual({ alarm: 'latency_slo_drop', value: 0.05 });
    });

    it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
      'gives an error reading, never a number, when the value is %s',
      async (value) => {
        const { source, set } = await make();
        await set(LATENCY, 0.01);
        await set(LATENCY, value);
        const reading = await source.read(LATENCY, T0);
        expect(reading).toEqual({ alarm: 'latency_slo_drop', error: expect.any(String) });
      },
    );

    it.each(Object.entries(failures))(
      'gives an error reading, never a number, when the source %s',
      async (_, fail) => {
        const adapters = await make();
        await adapters.set(LATENCY, 0.01);
        await fail(adapters, LATENCY);
        const reading = await adapters.source.read(LATENCY, T0);
        expect(reading).toEqual({ alarm: 'latency_slo_drop', error: expect.any(String) });
        expect((reading as { error: string }).error).not.toBe('');
      },
    );
  });
}
