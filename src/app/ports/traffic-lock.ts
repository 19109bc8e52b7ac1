/**
 * A lock across processes for work that must not interleave, such as moving traffic: a ramp and a
 * rollback of one rollout never write the registry at the same time. The lease expires, so a process
 * that dies holding it does not block the others for long.
 */
export interface TrafficLock {
  /** Runs `work` holding the lock named `name`, whose lease lasts `leaseMs`. */
  withLock<T>(name: string, leaseMs: number, work: () => Promise<T>): Promise<T>;
}
