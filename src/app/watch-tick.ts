import { type Reading, type WatchStep, watch } from '../domain/alarm-watch.js';
import { canonicalJson } from '../domain/canonical-json.js';
import { MecError } from '../domain/errors.js';
import { flagValueFor } from '../domain/flag-value.js';
import type { RolloutEvent } from '../domain/rollout-event.js';
import type { RolloutState } from '../domain/rollout-state.js';
import { sha256Hex } from '../domain/sha256.js';
import type { TickResult, WatchTick } from './ports/background-work.js';
import { raiseIncident } from './receive-alerts.js';
import { apply } from './rollout-context.js';
import type { WorkContext } from './work-context.js';

type WatchEvent = Extract<RolloutEvent, { type: 'watch_tick' }>;

/**
 * One evaluation of the smoke or of a soak. It reads every alarm once, works out what it saw, and sends
 * that to decide() as one event, committed once. Then it pages for each alarm that tripped and, unless
 * the watch is over, names the next evaluation.
 *
 * The smoke must keep `meta_prod` at shadow; a tripped alarm or a metrics source that keeps failing
 * ends it as failed, and at its end the samples go to `reports/run_<phase>_smoke.json`. In a soak, a
 * BLOCKER that trips rolls back and a CRITICAL opens its gate; at the end the step is soaked, breached
 * if a CRITICAL tripped or any evaluation could not be read.
 */
export async function watchTick(ctx: WorkContext, tick: WatchTick): Promise<TickResult> {
  const { state } = await ctx.store.load(ctx.phase);
  const endsAt = state ? watchedEnd(state, tick) : undefined;
  if (!state || endsAt === undefined) return { outcome: 'stale' };
  const now = ctx.now();
  const readings = await Promise.all(ctx.settings.alarms.map((alarm) => ctx.metrics.read(alarm, now)));
  const step = watch(tick.counters, ctx.settings.alarms, readings, ctx.settings.metrics);
  const going: WatchTick = {
    ...tick,
    counters: step.counters,
    samples:
      tick.kind === 'smoke' ? [...tick.samples, { at: now.toISOString(), values: valuesOf(readings) }] : [],
  };
  const ended = now.getTime() >= endsAt;
  const event =
    tick.kind === 'smoke'
      ? await smokeEvent(ctx, going, step, ended)
      : soakEvent(ctx, going, step, readings, ended);
  const result = await apply(ctx, event);
  // A trip counts once (on the breachesToTrip-th breach): if it did not land, the job runs again.
  if (result.outcome === 'conflict')
    throw new MecError(
      'alarm_trip_conflict',
      `the ${tick.kind} evaluation did not land (${result.message}); retrying`,
    );
  const rolledBack = result.effects.some((effect) => effect.kind === 'roll_back');
  for (const trip of tick.kind === 'soak' ? step.tripped : []) {
    const alarm = ctx.settings.alarms.find((candidate) => candidate.name === trip.alarm.name);
    if (!alarm) continue;
    // The rollback is the BLOCKER's: another alarm's incident must not claim it.
    const own =
      alarm.severity === 'BLOCKER'
        ? result
        : { ...result, effects: result.effects.filter((effect) => effect.kind !== 'roll_back') };
    await raiseIncident(
      {
        ctx,
        incidents: ctx.incidents,
        notifier: ctx.notifier,
        observe: ctx.observe,
        pageDeadlineMs: ctx.settings.jobs.pageDeadline,
      },
      {
        alarm,
        id: incidentIdOf(tick.watchId, alarm.name),
        text: tripSummary(trip, step),
        receivedAt: now,
        before: state,
        result: own,
        value: trip.value,
      },
    );
    // decideWatchTick stops at the BLOCKER that rolls back: the trips after it were not applied.
    if (alarm.severity === 'BLOCKER' && rolledBack) break;
  }
  if (result.effects.some((effect) => effect.kind === 'roll_back')) return { outcome: 'rolled_back' };
  // The watch goes on until its end; a job that runs a little early by another clock evaluates again.
  const early =
    result.outcome === 'noop' && (result.reason === 'smoke_running' || result.reason === 'soak_running');
  if (event.finished && !early) return { outcome: result.outcome };
  const untilEndMs = endsAt - now.getTime();
  const delayMs = Math.max(1, Math.min(ctx.settings.metrics.evaluationInterval, untilEndMs));
  return {
    outcome: early ? result.outcome : 'watching',
    next: { tick: { ...going, tick: tick.tick + 1 }, delayMs },
  };
}

