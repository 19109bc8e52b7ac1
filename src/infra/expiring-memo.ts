/**
 * What a process remembers for a while: each key until its own time runs out, and at most `capacity`
 * keys, the oldest forgotten first. Answers that let a hot path skip a round trip (a re-send seen
 * lately), kept short so that what Redis lost is not outlived for long.
 */
export class ExpiringMemo<V> {
  readonly #entries = new Map<string, { value: V; until: number }>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The value remembered for `key`, while its time lasts. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    return entry && entry.until > Date.now() ? entry.value : undefined;
  }

  /** Remembers `value` for `key` for `forMs` milliseconds, as the newest key. */
  set(key: string, value: V, forMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, until: Date.now() + forMs });
    if (this.#entries.size > this.#capacity)
      this.#entries.delete(this.#entries.keys().next().value as string);
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }
}
