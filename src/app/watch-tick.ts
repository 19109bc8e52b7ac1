import { type Reading, type WatchStep, watch } from '../domain/alarm-watch.js';
import { canonicalJson } from '../domain/canonical-json.js';
import { MecError } from '../domain/errors.js';
import { flagValueFor } from '../domain/flag-value.js';
import type { RolloutEvent } from '../domain/rollout-event.js';
import type { RolloutState } from '../domain/rollout-state.js';
import { sha256Hex } from '../domain/sha256.js';
import {
  type CoverageCount,
  type CoverageRule,
  type CoverageVerdict,
  judgeCoverage,
  untilNextEvaluationMs,
  type WatchWindow,
} from '../domain/watch-coverage.js';
import type { TickResult, WatchTick } from './ports/background-work.js';
import { raisePulledIncidents, tripSummary } from './pulled-incidents.js';
import { guardRegistry } from './registry-guard.js';
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
 * if a CRITICAL tripped. Either passes only on enough evaluations read (`metrics.minCoverage`): short
 * at its end, it watches on for what it missed, up to `metrics.maxExtension`, and then is blind.
 */
export async function watchTick(ctx: WorkContext, tick: WatchTick): Promise<TickResult> {
  const { state } = await ctx.store.load(ctx.phase);
  const window = state ? watchedWindow(state, tick) : undefined;
  if (!state || window === undefined) return { outcome: 'stale' };
  const now = ctx.now();
  const readings = await Promise.all(ctx.settings.alarms.map((alarm) => ctx.metrics.read(alarm, now)));
  const sample = { at: now.toISOString(), values: valuesOf(readings) };
  await ctx.watchLog?.record(tick.rolloutId, { ...sample, watch: tick.kind });
  const step = watch(tick.counters, ctx.settings.alarms, readings, ctx.settings.metrics);
  const going: WatchTick = {
    ...tick,
    counters: step.counters,
    samples: tick.kind === 'smoke' ? [...tick.samples, sample] : [],
  };
  const { counters } = step;
  const coverage = judgeCoverage(
    window,
    counters.evaluations - counters.unreadEvaluations,
    coverageRule(ctx.settings.metrics),
    now,
  );
  const event =
    tick.kind === 'smoke'
      ? await smokeEvent(ctx, going, step, coverage)
      : soakEvent(ctx, going, step, readings, coverage);
  // A soak passes only over the registry the bot wrote: a hand edit opens its gate instead, and the soak
  // is evaluated on until the edit is undone or overridden.
  const held = event.finished?.passed === true && (await soakHeldByRegistry(ctx, tick));
  const result = await apply(ctx, held ? withoutEnd(event) : event);
  // A trip counts once (on the breachesToTrip-th breach): if it did not land, the job runs again.
  if (result.outcome === 'conflict')
    throw new MecError(
      'alarm_trip_conflict',
      `the ${tick.kind} evaluation did not land (${result.message}); retrying`,
    );
  const rolledBack = result.effects.some((effect) => effect.kind === 'roll_back');
  const opened =
    tick.kind === 'soak'
      ? await raisePulledIncidents(ctx, { watchId: tick.watchId, step, before: state, result, now })
      : [];
  // Each incident it opened is evaluated on until its alarm clears, past this watch's end.
  const clearances = opened.length > 0 ? { clearances: opened } : {};
  if (rolledBack) return { outcome: 'rolled_back', ...clearances };
  // The watch goes on for as long as the state this tick left says it runs: until its end, after an
  // extension, and when decide() by its own clock found the end not yet come (a clock that stepped
  // back), whatever else the tick changed.
  const running = result.state ? watchedWindow(result.state, tick) : undefined;
  if (running === undefined) return { outcome: result.outcome, ...clearances };
  // By the clock as it is now, which decide() went by: a clock that stepped back waits, never spins. A
  // soak held by a hand edit is past its end, and is evaluated at the usual interval until it is let go.
  const nowMs = ctx.now().getTime();
  const untilEndMs = Date.parse(running.endsAt) - nowMs;
  const { evaluationInterval } = ctx.settings.metrics;
  const untilDueMs = untilNextEvaluationMs(running.startedAt, nowMs, evaluationInterval);
  const delayMs = held ? evaluationInterval : Math.max(1, Math.min(untilDueMs, untilEndMs));
  return {
    outcome: held ? 'held_by_registry' : event.finished ? result.outcome : 'watching',
    next: { tick: { ...going, tick: tick.tick + 1 }, delayMs },
    ...clearances,
  };
}

/** When the watch the tick belongs to runs, or undefined when that watch is not running. */
function watchedWindow(state: RolloutState, tick: WatchTick): WatchWindow | undefined {
  if (state.rolloutId !== tick.rolloutId) return undefined;
  if (tick.kind === 'smoke') {
    const run = state.checks.smoke;
    if (run.runId !== tick.watchId || run.status !== 'running') return undefined;
    const startedAt = run.startedAt ?? state.startedAt;
    return { startedAt, durationMs: state.policy.smokeMs, endsAt: run.endsAt ?? startedAt };
  }
  const { soak } = state;
  if (soak?.soakId !== tick.watchId || soak.status !== 'running') return undefined;
  const step = state.policy.steps[soak.stepIndex];
  const durationMs =
    step?.kind === 'soak' ? step.soakMs : Date.parse(soak.endsAt) - Date.parse(soak.startedAt);
  return { startedAt: soak.startedAt, durationMs, endsAt: soak.endsAt };
}

