import type { Redis } from 'ioredis';
import type { IncidentStore, StoredIncident } from '../../app/ports/incident-store.js';
import type { CommitResult } from '../../app/ports/rollout-store.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import type { Incident } from '../../domain/incident.js';
import { type LedgerBody, ledgerEntryHash } from '../../domain/ledger-entry.js';
import { ExpiringMemo } from '../../infra/expiring-memo.js';
import { APPEND_HASHED_LUA, type CommitReply, commitStep } from './commit-script.js';
import { type ChainStepResult, type LedgerChain, ledgerChainOf, type StaleReply } from './ledger-chain.js';
import { redisKeys } from './redis-keys.js';

const RECENT_KEPT = 500;
/**
 * How long a claimed delivery is held while it is acted on, in milliseconds. Acting takes seconds; a
 * process that dies half-way lets go after this, so Alertmanager's re-send is acted on.
 */
const CLAIM_LEASE_MS = 5 * 60_000;
/**
 * How long this process answers a re-send of a delivery it claimed and kept itself without asking
 * Redis, in milliseconds: Alertmanager re-sends a firing group every repeat interval, and in a storm
 * most requests are such copies. Short, so a record Redis lost is not outlived for long.
 */
const LOCAL_KEPT_MS = 60_000;
/** The most deliveries remembered in this process; the oldest are forgotten first. */
const LOCAL_DELIVERIES = 20_000;

/**
 * One atomic step: check the ledger head and the incident's version, store the incident, index it, and
 * append its ledger entry, hashed in Node against that head (`ledger-chain.ts`, as rollout commits
 * are: SHA-256 in Lua cost Redis about a millisecond per fold in a storm, and each such append made
 * the next rollout commit stale). The commit that first stores the incident resolved moves its
 * alarm's episode on and sets the incident and its rollback index to expire after the retention
 * period.
 *
 * KEYS: incident hash, ledger entry list, ledger head hash, recent list, rollback index (the incident
 * hash again when there is no rollback), the alarm's episode counter (the incident hash again when
 * nothing is stored).
 * ARGV: expected version, incident JSON ('' = leave it), ledger body (canonical JSON), incident id,
 * rollback id ('' = none), '1' when the incident is resolved, the retention period in milliseconds,
 * the head's seq and hash the entry was hashed against, the entry's hash, and the writer's id and
 * attempt number. Returns {'stale', headSeq, headHash}, {'conflict', currentVersion} or
 * {'committed', version, seq, prevHash, hash}; sent again after it applied, it answers that same
 * 'committed' and changes nothing.
 */
const INCIDENT_COMMIT_LUA = `${APPEND_HASHED_LUA}
local seq, prevHash, hash = tonumber(ARGV[8]) + 1, ARGV[9], ARGV[10]
local check = ledger_check(KEYS[3], ARGV[8], ARGV[9], ARGV[11], ARGV[12])
if check == 'applied' then
  -- The version it left: the one it was checked against, one more if it stored the incident.
  local left = tonumber(ARGV[1])
  if ARGV[2] ~= '' then left = left + 1 end
  return {'committed', left, seq, prevHash, hash}
end
if check then return check end
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
  -- NX: a plain SET would clear the expiry a resolved incident's index was given.
  if ARGV[5] ~= '' then redis.call('SET', KEYS[5], ARGV[4], 'NX') end
  if ARGV[6] == '1' and redis.call('HSETNX', KEYS[1], 'resolved', '1') == 1 then
    redis.call('INCR', KEYS[6])
    redis.call('PEXPIRE', KEYS[1], ARGV[7])
    if ARGV[5] ~= '' then redis.call('PEXPIRE', KEYS[5], ARGV[7]) end
  end
end
redis.call('RPUSH', KEYS[2], entry_text(seq, prevHash, hash, ARGV[3]))
ledger_move(KEYS[3], seq, hash, ARGV[11], ARGV[12])
return {'committed', version, seq, prevHash, hash}
`;

/**
 * Claims a delivery for an owner: free, it is taken for a lease; held by the same owner (the retry of a
 * job whose worker died), its lease starts again; held by another or kept, it is refused.
 * KEYS: the delivery's key. ARGV: the owner, the lease in milliseconds. Returns 1 when the owner holds it.
 */
