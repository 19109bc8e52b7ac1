import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { JobMetrics } from '../../app/ports/job-metrics.js';
import type { RolloutMetrics } from '../../app/ports/rollout-metrics.js';
import type { RolloutStore } from '../../app/ports/rollout-store.js';
import { approvalStatus } from '../../domain/approvals.js';
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

/**
 * The bot's Prometheus metrics. The rollout's state is read from Redis when scraped, so every replica
 * reports the same truth; counters and histograms count what this process did.
 */
export class BotMetrics implements RolloutMetrics, JobMetrics {
  readonly registry = new Registry();
  readonly alarms = new Counter({
    name: 'mec_alarms_total',
    help: 'Alerts taken in, by severity and status; a byte-for-byte re-send within a minute is not counted again.',
    labelNames: ['severity', 'status'],
    registers: [this.registry],
  });
  readonly rollbacks = new Counter({
    name: 'mec_rollbacks_total',
    help: 'Rollbacks finished, by what asked for them.',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'mec_job_duration_seconds',
    help: 'How long jobs took, by queue.',
    labelNames: ['queue'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [this.registry],
  });
  readonly alarmToShadow = new Histogram({
    name: 'mec_alarm_to_shadow_seconds',
    help: 'From a BLOCKER alert arriving to traffic back at shadow.',
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  constructor(
    store: Pick<RolloutStore, 'load'>,
    phase: string,
    artifactRoot: () => Promise<string>,
    now: () => Date,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mec_process_' });
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
      name: 'mec_traffic_weight_percent',
      help: 'The weight meta_prod serves, 0 = shadow.',
      labelNames: ['phase'],
      registers: [this.registry],
      async collect() {
        await fresh();
        this.set({ phase }, state?.trafficPct ?? 0);
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

  rollbackFinished(cause: 'blocker_alarm' | 'person'): void {
    this.rollbacks.inc({ reason: cause });
  }

  shadowReached(secondsSinceAlarm: number): void {
    this.alarmToShadow.observe(secondsSinceAlarm);
  }

  jobFinished(queue: string, seconds: number): void {
    this.jobDuration.observe({ queue }, seconds);
  }
}
