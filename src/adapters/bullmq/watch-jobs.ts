import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { flagValueFor } from '../../app/ports/traffic-controller.js';
import { raiseIncident } from '../../app/receive-alerts.js';
import { apply } from '../../app/rollout-context.js';
import { type Reading, watch } from '../../domain/alarm-watch.js';
import { canonicalJson } from '../../domain/canonical-json.js';
import { MecError } from '../../domain/errors.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { escapeSlackText } from '../slack/escape-text.js';
import type { JobDeps } from './job-deps.js';
import { JOB_DEFAULTS, type WatchJob } from './queues.js';

/** The CRITICAL gate opened when the metrics source keeps failing. */
export const METRICS_GATE = 'metrics_source';

async function readAll(deps: JobDeps, at: Date): Promise<Reading[]> {
  return Promise.all(deps.config.alarms.map((alarm) => deps.metrics.read(alarm, at)));
}

const valuesOf = (readings: Reading[]) =>
  Object.fromEntries(
    readings.map((reading) => [
      reading.alarm,
      'error' in reading ? `error: ${reading.error}` : reading.value,
    ]),
  );

/**
 * One evaluation of the shadow smoke. `meta_prod` must stay shadow throughout; a tripped alarm or a
 * metrics source that keeps failing ends the smoke as failed. At its end the samples go to
 * `reports/run_<phase>_smoke.json` and the result is reported.
 */
export async function runSmokeTick(deps: JobDeps, job: Job<WatchJob>): Promise<string> {
  const { watchId, rolloutId } = job.data;
  const { state } = await deps.ctx.store.load(deps.ctx.phase);
  const run = state?.checks.smoke;
  if (!state || state.rolloutId !== rolloutId || run?.runId !== watchId || run.status !== 'running')
    return 'stale';
  const now = deps.ctx.now();
  const readings = await readAll(deps, now);
  const step = watch(job.data.counters, deps.config.alarms, readings, deps.config.metrics);
  const samples = [...job.data.samples, { at: now.toISOString(), values: valuesOf(readings) }];
  const { flags } = await deps.registry.read();
  const shadow = canonicalJson(flags[deps.config.registry.flag] ?? null) === canonicalJson(flagValueFor(0));
  const watchFailure = !shadow
    ? `${deps.config.registry.flag} left shadow during the smoke`
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
  // At the end, a smoke that could not read every evaluation has not shown the phase healthy.
  const unreadAtEnd =
    watchFailure === undefined &&
    step.counters.unreadEvaluations > 0 &&
    now.getTime() >= Date.parse(run.endsAt ?? now.toISOString())
      ? `the metrics source failed ${step.counters.unreadEvaluations} of ${step.counters.evaluations} evaluations`
      : undefined;
  const failure = watchFailure ?? unreadAtEnd;
  const endsAt = Date.parse(run.endsAt ?? now.toISOString());
  if (failure === undefined && now.getTime() < endsAt) {
    await scheduleNext(
      deps,
      job,
      'smoke',
      { ...job.data, tick: job.data.tick + 1, counters: step.counters, samples },
      endsAt - now.getTime(),
    );
    return 'watching';
  }
  const report = `reports/run_${deps.config.phase}_smoke.json`;
  await writeFileAtomic(
    join(deps.workspace, report),
    `${JSON.stringify({ phase: deps.config.phase, runId: watchId, passed: failure === undefined, failure: failure ?? null, counters: step.counters, samples }, null, 2)}\n`,
  );
  const summary =
    failure ??
    `${step.counters.evaluations} evaluations, no alarm tripped, ${deps.config.registry.flag} stayed shadow`;
  const result = await apply(deps.ctx, {
    type: 'check_finished',
    check: 'smoke',
    runId: watchId,
    passed: failure === undefined,
    summary,
    ref: report,
  });
  // The smoke job may run a little before its end by another process's clock: evaluate again then.
  if (result.outcome === 'noop' && result.reason === 'smoke_running') {
    await scheduleNext(
      deps,
      job,
      'smoke',
      { ...job.data, tick: job.data.tick + 1, counters: step.counters, samples },
      endsAt - now.getTime(),
    );
  }
  return result.outcome;
}

/**
 * One evaluation during a soak. A BLOCKER that trips triggers the rollback; a CRITICAL that trips opens
 * its gate; a metrics source that keeps failing opens the `metrics_source` gate. At the soak's end the
 * step is reported soaked (breached if a CRITICAL tripped).
 */
