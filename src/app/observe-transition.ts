import type { RolloutState } from '../domain/rollout-state.js';
import type { RolloutMetrics } from './ports/rollout-metrics.js';

export type DurationMetrics = Pick<RolloutMetrics, 'stepFinished' | 'soakFinished' | 'rolloutFinished'>;

const secondsBetween = (from: string, to: Date) => Math.max(0, (to.getTime() - Date.parse(from)) / 1_000);

/**
 * Times what a committed transition finished, read from the state before and after it: a ramp step
 * (from its acceptance to traffic at its weight), a soak, and the rollout itself. Derived from the
 * states rather than from each event, so every path that ends a soak (its report, a watch's last
 * evaluation, a rollback, an override of a blind soak's gate) is timed the same way, once: only the
 * commit that made the change sees the before and after.
 */
export function observeTransition(
  metrics: DurationMetrics,
  before: RolloutState | null,
  after: RolloutState | null,
  now: Date,
): void {
  if (!before || !after || before.rolloutId !== after.rolloutId) return;
  const ramp = before.pendingRamp;
  if (ramp && after.pendingRamp?.rampId !== ramp.rampId && after.trafficPct === ramp.weightPct) {
    metrics.stepFinished(ramp.weightPct, secondsBetween(ramp.requestedAt, now));
  }
  const soak = before.soak;
  if (soak?.status === 'running') {
    const next = after.soak?.soakId === soak.soakId ? after.soak : undefined;
    const outcome = next === undefined ? 'ended' : next.status;
    if (outcome !== 'running') metrics.soakFinished(outcome, secondsBetween(soak.startedAt, now));
  }
  if (before.status === 'active' && after.status !== 'active') {
    metrics.rolloutFinished(after.status, secondsBetween(before.startedAt, now));
  }
}
