import { MecError } from '../domain/errors.js';
import type { IncidentNotifier } from './ports/incident-notifier.js';
import type { IncidentTransitionResult } from './ports/transition-result.js';
import { type TransitionIncidentDeps, transitionIncident } from './transition-incident.js';

/** What folding needs: the incident's store and ledger, and the notice to redraw after a fold. */
export interface FoldDeps extends TransitionIncidentDeps {
  notifier: Pick<IncidentNotifier, 'redraw'>;
}

/** The alerts waiting to fold into one incident together, and what their one commit came to. */
interface Batch {
  instances: Set<string>;
  /** The fold's commit: the next batch of the incident waits for it. */
  result: Promise<IncidentTransitionResult>;
  /** The commit and then, when it applied, the notice's one redraw: what every caller waits for. */
  done: Promise<IncidentTransitionResult>;
}

/** One incident's folds in this process: at most one committing, and the batch that gathers behind it. */
interface Lane {
  tail: Promise<unknown>;
  gathering: Batch | undefined;
  batches: number;
}

// Keyed by the incident store, so two bots in one process (tests, two replicas) keep their own lanes.
const lanesByStore = new WeakMap<object, Map<string, Lane>>();

/**
 * Folds alerts into an open incident. Every alert of an alarm folds into the same incident, so in a
 * storm hundreds of concurrent folds would race one version and most would run out of attempts, their
 * alerts never recorded. Here the folds of one incident in this process commit one at a time, and
 * those that arrive while one commits are merged into the next: one ledger entry records them all.
 * Another process's folds still race on the version, which transitionIncident decides again on.
 * A fold that applied redraws the incident notice once, for all the callers it carried.
 * Throws when the fold did not land, so its deliveries are given back and the job's retry acts.
 */
export async function foldAlerts(
  deps: FoldDeps,
  id: string,
  instances: readonly string[],
): Promise<IncidentTransitionResult> {
  let lanes = lanesByStore.get(deps.incidents);
  if (!lanes) {
    lanes = new Map();
    lanesByStore.set(deps.incidents, lanes);
  }
  let lane = lanes.get(id);
  if (!lane) {
    lane = { tail: Promise.resolve(), gathering: undefined, batches: 0 };
    lanes.set(id, lane);
  }
  const batch = lane.gathering ?? gather(deps, lanes, lane, id);
  for (const instance of instances) batch.instances.add(instance);
  const result = await batch.done;
  if (result.outcome === 'conflict')
    throw new MecError(
      'alarm_trip_conflict',
      `the alerts of incident ${id} did not fold (${result.message})`,
    );
  return result;
}

function gather(deps: FoldDeps, lanes: Map<string, Lane>, lane: Lane, id: string): Batch {
  const batch: Batch = {
    instances: new Set(),
    result: Promise.resolve() as never,
    done: Promise.resolve() as never,
  };
  lane.gathering = batch;
  lane.batches += 1;
  batch.result = lane.tail.then(() => {
    // From here on the batch is closed: later alerts gather into the next one.
    if (lane.gathering === batch) lane.gathering = undefined;
    return transitionIncident(deps, id, { type: 'alert_folded', instances: [...batch.instances] });
  });
  // Outside the lane: the next fold need not wait for this one's redraw.
  batch.done = batch.result.then(async (result) => {
    if (result.outcome === 'applied') await deps.notifier.redraw(id);
    return result;
  });
  lane.tail = batch.result.then(
    () => release(lanes, lane, id),
    () => release(lanes, lane, id),
  );
  return batch;
}

function release(lanes: Map<string, Lane>, lane: Lane, id: string): void {
  lane.batches -= 1;
  if (lane.batches === 0 && lanes.get(id) === lane) lanes.delete(id);
}