export async function runSoakTick(deps: JobDeps, job: Job<WatchJob>): Promise<string> {
  const { watchId, rolloutId } = job.data;
  const { state } = await deps.ctx.store.load(deps.ctx.phase);
  const soak = state?.soak;
  if (!state || state.rolloutId !== rolloutId || soak?.soakId !== watchId || soak.status !== 'running')
    return 'stale';
  const now = deps.ctx.now();
  const readings = await readAll(deps, now);
  const step = watch(job.data.counters, deps.config.alarms, readings, deps.config.metrics);
  for (const { alarm, value } of step.tripped) {
    const summary = `${alarm.name} ${value} ${alarm.comparator} ${alarm.threshold} over ${step.counters.breaches[alarm.name]} evaluations`;
    const before = state;
    const result = await apply(deps.ctx, {
      type: 'alarm',
      alarm: alarm.name,
      severity: alarm.severity,
      firing: true,
      summary,
    });
    // A trip counts once (on the breachesToTrip-th breach): if it did not land, the job runs again.
    if (result.outcome === 'conflict')
      throw new MecError(
        'alarm_trip_conflict',
        `the ${alarm.name} trip did not land (${result.message}); retrying`,
      );
    const id = createHash('sha256').update(`${watchId}\n${alarm.name}`).digest('hex').slice(0, 16);
    const configured = deps.config.alarms.find((candidate) => candidate.name === alarm.name);
    if (configured)
      await raiseIncident(deps, {
        alarm: configured,
        id,
        text: escapeSlackText(summary),
        receivedAt: now,
        before,
        result,
        value,
      });
    if (alarm.severity === 'BLOCKER' && result.outcome === 'applied') return 'rolled_back';
  }
  const unread = readings.some((reading) => 'error' in reading);
  if (step.sourceDown) {
    const summary = `the metrics source failed ${step.counters.sourceErrors} evaluations in a row; it is never read as healthy`;
    await apply(deps.ctx, { type: 'gate_opened', gateId: METRICS_GATE, source: 'metrics_source', summary });
  } else if (
    !unread &&
    (Object.hasOwn(state.gates, METRICS_GATE) || Object.hasOwn(state.overrides, METRICS_GATE))
  ) {
    // The source answers again: its gate closes, and an override of it ends with the outage.
    await apply(deps.ctx, {
      type: 'gate_resolved',
      gateId: METRICS_GATE,
      summary: 'the metrics source answers again',
    });
  }
  const endsAt = Date.parse(soak.endsAt);
  const next = { ...job.data, tick: job.data.tick + 1, counters: step.counters, samples: [] };
  if (now.getTime() < endsAt) {
    await scheduleNext(deps, job, 'soak', next, endsAt - now.getTime());
    return 'watching';
  }
  // A soak that could not be watched throughout is not a clean soak: unread evaluations breach it too.
  const criticalTripped =
    step.counters.unreadEvaluations > 0 ||
    deps.config.alarms.some(
      (alarm) => alarm.severity === 'CRITICAL' && Object.hasOwn(step.counters.breached, alarm.name),
    );
  const worst = Object.entries(step.counters.breached).map(([alarm, value]) => `${alarm} reached ${value}`);
  const unreadNote =
    step.counters.unreadEvaluations > 0 ? `; ${step.counters.unreadEvaluations} could not be read` : '';
  const summary = `${step.counters.evaluations} evaluations${worst.length ? `; ${worst.join(', ')}` : ', no breach'}${unreadNote}`;
  const result = await apply(deps.ctx, {
    type: 'soak_finished',
    soakId: watchId,
    breached: criticalTripped,
    summary,
  });
  if (result.outcome === 'noop' && result.reason === 'soak_running')
    await scheduleNext(deps, job, 'soak', next, endsAt - now.getTime());
  return result.outcome;
}

async function scheduleNext(
  deps: JobDeps,
  job: Job<WatchJob>,
  kind: 'smoke' | 'soak',
  data: WatchJob,
  untilEndMs: number,
): Promise<void> {
  const delay = Math.max(1, Math.min(deps.config.metrics.evaluationInterval, untilEndMs));
  const queue = kind === 'smoke' ? deps.queues.smoke : deps.queues.soak;
  // The id names the tick, so a retried job schedules the same next tick, not a second one.
  await queue.add(kind, data, { ...JOB_DEFAULTS, jobId: `${kind}-${job.data.watchId}-${data.tick}`, delay });
}
