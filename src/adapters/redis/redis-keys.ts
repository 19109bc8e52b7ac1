/**
 * Every key of one deployment. The `{mec}` hash tag keeps them in one cluster slot, which the atomic
 * commit script needs because it touches the rollout and the ledger together.
 */
export function redisKeys(prefix: string) {
  const base = `${prefix}{mec}:`;
  return {
    rollout: (phase: string) => `${base}rollout:${phase}`,
    ledgerEntries: `${base}ledger:entries`,
    ledgerHead: `${base}ledger:head`,
    /** Committed transitions' work not yet handed to the queues: field = ledger seq. */
    outbox: `${base}outbox`,
    registryRoot: `${base}registry:root`,
    incident: (id: string) => `${base}incident:${id}`,
    slack: (kind: string, id: string) => `${base}slack:${kind}:${id}`,
    samples: `${base}samples`,
    /** What each evaluation of a rollout's watches read, for the dashboard's charts. */
    watchSamples: (rolloutId: string) => `${base}watch-samples:${rolloutId}`,
    lock: (name: string) => `${base}lock:${name}`,
    /** A one-time claim (a signed request, a request's idempotency key); the key is a hash, never a secret. */
    claim: (key: string) => `${base}claim:${key}`,
    /** Counts of identical refusals, so a flood is written to the ledger once per window. */
    refusals: (key: string, part: 'window' | 'collapsed') => `${base}refusals:${part}:${key}`,
  };
}
