import { describe, expect, it } from 'vitest';
import type { EffectRunner } from '../../../src/app/ports/effect-runner.js';
import { decide } from '../../../src/domain/decide.js';
import type { RunnerEffect } from '../../../src/domain/effect.js';
import type { CheckName, RolloutState } from '../../../src/domain/rollout-state.js';
import { minutes, startEvent, T0 } from '../../domain/fixtures.js';

/** One unit of work as the runner took it on (for BullMQ, a job). */
export interface UnitOfWork {
  kind: RunnerEffect['kind'];
  /** For a check, which one. */
  check?: CheckName;
  rolloutId: string;
  /** The attempt it carries out: the effect's run, ramp, soak or rollback id; the rollout's id for certify. */
  attemptId: string;
  /** Marked to go before other work waiting. */
  first: boolean;
}

export interface EffectRunnerAdapters {
  runner: EffectRunner;
  /** Every unit of work the runner has taken on so far, in any order. */
  work(): Promise<UnitOfWork[]>;
}

const rollout = (rolloutId: string): RolloutState => ({
  ...(decide(null, startEvent(), T0).state as RolloutState),
  rolloutId,
});

const check = (name: CheckName, runId: string): RunnerEffect => ({ kind: 'run_check', check: name, runId });

/** One effect of each kind, each with an attempt id of its own. */
const EVERY_EFFECT: RunnerEffect[] = [
  check('preflight', 'R1.a1'),
  check('backup', 'R1.a2'),
  check('rehearsal', 'R1.a3'),
  check('smoke', 'R1.a4'),
  { kind: 'set_traffic', weightPct: 5, rampId: 'R1.a5' },
  { kind: 'end_soak_at', soakId: 'R1.a6', endsAt: minutes(15).toISOString() },
  { kind: 'roll_back', fromPct: 5, reason: 'latency_slo_drop breached', rollbackId: 'R1.a7' },
  { kind: 'certify' },
];

const unit = (
  kind: RunnerEffect['kind'],
  attemptId: string,
  extra: Partial<UnitOfWork> = {},
): UnitOfWork => ({
  kind,
  rolloutId: 'R1',
  attemptId,
  first: false,
  ...extra,
});

const EVERY_UNIT: UnitOfWork[] = [
  unit('run_check', 'R1.a1', { check: 'preflight' }),
  unit('run_check', 'R1.a2', { check: 'backup' }),
  unit('run_check', 'R1.a3', { check: 'rehearsal' }),
  unit('run_check', 'R1.a4', { check: 'smoke' }),
  unit('set_traffic', 'R1.a5'),
  unit('end_soak_at', 'R1.a6'),
  unit('roll_back', 'R1.a7', { first: true }),
  unit('certify', 'R1'),
];

const sorted = (units: UnitOfWork[]) =>
  [...units].sort((a, b) => `${a.kind}/${a.attemptId}`.localeCompare(`${b.kind}/${b.attemptId}`));

/** What every EffectRunner must do, run against each implementation, the in-memory one included. */
export function describeEffectRunnerContract(
  name: string,
  make: () => EffectRunnerAdapters | Promise<EffectRunnerAdapters>,
): void {
  describe(`${name}: the effect runner contract`, () => {
    it('makes one unit of work of each effect, for the attempt it carries', async () => {
      const { runner, work } = await make();
      await runner.run('M6', rollout('R1'), EVERY_EFFECT);
      expect(sorted(await work())).toEqual(sorted(EVERY_UNIT));
    });

    it('adds nothing new when the same effects run again, together or one by one', async () => {
      const { runner, work } = await make();
      await runner.run('M6', rollout('R1'), EVERY_EFFECT);
      await runner.run('M6', rollout('R1'), EVERY_EFFECT);
      for (const effect of [...EVERY_EFFECT].reverse()) await runner.run('M6', rollout('R1'), [effect]);
      expect(sorted(await work())).toEqual(sorted(EVERY_UNIT));
    });

    it('takes a new attempt at the same work, or the same work for another rollout, as new work', async () => {
      const { runner, work } = await make();
      await runner.run('M6', rollout('R1'), [{ kind: 'set_traffic', weightPct: 5, rampId: 'R1.a1' }]);
      await runner.run('M6', rollout('R1'), [{ kind: 'set_traffic', weightPct: 5, rampId: 'R1.a2' }]);
      await runner.run('M6', rollout('R1'), [{ kind: 'certify' }]);
      await runner.run('M6', rollout('R2'), [{ kind: 'certify' }]);
      expect(sorted(await work())).toEqual(
        sorted([
          unit('set_traffic', 'R1.a1'),
          unit('set_traffic', 'R1.a2'),
          unit('certify', 'R1'),
          unit('certify', 'R2', { rolloutId: 'R2' }),
        ]),
      );
    });

    it('marks a rollback to go first, and nothing else', async () => {
      const { runner, work } = await make();
      await runner.run('M6', rollout('R1'), EVERY_EFFECT);
      const first = (await work()).filter((each) => each.first);
      expect(first.map((each) => each.kind)).toEqual(['roll_back']);
    });
  });
}
