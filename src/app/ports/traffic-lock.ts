/**
 * A lock across processes for work that must not interleave, such as moving traffic: a ramp and a
 * rollback of one rollout never write the registry at the same time.
 *
 * The lock is held for as long as `work` runs, however long that is: the holder renews its lease while
 * the work is under way, so a registry write or an external flag system that hangs past the lease does
 * not let a second writer in. Only a holder that stops renewing (its process died, or it lost Redis)
 * loses the lock, one lease after its last renewal; the lease is what bounds how long a dead holder
 * blocks the others. A holder that loses the lock is told through the `signal` given to `work`, so it
 * writes nothing more, and `withLock` then fails with `lock_lost` (the job is retried, and the retry
 * takes the lock afresh).
 */
export interface TrafficLock {
  /**
   * Runs `work` holding the lock named `name`, with a lease of `leaseMs` milliseconds renewed while
   * the work runs, and releases it when the work settles. `signal` aborts, with a `lock_lost` error as
   * its reason, if the lock is lost meanwhile; the work checks it before each write. Fails with
   * `lock_timeout` if the lock cannot be taken within `waitMs` milliseconds (default a minute; 0 tries
   * once).
   */
  withLock<T>(
    name: string,
    leaseMs: number,
    work: (signal: AbortSignal) => Promise<T>,
    waitMs?: number,
  ): Promise<T>;
}
