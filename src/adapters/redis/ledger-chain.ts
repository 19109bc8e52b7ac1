import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { MecError } from '../../domain/errors.js';

/** The ledger's last entry as a writer last saw it. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Which attempt a script is: this chain's writer id and the attempt's number, which the script leaves on
 * the head, so that the same script sent again (ioredis re-sends after a reconnect) is known as applied.
 */
export interface ChainAttempt {
  writer: string;
  attempt: string;
}

/** What a compare-and-set script answers when the head moved since the writer read it. */
export type StaleReply = ['stale', number, string];

/** A step's outcome: its value, and the head it left when it appended (undefined when it wrote nothing). */
export interface ChainStepResult<T> {
  value: T;
  head: ChainHead | undefined;
}

/** One try at a step: hash against `head`, and run the script as `attempt`. */
export type ChainStep<T> = (
  head: ChainHead,
  attempt: ChainAttempt,
) => Promise<StaleReply | ChainStepResult<T>>;

// Each retry follows another writer's committed append, so a long run of them means a runaway writer.
const MAX_ATTEMPTS = 1_000;

// No head read yet: a seq no head has, so the first script answers stale with the real one.
const UNKNOWN: ChainHead = { seq: -1, hash: '' };

/**
 * Hashing in Node with a compare-and-set on `seq`: a step computes its entries' hashes against the
 * head last seen and runs a script that appends only if the head is still that one, else answers
 * stale with the head it found, and the step is retried on it. Steps on one connection run one at a
 * time, so a process never races itself; another replica's append costs one retry. Each attempt is
 * numbered, so a script that ran but whose reply was lost answers as applied when it is sent again.
 */
export class LedgerChain {
  #head: ChainHead = UNKNOWN;
  #tail: Promise<unknown> = Promise.resolve();
  readonly #writer = randomUUID();
  #attempts = 0;

  run<T>(step: ChainStep<T>): Promise<T> {
    const result = this.#tail.then(() => this.#attempt(step));
    this.#tail = result.catch(() => undefined);
    return result;
  }

  async #attempt<T>(step: ChainStep<T>): Promise<T> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      this.#attempts += 1;
      const reply = await step(this.#head, { writer: this.#writer, attempt: String(this.#attempts) });
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
