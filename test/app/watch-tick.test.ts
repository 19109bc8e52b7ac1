import { describe, expect, it } from 'vitest';
import type { WatchTick } from '../../src/app/ports/background-work.js';
import type { WatchSample } from '../../src/app/ports/watch-sample-log.js';
import { checkRegistry, REGISTRY_GATE } from '../../src/app/registry-guard.js';
import { apply } from '../../src/app/rollout-context.js';
import { watchTick } from '../../src/app/watch-tick.js';
import type { MecConfig } from '../../src/config/config-schema.js';
import { readConfig } from '../../src/config/load-settings.js';
import { NO_COUNTS, type WatchCounters } from '../../src/domain/alarm-watch.js';
import { decide } from '../../src/domain/decide.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { sha256Hex } from '../../src/domain/sha256.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import {
  applyAll,
  checkDone,
  minutes,
  rampEvent,
  readyState,
  soakDone,
  startEvent,
  T0,
  trafficDone,
  U_GOV,
} from '../domain/fixtures.js';
import { holdingSoaks, startJobsHarness, toReady } from '../support/jobs-harness.js';
import { listenForTest } from '../support/local-server.js';
import { useTestRedis } from '../support/redis.js';
import { PEOPLE } from '../support/slack-harness.js';
import { useCaseWorld } from '../support/use-case-world.js';

const testRedis = useTestRedis();

