import type { Redis } from 'ioredis';
import { MecError } from '../../domain/errors.js';

/** The ledger's last entry as a writer last saw it. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** What a compare-and-set script answers when the head moved since the writer read it. */
export type StaleReply = ['stale', number, string];

/** A step's outcome: its value, and the head it left when it appended (undefined when it wrote nothing). */
export interface ChainStepResult<T> {
  value: T;
  head: ChainHead | undefined;
}

// Each retry follows another writer's committed append, so a long run of them means a runaway writer.
const MAX_ATTEMPTS = 1_000;

// No head read yet: a seq no head has, so the first script answers stale with the real one.
const UNKNOWN: ChainHead = { seq: -1, hash: '' };

/**
 * Hashing in Node with a compare-and-set on `seq`: a step computes its entries' hashes against the
 * head last seen and runs a script that appends only if the head is still that one, else answers
 * stale with the head it found, and the step is retried on it. Steps on one connection run one at a
 * time, so a process never races itself; another replica's append costs one retry.
 */
export class LedgerChain {
  #head: ChainHead = UNKNOWN;
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(step: (head: ChainHead) => Promise<StaleReply | ChainStepResult<T>>): Promise<T> {
    const result = this.#tail.then(() => this.#attempt(step));
    this.#tail = result.catch(() => undefined);
    return result;
  }

  async #attempt<T>(step: (head: ChainHead) => Promise<StaleReply | ChainStepResult<T>>): Promise<T> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const reply = await step(this.#head);
      if (Array.isArray(reply)) {
        this.#head = { seq: reply[1], hash: reply[2] };
        continue;
      }
      if (reply.head) this.#head = reply.head;
      return reply.value;
    }
    throw new MecError(
      'invariant_violated',
      `the ledger head moved under ${MAX_ATTEMPTS} appends in a row: another writer appends without end`,
    );
  }
}

const chains = new WeakMap<Redis, Map<string, LedgerChain>>();

/** The one chain of a connection and ledger head key, shared by every adapter that appends. */
export function ledgerChainOf(redis: Redis, headKey: string): LedgerChain {
  let byKey = chains.get(redis);
  if (!byKey) {
    byKey = new Map();
    chains.set(redis, byKey);
  }
  let chain = byKey.get(headKey);
  if (!chain) {
    chain = new LedgerChain();
    byKey.set(headKey, chain);
  }
  return chain;
}
