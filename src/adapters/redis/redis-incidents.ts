import type { Redis } from 'ioredis';
import { redisKeys } from './redis-keys.js';

/** One paged alarm, from the alert's arrival to its acknowledgement and resolution. */
export interface Incident {
  id: string;
  alarm: string;
  severity: 'BLOCKER' | 'CRITICAL' | 'WARNING';
  phase: string;
  summary: string;
  /** The alarm's value when the alert arrived, or null when the metrics source could not say. */
  value: number | null;
  comparator: string;
  threshold: number;
  windowMs: number;
  /** ISO-8601 UTC. */
  receivedAt: string;
  fromPct: number;
  rollbackId?: string;
  /** When traffic was back at shadow. */
  shadowAt?: string;
  acknowledged?: { by: string; at: string };
  resolvedAt?: string;
  notice?: { channel: string; ts: string };
}

const DEDUP_SECONDS = 7 * 86_400;

/** Incidents and the alert deliveries already seen, in Redis. */
export class RedisIncidents {
  readonly #redis: Redis;
  readonly #keys: ReturnType<typeof redisKeys>;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#keys = redisKeys(prefix);
  }

  /** Whether a delivery was already acted on: Alertmanager re-sends of it are no-ops. */
  async seen(deliveryKey: string): Promise<boolean> {
    return (await this.#redis.exists(this.#keys.slack('alert-seen', deliveryKey))) === 1;
  }

  async markSeen(deliveryKey: string): Promise<void> {
    await this.#redis.set(this.#keys.slack('alert-seen', deliveryKey), '1', 'EX', DEDUP_SECONDS);
  }

  async save(incident: Incident): Promise<void> {
    await this.#redis.set(this.#keys.slack('incident', incident.id), JSON.stringify(incident));
    if (incident.rollbackId)
      await this.#redis.set(this.#keys.slack('incident-of-rollback', incident.rollbackId), incident.id);
  }

  async get(id: string): Promise<Incident | undefined> {
    const text = await this.#redis.get(this.#keys.slack('incident', id));
    return text ? (JSON.parse(text) as Incident) : undefined;
  }

  /** Changes an incident in place; `change` may return undefined to leave it as it is. */
  async update(
    id: string,
    change: (incident: Incident) => Incident | undefined,
  ): Promise<Incident | undefined> {
    const incident = await this.get(id);
    const next = incident && change(incident);
    if (next) await this.save(next);
    return next ?? incident;
  }

  async ofRollback(rollbackId: string): Promise<string | undefined> {
    return (await this.#redis.get(this.#keys.slack('incident-of-rollback', rollbackId))) ?? undefined;
  }

  /** Recent incidents, newest first, for the digest and the dashboard. */
  async recent(limit = 50): Promise<Incident[]> {
    const ids = await this.#redis.lrange(this.#keys.slack('incidents', 'recent'), 0, limit - 1);
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all.filter((incident): incident is Incident => incident !== undefined);
  }

  async remember(id: string): Promise<void> {
    await this.#redis.lpush(this.#keys.slack('incidents', 'recent'), id);
    await this.#redis.ltrim(this.#keys.slack('incidents', 'recent'), 0, 499);
  }
}
