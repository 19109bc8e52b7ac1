import { describe, expect, it } from 'vitest';
import { RedisMessageRefs } from '../../../src/adapters/redis/redis-message-refs.js';
import type { DrawPart } from '../../../src/app/ports/message-refs.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('drawing while dirty', () => {
  it('collapses concurrent requests into drawings, the last of which comes after the last mark', async () => {
    const { prefix, connect } = testRedis();
    const refs = [new RedisMessageRefs(connect(), prefix), new RedisMessageRefs(connect(), prefix)];
    let marks = 0;
    let drawnAt = 0;
    let drawings = 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_, n) => {
        const store = refs[n % 2] as RedisMessageRefs;
        // Staggered, so marks land while earlier drawings are under way.
        await new Promise((resolve) => setTimeout(resolve, n * 2));
        marks += 1;
        await store.markDirty('message');
        await store.drawWhileDirty('message', `token-${n}`, async () => {
          drawings += 1;
          drawnAt = marks;
          await new Promise((resolve) => setTimeout(resolve, 5));
        });
      }),
    );
    expect(drawnAt).toBe(20);
    expect(drawings).toBeGreaterThan(0);
    expect(drawings).toBeLessThan(20);
  });

  it('leaves the mark in place when a drawing fails, so the next caller draws', async () => {
    const { prefix, connect } = testRedis();
    const refs = new RedisMessageRefs(connect(), prefix);
    await refs.markDirty('message');
    await expect(
      refs.drawWhileDirty('message', 'a', async () => {
        throw new Error('Slack said ratelimited');
      }),
    ).rejects.toThrow('ratelimited');

    let drawn = false;
    await refs.drawWhileDirty('message', 'b', async () => {
      drawn = true;
    });
    expect(drawn).toBe(true);
  });

  /** A drawing of the messages `a`, `b` and `c`, recording what it sends; `refuse` fails that one. */
  const drawing = (sent: string[], refuse?: string) => async (part: DrawPart) => {
    for (const name of ['a', 'b', 'c'])
      await part(name, async () => {
        if (name === refuse) throw new Error('Slack said ratelimited');
        sent.push(name);
      });
  };

  it('resumes a drawing that failed part way: the messages it landed are not sent again', async () => {
    const { prefix, connect } = testRedis();
    const refs = new RedisMessageRefs(connect(), prefix);
    const sent: string[] = [];
    await refs.markDirty('message');
    await expect(refs.drawWhileDirty('message', 'job', drawing(sent, 'b'))).rejects.toThrow('ratelimited');
    expect(sent).toEqual(['a']);
    // The job's next run, as a retry: the mark it finds is the resumption, kept as it is.
    await refs.markDirtyUnlessMarked('message');
    await refs.drawWhileDirty('message', 'job', drawing(sent));
    expect(sent).toEqual(['a', 'b', 'c']);
  });

  it('starts over when the drawing was marked anew after the failure: the state may have changed', async () => {
    const { prefix, connect } = testRedis();
    const refs = new RedisMessageRefs(connect(), prefix);
    const sent: string[] = [];
    await refs.markDirty('message');
    await expect(refs.drawWhileDirty('message', 'job', drawing(sent, 'b'))).rejects.toThrow('ratelimited');
    await refs.markDirty('message');
    await refs.markDirtyUnlessMarked('message');
    await refs.drawWhileDirty('message', 'job', drawing(sent));
    expect(sent).toEqual(['a', 'a', 'b', 'c']);
  });

  it('draws every message again on the next mark once a drawing finished', async () => {
    const { prefix, connect } = testRedis();
    const refs = new RedisMessageRefs(connect(), prefix);
    const sent: string[] = [];
    await refs.markDirtyUnlessMarked('message');
    await refs.drawWhileDirty('message', 'job', drawing(sent));
    await refs.markDirty('message');
    await refs.drawWhileDirty('message', 'job', drawing(sent));
    expect(sent).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });
});

describe('the claim on a rollout message', () => {
  it('goes to one caller until it is given up, then to the next at once', async () => {
    const { prefix, connect } = testRedis();
    const refs = [new RedisMessageRefs(connect(), prefix), new RedisMessageRefs(connect(), prefix)] as const;
    expect(await refs[0].claimParent('M6-r1')).toBe(true);
    expect(await refs[1].claimParent('M6-r1')).toBe(false);
    await refs[0].releaseParent('M6-r1');
    expect(await refs[1].claimParent('M6-r1')).toBe(true);
  });
});
