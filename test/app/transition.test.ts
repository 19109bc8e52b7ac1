import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { MemoryRolloutStore } from '../../src/adapters/memory/memory-rollout-store.js';
import { RedisLedger } from '../../src/adapters/redis/redis-ledger.js';
import { RedisRefusalCounter } from '../../src/adapters/redis/redis-refusal-counter.js';
import { RedisRolloutStore } from '../../src/adapters/redis/redis-rollout-store.js';
import { transition } from '../../src/app/transition.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import { verifyLedger } from '../../src/domain/verify-ledger.js';
import {
  minutes,
  POLICY,
  ROOT_A,
  rampEvent,
  T0,
  U_GOV,
  U_OUT,
  U_PO,
  U_RM,
  U_SEC,
  U_SRE,
} from '../domain/fixtures.js';
import { useTestRedis } from '../support/redis.js';

const testRedis = useTestRedis();

const toReady: RolloutEvent[] = [
  // A zero-length smoke, so the whole run can happen at one instant.
  { type: 'start', actor: U_RM, rolloutId: 'R1', policy: { ...POLICY, smokeMs: 0 } },
  // Attempt ids are handed out in order: R1.1 is the pre-flight run, R1.4 the smoke.
  { type: 'check_finished', check: 'preflight', runId: 'R1.1', passed: true, summary: 'ok' },
  { type: 'check_finished', check: 'backup', runId: 'R1.2', passed: true, summary: 'ok' },
  { type: 'check_finished', check: 'rehearsal', runId: 'R1.3', passed: true, summary: 'ok' },
  { type: 'check_finished', check: 'smoke', runId: 'R1.4', passed: true, summary: 'ok' },
  { type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true },
  { type: 'go_no_go', actor: U_SRE, roleId: 'sre_oncall', go: true },
  { type: 'approve', actor: U_GOV, roleId: 'governance_lead', artifactRoot: ROOT_A },
  { type: 'approve', actor: U_SRE, roleId: 'sre_oncall', artifactRoot: ROOT_A },
  { type: 'approve', actor: U_SEC, roleId: 'security_officer', artifactRoot: ROOT_A },
  { type: 'approve', actor: U_PO, roleId: 'product_owner', artifactRoot: ROOT_A },
];

