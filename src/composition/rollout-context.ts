import { type KeyObject, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { crashpointFor } from '../adapters/bullmq/job-deps.js';
import { FileBackupStore } from '../adapters/files/backup-store.js';
import { CheckpointFile } from '../adapters/files/checkpoint-file.js';
import { CosignatureFile } from '../adapters/files/cosignature-file.js';
import { FileFlagRegistry } from '../adapters/files/file-flag-registry.js';
import { FileReleaseFiles } from '../adapters/files/file-release-files.js';
import { MarkdownLedgerMirror } from '../adapters/files/markdown-ledger-mirror.js';
import { HttpWitness } from '../adapters/http/witness-client.js';
import { Ed25519CheckpointSigner } from '../adapters/node-crypto/ed25519-checkpoint-signer.js';
import { redisAdapters } from '../adapters/redis/redis-adapters.js';
import { RedisTrafficLock } from '../adapters/redis/redis-lock.js';
import { RedisRefusalCounter } from '../adapters/redis/redis-refusal-counter.js';
import { LedgerAnchor } from '../app/anchor-ledger.js';
import type { CheckpointLog } from '../app/ports/checkpoint-log.js';
import type { EffectRunner } from '../app/ports/effect-runner.js';
import type { LedgerCheckpoints } from '../app/ports/ledger-checkpoints.js';
import type { RolloutPublisher } from '../app/ports/rollout-publisher.js';
import type { RolloutContext } from '../app/rollout-context.js';
import type { MecConfig } from '../config/config-schema.js';
import { toPolicy } from '../config/to-policy.js';
import { parseCheckpoint, parseNote } from '../domain/checkpoint-note.js';
import { parseCosignatureVerifierKey } from '../domain/cosignature.js';
import { errorCodeOf } from '../domain/errors.js';
import type { Logger } from '../infra/logger.js';
import { transitionLog } from './log-events.js';
import { threadLedgerWalker } from './thread-ledger-walker.js';
import { workerVerifier } from './worker-verifier.js';

export interface ContextOptions {
  config: MecConfig;
  workspace: string;
  redis: Redis;
  /**
   * The Redis configuration `redis` was made from (REDIS_URL, as given). With it `/mec verify`, and the
   * anchor's first walk over the signed ledger, run in threads of their own on connections made the
   * same way; without (the command-line tools), in-line.
   */
  redisUrl?: string;
  /** Prefix of every Redis key. */
  prefix: string;
  logger: Logger;
  now?: () => Date;
  /** The crash test's stopping point this process is armed with (MEC_CRASHPOINT), if any. */
  crashpoint?: string;
  /**
   * The ledger's signing key (MEC_LEDGER_KEY): with it the context signs checkpoints after commits
   * (`anchor`); without it, as in the command-line tools, it only reads them.
   */
  ledgerKey?: KeyObject;
  /**
   * The verifier key verify trusts, when the config names none: the sandbox's own key's. The config's
   * `ledger.publicKey` comes first, then the signing key's.
   */
  ledgerVerifierKey?: string;
}

/** A rollout context, and its ledger anchor when it holds the signing key. */
export type AnchoredContext = RolloutContext & { anchor?: LedgerAnchor };

/** The rollout context on Redis and the release workspace; the publisher and effects are added after. */
export function rolloutContext(
  options: ContextOptions,
  publisher: RolloutPublisher,
  effects: EffectRunner,
): AnchoredContext {
  const { config, workspace, redis, prefix, logger } = options;
  const now = options.now ?? (() => new Date());
  const { store, ledger, rootRecord } = redisAdapters(redis, prefix);
  const mirror = new MarkdownLedgerMirror(workspace);
  const checkpointFile = new CheckpointFile(workspace);
  const signer = options.ledgerKey && new Ed25519CheckpointSigner(config.ledger.origin, options.ledgerKey);
  const anchor = signer
    ? new LedgerAnchor({
        ledger,
        mirror,
        checkpoints: checkpointFile,
        signer,
        lock: new RedisTrafficLock(redis, prefix),
        ...(config.ledger.witness ? { witness: witnessOf(config.ledger.witness, workspace) } : {}),
        ...(options.redisUrl
          ? { prefixWalker: threadLedgerWalker({ redisUrl: options.redisUrl, prefix }) }
          : {}),
        onError: (error) =>
          logger.error({ err: error, code: errorCodeOf(error) }, 'the ledger mirror or checkpoint failed'),
      })
    : undefined;
  const trust = {
    origin: config.ledger.origin,
    verifierKey: config.ledger.publicKey ?? signer?.verifierKey ?? options.ledgerVerifierKey,
  };
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
    mirror,
    checkpoints: anchor ?? readCheckpoints(checkpointFile),
    checkpointLog: checkpointFile,
    trust,
    ...(options.redisUrl
      ? {
          verifier: workerVerifier({
            config,
            workspace,
            redisUrl: options.redisUrl,
            prefix,
            verifierKey: trust.verifierKey,
          }),
        }
      : {}),
    ...(anchor ? { anchor } : {}),
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
    ...transitionLog(logger),
  };
}

/** Where a context without queues sends its effects and news: nowhere (its transition is logged already). */
export const loggingPublisher = (logger: Logger): RolloutPublisher => ({
  published: async (phase, result) =>
    logger.debug(
      { phase, outcome: result.outcome, reason: result.reason },
      'transition (no Slack connection)',
    ),
  postApprovalCard: async () => undefined,
  redraw: async () => undefined,
  postReview: async () => undefined,
});

/** The newest checkpoint in the file, as shown, for a context that signs none. */
const readCheckpoints = (file: CheckpointLog): LedgerCheckpoints => ({
  latest: async () => {
    const note = await file.latest();
    return note === undefined ? undefined : parseCheckpoint(parseNote(note).text);
  },
});

/** The configured witness, and the workspace file its cosignatures go to. */
function witnessOf(witness: NonNullable<MecConfig['ledger']['witness']>, workspace: string) {
  return {
    witness: new HttpWitness({
      url: witness.url,
      timeoutMs: witness.timeout,
      ...(witness.publicKey ? { verifier: parseCosignatureVerifierKey(witness.publicKey) } : {}),
    }),
    cosignatures: new CosignatureFile(workspace),
  };
}
