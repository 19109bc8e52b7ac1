import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { JobMetrics } from '../../app/ports/job-metrics.js';
import type { RolloutMetrics } from '../../app/ports/rollout-metrics.js';
import type { RolloutStore } from '../../app/ports/rollout-store.js';
import { approvalStatus } from '../../domain/approvals.js';
import type { Severity } from '../../domain/rollout-event.js';
import { type RolloutState, stageOf } from '../../domain/rollout-state.js';

const STAGES = [
  'preflight',
  'backup',
  'rehearsal',
  'smoke',
  'go_no_go',
  'ready',
  'ramping',
  'rolling_back',
  'locked',
  'complete',
  'stopped',
] as const;

/** The label value of anything that is not one of the configured alarms: it keeps the series bounded. */
const OTHER = 'other';

/**
 * prom-client's default metrics that are gauges named `_total`, which `promtool check metrics` rejects.
 * Their per-type twins (`nodejs_active_handles{type}` and so on) stay: `sum()` of one is the total.
 */
const GAUGES_NAMED_TOTAL = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** What is fixed for the life of a process, for `mec_build_info`. */
export interface BuildFacts {
  /** The package version (package.json). */
  version: string;
  /** `all`, `web` or `worker` (MEC_ROLE). */
  role: string;
}

export interface BotMetricsOptions {
  store: Pick<RolloutStore, 'load'>;
  phase: string;
  /** The configured alarms: the only values the alarm labels take, beside `other`. */
  alarms: ReadonlyArray<{ name: string; severity: Severity }>;
  /** The job queues' names: the only values the `queue` label takes, beside `other`. */
  queues: readonly string[];
  /** The artifact Merkle root as the workspace files are now. */
  artifactRoot: () => Promise<string>;
  now: () => Date;
  build: BuildFacts;
}

/**
 * The bot's Prometheus metrics. The rollout's state is read from Redis when scraped, so every replica
 * reports the same truth; counters and histograms count what this process did. Every label takes its
 * values from the config or a fixed set, so no input can grow the number of series.
 */
