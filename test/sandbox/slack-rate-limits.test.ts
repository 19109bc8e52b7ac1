import { describe, expect, it } from 'vitest';
import { WEB_API_SCOPES } from '../../src/adapters/slack/web-api-scopes.js';
import {
  METHOD_LIMITS,
  MethodRateLimiter,
  RESPONSE_URL_LIMIT,
  ResponseUrlUses,
} from '../../src/sandbox/slack-rate-limits.js';

describe('Slack rate limits', () => {
  it('lets a burst of posts into one channel through, then asks for a wait, then refills about one a second', () => {
    const limiter = new MethodRateLimiter();
    const burst = METHOD_LIMITS['chat.postMessage']?.burst ?? 0;
    for (let i = 0; i < burst; i += 1) expect(limiter.take('chat.postMessage', 'C1', 0)).toBeUndefined();
    expect(limiter.take('chat.postMessage', 'C1', 0)).toBe(1);
    // Another channel has its own bucket.
    expect(limiter.take('chat.postMessage', 'C2', 0)).toBeUndefined();
    expect(limiter.take('chat.postMessage', 'C1', 1_000)).toBeUndefined();
    expect(limiter.take('chat.postMessage', 'C1', 1_000)).toBe(1);
  });

  it('limits a Tier 3 method across channels and says how many seconds to wait', () => {
    const limiter = new MethodRateLimiter({ 'chat.update': { perMinute: 6, burst: 2 } });
    expect(limiter.take('chat.update', 'C1', 0)).toBeUndefined();
    expect(limiter.take('chat.update', 'C2', 0)).toBeUndefined();
    expect(limiter.take('chat.update', 'C3', 0)).toBe(10);
    expect(limiter.take('chat.update', 'C3', 10_000)).toBeUndefined();
  });

  it('limits every Web API method the bot calls, the lookups of a post among them', () => {
    for (const method of Object.keys(WEB_API_SCOPES)) expect(METHOD_LIMITS[method], method).toBeDefined();
  });

  it('does not limit a method it has no tier for', () => {
    const limiter = new MethodRateLimiter({});
    for (let i = 0; i < 1_000; i += 1) expect(limiter.take('chat.postMessage', 'C1', 0)).toBeUndefined();
  });

  it('takes 5 posts to a response_url, refuses the sixth, and refuses any after 30 minutes', () => {
    const uses = new ResponseUrlUses();
    uses.issued('r1', 0);
    for (let i = 0; i < RESPONSE_URL_LIMIT.uses; i += 1) expect(uses.use('r1', 1_000)).toBeUndefined();
    expect(uses.use('r1', 2_000)).toBe('used_url');
    uses.issued('r2', 0);
    expect(uses.use('r2', 30 * 60_000)).toBeUndefined();
    expect(uses.use('r2', 30 * 60_000 + 1)).toBe('expired_url');
  });
});
