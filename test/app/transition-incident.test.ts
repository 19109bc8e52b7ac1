import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../src/adapters/memory/memory-incident-store.js';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { RedisIncidentStore } from '../../src/adapters/redis/redis-incident-store.js';
import { RedisLedger } from '../../src/adapters/redis/redis-ledger.js';
import { RedisRefusalCounter } from '../../src/adapters/redis/redis-refusal-counter.js';
import type { IncidentStore } from '../../src/app/ports/incident-store.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import type { IncidentEvent } from '../../src/domain/incident-event.js';
import type { RolloutPolicy } from '../../src/domain/policy.js';
import { verifyLedger } from '../../src/domain/verify-ledger.js';
import { POLICY, U_OUT, U_PO, U_SRE } from '../domain/fixtures.js';
import { INCIDENT } from '../support/incident.js';
import { useTestRedis } from '../support/redis.js';

const testRedis = useTestRedis();

const RESPONDERS = Array.from({ length: 10 }, (_, n) => `U_RESP${n}`);
const policy: RolloutPolicy = {
  ...POLICY,
  roles: [...POLICY.roles, { id: 'responder', name: 'Responder', userIds: [U_SRE, ...RESPONDERS] }],
  permissions: { ...POLICY.permissions, acknowledge: ['responder'] },
};
const NOW = new Date('2026-11-24T04:01:00.000Z');
const ctx = { phase: 'M6', now: () => NOW };
const open: IncidentEvent = { type: 'open_incident', incident: INCIDENT };
const ack = (actor: string): IncidentEvent => ({ type: 'acknowledge', actor, policy });

function inMemory() {
  const ledger = new MemoryLedger();
  return { ledger, deps: { ctx, incidents: new MemoryIncidentStore(ledger) } };
}

describe('transitionIncident', () => {
  it('stores an applied decision with a ledger entry saying who, what, before and after', async () => {
    const { deps, ledger } = inMemory();
    await transitionIncident(deps, INCIDENT.id, open);
    const acked = await transitionIncident(deps, INCIDENT.id, ack(U_SRE));
    expect(acked).toMatchObject({ outcome: 'applied', reason: 'incident_acknowledged', version: 2 });
    expect((await deps.incidents.load(INCIDENT.id)).incident?.acknowledged).toEqual({
      by: U_SRE,
      at: NOW.toISOString(),
    });
    expect(ledger.entries.map((entry) => entry.body)).toEqual([
      expect.objectContaining({
        actor: 'mec-bot',
        action: 'open_incident',
        outcome: 'applied',
        reason: 'incident_opened',
        before: null,
        after: expect.objectContaining({ alarm: 'latency_slo_drop', acknowledgedBy: null }),
        detail: expect.objectContaining({ incident: INCIDENT.id, rollbackId: 'rb-1', fromPct: 25 }),
      }),
      {
        v: 1,
        at: NOW.toISOString(),
        phase: 'M6',
        rolloutId: null,
        actor: U_SRE,
        action: 'acknowledge',
        outcome: 'applied',
        reason: 'incident_acknowledged',
        before: expect.objectContaining({ acknowledgedBy: null }),
        after: expect.objectContaining({ acknowledgedBy: U_SRE }),
        detail: { incident: INCIDENT.id, message: 'Acknowledged latency_slo_drop at 04:01:00 UTC.' },
      },
    ]);
  });

  it('records a denied acknowledgement and leaves the incident as it was', async () => {
    const { deps, ledger } = inMemory();
    await transitionIncident(deps, INCIDENT.id, open);
    const before = await deps.incidents.load(INCIDENT.id);
    expect(await transitionIncident(deps, INCIDENT.id, ack(U_PO))).toMatchObject({
      outcome: 'refused',
      reason: 'not_permitted',
    });
    expect(ledger.entries.at(-1)?.body).toMatchObject({
      actor: U_PO,
      action: 'acknowledge',
      outcome: 'refused',
      reason: 'not_permitted',
      detail: { incident: INCIDENT.id },
    });
    expect(await deps.incidents.load(INCIDENT.id)).toEqual(before);
  });

  it('records nothing for a duplicate or for an incident that is not there', async () => {
    const { deps, ledger } = inMemory();
    await transitionIncident(deps, INCIDENT.id, open);
    await transitionIncident(deps, INCIDENT.id, ack(U_SRE));
    const count = ledger.entries.length;
    expect(await transitionIncident(deps, INCIDENT.id, ack(RESPONDERS[0] ?? ''))).toMatchObject({
      outcome: 'noop',
      reason: 'duplicate',
      message: `Already acknowledged by ${U_SRE}.`,
    });
    expect(await transitionIncident(deps, INCIDENT.id, open)).toMatchObject({ outcome: 'noop' });
    expect(await transitionIncident(deps, 'nope', { type: 'resolve_incident' })).toMatchObject({
      outcome: 'noop',
      reason: 'incident_unknown',
    });
    expect(ledger.entries).toHaveLength(count);
    expect(await deps.incidents.load('nope')).toEqual({ incident: null, version: 0 });
  });

  it('records an alert that maps to no alarm under its alert id, with what Alertmanager sent', async () => {
    const { deps, ledger } = inMemory();
    const labels = { alertname: 'Mec_disk_full', mec_alarm: 'disk_full', mec_phase: 'M6' };
    const startsAt = '2026-11-24T03:59:00.000Z';
    const event: IncidentEvent = {
      type: 'alert_unmatched',
      status: 'firing',
      labels,
      annotations: {},
      startsAt,
    };
    expect(await transitionIncident(deps, 'alert-1', event)).toMatchObject({ outcome: 'recorded' });
    expect(ledger.entries.at(-1)?.body).toMatchObject({
      actor: 'mec-bot',
      outcome: 'recorded',
      reason: 'alarm_unknown',
      before: null,
      after: null,
      detail: { alert: 'alert-1', status: 'firing', labels, annotations: {}, startsAt },
    });
    expect(await deps.incidents.recent()).toEqual([]);
  });

  it('decides again on the fresh incident when another change landed in between', async () => {
    const { deps, ledger } = inMemory();
    await transitionIncident(deps, INCIDENT.id, open);
    let interfered = false;
    const racing: Pick<IncidentStore, 'load' | 'commit'> = {
      load: (id) => deps.incidents.load(id),
      commit: async (...args) => {
        if (!interfered) {
          interfered = true;
          await transitionIncident(deps, INCIDENT.id, { type: 'notice_posted', channel: 'C1', ts: '1.1' });
        }
        return deps.incidents.commit(...args);
      },
    };
    const acked = await transitionIncident({ ctx, incidents: racing }, INCIDENT.id, ack(U_SRE));
    expect(acked).toMatchObject({ outcome: 'applied', version: 3 });
    expect((await deps.incidents.load(INCIDENT.id)).incident).toMatchObject({
      notice: { channel: 'C1', ts: '1.1' },
      acknowledged: { by: U_SRE },
    });
    expect(ledger.entries.map((entry) => entry.body.reason)).toEqual([
      'incident_opened',
      'notice_posted',
      'incident_acknowledged',
    ]);
  });

  it('refuses to open an incident under an id that is not its own', async () => {
    const { deps } = inMemory();
    await expect(transitionIncident(deps, 'other', open)).rejects.toThrow(/cannot be opened as other/);
  });
});

