import { describe, expect, it } from 'vitest';
import { CoalescedAdds } from '../../../src/adapters/bullmq/coalesced-adds.js';

/** A send that lands or fails when the test says, with a record of every call. */
function sends() {
  const calls: Array<{ land: () => void; fail: (error: Error) => void }> = [];
  const send = () =>
    new Promise<void>((land, fail) => {
      calls.push({ land, fail });
    });
  return { calls, send };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Which of the promises have resolved so far. */
function watch(promises: Promise<void>[]) {
  const done = promises.map(() => false);
  promises.forEach((promise, i) => {
    promise.then(() => (done[i] = true)).catch(() => undefined);
  });
  return done;
}

describe('CoalescedAdds', () => {
  it('makes one add for every caller that asks while another is in flight, started after that one lands', async () => {
    const adds = new CoalescedAdds();
    const { calls, send } = sends();
    const first = adds.add('redraw-M6', send);
    await settled();
    const later = [adds.add('redraw-M6', send), adds.add('redraw-M6', send), adds.add('redraw-M6', send)];
    const done = watch([first, ...later]);
    await settled();
    expect(calls).toHaveLength(1);
    calls[0]?.land();
    await settled();
    // The add in flight started before they asked, so it does not answer them.
    expect(done).toEqual([true, false, false, false]);
    expect(calls).toHaveLength(2);
    calls[1]?.land();
    await settled();
    expect(done).toEqual([true, true, true, true]);
    expect(calls).toHaveLength(2);
  });

  it('gives a failed add to every caller that shared it, and makes the next one afresh', async () => {
    const adds = new CoalescedAdds();
    const { calls, send } = sends();
    const shared = [adds.add('homes-M6', send), adds.add('homes-M6', send)];
    await settled();
    calls[0]?.fail(new Error('Redis is away'));
    for (const caller of shared) await expect(caller).rejects.toThrow('Redis is away');
    const retry = adds.add('homes-M6', send);
    await settled();
    expect(calls).toHaveLength(2);
    calls[1]?.land();
    await expect(retry).resolves.toBeUndefined();
  });

  it('adds different job ids side by side', async () => {
    const adds = new CoalescedAdds();
    const { calls, send } = sends();
    const both = [adds.add('redraw-a', send), adds.add('redraw-b', send)];
    await settled();
    expect(calls).toHaveLength(2);
    for (const call of calls) call.land();
    await Promise.all(both);
  });

  it('sends at once for a caller that comes after every add landed', async () => {
    const adds = new CoalescedAdds();
    const { calls, send } = sends();
    const first = adds.add('redraw-M6', send);
    await settled();
    calls[0]?.land();
    await first;
    await settled();
    const next = adds.add('redraw-M6', send);
    await settled();
    expect(calls).toHaveLength(2);
    calls[1]?.land();
    await next;
  });
});
