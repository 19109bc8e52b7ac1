import { describe, expect, it } from 'vitest';
import { type DurationMetrics, observeTransition } from '../../src/app/observe-transition.js';
import { decide } from '../../src/domain/decide.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import {
  liveAt25,
  minutes,
  rampEvent,
  readyState,
  resolveStep,
  type Step,
  soakDone,
  trafficDone,
  U_RM,
} from '../domain/fixtures.js';

/** Decides each step at its instant and returns what observeTransition reported, one line each. */
function observed(start: RolloutState, steps: ReadonlyArray<readonly [Step, Date]>): string[] {
  const lines: string[] = [];
  const metrics: DurationMetrics = {
    stepFinished: (weightPct, seconds) => void lines.push(`step ${weightPct}% ${seconds}s`),
    soakFinished: (outcome, seconds) => void lines.push(`soak ${outcome} ${seconds}s`),
    rolloutFinished: (outcome, seconds) => void lines.push(`rollout ${outcome} ${seconds}s`),
  };
  let state = start;
  for (const [step, now] of steps) {
    const decision = decide(state, resolveStep(state, step), now);
    if (decision.outcome !== 'applied' || !decision.state) continue;
    observeTransition(metrics, state, decision.state, now);
    state = decision.state;
  }
  return lines;
}

const rollback = { type: 'rollback', actor: U_RM, reason: 'by hand' } as const;
const abort = { type: 'abort', actor: U_RM, reason: 'not today' } as const;

describe('observeTransition', () => {
  it.each<[string, () => RolloutState, ReadonlyArray<readonly [Step, Date]>, string[]]>([
    [
      'times a ramp step from its acceptance to traffic at its weight',
      readyState,
      [
        [rampEvent(5), minutes(40)],
        [trafficDone(5), minutes(40.5)],
      ],
      ['step 5% 30s'],
    ],
    [
      'times a soak that passed, once: its repeated report finishes nothing',
      liveAt25,
      [
        [soakDone(false), minutes(71)],
        [soakDone(false), minutes(72)],
      ],
      ['soak passed 900s'],
    ],
    ['times a breached soak', liveAt25, [[soakDone(true, 'latency'), minutes(71)]], ['soak breached 900s']],
    ['times a soak a rollback cut short as ended', liveAt25, [[rollback, minutes(60)]], ['soak ended 240s']],
    ['times a stopped rollout from its start', readyState, [[abort, minutes(60)]], ['rollout stopped 3600s']],
    [
      'times nothing for a ramp accepted and not yet applied, nor for a soak still running',
      liveAt25,
      [[{ type: 'pause', actor: U_RM }, minutes(60)]],
      [],
    ],
  ])('%s', (_name, start, steps, expected) => {
    expect(observed(start(), steps)).toEqual(expected);
  });

  it('times every step and soak of the plan, and the rollout when its last soak passes', () => {
    const steps = [5, 25, 60, 100].flatMap((weightPct, index) => {
      const at = 40 + index * 16;
      return [
        [rampEvent(weightPct), minutes(at)],
        [trafficDone(weightPct), minutes(at + 0.25)],
        [soakDone(), minutes(at + 15.25)],
      ] as const;
    });
    expect(observed(readyState(), steps)).toEqual([
      'step 5% 15s',
      'soak passed 900s',
      'step 25% 15s',
      'soak passed 900s',
      'step 60% 15s',
      'soak passed 900s',
      'step 100% 15s',
      'soak passed 900s',
      // From the start at T0 to the last soak's end at T0+103.25m.
      'rollout complete 6195s',
    ]);
  });
});
