import type { Redis } from 'ioredis';
import type { MetricsSource, QueriedAlarm } from '../../app/ports/metrics-source.js';
import type { Reading, WatchedAlarm } from '../../domain/alarm-watch.js';
import { redisKeys } from './redis-keys.js';

/**
 * Sample metrics for demos and tests, kept in Redis so any process can inject a breach or an outage:
 * `inject(alarm, 0.05)` sets a value, `inject(alarm, { error })` makes reads fail, `clear()` returns every
 * alarm to a healthy value.
 */
export class RedisSampleMetrics implements MetricsSource {
  readonly #redis: Redis;
  readonly #key: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#key = redisKeys(prefix).samples;
  }

  async read(alarm: QueriedAlarm): Promise<Reading> {
    const raw = await this.#redis.hget(this.#key, alarm.name);
    if (raw === null) return { alarm: alarm.name, value: healthyValue(alarm) };
    if (raw.startsWith('error:')) return { alarm: alarm.name, error: raw.slice('error:'.length) };
    const value = Number(raw);
    // NaN and ±Inf say nothing about health, as in Prometheus: they read as errors.
    return Number.isFinite(value)
      ? { alarm: alarm.name, value }
      : { alarm: alarm.name, error: `value ${raw} is not a number` };
  }

  async inject(alarm: string, value: number | { error: string }): Promise<void> {
    await this.#redis.hset(
      this.#key,
      alarm,
      typeof value === 'number' ? String(value) : `error:${value.error}`,
    );
  }

  async clear(alarm?: string): Promise<void> {
    if (alarm) await this.#redis.hdel(this.#key, alarm);
    else await this.#redis.del(this.#key);
  }
}

/** A value well on the healthy side of the threshold. */
function healthyValue(alarm: WatchedAlarm): number {
  const margin = Math.max(Math.abs(alarm.threshold), 1);
  return alarm.comparator === 'gt' || alarm.comparator === 'gte'
    ? alarm.threshold - margin
    : alarm.threshold + margin;
}
