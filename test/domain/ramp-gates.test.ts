import { describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/decide.js';
import { evaluateRampGates } from '../../src/domain/ramp-gates.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  applyAll,
  approvals,
  expectRefused,
  minutes,
  ROOT_A,
  ROOT_B,
  rampEvent,
  readyState,
  smokedState,
  soakDone,
  trafficDone,
  U_GOV,
  U_OUT,
  U_RM,
  U_SEC,
  U_SRE,
} from './fixtures.js';

const atFive = () =>
  applyAll(readyState(), [
    [rampEvent(5), minutes(40)],
    [trafficDone(5), minutes(40)],
  ]);

const soakedAtFive = () => applyAll(atFive(), [[soakDone(false, 'clean'), minutes(55)]]);

type Case = [
  name: string,
  state: () => RolloutState,
  event: RolloutEvent,
  now: Date,
  reason: string,
  gate: string,
];

describe('a ramp to N% is refused, naming the gate that held', () => {
  const cases: Case[] = [
    ['N is not a plan step', readyState, rampEvent(33), minutes(40), 'not_next_step', 'step'],
    ['N skips a step', readyState, rampEvent(25), minutes(40), 'not_next_step', 'step'],
    ['N is the current weight', soakedAtFive, rampEvent(5), minutes(56), 'backwards_is_rollback', 'step'],
    ['N goes backwards', soakedAtFive, rampEvent(0), minutes(56), 'backwards_is_rollback', 'step'],
    [
      'a ramp is still being applied',
      () => applyAll(readyState(), [[rampEvent(5), minutes(40)]]),
      rampEvent(5),
      minutes(40),
      'ramp_in_progress',
      'step',
    ],
    ['the soak is still running', atFive, rampEvent(25), minutes(48), 'soak_running', 'soak'],
    [
      'the requester may not ramp',
      readyState,
      rampEvent(5, ROOT_A, U_OUT),
      minutes(40),
      'not_permitted',
      'permission',
    ],
    [
      'an approver tries to ramp',
      readyState,
      rampEvent(5, ROOT_A, U_GOV),
      minutes(40),
      'not_permitted',
      'permission',
    ],
    [
      'no joint go has been recorded',
      () => applyAll(smokedState(), []),
      rampEvent(5),
      minutes(40),
      'go_not_recorded',
      'go_no_go',
    ],
    [
      'the artifacts changed since the approvals',
      readyState,
      rampEvent(5, ROOT_B),
      minutes(40),
      'approval_stale_root',
      'approvals',
    ],
    ['an approval expired', readyState, rampEvent(5), minutes(33 + 24 * 60), 'approval_expired', 'approvals'],
    [
      'an approval is missing',
      () =>
        applyAll(smokedState(), [
          [{ type: 'go_no_go', actor: U_GOV, roleId: 'governance_lead', go: true }, minutes(32)],
          [{ type: 'go_no_go', actor: U_SRE, roleId: 'sre_oncall', go: true }, minutes(32)],
          ...approvals(ROOT_A, minutes(33)).slice(0, 3),
        ]),
      rampEvent(5),
      minutes(40),
      'approvals_missing',
      'approvals',
    ],
    [
      'a role rejected the release',
      () =>
        applyAll(readyState(), [
          [{ type: 'reject', actor: U_SEC, roleId: 'security_officer', reason: 'CVE open' }, minutes(34)],
        ]),
      rampEvent(5),
      minutes(40),
      'approval_rejected',
      'approvals',
    ],
  ];

  it.each(cases)('when %s', (_name, state, event, now, reason, gate) => {
    const decision = decide(state(), event, now);
    expectRefused(decision, reason);
    expect(decision.gate).toBe(gate);
    expect(decision.message).toContain(`${gate} gate`);
    expect(decision.state).toEqual(state());
    expect(decision.effects).toEqual([]);
  });

  it('says when a running soak ends, in UTC to the second, and how long is left', () => {
    const decision = decide(atFive(), rampEvent(25), new Date(minutes(48).getTime() + 12_000));
    expect(decision.message).toContain('5% soak ends 13:55:00 UTC, 6 min 48 s left');
  });

  it('says when the smoke ends while it runs', () => {
    const smoking = applyAll(readyState(), [
      [{ type: 'run_check', actor: U_RM, check: 'smoke' }, minutes(34)],
    ]);
    const decision = decide(smoking, rampEvent(5), minutes(50));
    expectRefused(decision, 'smoke_not_passed');
    expect(decision.message).toContain('ends 14:04 UTC, in 14 minutes');
  });

  it('says when an approval expired', () => {
    const decision = decide(readyState(), rampEvent(5), minutes(33 + 24 * 60 + 5));
    expect(decision.message).toContain('expired (13:33 UTC, 5 minutes ago)');
  });

  it('gives the date as well when the instant is not today', () => {
    const decision = decide(readyState(), rampEvent(5), minutes(33 + 3 * 24 * 60));
    expect(decision.message).toContain('expired (22 Oct 13:33 UTC, 2 days ago)');
  });

  it('accepts the ramp when every gate allows it', () => {
    const decision = decide(soakedAtFive(), rampEvent(25), minutes(56));
    expect(decision).toMatchObject({
      outcome: 'applied',
      reason: 'ramp_accepted',
      effects: [{ kind: 'set_traffic', weightPct: 25 }],
    });
  });

  it('evaluates every gate for a dry run, not only the first that holds', () => {
    const results = evaluateRampGates(
      atFive(),
      { actor: U_OUT, weightPct: 25, artifactRoot: ROOT_B },
      minutes(48),
    );
    const held = results.filter((result) => result.hold).map((result) => result.gate);
    expect(held).toEqual(['permission', 'approvals', 'soak']);
    expect(results).toHaveLength(10);
  });
});
