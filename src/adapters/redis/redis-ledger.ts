import type { Redis } from 'ioredis';
import type { Ledger } from '../../app/ports/ledger.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import { MecError } from '../../domain/errors.js';
import { GENESIS_HASH, type LedgerBody, type LedgerEntry } from '../../domain/ledger-entry.js';
import { type CommitCommand, withCommitCommand } from './commit-script.js';
import { redisKeys } from './redis-keys.js';

const PAGE = 1_000;

/** The ledger as a Redis list; appends go through the same atomic script as rollout commits. */
export class RedisLedger implements Ledger {
  readonly #redis: Redis & CommitCommand;
  readonly #keys: ReturnType<typeof redisKeys>;

  constructor(redis: Redis, prefix: string) {
    this.#redis = withCommitCommand(redis);
    this.#keys = redisKeys(prefix);
  }

  async append(body: LedgerBody): Promise<LedgerEntry> {
    // Only the ledger keys are touched; the head key stands in for the unused rollout and outbox keys,
    // in the same slot.
    const reply = await this.#redis.mecCommit(
      this.#keys.ledgerHead,
      this.#keys.ledgerEntries,
      this.#keys.ledgerHead,
      this.#keys.ledgerHead,
      '',
      '',
      canonicalJson(body),
      '',
      '',
    );
    if (reply[0] !== 'committed')
      throw new MecError(
        'invariant_violated',
        `a ledger append without a version check cannot conflict, yet the commit script answered ${reply[0]}`,
      );
    const [, , seq, prevHash, hash] = reply;
    return { seq, prevHash, hash, body };
  }

  async read(fromSeq = 1, toSeq = Number.POSITIVE_INFINITY): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    for await (const text of this.stream(fromSeq, toSeq)) entries.push(JSON.parse(text) as LedgerEntry);
    return entries;
  }

  async *stream(fromSeq = 1, toSeq = Number.POSITIVE_INFINITY): AsyncIterable<string> {
    // Entry seq n sits at list index n - 1.
    const last = toSeq - 1;
    for (let start = Math.max(fromSeq, 1) - 1; start <= last; start += PAGE) {
      const stop = Math.min(start + PAGE - 1, last);
      const page = await this.#redis.lrange(this.#keys.ledgerEntries, start, stop);
      yield* page;
      if (page.length < stop - start + 1) break;
    }
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const [seq, hash] = await this.#redis.hmget(this.#keys.ledgerHead, 'seq', 'hash');
    return { seq: Number(seq ?? 0), hash: hash ?? GENESIS_HASH };
  }
}
