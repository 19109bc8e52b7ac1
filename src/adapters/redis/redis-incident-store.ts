import type { Redis } from 'ioredis';
import type { IncidentStore, StoredIncident } from '../../app/ports/incident-store.js';
import type { CommitResult } from '../../app/ports/rollout-store.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import type { Incident } from '../../domain/incident.js';
import type { LedgerBody } from '../../domain/ledger-entry.js';
import { APPEND_LEDGER_LUA, type CommitReply } from './commit-script.js';
import { redisKeys } from './redis-keys.js';

const DEDUP_SECONDS = 7 * 86_400;
const RECENT_KEPT = 500;

/**
 * One atomic step: check the incident's version, store it, index it, and append its ledger entry.
 *
 * KEYS: incident hash, ledger entry list, ledger head hash, recent list, rollback index (the incident
 * hash again when there is no rollback).
 * ARGV: expected version, incident JSON ('' = leave it), ledger body (canonical JSON), incident id,
 * rollback id ('' = none).
 * Returns {'conflict', currentVersion} or {'committed', version, seq, prevHash, hash}.
 */
const INCIDENT_COMMIT_LUA = `${APPEND_LEDGER_LUA}
local version = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if version ~= tonumber(ARGV[1]) then
  return {'conflict', version}
end
if ARGV[2] ~= '' then
  version = redis.call('HINCRBY', KEYS[1], 'v', 1)
  redis.call('HSET', KEYS[1], 'state', ARGV[2])
  if version == 1 then
    redis.call('LPUSH', KEYS[4], ARGV[4])
    redis.call('LTRIM', KEYS[4], 0, ${RECENT_KEPT - 1})
  end
  if ARGV[5] ~= '' then redis.call('SET', KEYS[5], ARGV[4]) end
end
local seq, prevHash, hash = append_ledger(KEYS[2], KEYS[3], ARGV[3])
return {'committed', version, seq, prevHash, hash}
`;

interface IncidentCommitCommand {
  mecIncidentCommit(
    incidentKey: string,
    entriesKey: string,
    headKey: string,
    recentKey: string,
    rollbackKey: string,
    expectedVersion: string,
    incidentJson: string,
    bodyJson: string,
    id: string,
    rollbackId: string,
  ): Promise<CommitReply>;
}

/**
 * Incidents as Redis hashes `{v, state}`, with the list of recent ones, an index by rollback, and the
 * alert deliveries already seen. Every change is checked against `v` inside the commit script.
 */
export class RedisIncidentStore implements IncidentStore {
  readonly #redis: Redis & IncidentCommitCommand;
  readonly #keys: ReturnType<typeof redisKeys>;

  constructor(redis: Redis, prefix: string) {
    if (!('mecIncidentCommit' in redis))
      redis.defineCommand('mecIncidentCommit', { numberOfKeys: 5, lua: INCIDENT_COMMIT_LUA });
    this.#redis = redis as Redis & IncidentCommitCommand;
    this.#keys = redisKeys(prefix);
  }

  async load(id: string): Promise<StoredIncident> {
    const [version, state] = await this.#redis.hmget(this.#keys.incident(id), 'v', 'state');
    return { version: Number(version ?? 0), incident: state ? (JSON.parse(state) as Incident) : null };
  }

  async commit(
    id: string,
    expectedVersion: number,
    next: Incident | null,
    body: LedgerBody,
  ): Promise<CommitResult> {
    const key = this.#keys.incident(id);
    const rollbackId = next?.rollbackId ?? '';
    const reply = await this.#redis.mecIncidentCommit(
      key,
      this.#keys.ledgerEntries,
      this.#keys.ledgerHead,
      this.#recentKey,
      rollbackId ? this.#rollbackKey(rollbackId) : key,
      String(expectedVersion),
      next ? JSON.stringify(next) : '',
      canonicalJson(body),
      id,
      rollbackId,
    );
    if (reply[0] === 'conflict') return { status: 'conflict', version: reply[1] };
    const [, version, seq, prevHash, hash] = reply;
    return { status: 'committed', version, entry: { seq, prevHash, hash, body } };
  }

  async recent(limit = 50): Promise<Incident[]> {
    const ids = await this.#redis.lrange(this.#recentKey, 0, limit - 1);
    const all = await Promise.all(ids.map(async (id) => (await this.load(id)).incident));
    return all.filter((incident): incident is Incident => incident !== null);
  }

  async ofRollback(rollbackId: string): Promise<string | undefined> {
    return (await this.#redis.get(this.#rollbackKey(rollbackId))) ?? undefined;
  }

  async seen(deliveryKey: string): Promise<boolean> {
    return (await this.#redis.exists(this.#keys.slack('alert-seen', deliveryKey))) === 1;
  }

  async markSeen(deliveryKey: string): Promise<void> {
    await this.#redis.set(this.#keys.slack('alert-seen', deliveryKey), '1', 'EX', DEDUP_SECONDS);
  }

  get #recentKey(): string {
    return this.#keys.slack('incidents', 'recent');
  }

  #rollbackKey(rollbackId: string): string {
    return this.#keys.slack('incident-of-rollback', rollbackId);
  }
}