export class BotMetrics implements RolloutMetrics, JobMetrics {
  readonly registry = new Registry();
  readonly #phase: string;
  readonly #alarms: ReadonlyMap<string, Severity>;
  readonly #queues: ReadonlySet<string>;
  readonly #alarmsTaken = new Counter({
    name: 'mec_alarms_total',
    help: 'Alerts taken in, by alarm, its configured severity and status; alerts of no configured alarm of this phase count as "other". A byte-for-byte re-send within a minute is not counted again.',
    labelNames: ['alarm', 'mec_severity', 'status'],
    registers: [this.registry],
  });
  readonly #rollbacks = new Counter({
    name: 'mec_rollbacks_total',
    help: 'Rollbacks finished, by what asked for them.',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly #jobDuration = new Histogram({
    name: 'mec_job_duration_seconds',
    help: 'How long completed jobs ran, by queue.',
    labelNames: ['queue'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [this.registry],
  });
  readonly #jobsFailed = new Counter({
    name: 'mec_jobs_failed_total',
    help: 'Job attempts that failed, by queue; each is retried until its attempts run out.',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  readonly #alarmToShadow = new Histogram({
    name: 'mec_alarm_to_shadow_seconds',
    help: 'From a BLOCKER alert arriving to traffic back at shadow.',
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly #stepDuration = new Histogram({
    name: 'mec_ramp_step_duration_seconds',
    help: "From a ramp's acceptance to traffic at its weight, by the plan step's weight.",
    labelNames: ['weight_percent'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly #soakDuration = new Histogram({
    name: 'mec_soak_duration_seconds',
    help: 'How long soaks ran, by outcome: passed, breached, blind (read too few evaluations), or ended (by a rollback or an abort).',
    labelNames: ['outcome'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 900, 1_200, 1_800, 3_600, 7_200],
    registers: [this.registry],
  });
  readonly #rolloutDuration = new Histogram({
    name: 'mec_rollout_duration_seconds',
    help: 'From a rollout’s start to its end, by outcome: complete or stopped.',
    labelNames: ['outcome'],
    buckets: [10, 60, 300, 900, 1_800, 3_600, 7_200, 14_400, 28_800, 86_400, 259_200, 604_800],
    registers: [this.registry],
  });

  constructor(options: BotMetricsOptions) {
    const { store, phase, artifactRoot, now, build } = options;
    this.#phase = phase;
    this.#alarms = new Map(options.alarms.map((alarm) => [alarm.name, alarm.severity]));
    this.#queues = new Set(options.queues);
    // Unprefixed: stock Node.js dashboards query these by their standard names.
    collectDefaultMetrics({ register: this.registry });
    for (const name of GAUGES_NAMED_TOTAL) this.registry.removeSingleMetric(name);
    // Every series whose labels are known ahead starts at 0: a counter first scraped at 1 has no
    // `increase()` in Prometheus, so the first alarm or rollback would not show on a dashboard.
    for (const status of ['firing', 'resolved'] as const) {
      for (const alarm of options.alarms)
        this.#alarmsTaken.inc({ alarm: alarm.name, mec_severity: alarm.severity, status }, 0);
      this.#alarmsTaken.inc({ alarm: OTHER, mec_severity: OTHER, status }, 0);
    }
    for (const reason of ['blocker_alarm', 'person']) this.#rollbacks.inc({ reason }, 0);
    for (const queue of options.queues) {
      this.#jobsFailed.inc({ queue }, 0);
      this.#jobDuration.zero({ queue });
    }
    this.#alarmToShadow.zero({});
    for (const outcome of ['passed', 'breached', 'blind', 'ended']) this.#soakDuration.zero({ outcome });
    for (const outcome of ['complete', 'stopped']) this.#rolloutDuration.zero({ outcome });
    new Gauge({
      name: 'mec_build_info',
      help: 'Always 1; its labels say what this process runs: the bot version, the Node.js version, the phase and the process role.',
      labelNames: ['version', 'node_version', 'phase', 'role'],
      registers: [this.registry],
    }).set({ version: build.version, node_version: process.version, phase, role: build.role }, 1);
    let state: RolloutState | null = null;
    let root: string | undefined;
    let pending: Promise<void> | undefined;
    // The gauges are collected concurrently; they share one read of the state per scrape.
    const fresh = () =>
      (pending ??= (async () => {
        state = (await store.load(phase)).state;
        root = await artifactRoot().catch(() => undefined);
      })().finally(() => {
        pending = undefined;
      }));
    new Gauge({
      name: 'mec_traffic_weight_ratio',
      help: 'The share of traffic meta_prod serves, from 0 (shadow) to 1.',
      labelNames: ['phase'],
      registers: [this.registry],
      async collect() {
        await fresh();
        this.set({ phase }, (state?.trafficPct ?? 0) / 100);
      },
    });
    new Gauge({
      name: 'mec_rollout_stage',
      help: 'The stage the rollout is at (1) and the others (0).',
      labelNames: ['phase', 'stage'],
      registers: [this.registry],
      async collect() {
        await fresh();
        const current = state ? stageOf(state) : undefined;
        for (const stage of STAGES) this.set({ phase, stage }, stage === current ? 1 : 0);
      },
    });
    new Gauge({
      name: 'mec_approvals_valid',
      help: 'Approvals that count for a ramp now: unexpired and bound to the current artifact root.',
      labelNames: ['phase'],
      registers: [this.registry],
      async collect() {
        await fresh();
        const current = state;
        const valid =
          current && root
            ? current.policy.approverRoleIds.filter(
                (roleId) => approvalStatus(current, roleId, root as string, now()) === 'valid',
              ).length
            : 0;
        this.set({ phase }, valid);
      },
    });
    new Gauge({
      name: 'mec_gates_open',
      help: 'Open CRITICAL deployment gates.',
      labelNames: ['phase'],
      registers: [this.registry],
      async collect() {
        await fresh();
        this.set({ phase }, state ? Object.keys(state.gates).length : 0);
      },
    });
  }

  /**
   * Counts an alert taken in under the alarm its `mec_alarm` and `mec_phase` labels name, with that
   * alarm's configured severity. The labels are Alertmanager's, i.e. anyone's: an alert that names no
   * configured alarm of this phase counts as `other`, so no sender can add series.
   */
  alertTaken(alert: { labels: Readonly<Record<string, string>>; status: 'firing' | 'resolved' }): void {
    const name = alert.labels.mec_phase === this.#phase ? alert.labels.mec_alarm : undefined;
    const severity = name === undefined ? undefined : this.#alarms.get(name);
    this.#alarmsTaken.inc(
      severity === undefined
        ? { alarm: OTHER, mec_severity: OTHER, status: alert.status }
        : { alarm: name as string, mec_severity: severity, status: alert.status },
    );
  }

  rollbackFinished(cause: 'blocker_alarm' | 'person'): void {
    this.#rollbacks.inc({ reason: cause });
  }

  shadowReached(secondsSinceAlarm: number): void {
    this.#alarmToShadow.observe(secondsSinceAlarm);
  }

  stepFinished(weightPct: number, seconds: number): void {
    this.#stepDuration.observe({ weight_percent: String(weightPct) }, seconds);
  }

  soakFinished(outcome: 'passed' | 'breached' | 'blind' | 'ended', seconds: number): void {
    this.#soakDuration.observe({ outcome }, seconds);
  }

  rolloutFinished(outcome: 'complete' | 'stopped', seconds: number): void {
    this.#rolloutDuration.observe({ outcome }, seconds);
  }

  jobFinished(queue: string, seconds: number): void {
    this.#jobDuration.observe({ queue: this.#queueLabel(queue) }, seconds);
  }

  jobFailed(queue: string): void {
    this.#jobsFailed.inc({ queue: this.#queueLabel(queue) });
  }

  #queueLabel(queue: string): string {
    return this.#queues.has(queue) ? queue : OTHER;
  }
}
