import type { AlertBatch } from '../app/ports/alert-batch.js';
import type { Command } from '../app/ports/command.js';
import type { RolloutActions } from '../app/ports/rollout-actions.js';
import type { IncidentTransitionResult, TransitionResult } from '../app/ports/transition-result.js';
import type { RolloutContext } from '../app/rollout-context.js';
import { errorCodeOf } from '../domain/errors.js';
import type { IncidentEvent } from '../domain/incident-event.js';
import type { RolloutEvent } from '../domain/rollout-event.js';
import type { Logger } from '../infra/logger.js';

// One info line per command, click, alert and transition, each saying who, what and the outcome in
// fields: `user`, `phase`, `command` or `action`, `outcome` and `reason`, `rolloutId`, the ledger
// `seq` where the event wrote one, and (from the logger) the request's `cid`. Free text people typed
// (reasons) is left out: it is in the ledger, and a log is no place for what someone pasted.

type Fields = Record<string, unknown>;

/** The outcome of a transition, as log fields. */
function ofTransition(result: TransitionResult): Fields {
  return {
    outcome: result.outcome,
    reason: result.reason,
    ...('state' in result && result.state
      ? { rolloutId: result.state.rolloutId, trafficPct: result.state.trafficPct }
      : {}),
    ...(result.outcome !== 'conflict' && result.entry ? { seq: result.entry.seq } : {}),
  };
}

/**
 * What a command or click came to, as log fields: a transition's outcome, or else the kind of answer
 * (`status`, `stale`, `dry_run`, ...).
 */
function ofOutcome(outcome: unknown): Fields {
  const value = outcome as {
    kind?: string;
    result?: TransitionResult;
    state?: { rolloutId: string } | null;
    outcome?: string;
  };
  if (value.kind === 'transition' && value.result) return ofTransition(value.result);
  // A transition's result itself (an override, an acknowledgement).
  if (value.kind === undefined && value.outcome !== undefined)
    return ofTransition(outcome as TransitionResult);
  return { outcome: value.kind, ...(value.state ? { rolloutId: value.state.rolloutId } : {}) };
}

/** A command as log fields: its verb and its figures, never its free text. */
function ofCommand(command: Command): Fields {
  return {
    command: command.verb,
    ...('weightPct' in command ? { weightPct: command.weightPct } : {}),
    ...('dryRun' in command ? { dryRun: command.dryRun } : {}),
    ...('page' in command && command.page !== undefined ? { page: command.page } : {}),
  };
}

/**
 * `actions` with one info line logged per command and click, once it is carried out: who, what, and
 * what came of it. One that failed is logged with its error code, and the failure goes on to the caller.
 */
export function loggedActions(actions: RolloutActions, logger: Logger): RolloutActions {
  const { phase } = actions;
  const logged = async <T>(message: string, fields: Fields, work: () => Promise<T>): Promise<T> => {
    try {
      const outcome = await work();
      logger.info({ phase, ...fields, ...ofOutcome(outcome) }, message);
      return outcome;
    } catch (error) {
      logger.info({ phase, ...fields, outcome: 'failed', code: errorCodeOf(error) }, message);
      throw error;
    }
  };
  return {
    phase,
    policy: actions.policy,
    runCommand: (command, actor) =>
      logged('command', { user: actor, ...ofCommand(command) }, () => actions.runCommand(command, actor)),
    clickRolloutButton: (actor, drawn, click) =>
      logged(
        'click',
        {
          user: actor,
          action: click.action,
          rolloutId: drawn.rolloutId,
          drawnVersion: drawn.version,
          ...('weightPct' in click ? { weightPct: click.weightPct } : {}),
          ...('check' in click ? { check: click.check } : {}),
          ...('go' in click ? { go: click.go } : {}),
        },
        () => actions.clickRolloutButton(actor, drawn, click),
      ),
    clickApprove: (actor, drawn) =>
      logged(
        'click',
        { user: actor, action: 'approve', rolloutId: drawn.rolloutId, role: drawn.roleId },
        () => actions.clickApprove(actor, drawn),
      ),
    clickReject: (actor, drawn) =>
      logged('click', { user: actor, action: 'reject', rolloutId: drawn.rolloutId, role: drawn.roleId }, () =>
        actions.clickReject(actor, drawn),
      ),
    submitRejection: (actor, drawn, reason) =>
      logged(
        'click',
        { user: actor, action: 'submit_rejection', rolloutId: drawn.rolloutId, role: drawn.roleId },
        () => actions.submitRejection(actor, drawn, reason),
      ),
    overrideGate: (actor, gateId, reason) =>
      logged('click', { user: actor, action: 'override_gate', gate: gateId }, () =>
        actions.overrideGate(actor, gateId, reason),
      ),
    acknowledgeIncident: (actor, incidentId) =>
      logged('click', { user: actor, action: 'acknowledge', incidentId }, () =>
        actions.acknowledgeIncident(actor, incidentId),
      ),
  };
}

/**
 * The hooks of a rollout context that log each transition: at info when it committed or recorded
 * something (applied, recorded, refused), at debug when it changed nothing (a no-op, a lost race).
 */
export function transitionLog(
  logger: Logger,
): Required<Pick<RolloutContext, 'onTransition' | 'onIncidentTransition'>> {
  const at = (outcome: string) => (outcome === 'noop' || outcome === 'conflict' ? 'debug' : 'info');
  return {
    onTransition: (phase: string, event: RolloutEvent, result: TransitionResult) =>
      logger[at(result.outcome)](
        {
          phase,
          event: event.type,
          user: 'actor' in event ? event.actor : undefined,
          ...ofTransition(result),
        },
        'transition',
      ),
    onIncidentTransition: (id: string, event: IncidentEvent, result: IncidentTransitionResult) =>
      logger[at(result.outcome)](
        {
          incidentId: id,
          event: event.type,
          user: 'actor' in event ? event.actor : undefined,
          outcome: result.outcome,
          reason: result.reason,
          ...(result.outcome !== 'conflict' && result.incident ? { alarm: result.incident.alarm } : {}),
          ...(result.outcome !== 'conflict' && result.entry ? { seq: result.entry.seq } : {}),
        },
        'incident transition',
      ),
  };
}

/**
 * One info line per alert the webhook took in: its alarm, severity, status and instance, and whether
 * its batch was queued (`batch` names it) or could not be, with the error's code.
 */
export function logAlertsTaken(
  logger: Logger,
  batch: AlertBatch,
  taken: { batch: string } | { code: string },
): void {
  for (const alert of batch.alerts)
    logger.info(
      {
        alarm: alert.labels.mec_alarm,
        severity: alert.labels.severity,
        status: alert.status,
        phase: alert.labels.mec_phase,
        instance: alert.labels.instance,
        fingerprint: alert.fingerprint,
        ...('batch' in taken
          ? { outcome: 'queued', batch: taken.batch }
          : { outcome: 'not_queued', code: taken.code }),
      },
      'alert',
    );
}
