import { type Reading, type WatchCounters, watch } from '../domain/alarm-watch.js';
import { canonicalJson } from '../domain/canonical-json.js';
import { flagValueFor } from '../domain/flag-value.js';
import { sha256Hex } from '../domain/sha256.js';
import { raiseIncident } from './receive-alerts.js';
import { apply } from './rollout-context.js';
import type { WorkContext } from './work-context.js';

/** The CRITICAL gate opened when the metrics source keeps failing. */
export const METRICS_GATE = 'metrics_source';

/** One evaluation of a watch: the smoke (`watchId` is its run id) or a soak (its soak id). */
export interface WatchTick {
  kind: 'smoke' | 'soak';
  rolloutId: string;
  watchId: string;
  tick: number;
  counters: WatchCounters;
  samples: Array<{ at: string; values: Record<string, number | string> }>;
}

/** What a tick came to, and the next tick to run, if the watch goes on. */
export interface TickResult {
  outcome: string;
  next?: { tick: WatchTick; delayMs: number } | undefined;
}

/** Runs one evaluation of the smoke or of a soak. */
export function watchTick(ctx: WorkContext, tick: WatchTick): Promise<TickResult> {
  return tick.kind === 'smoke' ? smokeTick(ctx, tick) : soakTick(ctx, tick);
}

async function readAll(ctx: WorkContext, at: Date): Promise<Reading[]> {
  return Promise.all(ctx.settings.alarms.map((alarm) => ctx.metrics.read(alarm, at)));
}

const valuesOf = (readings: Reading[]) =>
  Object.fromEntries(
    readings.map((reading) => [
      reading.alarm,
      'error' in reading ? `error: ${reading.error}` : reading.value,
    ]),
  );

/** The next tick, no later than the watch's end. */
function nextTick(ctx: WorkContext, tick: WatchTick, untilEndMs: number): TickResult['next'] {
  const delayMs = Math.max(1, Math.min(ctx.settings.metrics.evaluationInterval, untilEndMs));
  return { tick: { ...tick, tick: tick.tick + 1 }, delayMs };
}

/**
 * One evaluation of the shadow smoke. `meta_prod` must stay shadow throughout; a tripped alarm or a
 * metrics source that keeps failing ends the smoke as failed. At its end the samples go to
 * `reports/run_<phase>_smoke.json` and the result is reported.
 */
async function smokeTick(ctx: WorkContext, tick: WatchTick): Promise<TickResult> {
  const { watchId, rolloutId } = tick;
  const { flag } = ctx.settings.registry;
  const { state } = await ctx.store.load(ctx.phase);
  const run = state?.checks.smoke;
  if (!state || state.rolloutId !== rolloutId || run?.runId !== watchId || run.status !== 'running')
    return { outcome: 'stale' };
  const now = ctx.now();
  const readings = await readAll(ctx, now);
  const step = watch(tick.counters, ctx.settings.alarms, readings, ctx.settings.metrics);
  const samples = [...tick.samples, { at: now.toISOString(), values: valuesOf(readings) }];
  const { flags } = await ctx.registry.read();
  const shadow = canonicalJson(flags[flag] ?? null) === canonicalJson(flagValueFor(0));
  const watchFailure = !shadow
    ? `${flag} left shadow during the smoke`
    : step.tripped.length > 0
      ? step.tripped
          .map(
            ({ alarm, value }) =>
              `${alarm.severity} ${alarm.name} at ${value} (threshold ${alarm.comparator} ${alarm.threshold})`,
          )
          .join('; ')
      : step.sourceDown
        ? `the metrics source failed ${step.counters.sourceErrors} times in a row`
        : undefined;
  const endsAt = Date.parse(run.endsAt ?? now.toISOString());
  // At the end, a smoke that could not read every evaluation has not shown the phase healthy.
  const unreadAtEnd =
    watchFailure === undefined && step.counters.unreadEvaluations > 0 && now.getTime() >= endsAt
      ? `the metrics source failed ${step.counters.unreadEvaluations} of ${step.counters.evaluations} evaluations`
      : undefined;
  const failure = watchFailure ?? unreadAtEnd;
  const going = { ...tick, counters: step.counters, samples };
  if (failure === undefined && now.getTime() < endsAt)
    return { outcome: 'watching', next: nextTick(ctx, going, endsAt - now.getTime()) };
  const report = `reports/run_${ctx.phase}_smoke.json`;
  await ctx.files.write(
    report,
    `${JSON.stringify({ phase: ctx.phase, runId: watchId, passed: failure === undefined, failure: failure ?? null, counters: step.counters, samples }, null, 2)}\n`,
  );
  const summary =
    failure ?? `${step.counters.evaluations} evaluations, no alarm tripped, ${flag} stayed shadow`;
  const result = await apply(ctx, {
    type: 'check_finished',
    check: 'smoke',
    runId: watchId,
    passed: failure === undefined,
    summary,
    ref: report,
  });
  // The smoke job may run a little before its end by another process's clock: evaluate again then.
  if (result.outcome === 'noop' && result.reason === 'smoke_running')
    return { outcome: result.outcome, next: nextTick(ctx, going, endsAt - now.getTime()) };
  return { outcome: result.outcome };
}

