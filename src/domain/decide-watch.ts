import type { JsonValue } from './canonical-json.js';
import { checkFinished } from './decide-checks.js';
import { decideGateEvent } from './decide-gates.js';
import { soakFinished } from './decide-traffic.js';
import { applied, type Decision, draft, noop } from './decision.js';
import { describeInstant } from './describe-instant.js';
import type { SystemEvent } from './rollout-event.js';
import { type RolloutState, soakWeightPct } from './rollout-state.js';
import { WATCH_BLIND_GATE } from './watch-coverage.js';

type WatchTick = Extract<SystemEvent, { type: 'watch_tick' }>;

/** The CRITICAL gate a metrics source that keeps failing opens. */
export const METRICS_GATE = 'metrics_source';

/**
 * One evaluation of the smoke or a soak, decided as one transition: every change the evaluation calls
 * for (alarms that tripped, the metrics gate, the watch's end) is collected on one draft and committed
 * once, with one ledger entry that lists each step. As argo-rollouts does: collect the changes, then
 * write the status once. A BLOCKER that rolls back ends the tick: the watch is over.
 */
export function decideWatchTick(state: RolloutState, event: WatchTick, now: Date): Decision {
  const watched = event.watch === 'smoke' ? state.checks.smoke : state.soak;
  const watchedId = event.watch === 'smoke' ? state.checks.smoke.runId : state.soak?.soakId;
  if (watched?.status !== 'running' || watchedId !== event.watchId)
    return noop(state, 'duplicate', `${event.watch} ${event.watchId} is not the one running; ignored.`);
  const steps: Decision[] = [];
  let current = state;
  const take = (decision: Decision) => {
    steps.push(decision);
    if (decision.outcome === 'applied' && decision.state) current = decision.state;
    return decision;
  };
  if (event.watch === 'soak') {
    for (const trip of event.tripped) {
      const decision = take(
        decideGateEvent(
          current,
          { type: 'alarm', alarm: trip.alarm, severity: trip.severity, firing: true, summary: trip.summary },
          now,
        ),
      );
      if (decision.effects.some((effect) => effect.kind === 'roll_back')) return combine(state, steps);
    }
    const metricsGate =
      Object.hasOwn(current.gates, METRICS_GATE) || Object.hasOwn(current.overrides, METRICS_GATE);
    if (event.sourceDown) {
      const summary = `the metrics source failed ${event.sourceErrors} evaluations in a row; it is never read as healthy`;
      take(
        decideGateEvent(
          current,
          { type: 'gate_opened', gateId: METRICS_GATE, source: 'metrics_source', summary },
          now,
        ),
      );
    } else if (event.allRead && metricsGate) {
      // The source answers again: its gate closes, and an override of it ends with the outage.
      take(
        decideGateEvent(
          current,
          { type: 'gate_resolved', gateId: METRICS_GATE, summary: 'the metrics source answers again' },
          now,
        ),
      );
    }
  }
  const { finished, extended } = event;
  if (extended) take(extendWatch(current, event.watch, extended, now));
  else if (finished?.blind) take(watchBlind(current, event, finished.summary, now));
  else if (finished && event.watch === 'smoke') {
    const { ref } = finished;
    take(
      checkFinished(
        current,
        {
          type: 'check_finished',
          check: 'smoke',
          runId: event.watchId,
          passed: finished.passed,
          summary: finished.summary,
          ...(ref === undefined ? {} : { ref }),
        },
        now,
      ),
    );
  } else if (finished) {
    take(
      soakFinished(
        current,
        {
          type: 'soak_finished',
          soakId: event.watchId,
          breached: !finished.passed,
          summary: finished.summary,
        },
        now,
      ),
    );
  }
  return combine(state, steps);
}

/** The watch's end as it stands, or a no-op while it has not come by this clock. */
function notYetOver(state: RolloutState, watch: WatchTick['watch'], now: Date): Decision | undefined {
  const endsAt = watch === 'smoke' ? state.checks.smoke.endsAt : state.soak?.endsAt;
  if (endsAt === undefined || now.getTime() >= Date.parse(endsAt)) return undefined;
  const reason = watch === 'smoke' ? 'smoke_running' : 'soak_running';
  return noop(state, reason, `the ${labelOf(state, watch)} ends ${describeInstant(new Date(endsAt), now)}.`);
}

