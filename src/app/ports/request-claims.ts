/** One key to claim, and for how long the claim holds, in milliseconds. */
export interface Claim {
  key: string;
  ttlMs: number;
}

/**
 * One-time claims that expire: the first caller of a key gets it, every later caller within `ttlMs` is
 * told no. The Slack receiver claims each signed request and each request's idempotency key with it.
 */
export interface RequestClaims {
  /**
   * Claims `claims` in order, atomically, stopping at the first one taken already (the ones before it
   * stay claimed): that one's index, or -1 when every one was claimed.
   */
  claimInOrder(claims: readonly Claim[]): Promise<number>;
  /** Gives a claim back, so the next claim of `key` is first again. */
  release(key: string): Promise<void>;
}
