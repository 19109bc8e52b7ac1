import { clearanceOf, type WatchStep } from '../domain/alarm-watch.js';
import { MecError } from '../domain/errors.js';
import type { Incident } from '../domain/incident.js';
import type { RolloutState } from '../domain/rollout-state.js';
import { sha256Hex } from '../domain/sha256.js';
import type { ClearanceResult, ClearanceTick } from './ports/background-work.js';
import { raiseIncident } from './raise-incident.js';
import { apply } from './rollout-context.js';
import type { TransitionResult } from './transition.js';
import { transitionIncident } from './transition-incident.js';
import type { WorkContext } from './work-context.js';

/**
 * A soak's own trip of an alarm is one incident, whichever process or retry raises it (a retried tick
 * counts the same evaluation). The alarm tripping again later in the soak, once it cleared, is another.
 */
const incidentIdOf = (watchId: string, alarm: string, evaluation: number) =>
  sha256Hex(`${watchId}\n${alarm}\n${evaluation}`).slice(0, 16);

export const tripSummary = ({ alarm, value }: WatchStep['tripped'][number], step: WatchStep) =>
  `${alarm.name} ${value} ${alarm.comparator} ${alarm.threshold} over ${step.counters.breaches[alarm.name]} evaluations`;

/**
 * Pages an incident for each alarm a soak evaluation tripped, and names the clearance evaluation each
 * new one needs: nothing else would ever resolve an incident that no Alertmanager alert stands behind.
 * A trip folded into Alertmanager's incident is resolved by Alertmanager.
 */
export async function raisePulledIncidents(
  ctx: WorkContext,
  soak: {
    watchId: string;
    step: WatchStep;
    before: RolloutState;
    /** The evaluation's commit, which landed (a conflict is retried before anything is paged). */
    result: Exclude<TransitionResult, { outcome: 'conflict' }>;
    now: Date;
  },
): Promise<Array<{ tick: ClearanceTick; delayMs: number }>> {
  const { step, result } = soak;
  const rolledBack = result.effects.some((effect) => effect.kind === 'roll_back');
  const clearances: Array<{ tick: ClearanceTick; delayMs: number }> = [];
  for (const trip of step.tripped) {
    const alarm = ctx.settings.alarms.find((candidate) => candidate.name === trip.alarm.name);
    if (!alarm) continue;
    // The rollback is the BLOCKER's: another alarm's incident must not claim it.
    const own =
      alarm.severity === 'BLOCKER'
        ? result
        : { ...result, effects: result.effects.filter((effect) => effect.kind !== 'roll_back') };
    const incidentId = incidentIdOf(soak.watchId, alarm.name, step.counters.evaluations);
    const raised = await raiseIncident(
      {
        ctx,
        incidents: ctx.incidents,
        notifier: ctx.notifier,
        observe: ctx.observe,
        pageDeadlineMs: ctx.settings.jobs.pageDeadline,
      },
      {
        alarm,
        id: incidentId,
        text: tripSummary(trip, step),
        receivedAt: soak.now,
        before: soak.before,
        result: own,
        value: trip.value,
      },
    );
    if (raised === 'opened')
      clearances.push({
        tick: { incidentId, alarm: alarm.name, tick: 0 },
        delayMs: ctx.settings.metrics.evaluationInterval,
      });
    // decideWatchTick stops at the BLOCKER that rolls back: the trips after it were not applied.
    if (alarm.severity === 'BLOCKER' && rolledBack) break;
  }
  return clearances;
}

/**
 * One clearance evaluation of a pulled incident: reads its alarm, and once the value no longer breaches
 * resolves the alarm as Alertmanager's `resolved` would: on the rollout first (a CRITICAL gate closes),
 * then on the incident, whose thread and notice say so. While it still breaches, or the source cannot
 * say, it is read again an evaluation interval later; an incident resolved by other means ends it.
 */
export async function watchClearance(ctx: WorkContext, tick: ClearanceTick): Promise<ClearanceResult> {
  const { incident } = await ctx.incidents.load(tick.incidentId);
  const alarm = ctx.settings.alarms.find((candidate) => candidate.name === tick.alarm);
  if (!incident || incident.resolvedAt || !alarm) return { outcome: 'stale' };
  const seen = clearanceOf(alarm, await ctx.metrics.read(alarm, ctx.now()));
  if (!seen.cleared) {
    const delayMs = ctx.settings.metrics.evaluationInterval;
    return { outcome: seen.why, next: { tick: { ...tick, tick: tick.tick + 1 }, delayMs } };
  }
  // While Alertmanager's own alert of the alarm fires, its gate is Alertmanager's to close.
  if (!(await pushedStillFiring(ctx, incident))) {
    const summary = `${alarm.name} reads ${seen.value}, no longer ${alarm.comparator} ${alarm.threshold} (mec-bot's evaluation)`;
    const rollout = await apply(ctx, {
      type: 'alarm',
      alarm: alarm.name,
      severity: alarm.severity,
      firing: false,
      summary,
    });
    if (rollout.outcome === 'conflict')
      throw new MecError(
        'alarm_trip_conflict',
        `the ${alarm.name} clearance did not land (${rollout.message}); retrying`,
      );
  }
  const resolved = await transitionIncident({ ctx, incidents: ctx.incidents }, tick.incidentId, {
    type: 'resolve_incident',
    clearedValue: seen.value,
  });
  if (resolved.outcome === 'conflict')
    throw new MecError(
      'alarm_trip_conflict',
      `incident ${tick.incidentId} did not resolve (${resolved.message}); retrying`,
    );
  if (resolved.outcome === 'applied') {
    if (resolved.followUp) await ctx.notifier.followUp(tick.incidentId, resolved.followUp);
    await ctx.notifier.redraw(tick.incidentId);
  }
  return { outcome: 'resolved' };
}

/**
 * Whether Alertmanager still says the alarm fires: alerts folded into this incident not all resolved,
 * or an incident it raised (one with alert instances) for the same alarm still open.
 */
async function pushedStillFiring(ctx: WorkContext, pulled: Incident): Promise<boolean> {
  if ((pulled.instances?.length ?? 0) > (pulled.resolvedInstances?.length ?? 0)) return true;
  const recent = await ctx.incidents.recent();
  return recent.some(
    (other) =>
      other.id !== pulled.id &&
      other.alarm === pulled.alarm &&
      other.phase === pulled.phase &&
      other.instances !== undefined &&
      other.resolvedAt === undefined,
  );
}