/** Prometheus's query API answering every configured alarm with two series, per pod. */
async function twoSeriesPrometheus(config: MecConfig) {
  const values = new Map(
    config.alarms.map((alarm) => [alarm.query, [alarm.threshold - 1, alarm.threshold - 1]]),
  );
  const server = await listenForTest((request, response) => {
    const query = new URL(request.url, 'http://prometheus').searchParams.get('query') ?? '';
    const result = (values.get(query) ?? []).map((value, index) => ({
      metric: { pod: `pod-${index}` },
      value: [1_700_000_000, String(value)],
    }));
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  return { url: server.url, values };
}

describe('watchTick on Prometheus', () => {
  it('rolls back when only the second series of a BLOCKER query breaches', async () => {
    const loaded = await readConfig('examples/m6/mec.config.yml');
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    const prometheus = await twoSeriesPrometheus(loaded.config);
    const standIn = new SlackApiStandIn();
    await standIn.start();
    const harness = await startJobsHarness(standIn, testRedis(), {
      configure: (config) => {
        const fast = holdingSoaks(config);
        return { ...fast, metrics: { ...fast.metrics, source: 'prometheus', prometheusUrl: prometheus.url } };
      },
    });
    try {
      await toReady(harness, standIn);
      await harness.command(PEOPLE.releaseManager, 'ramp 5');
      await harness.waitForState((state) => state.soak?.status === 'running');
      const latency = harness.config.alarms.find((alarm) => alarm.name === 'latency_slo_drop');
      // The first series stays healthy; reading only it, as the source once did, never trips.
      prometheus.values.set(latency?.query ?? '', [0.01, 0.05]);
      const locked = await harness.waitForState((state) => state.lock !== undefined);
      expect(locked.trafficPct).toBe(0);
      expect(locked.lock?.reason).toContain('BLOCKER latency_slo_drop');
    } finally {
      await harness.close();
      await standIn.stop();
    }
  });
});

/** The smoke running from T0+0.7m to T0+30.7m. */
const smoking = (): RolloutState =>
  applyAll(decide(null, startEvent(), T0).state, [
    [checkDone('preflight'), minutes(0.5)],
    [checkDone('backup'), minutes(0.6)],
    [checkDone('rehearsal'), minutes(0.7)],
  ]);

/** Traffic at 5% with its soak running from T0+40m to T0+55m. */
const soaking = (): RolloutState =>
  applyAll(readyState(), [
    [rampEvent(5), minutes(40)],
    [trafficDone(5), minutes(40)],
  ]);

/** Traffic at 100% with the plan's last soak running from T0+88m to T0+103m. */
const finalSoak = (): RolloutState => {
  let state = readyState();
  let at = 40;
  for (const weightPct of [5, 25, 60]) {
    state = applyAll(state, [
      [rampEvent(weightPct), minutes(at)],
      [trafficDone(weightPct), minutes(at)],
      [soakDone(), minutes(at + 15)],
    ]);
    at += 16;
  }
  return applyAll(state, [
    [rampEvent(100), minutes(at)],
    [trafficDone(100), minutes(at)],
  ]);
};

const counted = (fields: Partial<WatchCounters>): WatchCounters => ({ ...NO_COUNTS, ...fields });

function tickOf(state: RolloutState, kind: 'smoke' | 'soak', counters = NO_COUNTS): WatchTick {
  const watchId = (kind === 'smoke' ? state.checks.smoke.runId : state.soak?.soakId) ?? '';
  return { kind, rolloutId: state.rolloutId, watchId, tick: 0, counters, samples: [] };
}

async function worldWith(state: RolloutState) {
  const world = useCaseWorld();
  // The bot adopted the registry when it started, as main.ts has it check at start-up.
  await checkRegistry(world.ctx, 'M6');
  await world.seed(state);
  return world;
}

describe('watchTick: the smoke', () => {
  it('goes on while nothing trips, keeping each evaluation as a sample, and names the next tick', async () => {
    const world = await worldWith(smoking());
    // On the grid of its start: 19 intervals of 30 s after T0+0.7m.
    world.at(minutes(10.2));
    const result = await watchTick(world.ctx, tickOf(smoking(), 'smoke'));
    expect(result.outcome).toBe('watching');
    expect(result.next?.delayMs).toBe(30_000);
    expect(result.next?.tick).toMatchObject({ tick: 1, counters: { evaluations: 1 } });
    expect(result.next?.tick.samples).toEqual([
      {
        at: minutes(10.2).toISOString(),
        values: { latency_slo_drop: 0, determinism_variance: 0, feature_drift: 0 },
      },
    ]);
    expect(world.reasons()).toEqual([]);
  });

  it('keeps the next tick on the grid of the start, so the time a tick takes does not add up', async () => {
    const world = await worldWith(smoking());
    world.at(new Date(minutes(10.2).getTime() + 4_000));
    expect((await watchTick(world.ctx, tickOf(smoking(), 'smoke'))).next?.delayMs).toBe(26_000);
  });

  it('waits only until the end for the last tick', async () => {
    const world = await worldWith(smoking());
    world.at(minutes(30.5));
    expect((await watchTick(world.ctx, tickOf(smoking(), 'smoke'))).next?.delayMs).toBe(12_000);
  });

  it('passes at its end with meta_prod at shadow, and writes its report', async () => {
    const world = await worldWith(smoking());
    world.at(minutes(30.7));
    const result = await watchTick(world.ctx, tickOf(smoking(), 'smoke', counted({ evaluations: 59 })));
    expect(result).toEqual({ outcome: 'applied' });
    const report = JSON.parse(world.files.written.get('reports/run_M6_smoke.json') ?? '{}');
    expect(report).toMatchObject({
      phase: 'M6',
      passed: true,
      failure: null,
      coverage: { read: 60, planned: 60, needed: 54 },
    });
    expect((await world.store.load('M6')).state?.checks.smoke).toMatchObject({
      status: 'passed',
      ref: 'reports/run_M6_smoke.json',
      summary: '60 of 60 evaluations read, no alarm tripped, meta_prod stayed shadow',
    });
    // The ledger holds the digest of the report's bytes as written, for verify to check the file by.
    const written = world.files.written.get('reports/run_M6_smoke.json') ?? '';
    expect(world.newEntries().at(-1)?.body.detail).toMatchObject({
      request: { finished: { ref: 'reports/run_M6_smoke.json', sha256: sha256Hex(written) } },
    });
  });

  it('fails as soon as an alarm breaches on breachesToTrip evaluations in a row, paging nobody itself', async () => {
    const world = await worldWith(smoking());
    world.metrics.values.set('latency_slo_drop', 0.05);
    world.at(minutes(10));
    const first = await watchTick(world.ctx, tickOf(smoking(), 'smoke'));
    expect(first.outcome).toBe('watching');
    world.at(minutes(10.5));
    const second = await watchTick(world.ctx, first.next?.tick as WatchTick);
    expect(second).toEqual({ outcome: 'applied' });
    expect((await world.store.load('M6')).state?.checks.smoke).toMatchObject({
      status: 'failed',
      summary: 'BLOCKER latency_slo_drop at 0.05 (threshold gt 0.03)',
    });
    expect(JSON.parse(world.files.written.get('reports/run_M6_smoke.json') ?? '{}').samples).toHaveLength(2);
    expect(world.notifier.pages).toEqual([]);
  });

  it('fails when meta_prod left shadow during the smoke', async () => {
    const world = await worldWith(smoking());
    world.registry.handEdit({ meta_prod: { mode: 'ramp', weightPct: 5 } });
    world.at(minutes(10));
    await watchTick(world.ctx, tickOf(smoking(), 'smoke'));
    expect((await world.store.load('M6')).state?.checks.smoke.summary).toBe(
      'meta_prod left shadow during the smoke',
    );
  });

  it('watches on past its end, for as many intervals as it missed, a smoke that read too few', async () => {
    const world = await worldWith(smoking());
    world.metrics.values.set('determinism_variance', { error: 'connection refused' });
    world.at(minutes(30.7));
    // With this one, 50 of its 60 evaluations were read and 54 are needed: four more, two minutes more.
    const counters = counted({ evaluations: 55, unreadEvaluations: 5 });
    const result = await watchTick(world.ctx, tickOf(smoking(), 'smoke', counters));
    expect(result).toMatchObject({ outcome: 'watching', next: { delayMs: 30_000 } });
    expect((await world.store.load('M6')).state?.checks.smoke).toMatchObject({
      status: 'running',
      endsAt: minutes(30.7 + 2).toISOString(),
    });
    expect(world.reasons()).toEqual(['watch_extended']);
    expect(world.files.written.has('reports/run_M6_smoke.json')).toBe(false);
  });

  it('fails blind at its latest end a smoke that still read too few, opening the watch_blind gate', async () => {
    const world = await worldWith(smoking());
    // maxExtension 0.5 of a 30-minute smoke: it may run until 15 minutes past its planned end.
    world.at(minutes(45.7));
    const result = await watchTick(world.ctx, tickOf(smoking(), 'smoke', counted({ evaluations: 12 })));
    expect(result).toEqual({ outcome: 'applied' });
    const { state } = await world.store.load('M6');
    expect(state?.checks.smoke).toMatchObject({
      status: 'failed',
      summary: 'read 13 of 60 evaluations by its latest end, 54 needed',
    });
    expect(state?.gates.watch_blind).toMatchObject({ source: 'watch', watch: { kind: 'smoke' } });
    expect(world.reasons()).toEqual(['watch_blind']);
    const report = JSON.parse(world.files.written.get('reports/run_M6_smoke.json') ?? '{}');
    expect(report).toMatchObject({ passed: false, coverage: { read: 13, planned: 60, needed: 54 } });
  });
});

describe('watchTick: a soak', () => {
  it('rolls back when a BLOCKER trips, and pages an incident that names the rollback and the value', async () => {
    const world = await worldWith(soaking());
    world.metrics.values.set('latency_slo_drop', 0.05);
    world.at(minutes(45));
    const result = await watchTick(
      world.ctx,
      tickOf(soaking(), 'soak', counted({ breaches: { latency_slo_drop: 1 } })),
    );
    const [incident] = await world.incidents.recent();
    // The rollback ends the soak, so the incident's alarm is read on by its own clearance evaluation.
    expect(result).toEqual({
      outcome: 'rolled_back',
      clearances: [
        { tick: { incidentId: incident?.id, alarm: 'latency_slo_drop', tick: 0 }, delayMs: 30_000 },
      ],
    });
    const { state } = await world.store.load('M6');
    expect(world.effects.effects).toEqual([
      expect.objectContaining({ kind: 'roll_back', fromPct: 5, rollbackId: state?.rollback?.rollbackId }),
    ]);
    expect(incident).toMatchObject({
      alarm: 'latency_slo_drop',
      severity: 'BLOCKER',
      value: 0.05,
      fromPct: 5,
      rollbackId: state?.rollback?.rollbackId,
      summary: 'latency_slo_drop 0.05 gt 0.03 over 2 evaluations',
      receivedAt: minutes(45).toISOString(),
    });
    expect(world.notifier.pages).toEqual([incident?.id]);
  });

  it('opens the gate of a CRITICAL that trips and pages it, while the soak goes on', async () => {
    const world = await worldWith(soaking());
    world.metrics.values.set('determinism_variance', 0.1);
    world.at(minutes(45));
    const result = await watchTick(
      world.ctx,
      tickOf(soaking(), 'soak', counted({ breaches: { determinism_variance: 1 } })),
    );
    expect(result.outcome).toBe('watching');
    const { state } = await world.store.load('M6');
    expect(Object.keys(state?.gates ?? {})).toEqual(['determinism_variance']);
    expect(state?.soak?.status).toBe('running');
    expect(world.notifier.pages).toHaveLength(1);
  });

  it('opens the metrics_source gate when the source fails errorsToGate evaluations in a row', async () => {
    const world = await worldWith(soaking());
    world.metrics.values.set('latency_slo_drop', { error: 'timeout' });
    world.at(minutes(45));
    await watchTick(world.ctx, tickOf(soaking(), 'soak', counted({ sourceErrors: 2, unreadEvaluations: 2 })));
    expect(Object.keys((await world.store.load('M6')).state?.gates ?? {})).toEqual(['metrics_source']);
  });

  it.each([
    ['passes a clean soak at its end', counted({ evaluations: 29 }), 'passed', 'soak_passed'],
    [
      'breaches a soak in which a CRITICAL breached',
      counted({ evaluations: 29, breached: { determinism_variance: 0.1 } }),
      'breached',
      'soak_breached_recorded',
    ],
    [
      'passes a soak that read enough, a few evaluations it could not read counted as missed',
      counted({ evaluations: 29, unreadEvaluations: 3 }),
      'passed',
      'soak_passed',
    ],
  ])('%s', async (_what, counters, status, reason) => {
    const world = await worldWith(soaking());
    world.at(minutes(55));
    expect(await watchTick(world.ctx, tickOf(soaking(), 'soak', counters))).toEqual({ outcome: 'applied' });
    expect((await world.store.load('M6')).state?.soak?.status).toBe(status);
    expect(world.reasons()).toEqual([reason]);
  });

  it('does not pass a soak over a hand edit of the registry: the gate opens and the soak is evaluated on', async () => {
    const world = await worldWith(soaking());
    world.registry.handEdit({ ...world.registry.flags, meta_shadow_logging: false });
    world.at(minutes(55));
    const held = await watchTick(world.ctx, tickOf(soaking(), 'soak', counted({ evaluations: 29 })));
    expect(held).toMatchObject({ outcome: 'held_by_registry', next: { delayMs: 30_000 } });
    const { state } = await world.store.load('M6');
    expect(state?.soak?.status).toBe('running');
    expect(Object.keys(state?.gates ?? {})).toEqual([REGISTRY_GATE]);
    expect(world.reasons()).toEqual(['gate_opened']);
    expect(world.publisher.told.map(({ result }) => result.reason)).toEqual(['gate_opened']);
    // Once a person overrides that edit, the next evaluation passes the soak.
    await apply(world.ctx, {
      type: 'override_gate',
      actor: U_GOV,
      gateId: REGISTRY_GATE,
      reason: 'ticket 7',
    });
    world.at(minutes(55.5));
    expect(await watchTick(world.ctx, held.next?.tick as WatchTick)).toEqual({ outcome: 'applied' });
    expect((await world.store.load('M6')).state?.soak?.status).toBe('passed');
  });

  it('does not complete the rollout over a hand edit during the final soak', async () => {
    const world = await worldWith(finalSoak());
    world.registry.handEdit({ ...world.registry.flags, meta_shadow_logging: false });
    world.at(minutes(103));
    const held = await watchTick(world.ctx, tickOf(finalSoak(), 'soak', counted({ evaluations: 29 })));
    expect(held.outcome).toBe('held_by_registry');
    const { state } = await world.store.load('M6');
    expect(state).toMatchObject({ status: 'active', soak: { status: 'running' } });
    expect(world.effects.effects.map((effect) => effect.kind)).not.toContain('certify');
  });

  it('does not pass a soak that read too few by its end: it watches on for what it missed', async () => {
    const world = await worldWith(soaking());
    world.at(minutes(55));
    // 13 of 30 read, 27 needed: 14 more evaluations, seven minutes more.
    const result = await watchTick(world.ctx, tickOf(soaking(), 'soak', counted({ evaluations: 12 })));
    expect(result).toMatchObject({ outcome: 'watching', next: { delayMs: 30_000 } });
    const { state } = await world.store.load('M6');
    expect(state?.soak).toMatchObject({ status: 'running', endsAt: minutes(62).toISOString() });
    expect(world.reasons()).toEqual(['watch_extended']);
  });

  it('fails blind a soak still short at its latest end: the watch_blind gate opens, the soak is not passed', async () => {
    const world = await worldWith(soaking());
    world.at(minutes(62.5));
    const result = await watchTick(world.ctx, tickOf(soaking(), 'soak', counted({ evaluations: 20 })));
    expect(result).toEqual({ outcome: 'applied' });
    const { state } = await world.store.load('M6');
    expect(state?.soak?.status).toBe('blind');
    expect(state?.gates.watch_blind).toMatchObject({
      source: 'watch',
      summary: 'the 5% soak is blind: read 21 of 30 evaluations by its latest end, 27 needed',
      watch: { kind: 'soak', id: state?.soak?.soakId },
    });
    expect(world.reasons()).toEqual(['watch_blind']);
  });

  it('goes on when the clock steps back between its reading and the decision, even as the tick changes something else', async () => {
    const gated = decide(
      soaking(),
      { type: 'gate_opened', gateId: 'metrics_source', source: 'metrics_source', summary: 'down' },
      minutes(50),
    ).state as RolloutState;
    const world = await worldWith(gated);
    // The tick reads at the soak's end; by the time decide() runs, the clock has stepped back a minute.
    let calls = 0;
    world.ctx.now = () => (calls++ === 0 ? minutes(55) : minutes(54));
    const result = await watchTick(world.ctx, tickOf(gated, 'soak', counted({ evaluations: 29 })));
    const { state } = await world.store.load('M6');
    expect(state?.gates).toEqual({});
    expect(state?.soak?.status).toBe('running');
    expect(result.next).toMatchObject({ tick: { tick: 1 }, delayMs: 30_000 });
  });

  it('throws, so that the job runs again, when its evaluation did not land', async () => {
    const world = await worldWith(soaking());
    world.ctx.store = {
      load: (phase) => world.store.load(phase),
      commit: async (_phase, version) => ({ status: 'conflict', version: version + 1 }),
    };
    world.at(minutes(55));
    await expect(watchTick(world.ctx, tickOf(soaking(), 'soak'))).rejects.toMatchObject({
      code: 'alarm_trip_conflict',
    });
  });
});

describe('watchTick: the samples kept for the dashboard', () => {
  it('records what each evaluation read, under its rollout, for the smoke and a soak alike', async () => {
    const recorded: Array<{ rolloutId: string; sample: WatchSample }> = [];
    const watchLog = {
      record: async (rolloutId: string, sample: WatchSample) => {
        recorded.push({ rolloutId, sample });
      },
      read: async () => [],
    };
    const smokeWorld = await worldWith(smoking());
    smokeWorld.at(minutes(10.2));
    await watchTick({ ...smokeWorld.ctx, watchLog }, tickOf(smoking(), 'smoke'));
    const soakWorld = await worldWith(soaking());
    soakWorld.metrics.values.set('latency_slo_drop', 0.05);
    soakWorld.metrics.values.set('feature_drift', { error: 'connection refused' });
    soakWorld.at(minutes(45));
    await watchTick({ ...soakWorld.ctx, watchLog }, tickOf(soaking(), 'soak'));
    expect(recorded).toEqual([
      {
        rolloutId: smoking().rolloutId,
        sample: {
          at: minutes(10.2).toISOString(),
          watch: 'smoke',
          values: { latency_slo_drop: 0, determinism_variance: 0, feature_drift: 0 },
        },
      },
      {
        rolloutId: soaking().rolloutId,
        sample: {
          at: minutes(45).toISOString(),
          watch: 'soak',
          values: {
            latency_slo_drop: 0.05,
            determinism_variance: 0,
            feature_drift: 'error: connection refused',
          },
        },
      },
    ]);
  });

  it('records nothing for a tick of a watch that is over', async () => {
    const recorded: WatchSample[] = [];
    const watchLog = {
      record: async (_id: string, sample: WatchSample) => void recorded.push(sample),
      read: async () => [],
    };
    const world = await worldWith(soaking());
    await watchTick({ ...world.ctx, watchLog }, { ...tickOf(soaking(), 'soak'), watchId: 'old-soak' });
    expect(recorded).toEqual([]);
  });
});

describe('watchTick: a tick of a watch that is over', () => {
  it.each([
    ['another rollout', { rolloutId: 'R0' }],
    ['a soak that is not the one running', { watchId: 'R1.99' }],
  ])('is stale for %s, and reads no alarm', async (_what, change) => {
    const world = await worldWith(soaking());
    expect(await watchTick(world.ctx, { ...tickOf(soaking(), 'soak'), ...change })).toEqual({
      outcome: 'stale',
    });
    expect(world.metrics.reads).toEqual([]);
  });
});