/** A watch that read too few evaluations by its end watches on, to make up what it missed. */
function extendWatch(
  state: RolloutState,
  watch: WatchTick['watch'],
  extended: NonNullable<WatchTick['extended']>,
  now: Date,
): Decision {
  const early = notYetOver(state, watch, now);
  if (early) return early;
  const { endsAt, read, planned, needed } = extended;
  const label = labelOf(state, watch);
  const current = watch === 'smoke' ? state.checks.smoke.endsAt : state.soak?.endsAt;
  // An extension only ever moves the end later: an older report (a retried tick) changes nothing.
  if (Date.parse(endsAt) <= Date.parse(current ?? ''))
    return noop(state, 'duplicate', `the ${label} already watches on until ${current}.`);
  const next = draft(state);
  if (watch === 'smoke') next.checks.smoke = { ...next.checks.smoke, endsAt };
  else if (next.soak) next.soak = { ...next.soak, endsAt };
  const message = `the ${label} read ${read} of ${planned} evaluations, ${needed} needed; it watches on until ${describeInstant(new Date(endsAt), now)}.`;
  return applied(next, 'watch_extended', message, [], { endsAt, read, planned, needed });
}

/**
 * A watch that read too few evaluations by its latest end proves nothing: it is not passed, and the
 * watch_blind gate holds ramps until a permitted role decides. An override accepts the watch; a
 * rollback (for a soak) or a new smoke closes the gate.
 */
function watchBlind(state: RolloutState, event: WatchTick, summary: string, now: Date): Decision {
  const early = notYetOver(state, event.watch, now);
  if (early) return early;
  const label = labelOf(state, event.watch);
  const next = draft(state);
  if (event.watch === 'smoke')
    next.checks.smoke = { ...next.checks.smoke, status: 'failed', finishedAt: now.toISOString(), summary };
  else if (next.soak) next.soak = { ...next.soak, status: 'blind' };
  next.gates[WATCH_BLIND_GATE] = {
    id: WATCH_BLIND_GATE,
    source: 'watch',
    openedAt: now.toISOString(),
    summary: `the ${label} is blind: ${summary}`,
    watch: { kind: event.watch, id: event.watchId },
  };
  delete next.overrides[WATCH_BLIND_GATE];
  const instead = event.watch === 'soak' ? 'a rollback returns to shadow' : '/mec smoke runs it again';
  const message = `the ${label} is blind: ${summary}. CRITICAL gate ${WATCH_BLIND_GATE} opened: ramps are refused until a permitted role decides (an override accepts the ${event.watch}; ${instead}).`;
  return applied(next, 'watch_blind', message, [], {
    gateId: WATCH_BLIND_GATE,
    summary,
    watch: event.watch,
  });
}

const labelOf = (state: RolloutState, watch: WatchTick['watch']) =>
  watch === 'smoke'
    ? 'shadow smoke'
    : state.soak
      ? `${soakWeightPct(state.policy, state.soak)}% soak`
      : 'soak';

/**
 * The steps of one tick as one decision: applied if any step changed the rollout, recorded if any was
 * noted, otherwise the last step's no-op (a watch still running). The reason is the first step that
 * counted; the ledger keeps every step's reason and facts.
 */
function combine(state: RolloutState, steps: readonly Decision[]): Decision {
  const counted = steps.filter((step) => step.outcome === 'applied' || step.outcome === 'recorded');
  const first = counted[0];
  if (!first) {
    const last = steps.at(-1);
    return last ?? noop(state, 'duplicate', 'nothing changed on this evaluation.');
  }
  const changed = counted.filter((step) => step.outcome === 'applied').at(-1);
  const detail: JsonValue[] = counted.map((step) => ({
    reason: step.reason,
    message: step.message,
    ...(step.detail === undefined ? {} : { facts: step.detail }),
  }));
  return {
    outcome: changed ? 'applied' : 'recorded',
    state: changed ? (changed.state as RolloutState) : state,
    effects: counted.flatMap((step) => step.effects),
    reason: first.reason,
    message: counted.map((step) => step.message).join(' '),
    ...(counted.length === 1
      ? first.detail === undefined
        ? {}
        : { detail: first.detail }
      : { detail: { steps: detail } }),
  };
}
