import type { Redis } from 'ioredis';
import type { CommitResult, RolloutStore, StoredRollout } from '../../app/ports/rollout-store.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import type { LedgerBody } from '../../domain/ledger-entry.js';
import type { RolloutState } from '../../domain/rollout-state.js';
import { type CommitCommand, withCommitCommand } from './commit-script.js';
import { redisKeys } from './redis-keys.js';

/** Rollouts as Redis hashes `{v, state}`; every change is checked against `v` inside the commit script. */
export class RedisRolloutStore implements RolloutStore {
  readonly #redis: Redis & CommitCommand;
  readonly #keys: ReturnType<typeof redisKeys>;

  constructor(redis: Redis, prefix: string) {
    this.#redis = withCommitCommand(redis);
    this.#keys = redisKeys(prefix);
  }

  async load(phase: string): Promise<StoredRollout> {
    const [version, state] = await this.#redis.hmget(this.#keys.rollout(phase), 'v', 'state');
    return { version: Number(version ?? 0), state: state ? (JSON.parse(state) as RolloutState) : null };
  }

  async commit(
    phase: string,
    expectedVersion: number,
    next: RolloutState | null,
    body: LedgerBody,
  ): Promise<CommitResult> {
    const reply = await this.#redis.mecCommit(
      this.#keys.rollout(phase),
      this.#keys.ledgerEntries,
      this.#keys.ledgerHead,
      String(expectedVersion),
      next ? JSON.stringify(next) : '',
      canonicalJson(body),
    );
    if (reply[0] === 'conflict') return { status: 'conflict', version: reply[1] };
    const [, version, seq, prevHash, hash] = reply;
    return { status: 'committed', version, entry: { seq, prevHash, hash, body } };
  }
}
