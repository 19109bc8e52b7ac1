import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  checkDone,
  completeState,
  expectRefused,
  minutes,
  POLICY,
  ROOT_A,
  rampEvent,
  readyState,
  resolveStep,
  type Step,
  smokedState,
  startEvent,
  T0,
  trafficDone,
  U_GOV,
  U_PO,
  U_RM,
  U_SEC,
  U_SRE,
} from './fixtures.js';

const CERTIFY = {
  type: 'certify',
  rolloutId: 'R1',
  artifactRoot: ROOT_A,
  registryRoot: 'c'.repeat(64),
} as const;

describe('decide: re-running an input changes nothing', () => {
  const reports: Array<[string, () => readonly [RolloutState, Step, Date]]> = [
    [
      'a check result',
      () => [
        decide(null, startEvent(), T0).state as RolloutState,
        checkDone('preflight', true, 'ok'),
        minutes(1),
      ],
    ],
    [
      'an approval',
      () => [
        smokedState(),
        { type: 'approve', actor: U_GOV, roleId: 'governance_lead', artifactRoot: ROOT_A },
        minutes(33),
      ],
    ],
    [
      'a traffic confirmation',
      () => [applyAll(readyState(), [[rampEvent(5), minutes(40)]]), trafficDone(5), minutes(40)],
    ],
    [
      'a go',
      () => [
        smokedState(),
        { type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true },
        minutes(32),
      ],
    ],
  ];

  it.each(reports)('treats %s delivered twice as a duplicate', (_what, make) => {
    const [state, step, now] = make();
    // The same report, delivered twice.
    const event = resolveStep(state, step);
    const once = decide(state, event, now);
    expect(once.outcome).toBe('applied');
    const twice = decide(once.state, event, now);
    expect(twice).toMatchObject({ outcome: 'noop', state: once.state, effects: [] });
  });

  it('gives the same decision for the same input, and leaves the input untouched', () => {
    const state = readyState();
    const frozen = structuredClone(state);
    expect(decide(state, rampEvent(5), minutes(40))).toEqual(decide(state, rampEvent(5), minutes(40)));
    expect(state).toEqual(frozen);
  });
});

describe('permissions deny by default', () => {
  it.each([
    ['start', { type: 'start', actor: U_GOV, rolloutId: 'R9', policy: POLICY }],
    ['pause', { type: 'pause', actor: U_PO }],
    ['resume', { type: 'resume', actor: U_PO }],
    ['run a check', { type: 'run_check', actor: U_SEC, check: 'smoke' }],
    ['abort', { type: 'abort', actor: U_SRE, reason: 'x' }],
  ] as Array<[string, RolloutEvent]>)(
    'refuses to let someone without the permission %s',
    (_action, event) => {
      const state = event.type === 'start' ? null : readyState();
      expectRefused(decide(state, event, minutes(40)), 'not_permitted');
    },
  );

  it('grants nothing for an action config does not list', () => {
    const { pause: _dropped, ...permissions } = POLICY.permissions;
    const policy = { ...POLICY, permissions };
    expectRefused(decide(readyState(policy), { type: 'pause', actor: U_RM }, minutes(40)), 'not_permitted');
  });
});

describe('decide: outside an active rollout', () => {
  it('refuses a request when no rollout was started, and says how to start one', () => {
    const decision = decide(null, rampEvent(5), T0);
    expectRefused(decision, 'no_rollout');
    expect(decision.message).toContain('/mec start');
  });

  it('ignores a job report when no rollout was started, recording nothing', () => {
    expect(decide(null, { type: 'traffic_applied', rampId: 'R1.1', weightPct: 5 }, T0)).toMatchObject({
      outcome: 'noop',
      reason: 'no_rollout',
    });
  });

  it('refuses a request to a rollout that is over, naming its status', () => {
    const stopped = applyAll(readyState(), [
      [{ type: 'abort', actor: U_RM, reason: 'wrong build' }, minutes(40)],
    ]);
    const decision = decide(stopped, { type: 'pause', actor: U_SRE }, minutes(41));
    expectRefused(decision, 'rollout_not_active');
    expect(decision.message).toContain('the M6 rollout is stopped');
  });

  it('notes an alarm when no rollout was started', () => {
    const alarm: RolloutEvent = {
      type: 'alarm',
      alarm: 'latency_slo_drop',
      severity: 'BLOCKER',
      firing: true,
      summary: 'attainment dropped',
    };
    expect(decide(null, alarm, T0)).toMatchObject({
      outcome: 'recorded',
      reason: 'alarm_recorded',
      state: null,
      detail: { alarm: 'latency_slo_drop', severity: 'BLOCKER', firing: true },
    });
  });
});

describe('decide: certify and the weekly review', () => {
  it('records the final roots of a phase that completed, once', () => {
    const complete = completeState();
    const certified = decide(complete, CERTIFY, minutes(120));
    expect(certified).toMatchObject({
      outcome: 'applied',
      reason: 'phase_certified',
      state: { certified: { artifactRoot: ROOT_A, registryRoot: 'c'.repeat(64) } },
    });
    expect(decide(certified.state, CERTIFY, minutes(121))).toMatchObject({
      outcome: 'noop',
      reason: 'duplicate',
    });
  });

  it('does not certify a rollout that has not completed, or another rollout', () => {
    expect(decide(readyState(), CERTIFY, minutes(40)).outcome).toBe('noop');
    expect(decide(completeState(), { ...CERTIFY, rolloutId: 'R9' }, minutes(120))).toMatchObject({
      outcome: 'noop',
      reason: 'rollout_not_active',
    });
  });

  it('records that the weekly review was posted, with its counts, changing nothing', () => {
    const state = readyState();
    const decision = decide(
      state,
      { type: 'review_posted', warnings: 2, rollbacks: 1, preventedIncidents: 1 },
      minutes(40),
    );
    expect(decision).toMatchObject({
      outcome: 'recorded',
      reason: 'review_posted',
      state,
      detail: { warnings: 2, rollbacks: 1, preventedIncidents: 1 },
    });
  });
});