const CLAIM_DELIVERY_LUA = `
local held = redis.call('GET', KEYS[1])
local mine = 'claimed:' .. ARGV[1]
if not held then
  redis.call('SET', KEYS[1], mine, 'PX', ARGV[2])
  return 1
end
if held == mine then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

interface IncidentCommitCommand {
  mecClaimDelivery(deliveryKey: string, owner: string, leaseMs: string): Promise<number>;
  mecIncidentCommit(
    incidentKey: string,
    entriesKey: string,
    headKey: string,
    recentKey: string,
    rollbackKey: string,
    episodeKey: string,
    expectedVersion: string,
    incidentJson: string,
    bodyJson: string,
    id: string,
    rollbackId: string,
    resolved: string,
    retentionMs: string,
    headSeq: string,
    headHash: string,
    entryHash: string,
    writer: string,
    attempt: string,
  ): Promise<Exclude<CommitReply, ['consumed', number]>>;
}

/**
 * Incidents as Redis hashes `{v, state}`, with the list of recent ones, an index by rollback, each
 * alarm's episode counter, and the alert deliveries already seen. Every change is checked against `v`
 * inside the commit script. A resolved incident's keys, and every delivery kept, expire after the
 * retention period; an episode counter is one small key per configured alarm, and is kept.
 */
export class RedisIncidentStore implements IncidentStore {
  readonly #redis: Redis & IncidentCommitCommand;
  readonly #keys: ReturnType<typeof redisKeys>;
  readonly #retentionMs: number;
  readonly #chain: LedgerChain;
  /** Deliveries this process kept lately. */
  readonly #mine = new ExpiringMemo<true>(LOCAL_DELIVERIES);

  /** `retentionMs`: how long a resolved incident's keys and a kept delivery are kept, in milliseconds. */
  constructor(redis: Redis, prefix: string, retentionMs: number) {
    if (!('mecIncidentCommit' in redis))
      redis.defineCommand('mecIncidentCommit', { numberOfKeys: 6, lua: INCIDENT_COMMIT_LUA });
    if (!('mecClaimDelivery' in redis))
      redis.defineCommand('mecClaimDelivery', { numberOfKeys: 1, lua: CLAIM_DELIVERY_LUA });
    this.#redis = redis as Redis & IncidentCommitCommand;
    this.#keys = redisKeys(prefix);
    this.#retentionMs = retentionMs;
    this.#chain = ledgerChainOf(redis, this.#keys.ledgerHead);
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
    const incidentJson = next ? JSON.stringify(next) : '';
    const bodyJson = canonicalJson(body);
    return this.#chain.run(
      async (head, { writer, attempt }): Promise<StaleReply | ChainStepResult<CommitResult>> => {
        const hash = ledgerEntryHash(head.seq + 1, head.hash, bodyJson);
        const reply = await this.#redis.mecIncidentCommit(
          key,
          this.#keys.ledgerEntries,
          this.#keys.ledgerHead,
          this.#recentKey,
          rollbackId ? this.#rollbackKey(rollbackId) : key,
          next ? this.#episodeKey(next.phase, next.alarm) : key,
          String(expectedVersion),
          incidentJson,
          bodyJson,
          id,
          rollbackId,
          next?.resolvedAt ? '1' : '',
          String(this.#retentionMs),
          String(head.seq),
          head.hash,
          hash,
          writer,
          attempt,
        );
        return commitStep(reply, body, hash);
      },
    );
  }

  async recent(limit = 50): Promise<Incident[]> {
    const ids = await this.#redis.lrange(this.#recentKey, 0, limit - 1);
    const all = await Promise.all(ids.map(async (id) => (await this.load(id)).incident));
    // A list entry cannot expire by itself: one whose incident did is dropped when it is read.
    const expired = ids.filter((_, index) => all[index] === null);
    await Promise.all(expired.map((id) => this.#redis.lrem(this.#recentKey, 0, id)));
    return all.filter((incident): incident is Incident => incident !== null);
  }

  async ofRollback(rollbackId: string): Promise<string | undefined> {
    return (await this.#redis.get(this.#rollbackKey(rollbackId))) ?? undefined;
  }

  async claimDelivery(deliveryKey: string, owner: string): Promise<boolean> {
    // A delivery this process kept is a duplicate without a round trip: Redis would answer the same.
    if (this.#mine.get(deliveryKey)) return false;
    const key = this.#deliveryKey(deliveryKey);
    return (await this.#redis.mecClaimDelivery(key, owner, String(CLAIM_LEASE_MS))) === 1;
  }

  async keepDelivery(deliveryKey: string): Promise<void> {
    await this.#redis.set(this.#deliveryKey(deliveryKey), 'kept', 'PX', this.#retentionMs);
    this.#mine.set(deliveryKey, true, Math.min(LOCAL_KEPT_MS, this.#retentionMs));
  }

  async releaseDelivery(deliveryKey: string): Promise<void> {
    this.#mine.forget(deliveryKey);
    await this.#redis.del(this.#deliveryKey(deliveryKey));
  }

  async episodeOf(phase: string, alarm: string): Promise<number> {
    return Number((await this.#redis.get(this.#episodeKey(phase, alarm))) ?? 0);
  }

  get #recentKey(): string {
    return this.#keys.slack('incidents', 'recent');
  }

  #deliveryKey(deliveryKey: string): string {
    return this.#keys.slack('alert-seen', deliveryKey);
  }

  #episodeKey(phase: string, alarm: string): string {
    return this.#keys.slack('incident-episode', `${phase}:${alarm}`);
  }

  #rollbackKey(rollbackId: string): string {
    return this.#keys.slack('incident-of-rollback', rollbackId);
  }
}