const coverageRule = (metrics: WorkContext['settings']['metrics']): CoverageRule => ({
  evaluationIntervalMs: metrics.evaluationInterval,
  minCoverageRatio: metrics.minCoverage,
  maxExtensionRatio: metrics.maxExtension,
});

/** The facts of a watch short of coverage at its end, as the event carries them, or none. */
function coverageFacts(coverage: CoverageVerdict): Pick<WatchEvent, 'extended'> {
  if (coverage.verdict !== 'extend') return {};
  const { endsAt, read, planned, needed } = coverage;
  return { extended: { endsAt, read, planned, needed } };
}

const blindSummary = ({ read, planned, needed }: CoverageCount) =>
  `read ${read} of ${planned} evaluations by its latest end, ${needed} needed`;

async function smokeEvent(
  ctx: WorkContext,
  tick: WatchTick,
  step: WatchStep,
  coverage: CoverageVerdict,
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
        : undefined;
  const event: WatchEvent = { ...watchFacts(tick, step), tripped: [] };
  if (failure === undefined && (coverage.verdict === 'watching' || coverage.verdict === 'extend'))
    return { ...event, ...coverageFacts(coverage) };
  const blind = failure === undefined && coverage.verdict === 'blind';
  const ref = `reports/run_${ctx.phase}_smoke.json`;
  const passed = failure === undefined && !blind;
  const counted = coverage.verdict === 'watching' ? {} : { coverage: countOf(coverage) };
  const why = failure ?? (coverage.verdict === 'blind' ? blindSummary(coverage) : undefined);
  const report = `${JSON.stringify({ phase: ctx.phase, runId: tick.watchId, passed, failure: why ?? null, counters, ...counted, samples: tick.samples }, null, 2)}\n`;
  await ctx.files.write(ref, report);
  const read =
    coverage.verdict === 'covered' ? `${coverage.read} of ${coverage.planned}` : counters.evaluations;
  const summary = why ?? `${read} evaluations read, no alarm tripped, ${flag} stayed shadow`;
  const sha256 = sha256Hex(report);
  return { ...event, finished: { passed, summary, ref, sha256, ...(blind ? { blind } : {}) } };
}

function soakEvent(
  ctx: WorkContext,
  tick: WatchTick,
  step: WatchStep,
  readings: readonly Reading[],
  coverage: CoverageVerdict,
): WatchEvent {
  const event: WatchEvent = {
    ...watchFacts(tick, step),
    tripped: step.tripped.map((trip) => ({
      alarm: trip.alarm.name,
      severity: trip.alarm.severity,
      summary: tripSummary(trip, step),
    })),
    allRead: readings.every((reading) => !('error' in reading)),
    ...coverageFacts(coverage),
  };
  if (coverage.verdict === 'watching' || coverage.verdict === 'extend') return event;
  if (coverage.verdict === 'blind')
    return { ...event, finished: { passed: false, summary: blindSummary(coverage), blind: true } };
  const { counters } = step;
  // Unread evaluations count as missed: coverage decided on them. What was read decides the rest.
  const breached = ctx.settings.alarms.some(
    (alarm) => alarm.severity === 'CRITICAL' && Object.hasOwn(counters.breached, alarm.name),
  );
  const worst = Object.entries(counters.breached).map(([alarm, value]) => `${alarm} reached ${value}`);
  const summary = `${coverage.read} of ${coverage.planned} evaluations read${worst.length ? `; ${worst.join(', ')}` : ', no breach'}`;
  return { ...event, finished: { passed: !breached, summary } };
}

/** A soak's pass waits while the registry holds a hand edit no one overrode. */
async function soakHeldByRegistry(ctx: WorkContext, tick: WatchTick): Promise<boolean> {
  return tick.kind === 'soak' && (await guardRegistry(ctx, ctx.phase)).status === 'tampered';
}

const withoutEnd = ({ finished: _finished, ...event }: WatchEvent): WatchEvent => event;
const countOf = ({ read, planned, needed }: CoverageCount): CoverageCount => ({ read, planned, needed });

const watchFacts = (tick: WatchTick, step: WatchStep) => ({
  type: 'watch_tick' as const,
  watch: tick.kind,
  watchId: tick.watchId,
  sourceDown: step.sourceDown,
  sourceErrors: step.counters.sourceErrors,
  allRead: true,
});

const valuesOf = (readings: readonly Reading[]) =>
  Object.fromEntries(
    readings.map((reading) => [
      reading.alarm,
      'error' in reading ? `error: ${reading.error}` : reading.value,
    ]),
  );
