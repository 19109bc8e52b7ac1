import type { Redis } from 'ioredis';
import type { Outbox, OutboxItem } from '../../app/ports/outbox.js';
import type {
  CommitResult,
  OutboxWrite,
  RolloutStore,
  StoredRollout,
} from '../../app/ports/rollout-store.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import { type LedgerBody, ledgerEntryHash } from '../../domain/ledger-entry.js';
import type { RolloutState } from '../../domain/rollout-state.js';
import { type CommitCommand, commitStep, withCommitCommand } from './commit-script.js';
import { type ChainStepResult, type LedgerChain, ledgerChainOf, type StaleReply } from './ledger-chain.js';
import { redisKeys } from './redis-keys.js';

/**
 * Rollouts as Redis hashes `{v, state}`; every change is checked against `v` inside the commit script,
 * which also keeps the outbox: a hash of the work committed transitions have not yet delivered. The
 * entry is hashed here against the ledger head, which the script checks (`ledger-chain.ts`).
 */
export class RedisRolloutStore implements RolloutStore, Outbox {
  readonly #redis: Redis & CommitCommand;
  readonly #keys: ReturnType<typeof redisKeys>;
  readonly #chain: LedgerChain;

  constructor(redis: Redis, prefix: string) {
    this.#redis = withCommitCommand(redis);
    this.#keys = redisKeys(prefix);
    this.#chain = ledgerChainOf(redis, this.#keys.ledgerHead);
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
    outbox: OutboxWrite = {},
  ): Promise<CommitResult> {
    const bodyJson = canonicalJson(body);
    const stateJson = next ? JSON.stringify(next) : '';
    const outboxJson = outbox.record ? JSON.stringify(outbox.record) : '';
    return this.#chain.run(
      async (head, { writer, attempt }): Promise<StaleReply | ChainStepResult<CommitResult>> => {
        const hash = ledgerEntryHash(head.seq + 1, head.hash, bodyJson);
        const reply = await this.#redis.mecCommit(
          this.#keys.rollout(phase),
          this.#keys.ledgerEntries,
          this.#keys.ledgerHead,
          this.#keys.outbox,
          String(expectedVersion),
          stateJson,
          bodyJson,
          outboxJson,
          outbox.consumes ?? '',
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

  async pending(): Promise<OutboxItem[]> {
    const items = Object.values(await this.#redis.hgetall(this.#keys.outbox)).map(
      (json) => JSON.parse(json) as OutboxItem,
    );
    return items.sort((a, b) => a.entry.seq - b.entry.seq);
  }

  async done(id: string): Promise<void> {
    await this.#redis.hdel(this.#keys.outbox, id);
  }
}