describe('transition', () => {
  it('decides on the rollout its caller loaded, and loads afresh when that one changed since', async () => {
    const ledger = new MemoryLedger();
    const store = new MemoryRolloutStore(ledger);
    const loads: number[] = [];
    const counting = {
      load: (phase: string) => {
        loads.push(1);
        return store.load(phase);
      },
      commit: store.commit.bind(store),
    };
    const deps = { store: counting, now: () => minutes(40) };
    for (const event of toReady) await transition({ store, now: deps.now }, 'M6', event);
    const loaded = await store.load('M6');
    expect((await transition(deps, 'M6', rampEvent(5), { loaded })).outcome).toBe('applied');
    expect(loads).toEqual([]);
    // `loaded` is now behind the ramp's commit: the conflict is decided again on a fresh load.
    const again = await transition(deps, 'M6', rampEvent(5), { loaded });
    expect(loads).toEqual([1]);
    expect(again).toMatchObject({ outcome: 'refused' });
  });

  it('stores each applied decision with a ledger entry recording actor, action, before and after', async () => {
    const ledger = new MemoryLedger();
    const deps = { store: new MemoryRolloutStore(ledger), now: () => minutes(40) };
    for (const event of toReady) expect((await transition(deps, 'M6', event)).outcome).toBe('applied');
    const ramp = await transition(deps, 'M6', rampEvent(5));
    expect(ramp).toMatchObject({ outcome: 'applied', effects: [{ kind: 'set_traffic', weightPct: 5 }] });
    expect(ramp.outcome === 'applied' && ramp.entry?.body).toMatchObject({
      actor: U_RM,
      action: 'ramp',
      outcome: 'applied',
      reason: 'ramp_accepted',
      before: { stage: 'ready', trafficPct: 0 },
      after: { stage: 'ramping', trafficPct: 0 },
      detail: { request: { weightPct: 5, artifactRoot: ROOT_A }, facts: { fromPct: 0, toPct: 5 } },
    });
  });

  it('records a denied attempt with its actor and reason, and leaves the state as it was', async () => {
    const ledger = new MemoryLedger();
    const deps = { store: new MemoryRolloutStore(ledger), now: () => minutes(40) };
    for (const event of toReady) await transition(deps, 'M6', event);
    const before = await deps.store.load('M6');
    const denied = await transition(deps, 'M6', rampEvent(5, ROOT_A, U_OUT));
    expect(denied).toMatchObject({ outcome: 'refused', reason: 'not_permitted' });
    expect(ledger.entries.at(-1)?.body).toMatchObject({
      actor: U_OUT,
      outcome: 'refused',
      reason: 'not_permitted',
      detail: { gate: 'permission' },
    });
    expect(await deps.store.load('M6')).toEqual(before);
  });

  it('records the digest of the policy a rollout starts under, not the policy itself', async () => {
    const ledger = new MemoryLedger();
    await transition(
      { store: new MemoryRolloutStore(ledger), now: () => T0 },
      'M6',
      toReady[0] as RolloutEvent,
    );
    expect(ledger.entries[0]?.body.detail).toMatchObject({
      request: { rolloutId: 'R1', policyDigest: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
  });

  it('does not record a duplicate', async () => {
    const ledger = new MemoryLedger();
    const deps = { store: new MemoryRolloutStore(ledger), now: () => minutes(40) };
    for (const event of toReady) await transition(deps, 'M6', event);
    const count = ledger.entries.length;
    expect((await transition(deps, 'M6', toReady.at(-1) as RolloutEvent)).outcome).toBe('noop');
    expect(ledger.entries).toHaveLength(count);
  });

  it('times what a commit finished, once, and nothing for a decision that lost its commit to a race', async () => {
    const ledger = new MemoryLedger();
    const inner = new MemoryRolloutStore(ledger);
    let at = minutes(40);
    const steps: string[] = [];
    const observe = {
      stepFinished: (weightPct: number, seconds: number) => void steps.push(`${weightPct}% ${seconds}s`),
      soakFinished: () => undefined,
      rolloutFinished: () => undefined,
    };
    for (const event of toReady) await transition({ store: inner, now: () => at }, 'M6', event);
    await transition({ store: inner, now: () => at }, 'M6', rampEvent(5));
    const rampId = (await inner.load('M6')).state?.pendingRamp?.rampId ?? 'none';
    const applied: RolloutEvent = { type: 'traffic_applied', rampId, weightPct: 5 };
    at = minutes(40.5);
    // The first attempt's commit loses to a pause, so only the decision made again is committed.
    let raced = false;
    const racing = {
      load: inner.load.bind(inner),
      commit: async (...args: Parameters<typeof inner.commit>) => {
        if (!raced) {
          raced = true;
          await transition({ store: inner, now: () => at }, 'M6', { type: 'pause', actor: U_SRE });
        }
        return inner.commit(...args);
      },
    };
    expect((await transition({ store: racing, now: () => at, observe }, 'M6', applied)).outcome).toBe(
      'applied',
    );
    expect((await transition({ store: inner, now: () => at, observe }, 'M6', applied)).outcome).toBe('noop');
    expect(steps).toEqual(['5% 30s']);
  });

  it('with an expected version, answers a conflict instead of deciding again on newer state', async () => {
    const ledger = new MemoryLedger();
    const store = new MemoryRolloutStore(ledger);
    const deps = { store, now: () => minutes(40) };
    for (const event of toReady) await transition(deps, 'M6', event);
    const drawnAt = (await store.load('M6')).version;
    // Another transition lands between the drawing and the click.
    await transition(deps, 'M6', { type: 'pause', actor: U_RM });
    await transition(deps, 'M6', { type: 'resume', actor: U_RM });
    const count = ledger.entries.length;
    const click = await transition(deps, 'M6', { type: 'pause', actor: U_RM }, { expectedVersion: drawnAt });
    expect(click.outcome).toBe('conflict');
    expect(ledger.entries).toHaveLength(count);
    expect((await store.load('M6')).state?.paused).toBeUndefined();
  });

  it('with an expected version, does not commit when another write lands between the look and the commit', async () => {
    const ledger = new MemoryLedger();
    const inner = new MemoryRolloutStore(ledger);
    const deps = { store: inner, now: () => minutes(40) };
    for (const event of toReady) await transition(deps, 'M6', event);
    const drawnAt = (await inner.load('M6')).version;
    const racing = {
      load: inner.load.bind(inner),
      commit: async (...args: Parameters<typeof inner.commit>) => {
        await transition(deps, 'M6', { type: 'pause', actor: U_SRE });
        return inner.commit(...args);
      },
    };
    const click = await transition(
      { store: racing, now: deps.now },
      'M6',
      { type: 'rollback', actor: U_RM, reason: 'x' },
      { expectedVersion: drawnAt },
    );
    expect(click.outcome).toBe('conflict');
    expect((await inner.load('M6')).state?.paused?.by).toBe(U_SRE);
  });

  it('decides on the rollout the caller just read, without reading it again, and still will not commit past a change', async () => {
    const ledger = new MemoryLedger();
    const inner = new MemoryRolloutStore(ledger);
    const deps = { store: inner, now: () => minutes(40) };
    for (const event of toReady) await transition(deps, 'M6', event);
    const loaded = await inner.load('M6');
    let loads = 0;
    const counting = {
      load: (phase: string) => {
        loads += 1;
        return inner.load(phase);
      },
      commit: inner.commit.bind(inner),
    };
    const pause = { type: 'pause', actor: U_RM } as const;
    const paused = await transition({ store: counting, now: deps.now }, 'M6', pause, {
      expectedVersion: loaded.version,
      loaded,
    });
    expect(paused).toMatchObject({ outcome: 'applied', reason: 'paused' });
    expect(loads).toBe(0);
    // The rollout given is now stale: the commit at its version is refused as a conflict.
    const again = await transition(
      { store: counting, now: deps.now },
      'M6',
      { type: 'resume', actor: U_RM },
      {
        expectedVersion: loaded.version,
        loaded,
      },
    );
    expect(again.outcome).toBe('conflict');
    expect((await inner.load('M6')).state?.paused?.by).toBe(U_RM);
  });

  describe('two processes ramping at once on Redis', () => {
    async function readyOnRedis() {
      const { prefix, connect } = testRedis();
      const processes = [0, 1].map(() => ({
        store: new RedisRolloutStore(connect(), prefix),
        now: () => minutes(40),
      }));
      for (const event of toReady) await transition(processes[0] as (typeof processes)[0], 'M6', event);
      return { processes, ledger: new RedisLedger(connect(), prefix) };
    }

    it('gives one of them a clear conflict when it may not decide again', async () => {
      const { processes } = await readyOnRedis();
      const results = await Promise.all(
        processes.map((deps) => transition(deps, 'M6', rampEvent(5), { attempts: 1 })),
      );
      expect(results.map((result) => result.outcome).sort()).toEqual(['applied', 'conflict']);
      expect(results.find((result) => result.outcome === 'conflict')?.message).toContain(
        'the rollout changed',
      );
    });

    it('accepts exactly one ramp, and refuses the other on the fresh state', async () => {
      const { processes, ledger } = await readyOnRedis();
      const results = await Promise.all(processes.map((deps) => transition(deps, 'M6', rampEvent(5))));
      expect(results.map((result) => result.outcome).sort()).toEqual(['applied', 'refused']);
      expect(results.find((result) => result.outcome === 'refused')?.reason).toBe('ramp_in_progress');
      const entries = await ledger.read();
      expect(verifyLedger(entries)).toMatchObject({ ok: true });
      expect(entries.filter((entry) => entry.body.reason === 'ramp_accepted')).toHaveLength(1);
    });
  });

  describe('a flood of identical refusals', () => {
    it('writes one ledger entry for hundreds of concurrent ones from two processes', async () => {
      const { prefix, connect } = testRedis();
      const processes = [0, 1].map(() => ({
        store: new RedisRolloutStore(connect(), prefix),
        now: () => minutes(40),
        refusals: new RedisRefusalCounter(connect(), prefix),
      }));
      for (const event of toReady) await transition(processes[0] as (typeof processes)[0], 'M6', event);
      const ledger = new RedisLedger(connect(), prefix);
      const before = (await ledger.read()).length;
      const results = await Promise.all(
        Array.from({ length: 400 }, (_, n) =>
          transition(processes[n % 2] as (typeof processes)[0], 'M6', { type: 'pause', actor: U_OUT }),
        ),
      );
      expect(new Set(results.map((result) => result.reason))).toEqual(new Set(['not_permitted']));
      expect(results.filter((result) => result.outcome === 'refused' && result.entry)).toHaveLength(1);
      const entries = (await ledger.read()).slice(before);
      expect(entries.map((entry) => [entry.body.actor, entry.body.reason])).toEqual([
        [U_OUT, 'not_permitted'],
      ]);
      // Another reason, action or person is another entry.
      await transition(processes[0] as (typeof processes)[0], 'M6', { type: 'resume', actor: U_OUT });
      await transition(processes[0] as (typeof processes)[0], 'M6', { type: 'pause', actor: U_PO });
      expect((await ledger.read()).slice(before)).toHaveLength(3);
      expect(verifyLedger(await ledger.read())).toMatchObject({ ok: true });
    });

    it("records the window before's repeats on the first refusal of the next window", async () => {
      const store = new MemoryRolloutStore(new MemoryLedger());
      const refusals = { count: async () => ({ nth: 1, collapsedBefore: 41 }) };
      const deps = { store, now: () => minutes(1), refusals };
      const result = await transition(deps, 'M6', { type: 'pause', actor: U_OUT });
      expect(result).toMatchObject({ outcome: 'refused', reason: 'no_rollout' });
      expect((result as { entry?: { body: { detail: unknown } } }).entry?.body.detail).toMatchObject({
        collapsed: { count: 41, windowMs: 60_000 },
      });
    });
  });
});
