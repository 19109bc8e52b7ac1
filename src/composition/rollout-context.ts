import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { crashpointFor } from '../adapters/bullmq/job-deps.js';
import { FileBackupStore } from '../adapters/files/backup-store.js';
import { FileFlagRegistry } from '../adapters/files/file-flag-registry.js';
import { FileReleaseFiles } from '../adapters/files/file-release-files.js';
import { MarkdownLedgerMirror } from '../adapters/files/markdown-ledger-mirror.js';
import { redisAdapters } from '../adapters/redis/redis-adapters.js';
import { RedisRefusalCounter } from '../adapters/redis/redis-refusal-counter.js';
import type { EffectRunner } from '../app/ports/effect-runner.js';
import type { RolloutPublisher } from '../app/ports/rollout-publisher.js';
import type { RolloutContext } from '../app/rollout-context.js';
import type { MecConfig } from '../config/config-schema.js';
import { toPolicy } from '../config/to-policy.js';
import { errorCodeOf } from '../domain/errors.js';
import type { Logger } from '../infra/logger.js';

export interface ContextOptions {
  config: MecConfig;
  workspace: string;
  redis: Redis;
  /** Prefix of every Redis key. */
  prefix: string;
  logger: Logger;
  now?: () => Date;
  /** The crash test's stopping point this process is armed with (MEC_CRASHPOINT), if any. */
  crashpoint?: string;
}

/** The rollout context on Redis and the release workspace; the publisher and effects are added after. */
export function rolloutContext(
  options: ContextOptions,
  publisher: RolloutPublisher,
  effects: EffectRunner,
): RolloutContext {
  const { config, workspace, redis, prefix, logger } = options;
  const now = options.now ?? (() => new Date());
  const { store, ledger, rootRecord } = redisAdapters(redis, prefix);
  return {
    phase: config.phase,
    policy: toPolicy(config),
    settings: config,
    store,
    refusals: new RedisRefusalCounter(redis, prefix),
    outbox: store,
    ledger,
    rootRecord,
    registry: new FileFlagRegistry(workspace, config.registry.path),
    files: new FileReleaseFiles(workspace, config.artifacts.files),
    mirror: new MarkdownLedgerMirror(workspace),
    // Replaced by the ledger anchor once it signs checkpoints.
    checkpoints: { latest: async () => undefined },
    backups: new FileBackupStore(workspace, config.registry.path),
    publisher,
    effects,
    now,
    newRolloutId: () =>
      `${config.phase}-${now().toISOString().slice(0, 19).replaceAll(/[-:]/g, '')}Z-${randomBytes(2).toString('hex')}`,
    onPublishError: (error) =>
      logger.error(
        { err: error, code: errorCodeOf(error) },
        "delivering a committed transition's work failed; it stays in the outbox and is delivered again",
      ),
    crashpoint: crashpointFor(options.crashpoint, logger),
  };
}

/** Where a context without queues sends its effects and news: nowhere, logged. */
export const loggingPublisher = (logger: Logger): RolloutPublisher => ({
  published: async (phase, result) =>
    logger.info(
      { phase, outcome: result.outcome, reason: result.reason },
      'transition (no Slack connection)',
    ),
  postApprovalCard: async () => undefined,
  redraw: async () => undefined,
  postReview: async () => undefined,
});
