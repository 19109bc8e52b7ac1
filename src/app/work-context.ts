import type { CommandRunner } from './ports/command-runner.js';
import type { ContactDirectory } from './ports/contact-directory.js';
import type { IncidentNotifier } from './ports/incident-notifier.js';
import type { IncidentStore } from './ports/incident-store.js';
import type { AlarmSettings, MetricsSource } from './ports/metrics-source.js';
import type { RolloutMetrics } from './ports/rollout-metrics.js';
import type { TrafficController } from './ports/traffic-controller.js';
import type { TrafficLock } from './ports/traffic-lock.js';
import type { WatchSampleLog } from './ports/watch-sample-log.js';
import type { PreflightSettings } from './preflight.js';
import type { RolloutContext, RolloutSettings } from './rollout-context.js';

/** The parts of the config the background work reads. */
export interface WorkSettings extends RolloutSettings, PreflightSettings {
  alarms: readonly AlarmSettings[];
  metrics: {
    /** Milliseconds between two evaluations of a watch. */
    evaluationInterval: number;
    breachesToTrip: number;
    errorsToGate: number;
    /** The share of its planned evaluations a watch must read to pass, 0 < x ≤ 1. */
    minCoverage: number;
    /** How much longer than planned a watch may run to make up missed evaluations, as a share of its duration. */
    maxExtension: number;
  };
  jobs: {
    /** How long a job's lock, and the traffic lock's lease, lasts, in milliseconds; both are renewed. */
    lockDuration: number;
    /** How long after an alert its page may wait for shadow, in milliseconds. */
    pageDeadline: number;
    /** Milliseconds between two redraws of a running soak's countdown, at most a minute (the default). */
    countdownInterval?: number | undefined;
  };
}

/** What the background use cases (checks, ramps, watches, rollbacks) work with, beyond a rollout's own. */
export interface WorkContext extends RolloutContext {
  settings: WorkSettings;
  /** The external flag system, when one is configured; the registry is always written. */
  traffic: TrafficController | undefined;
  metrics: MetricsSource;
  /** Where each watch evaluation's values are kept for the dashboard's charts; without it, nowhere. */
  watchLog?: WatchSampleLog;
  lock: TrafficLock;
  commands: CommandRunner;
  directory: ContactDirectory | undefined;
  incidents: IncidentStore;
  notifier: IncidentNotifier;
  observe: RolloutMetrics;
  /**
   * A named point where a test may have this process stop dead (it hangs there until killed), to show
   * that another worker recovers the job. Does nothing unless the process was started armed.
   */
  crashpoint: (name: string) => Promise<void>;
}