/** When the watch the tick belongs to ends (epoch ms), or undefined when that watch is not running. */
function watchedEnd(state: RolloutState, tick: WatchTick): number | undefined {
  if (state.rolloutId !== tick.rolloutId) return undefined;
  if (tick.kind === 'smoke') {
    const run = state.checks.smoke;
    return run.runId === tick.watchId && run.status === 'running'
      ? Date.parse(run.endsAt ?? '') || 0
      : undefined;
  }
  const { soak } = state;
  return soak?.soakId === tick.watchId && soak.status === 'running' ? Date.parse(soak.endsAt) : undefined;
}

async function smokeEvent(
  ctx: WorkContext,
  tick: WatchTick,
  step: WatchStep,
  ended: boolean,
): Promise<WatchEvent> {
  const { flag } = ctx.settings.registry;
  const { flags } = await ctx.registry.read();
  const shadow = canonicalJson(flags[flag] ?? null) === canonicalJson(flagValueFor(0));
  const { counters } = step;
  const failure = !shadow
    ? `${flag} left shadow during the smoke`
    : step.tripped.length > 0
      ? step.tripped
          .map(
            ({ alarm, value }) =>
              `${alarm.severity} ${alarm.name} at ${value} (threshold ${alarm.comparator} ${alarm.threshold})`,
          )
          .join('; ')
      : step.sourceDown
        ? `the metrics source failed ${counters.sourceErrors} times in a row`
        : // At the end, a smoke that could not read every evaluation has not shown the phase healthy.
          ended && counters.unreadEvaluations > 0
          ? `the metrics source failed ${counters.unreadEvaluations} of ${counters.evaluations} evaluations`
          : undefined;
  const event: WatchEvent = { ...watchFacts(tick, step), tripped: [] };
  if (failure === undefined && !ended) return event;
  const ref = `reports/run_${ctx.phase}_smoke.json`;
  const passed = failure === undefined;
  await ctx.files.write(
    ref,
    `${JSON.stringify({ phase: ctx.phase, runId: tick.watchId, passed, failure: failure ?? null, counters, samples: tick.samples }, null, 2)}\n`,
  );
  const summary = failure ?? `${counters.evaluations} evaluations, no alarm tripped, ${flag} stayed shadow`;
  return { ...event, finished: { passed, summary, ref } };
}

function soakEvent(
  ctx: WorkContext,
  tick: WatchTick,
  step: WatchStep,
  readings: readonly Reading[],
  ended: boolean,
): WatchEvent {
  const event: WatchEvent = {
    ...watchFacts(tick, step),
    tripped: step.tripped.map((trip) => ({
      alarm: trip.alarm.name,
      severity: trip.alarm.severity,
      summary: tripSummary(trip, step),
    })),
    allRead: readings.every((reading) => !('error' in reading)),
  };
  if (!ended) return event;
  const { counters } = step;
  // A soak that could not be watched throughout is not a clean soak: unread evaluations breach it too.
  const breached =
    counters.unreadEvaluations > 0 ||
    ctx.settings.alarms.some(
      (alarm) => alarm.severity === 'CRITICAL' && Object.hasOwn(counters.breached, alarm.name),
    );
  const worst = Object.entries(counters.breached).map(([alarm, value]) => `${alarm} reached ${value}`);
  const unread = counters.unreadEvaluations > 0 ? `; ${counters.unreadEvaluations} could not be read` : '';
  const summary = `${counters.evaluations} evaluations${worst.length ? `; ${worst.join(', ')}` : ', no breach'}${unread}`;
  return { ...event, finished: { passed: !breached, summary } };
}

const watchFacts = (tick: WatchTick, step: WatchStep) => ({
  type: 'watch_tick' as const,
  watch: tick.kind,
  watchId: tick.watchId,
  sourceDown: step.sourceDown,
  sourceErrors: step.counters.sourceErrors,
  allRead: true,
});

const tripSummary = ({ alarm, value }: WatchStep['tripped'][number], step: WatchStep) =>
  `${alarm.name} ${value} ${alarm.comparator} ${alarm.threshold} over ${step.counters.breaches[alarm.name]} evaluations`;

const valuesOf = (readings: readonly Reading[]) =>
  Object.fromEntries(
    readings.map((reading) => [
      reading.alarm,
      'error' in reading ? `error: ${reading.error}` : reading.value,
    ]),
  );

/** A soak's own trip of an alarm is one incident, whichever process or retry raises it. */
const incidentIdOf = (watchId: string, alarm: string) => sha256Hex(`${watchId}\n${alarm}`).slice(0, 16);
