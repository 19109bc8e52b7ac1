/**
 * One-time claims that expire: the first caller of a key gets it, every later caller within `ttlMs` is
 * told no. The Slack receiver claims each signed request and each request's idempotency key with it.
 */
export interface RequestClaims {
  /** True for the first claim of `key` in `ttlMs` milliseconds, false for every later one. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives a claim back, so the next claim of `key` is first again. */
  release(key: string): Promise<void>;
}