/**
 * One evaluation during a soak. A BLOCKER that trips triggers the rollback; a CRITICAL that trips opens
 * its gate; a metrics source that keeps failing opens the `metrics_source` gate. At the soak's end the
 * step is reported soaked (breached if a CRITICAL tripped).
 */
async function soakTick(ctx: WorkContext, tick: WatchTick): Promise<TickResult> {
  const { watchId, rolloutId } = tick;
  const { state } = await ctx.store.load(ctx.phase);
  const soak = state?.soak;
  if (!state || state.rolloutId !== rolloutId || soak?.soakId !== watchId || soak.status !== 'running')
    return { outcome: 'stale' };
  const now = ctx.now();
  const readings = await readAll(ctx, now);
  const step = watch(tick.counters, ctx.settings.alarms, readings, ctx.settings.metrics);
  for (const { alarm, value } of step.tripped) {
    const summary = `${alarm.name} ${value} ${alarm.comparator} ${alarm.threshold} over ${step.counters.breaches[alarm.name]} evaluations`;
    const before = state;
    const result = await apply(ctx, {
      type: 'alarm',
      alarm: alarm.name,
      severity: alarm.severity,
      firing: true,
      summary,
    });
    // A trip counts once (on the breachesToTrip-th breach): if it did not land, the job runs again.
    if (result.outcome === 'conflict')
      throw new Error(`the ${alarm.name} trip did not land (${result.message}); retrying`);
    const configured = ctx.settings.alarms.find((candidate) => candidate.name === alarm.name);
    if (configured)
      await raiseIncident(
        { ctx, incidents: ctx.incidents, notifier: ctx.notifier },
        {
          alarm: configured,
          id: incidentIdOf(watchId, alarm.name),
          text: summary,
          receivedAt: now,
          before,
          result,
          value,
        },
      );
    if (alarm.severity === 'BLOCKER' && result.outcome === 'applied') return { outcome: 'rolled_back' };
  }
  const unread = readings.some((reading) => 'error' in reading);
  if (step.sourceDown) {
    const summary = `the metrics source failed ${step.counters.sourceErrors} evaluations in a row; it is never read as healthy`;
    await apply(ctx, { type: 'gate_opened', gateId: METRICS_GATE, source: 'metrics_source', summary });
  } else if (
    !unread &&
    (Object.hasOwn(state.gates, METRICS_GATE) || Object.hasOwn(state.overrides, METRICS_GATE))
  ) {
    // The source answers again: its gate closes, and an override of it ends with the outage.
    await apply(ctx, {
      type: 'gate_resolved',
      gateId: METRICS_GATE,
      summary: 'the metrics source answers again',
    });
  }
  const endsAt = Date.parse(soak.endsAt);
  const going = { ...tick, counters: step.counters, samples: [] };
  if (now.getTime() < endsAt)
    return { outcome: 'watching', next: nextTick(ctx, going, endsAt - now.getTime()) };
  // A soak that could not be watched throughout is not a clean soak: unread evaluations breach it too.
  const criticalTripped =
    step.counters.unreadEvaluations > 0 ||
    ctx.settings.alarms.some(
      (alarm) => alarm.severity === 'CRITICAL' && Object.hasOwn(step.counters.breached, alarm.name),
    );
  const worst = Object.entries(step.counters.breached).map(([alarm, value]) => `${alarm} reached ${value}`);
  const unreadNote =
    step.counters.unreadEvaluations > 0 ? `; ${step.counters.unreadEvaluations} could not be read` : '';
  const summary = `${step.counters.evaluations} evaluations${worst.length ? `; ${worst.join(', ')}` : ', no breach'}${unreadNote}`;
  const result = await apply(ctx, {
    type: 'soak_finished',
    soakId: watchId,
    breached: criticalTripped,
    summary,
  });
  if (result.outcome === 'noop' && result.reason === 'soak_running')
    return { outcome: result.outcome, next: nextTick(ctx, going, endsAt - now.getTime()) };
  return { outcome: result.outcome };
}

/** A soak's own trip of an alarm is one incident, whichever process or retry raises it. */
const incidentIdOf = (watchId: string, alarm: string) => sha256Hex(`${watchId}\n${alarm}`).slice(0, 16);
