import type { EffectRunner } from '../../app/ports/effect-runner.js';
import { NO_COUNTS } from '../../domain/alarm-watch.js';
import type { RunnerEffect } from '../../domain/effect.js';
import type { RolloutState } from '../../domain/rollout-state.js';
import { COUNTDOWN_JOB, type CountdownJob, JOB_DEFAULTS, type Queues, REISSUABLE } from './queues.js';

/** BullMQ priorities: lower runs first. A rollback goes before anything else waiting. */
const ROLLBACK_PRIORITY = 1;

/**
 * Turns effects into jobs. Each job id is derived from the attempt id the effect carries, so asking for
 * the same work twice (a retried transition, a reissued rollback) adds nothing new.
 */
export class BullEffects implements EffectRunner {
  readonly #queues: Queues;
  readonly #now: () => Date;
  readonly #evaluationIntervalMs: number;
  readonly #countdownIntervalMs: number;

  /**
   * `evaluationIntervalMs`: how long after a soak starts its first evaluation runs, at most.
   * `countdownIntervalMs`: how long after it starts the rollout message is first redrawn to move its
   * countdown (then again every as long, until it ends); at most, and by default, a minute.
   */
  constructor(queues: Queues, now: () => Date, evaluationIntervalMs: number, countdownIntervalMs = 60_000) {
    this.#queues = queues;
    this.#now = now;
    this.#evaluationIntervalMs = evaluationIntervalMs;
    this.#countdownIntervalMs = Math.min(countdownIntervalMs, 60_000);
  }

  async run(phase: string, state: RolloutState, effects: readonly RunnerEffect[]): Promise<void> {
    for (const effect of effects) await this.#enqueue(phase, state, effect);
  }

  async #enqueue(phase: string, state: RolloutState, effect: RunnerEffect): Promise<void> {
    const { rolloutId } = state;
    switch (effect.kind) {
      case 'run_check': {
        if (effect.check === 'smoke') {
          const data = { phase, rolloutId, watchId: effect.runId, tick: 0, counters: NO_COUNTS, samples: [] };
          await this.#queues.smoke.add('smoke', data, { ...JOB_DEFAULTS, jobId: `smoke-${effect.runId}-0` });
          return;
        }
        const queue = effect.check === 'preflight' ? this.#queues.preflight : this.#queues.backup;
        const data = { phase, rolloutId, check: effect.check, runId: effect.runId };
        await queue.add(effect.check, data, { ...JOB_DEFAULTS, jobId: `${effect.check}-${effect.runId}` });
        return;
      }
      case 'set_traffic': {
        const data = { phase, rolloutId, rampId: effect.rampId, weightPct: effect.weightPct };
        await this.#queues.ramp.add('ramp', data, { ...JOB_DEFAULTS, jobId: `ramp-${effect.rampId}` });
        return;
      }
      case 'end_soak_at': {
        const data = { phase, rolloutId, watchId: effect.soakId, tick: 0, counters: NO_COUNTS, samples: [] };
        const untilEnd = Date.parse(effect.endsAt) - this.#now().getTime();
        const delay = Math.max(0, Math.min(this.#evaluationIntervalMs, untilEnd));
        await this.#queues.soak.add('soak', data, {
          ...JOB_DEFAULTS,
          jobId: `soak-${effect.soakId}-0`,
          delay,
        });
        const countdown: CountdownJob = { phase, rolloutId, soakId: effect.soakId, tick: 0 };
        await this.#queues.soak.add(COUNTDOWN_JOB, countdown, {
          ...JOB_DEFAULTS,
          jobId: `countdown-${effect.soakId}-0`,
          delay: Math.max(1, Math.min(this.#countdownIntervalMs, untilEnd)),
        });
        return;
      }
      case 'roll_back': {
        const data = {
          phase,
          rolloutId,
          rollbackId: effect.rollbackId,
          fromPct: effect.fromPct,
          reason: effect.reason,
        };
        await this.#queues.rollback.add('rollback', data, {
          ...REISSUABLE,
          jobId: `rollback-${effect.rollbackId}`,
          priority: ROLLBACK_PRIORITY,
        });
        return;
      }
      case 'certify':
        await this.#queues.ramp.add(
          'certify',
          { phase, rolloutId },
          { ...JOB_DEFAULTS, jobId: `certify-${rolloutId}` },
        );
        return;
    }
  }
}
