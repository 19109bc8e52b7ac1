import type { MetricsSource, QueriedAlarm } from '../../app/ports/metrics-source.js';
import type { Reading } from '../../domain/alarm-watch.js';

/**
 * Alarm values in memory, for tests, by alarm name: `set` gives an alarm a value, `clear` takes it
 * away and `fail` makes its reads fail. An alarm with no value reads as an error, as Prometheus's
 * empty answer does: nothing here is healthy unless a test says so.
 */
export class MemoryMetrics implements MetricsSource {
  readonly #values = new Map<string, { value: number } | { error: string }>();

  set(alarm: string, value: number): void {
    this.#values.set(alarm, { value });
  }

  /** Takes the value of `alarm` away, as if it were never set. */
  clear(alarm: string): void {
    this.#values.delete(alarm);
  }

  /** Makes reads of `alarm` come back as the error `reason` until it is set again. */
  fail(alarm: string, reason: string): void {
    this.#values.set(alarm, { error: reason });
  }

  async read(alarm: QueriedAlarm): Promise<Reading> {
    const held = this.#values.get(alarm.name) ?? { error: `no value for ${alarm.name}` };
    // NaN and ±Inf say nothing about health, as in Prometheus: they read as errors.
    if ('value' in held && !Number.isFinite(held.value))
      return { alarm: alarm.name, error: `value ${held.value} is not a number` };
    return { alarm: alarm.name, ...held };
  }
}
