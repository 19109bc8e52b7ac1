import type { Redis } from 'ioredis';
import type { Ledger } from '../../app/ports/ledger.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import {
  GENESIS_HASH,
  type LedgerBody,
  type LedgerEntry,
  ledgerEntryHash,
} from '../../domain/ledger-entry.js';
import { type CommitCommand, withCommitCommand } from './commit-script.js';
import { type ChainAttempt, type ChainHead, type LedgerChain, ledgerChainOf } from './ledger-chain.js';
import { redisKeys } from './redis-keys.js';

const PAGE = 1_000;
/** The most entries one append script carries; Lua's unpack takes a few thousand values at most. */
const BATCH = 500;

interface Waiting {
  body: LedgerBody;
  text: string;
  resolve(entry: LedgerEntry): void;
  reject(error: unknown): void;
}

/**
 * The ledger as a Redis list. Appends are hashed here and stored by a compare-and-set script on the
 * head; those that arrive while one is in flight go together in the next script (a group commit),
 * which stores them all or none.
 */
export class RedisLedger implements Ledger {
  readonly #redis: Redis & CommitCommand;
  readonly #keys: ReturnType<typeof redisKeys>;
  readonly #chain: LedgerChain;
  #waiting: Waiting[] = [];
  #draining = false;

  constructor(redis: Redis, prefix: string) {
    this.#redis = withCommitCommand(redis);
    this.#keys = redisKeys(prefix);
    this.#chain = ledgerChainOf(redis, this.#keys.ledgerHead);
  }

  append(body: LedgerBody): Promise<LedgerEntry> {
    const text = canonicalJson(body);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ body, text, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, BATCH);
      try {
        const entries = await this.#chain.run((head, attempt) => this.#appendAll(head, attempt, batch));
        for (const [index, waiting] of batch.entries()) waiting.resolve(entries[index] as LedgerEntry);
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.#draining = false;
  }

  async #appendAll(head: ChainHead, { writer, attempt }: ChainAttempt, batch: readonly Waiting[]) {
    const entries: LedgerEntry[] = [];
    const args: string[] = [String(head.seq), head.hash, writer, attempt];
    let prevHash = head.hash;
    for (const [index, { body, text }] of batch.entries()) {
      const seq = head.seq + 1 + index;
      const hash = ledgerEntryHash(seq, prevHash, text);
      entries.push({ seq, prevHash, hash, body });
      args.push(hash, text);
      prevHash = hash;
    }
    const reply = await this.#redis.mecAppend(this.#keys.ledgerEntries, this.#keys.ledgerHead, ...args);
    if (reply[0] === 'stale') return reply;
    const last = entries.at(-1) as LedgerEntry;
    return { value: entries, head: { seq: last.seq, hash: last.hash } };
  }

  async read(fromSeq = 1, toSeq = Number.POSITIVE_INFINITY): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    for await (const text of this.stream(fromSeq, toSeq)) entries.push(JSON.parse(text) as LedgerEntry);
    return entries;
  }

  async *stream(fromSeq = 1, toSeq = Number.POSITIVE_INFINITY): AsyncIterable<string> {
    for await (const page of this.pages(fromSeq, toSeq)) yield* page;
  }

  async *pages(fromSeq = 1, toSeq = Number.POSITIVE_INFINITY): AsyncIterable<readonly string[]> {
    // Entry seq n sits at list index n - 1.
    const last = toSeq - 1;
    const pageAt = (start: number) => {
      const stop = Math.min(start + PAGE - 1, last);
      const page = this.#redis.lrange(this.#keys.ledgerEntries, start, stop);
      // A caller that stops early never awaits the page read ahead; its failure is then nobody's.
      page.catch(() => undefined);
      return { wanted: stop - start + 1, page };
    };
    let start = Math.max(fromSeq, 1) - 1;
    let next = start <= last ? pageAt(start) : undefined;
    while (next) {
      const { wanted, page } = next;
      const texts = await page;
      start += PAGE;
      // The next page is asked for before this one is handed out, so Redis sends it while the
      // caller checks this one. A short page is the list's end: nothing more is asked for.
      next = texts.length === wanted && start <= last ? pageAt(start) : undefined;
      if (texts.length > 0) yield texts;
    }
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const [seq, hash] = await this.#redis.hmget(this.#keys.ledgerHead, 'seq', 'hash');
    return { seq: Number(seq ?? 0), hash: hash ?? GENESIS_HASH };
  }
}