describe('transitionIncident on Redis, from independent connections', () => {
  it('keeps every fact when changes race, from one connection and from two', async () => {
    const { prefix, connect } = testRedis();
    const [one, two] = [connect(), connect()].map((redis) => ({
      ctx,
      incidents: new RedisIncidentStore(redis, prefix, 86_400_000),
    }));
    if (!one || !two) throw new Error('two connections expected');
    await transitionIncident(one, INCIDENT.id, open);
    const results = await Promise.all([
      transitionIncident(one, INCIDENT.id, { type: 'notice_posted', channel: 'C1', ts: '1.1' }),
      transitionIncident(one, INCIDENT.id, {
        type: 'shadow_reached',
        rollbackId: 'rb-1',
        shadowAt: '2026-11-24T04:00:02.000Z',
      }),
      transitionIncident(two, INCIDENT.id, { type: 'resolve_incident' }),
      transitionIncident(two, INCIDENT.id, ack(U_SRE)),
    ]);
    expect(results.map((result) => result.outcome)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(await one.incidents.load(INCIDENT.id)).toEqual({
      version: 5,
      incident: {
        ...INCIDENT,
        notice: { channel: 'C1', ts: '1.1' },
        shadowAt: '2026-11-24T04:00:02.000Z',
        resolvedAt: NOW.toISOString(),
        acknowledged: { by: U_SRE, at: NOW.toISOString() },
      },
    });
    expect(await two.incidents.ofRollback('rb-1')).toBe(INCIDENT.id);
    const entries = await new RedisLedger(connect(), prefix).read();
    expect(verifyLedger(entries)).toMatchObject({ ok: true, entries: 5 });
  });

  it('lets exactly one of many concurrent first acknowledgements win, and records only that one', async () => {
    const { prefix, connect } = testRedis();
    const stores = [connect(), connect()].map((redis) => ({
      ctx,
      incidents: new RedisIncidentStore(redis, prefix, 86_400_000),
    }));
    const [first] = stores;
    if (!first) throw new Error('a connection expected');
    await transitionIncident(first, INCIDENT.id, open);
    const results = await Promise.all(
      RESPONDERS.map((user, n) => transitionIncident(stores[n % 2] ?? first, INCIDENT.id, ack(user))),
    );
    const winners = RESPONDERS.filter((_, n) => results[n]?.outcome === 'applied');
    expect(winners).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'noop').map((result) => result.message)).toEqual(
      Array(RESPONDERS.length - 1).fill(`Already acknowledged by ${winners[0]}.`),
    );
    expect((await first.incidents.load(INCIDENT.id)).incident?.acknowledged?.by).toBe(winners[0]);
    const acks = (await new RedisLedger(connect(), prefix).read()).filter(
      (entry) => entry.body.action === 'acknowledge',
    );
    expect(acks.map((entry) => entry.body.actor)).toEqual(winners);
  });

  it('writes one ledger entry for a flood of identical refusals from two processes', async () => {
    const { prefix, connect } = testRedis();
    const processes = [0, 1].map(() => ({
      ctx: { ...ctx, refusals: new RedisRefusalCounter(connect(), prefix) },
      incidents: new RedisIncidentStore(connect(), prefix, 86_400_000),
    }));
    const first = processes[0] as (typeof processes)[0];
    await transitionIncident(first, INCIDENT.id, open);
    const ledger = new RedisLedger(connect(), prefix);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        transitionIncident(processes[n % 2] as (typeof processes)[0], INCIDENT.id, ack(U_OUT)),
      ),
    );
    expect(new Set(results.map((result) => result.reason))).toEqual(new Set(['not_permitted']));
    const refusals = (await ledger.read()).filter((entry) => entry.body.reason === 'not_permitted');
    expect(refusals.map((entry) => entry.body.actor)).toEqual([U_OUT]);
    expect((await first.incidents.load(INCIDENT.id)).incident?.acknowledged).toBeUndefined();
  });
});
