import { decideIncident } from '../domain/decide-incident.js';
import { MecError } from '../domain/errors.js';
import type { IncidentEvent } from '../domain/incident-event.js';
import { incidentLedgerBody } from './ledger-body.js';
import type { IncidentStore } from './ports/incident-store.js';
import type { RefusalCounter } from './ports/refusal-counter.js';
import type { IncidentTransitionResult } from './ports/transition-result.js';
import { type CountedRefusal, countRefusal } from './transition.js';

/** The phase incidents are recorded under, and the clock. */
export interface IncidentContext {
  phase: string;
  now: () => Date;
  /** Counts identical refusals so a flood is written once per window; without it each is written. */
  refusals?: RefusalCounter;
  /** Told of every incident transition decided, for the process's log. */
  onIncidentTransition?: (id: string, event: IncidentEvent, result: IncidentTransitionResult) => void;
}

export interface TransitionIncidentDeps {
  ctx: IncidentContext;
  incidents: Pick<IncidentStore, 'load' | 'commit'>;
}

export type { IncidentTransitionResult };

// Each fact of an incident is set once, so it is changed at most six times in its life (opened, paged,
// acknowledged, at shadow, resolved, overridden), plus once per alert body of its alarm folded into it
// while it is open. Every conflict is another writer's progress; bodies of one alarm arrive a group
// interval apart, so twelve attempts get through.
const ATTEMPTS = 12;

/**
 * The only way incidents and their ledger entries are written: loads the incident, decides, and commits
 * the next incident together with its ledger entry, checked against the version it decided on. On a
 * conflict it decides again on the fresh incident. A no-op is neither stored nor recorded.
 */
export async function transitionIncident(
  deps: TransitionIncidentDeps,
  id: string,
  event: IncidentEvent,
): Promise<IncidentTransitionResult> {
  const result = await decideAndCommit(deps, id, event);
  deps.ctx.onIncidentTransition?.(id, event, result);
  return result;
}

async function decideAndCommit(
  deps: TransitionIncidentDeps,
  id: string,
  event: IncidentEvent,
): Promise<IncidentTransitionResult> {
  if (event.type === 'open_incident' && event.incident.id !== id)
    throw new MecError('invariant_violated', `incident ${event.incident.id} cannot be opened as ${id}`);
  let version = 0;
  let counted: CountedRefusal | undefined;
  const actor = 'actor' in event ? event.actor : '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const loaded = await deps.incidents.load(id);
    const now = deps.ctx.now();
    const decision = decideIncident(loaded.incident, event, now);
    if (decision.outcome === 'noop') return { ...decision, version: loaded.version };
    counted ??= await countRefusal(deps.ctx.refusals, deps.ctx.phase, actor, event.type, decision);
    if (counted?.repeat) return { ...decision, version: loaded.version };
    const body = incidentLedgerBody(
      deps.ctx.phase,
      id,
      event,
      loaded.incident,
      decision,
      now,
      counted?.collapsed,
    );
    const committed = await deps.incidents.commit(id, loaded.version, decision.incident, body);
    if (committed.status === 'committed')
      return { ...decision, entry: committed.entry, version: committed.version };
    version = committed.version;
  }
  return {
    outcome: 'conflict',
    reason: 'conflict',
    message: `incident ${id} kept changing while this was handled; try again.`,
    incident: null,
    version,
  };
}
