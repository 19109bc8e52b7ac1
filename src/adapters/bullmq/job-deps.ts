import type { Redis } from 'ioredis';
import type { IncidentNotifier } from '../../app/ports/incident-notifier.js';
import type { IncidentStore } from '../../app/ports/incident-store.js';
import type { MetricsSource } from '../../app/ports/metrics-source.js';
import type { TrafficController } from '../../app/ports/traffic-controller.js';
import type { SlackDirectory } from '../../app/preflight.js';
import type { RegistryDeps } from '../../app/registry-guard.js';
import type { RolloutContext } from '../../app/rollout-context.js';
import type { MecConfig } from '../../config/config-schema.js';
import type { Logger } from '../../infra/logger.js';
import type { FileFlagRegistry } from '../files/file-flag-registry.js';
import type { BotMetrics } from '../prometheus/bot-metrics.js';
import type { Queues } from './queues.js';

/** What the job handlers need. Built once per worker process. */
export interface JobDeps {
  config: MecConfig;
  workspace: string;
  ctx: RolloutContext;
  redis: Redis;
  prefix: string;
  queues: Queues;
  registry: FileFlagRegistry;
  registryDeps: RegistryDeps;
  traffic: TrafficController;
  metrics: MetricsSource;
  directory: SlackDirectory | undefined;
  incidents: IncidentStore;
  notifier: IncidentNotifier;
  stats: BotMetrics;
  logger: Logger;
  /**
   * A named point where a test may have this process stop dead (it hangs there until killed), to show
   * that another worker recovers the job. Does nothing unless MEC_CRASHPOINT names the point.
   */
  crashpoint: (name: string) => Promise<void>;
}

/** The crashpoint of a process: hangs forever at the point `armed` names, and nowhere else. */
export function crashpointFor(armed: string | undefined, logger: Logger): (name: string) => Promise<void> {
  return async (name) => {
    if (armed !== name) return;
    logger.warn({ crashpoint: name }, 'crashpoint reached: this process now waits to be killed');
    await new Promise(() => undefined);
  };
}
