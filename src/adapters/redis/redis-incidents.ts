import type { Redis } from 'ioredis';
import { MecError } from '../../domain/errors.js';
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
const MAX_UPDATE_ATTEMPTS = 20;

/** Sets KEYS[1] to ARGV[2] only while it still holds ARGV[1]. */
const SWAP_IF_UNCHANGED_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`;

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

  /**
   * Changes an incident in place; `change` may return undefined to leave it as it is. The write lands
   * only if nobody changed the incident since it was read, else `change` runs again on the newer copy,
   * so concurrent updates (an acknowledgement and a notice ref, say) never overwrite each other.
   */
  async update(
    id: string,
    change: (incident: Incident) => Incident | undefined,
  ): Promise<Incident | undefined> {
    const key = this.#keys.slack('incident', id);
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const text = await this.#redis.get(key);
      if (text === null) return undefined;
      const incident = JSON.parse(text) as Incident;
      const next = change(incident);
      if (!next) return incident;
      if ((await this.#redis.eval(SWAP_IF_UNCHANGED_LUA, 1, key, text, JSON.stringify(next))) === 1) {
        if (next.rollbackId)
          await this.#redis.set(this.#keys.slack('incident-of-rollback', next.rollbackId), next.id);
        return next;
      }
    }
    throw new MecError(
      'incident_update_contended',
      `incident ${id} kept changing under ${MAX_UPDATE_ATTEMPTS} attempts to update it; try the action again`,
    );
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
