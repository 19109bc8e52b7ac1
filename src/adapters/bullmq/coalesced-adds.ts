/** One coalescing id's adds: the one in flight (the tail), and the next, which callers join until it starts. */
interface Lane {
  tail: Promise<unknown>;
  next: Promise<void> | undefined;
}

/**
 * Adds of coalescing jobs (a redraw, a home refresh: one deduplication id, so adding it while it waits
 * adds nothing) made at most one at a time per id in this process: callers that come while one add
 * is in flight share the next one. In a storm every alarm entry asks for the same redraw, and each add
 * is a BullMQ script on both sides. A caller marks its drawing stale before it asks, and the add it
 * waits for starts after that, so the job it finds or makes draws what the caller committed, as its
 * own add would have.
 */
export class CoalescedAdds {
  readonly #lanes = new Map<string, Lane>();

  /** Resolves once an add of `id` that started after this call has landed; rejects if it failed. */
  add(id: string, send: () => Promise<unknown>): Promise<void> {
    let lane = this.#lanes.get(id);
    if (lane?.next) return lane.next;
    if (!lane) {
      lane = { tail: Promise.resolve(), next: undefined };
      this.#lanes.set(id, lane);
    }
    const current = lane;
    const next = current.tail.then(async () => {
      // Started: from here a new caller waits for the add after this one.
      current.next = undefined;
      await send();
    });
    current.next = next;
    current.tail = next.then(
      () => this.#settle(id, current),
      () => this.#settle(id, current),
    );
    return next;
  }

  #settle(id: string, lane: Lane): void {
    // An add behind this one starts only after this, so none is in flight: with none waiting either,
    // the lane is forgotten, and the map holds only ids being added.
    if (lane.next === undefined && this.#lanes.get(id) === lane) this.#lanes.delete(id);
  }
}
