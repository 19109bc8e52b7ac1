import { MemoryIncidentStore } from '../../src/adapters/memory/memory-incident-store.js';
import { MemoryLedger } from '../../src/adapters/memory/memory-ledger.js';
import { MemoryRegistryRootRecord } from '../../src/adapters/memory/memory-registry-root.js';
import { MemoryRolloutStore } from '../../src/adapters/memory/memory-rollout-store.js';
import type { BackupStore } from '../../src/app/ports/backup-store.js';
import type { CheckpointLog } from '../../src/app/ports/checkpoint-log.js';
import type { CommandResult, CommandRunner } from '../../src/app/ports/command-runner.js';
import type { EffectRunner } from '../../src/app/ports/effect-runner.js';
import type { FlagRegistry, Flags, RegistrySnapshot } from '../../src/app/ports/flag-registry.js';
import type { IncidentNotifier } from '../../src/app/ports/incident-notifier.js';
import type { LedgerMirror } from '../../src/app/ports/ledger-mirror.js';
import type { AlarmSettings, MetricsSource, QueriedAlarm } from '../../src/app/ports/metrics-source.js';
import type { ReleaseFiles } from '../../src/app/ports/release-files.js';
import type { RolloutPublisher } from '../../src/app/ports/rollout-publisher.js';
import type { TrafficChange, TrafficController } from '../../src/app/ports/traffic-controller.js';
import type { TransitionResult } from '../../src/app/ports/transition-result.js';
import type { WorkContext, WorkSettings } from '../../src/app/work-context.js';
import type { Reading } from '../../src/domain/alarm-watch.js';
import type { RunnerEffect } from '../../src/domain/effect.js';
import { flagValueFor } from '../../src/domain/flag-value.js';
import type { LedgerBody, LedgerEntry } from '../../src/domain/ledger-entry.js';
import { registryMerkleRoot } from '../../src/domain/merkle.js';
import type { RolloutPolicy } from '../../src/domain/policy.js';
import type { RolloutEvent } from '../../src/domain/rollout-event.js';
import type { RolloutState } from '../../src/domain/rollout-state.js';
import { sha256Hex } from '../../src/domain/sha256.js';
import type { WeeklyReview } from '../../src/domain/weekly-review.js';
import { POLICY, ROOT_A, T0 } from '../domain/fixtures.js';

/**
 * The world a use case runs in, for fast tests: the in-memory stores (rollouts, ledger, registry root,
 * incidents) and a small fake for every other port, each recording what it was told. Nothing here
 * touches Redis, Slack or the disk.
 */

/** The alarms of the example config, as the background work reads them. */
export const ALARMS: AlarmSettings[] = [
  {
    name: 'latency_slo_drop',
    severity: 'BLOCKER',
    comparator: 'gt',
    threshold: 0.03,
    query: 'mec_latency_drop',
    window: 300_000,
    summary: 'p95 latency SLO attainment dropped',
  },
  {
    name: 'determinism_variance',
    severity: 'CRITICAL',
    comparator: 'gt',
    threshold: 0.08,
    query: 'mec_determinism_variance',
    window: 600_000,
  },
  {
    name: 'feature_drift',
    severity: 'WARNING',
    comparator: 'gt',
    threshold: 0.2,
    query: 'mec_feature_drift',
    window: 900_000,
  },
];

/** The example policy, with acknowledging incidents granted to SRE On-Call. */
const WORLD_POLICY: RolloutPolicy = {
  ...POLICY,
  permissions: { ...POLICY.permissions, acknowledge: ['sre_oncall'] },
};

export const SHADOW = { mode: 'shadow', weightPct: 0 } as const;

/** A backup folder of the example workspace, as a rollout's backup check records it. */
export const BACKUP_DIR = 'artifacts/mec/M6/backups/2025-10-21T13-00-36.000Z';

/** A BLOCKER alarm firing: the rollout rolls back. */
export const BLOCKER_ALARM: Extract<RolloutEvent, { type: 'alarm' }> = {
  type: 'alarm',
  alarm: 'latency_slo_drop',
  severity: 'BLOCKER',
  firing: true,
  summary: 'attainment dropped',
};

/** The feature registry in memory. `handEdit` changes it as a person would, behind the bot's back. */
class FakeFlagRegistry implements FlagRegistry {
  readonly path = 'meta/meta_flags.json';
  readonly #snapshots: Array<{ path: string; flags: Flags }> = [];
  writes = 0;
  #flags: Flags;

  constructor(flags: Flags = { meta_prod: SHADOW, meta_shadow_logging: true }) {
    this.#flags = structuredClone(flags);
  }

  get flags(): Flags {
    return structuredClone(this.#flags);
  }

  handEdit(flags: Flags): void {
    this.#flags = structuredClone(flags);
  }

  async read() {
    return { flags: this.flags, root: registryMerkleRoot(this.#flags) };
  }

  async write(flags: Flags, now: Date) {
    this.#flags = structuredClone(flags);
    this.writes += 1;
    const root = registryMerkleRoot(flags);
    const snapshot = `meta/merkle/meta_flags_${now.toISOString()}_${root}.json`;
    this.#snapshots.push({ path: snapshot, flags: structuredClone(flags) });
    return { root, snapshot };
  }

  async snapshotsOf(root: string) {
    return this.#snapshots.filter((snapshot) => snapshot.path.endsWith(`_${root}.json`));
  }

  async *snapshots(): AsyncIterable<RegistrySnapshot> {
    for (const { path, flags } of this.#snapshots) {
      const root = registryMerkleRoot(flags);
      yield { path, nameRoot: root, content: { root, flags: structuredClone(flags) } };
    }
  }
}

/** The release workspace's files in memory: a fixed artifact root, and what was written. */
class FakeReleaseFiles implements ReleaseFiles {
  root = ROOT_A;
  /** Set to make artifactRoot() fail, as a missing artifact does. */
  unreadable: string | undefined;
  readonly written = new Map<string, string>();
  readonly json = new Map<string, unknown>();
  readonly digests = new Map<string, string>();

  async artifactRoot() {
    if (this.unreadable) throw new Error(this.unreadable);
    return { root: this.root, artifacts: [] };
  }

  async sha256(path: string) {
    const digest = this.digests.get(path);
    if (!digest) throw Object.assign(new Error(`no ${path}`), { code: 'ENOENT' });
    return digest;
  }

  async readJson(path: string) {
    return this.json.get(path);
  }

  async readText(path: string) {
    return this.written.get(path);
  }

  async write(path: string, content: string) {
    this.written.set(path, content);
  }
}

/** Backups in memory: `take` records what was asked; `verify` and `registryFlags` answer as told. */
class FakeBackups implements BackupStore {
  readonly taken: Array<{ phase: string; files: readonly string[]; takenAt: Date }> = [];
  verdict: { ok: boolean; problems: string[] } = { ok: true, problems: [] };
  backedUp: Flags = { meta_prod: SHADOW, meta_shadow_logging: true };

  async take(phase: string, files: readonly string[], takenAt: Date) {
    this.taken.push({ phase, files, takenAt });
    const dir = `artifacts/mec/${phase}/backups/${takenAt.toISOString()}`;
    return { dir, files: files.length, sha256: sha256Hex(dir) };
  }

  async list() {
    return this.taken.map(({ phase, takenAt }) => `artifacts/mec/${phase}/backups/${takenAt.toISOString()}`);
  }

  async verify() {
    return structuredClone(this.verdict);
  }

  async registryFlags() {
    return structuredClone(this.backedUp);
  }
}

/** Tells nobody; keeps what it was told. `failWith` makes `published` fail, as Slack can. */
class RecordingPublisher implements RolloutPublisher {
  /** Each committed transition it was told about, with the event behind it. */
  readonly told: Array<{ result: TransitionResult; event: RolloutEvent }> = [];
  readonly approvalCards: string[] = [];
  readonly redraws: string[] = [];
  readonly reviews: WeeklyReview[] = [];
  failWith: Error | undefined;

  async published(_phase: string, result: TransitionResult, event: RolloutEvent) {
    this.told.push({ result, event });
    if (this.failWith) throw this.failWith;
  }

  async postApprovalCard(phase: string) {
    this.approvalCards.push(phase);
  }

  async redraw(phase: string) {
    this.redraws.push(phase);
  }

  async postReview(_phase: string, review: WeeklyReview) {
    this.reviews.push(review);
  }
}

/** The effects handed to the runner, in place of the job queues. */
class RecordingEffectRunner implements EffectRunner {
  readonly runs: Array<{ state: RolloutState; effects: RunnerEffect[] }> = [];
  /** Set to make run() fail, as a queue that refuses the write does; nothing is recorded then. */
  failWith: Error | undefined;

  get effects(): RunnerEffect[] {
    return this.runs.flatMap((run) => run.effects);
  }

  async run(_phase: string, state: RolloutState, effects: readonly RunnerEffect[]) {
    if (this.failWith) throw this.failWith;
    this.runs.push({ state: structuredClone(state), effects: [...effects] });
  }
}

/** The incident channel: what was paged, redrawn and followed up. */
class RecordingNotifier implements IncidentNotifier {
  readonly pages: string[] = [];
  /** How long each page, in order, was allowed to wait for shadow, in milliseconds. */
  readonly pageWaitsMs: number[] = [];
  readonly redraws: string[] = [];
  readonly followUps: Array<{ id: string; text: string }> = [];

  async page(id: string, waitMs = 0) {
    this.pages.push(id);
    this.pageWaitsMs.push(waitMs);
  }

  async redraw(id: string) {
    this.redraws.push(id);
  }

  async followUp(id: string, text: string) {
    this.followUps.push({ id, text });
  }
}

/** Alarm values as a test sets them; an alarm left unset reads healthy (zero). */
class FakeMetrics implements MetricsSource {
  readonly values = new Map<string, number | { error: string }>();
  readonly reads: Array<{ alarm: string; at: Date }> = [];

  async read(alarm: QueriedAlarm, at: Date): Promise<Reading> {
    this.reads.push({ alarm: alarm.name, at });
    const value = this.values.get(alarm.name) ?? 0;
    return typeof value === 'number' ? { alarm: alarm.name, value } : { alarm: alarm.name, ...value };
  }
}

/** An external flag system that keeps every weight it was told. */
class RecordingTraffic implements TrafficController {
  readonly changes: TrafficChange[] = [];

  async setWeight(change: TrafficChange) {
    this.changes.push(change);
  }
}

export interface UseCaseWorld {
  ctx: WorkContext;
  ledger: MemoryLedger;
  store: MemoryRolloutStore;
  incidents: MemoryIncidentStore;
  rootRecord: MemoryRegistryRootRecord;
  registry: FakeFlagRegistry;
  files: FakeReleaseFiles;
  backups: FakeBackups;
  publisher: RecordingPublisher;
  effects: RecordingEffectRunner;
  notifier: RecordingNotifier;
  metrics: FakeMetrics;
  traffic: RecordingTraffic;
  /** The names of the locks taken, in order. */
  locks: string[];
  commands: Array<readonly string[]>;
  /** What the use cases and their commits reported to the bot's metrics, in order. */
  observed: { rollbacks: string[]; shadowSeconds: number[]; durations: string[] };
  publishErrors: Error[];
  /** The clock every use case reads; `at` sets it. */
  at(now: Date): void;
  /** Stores `state` as the phase's rollout, as if it had got there through the ledger's first entry. */
  seed(state: RolloutState): Promise<void>;
  /** The ledger entries written since the world was made, or since the last `seed`. */
  newEntries(): LedgerEntry[];
  /** The reason codes of `newEntries()`. */
  reasons(): string[];
}

const SETTINGS: WorkSettings = {
  phase: 'M6',
  registry: { path: 'meta/meta_flags.json', flag: 'meta_prod' },
  backup: { files: ['artifacts/mec/M6/determinism_manifest.json', 'telemetry/schema/meta_v1.json'] },
  roles: WORLD_POLICY.roles.map(({ id, name, userIds }) => ({ id, name, users: userIds })),
  preflight: { commands: [], checksums: [], contacts: [] },
  alarms: ALARMS,
  metrics: {
    evaluationInterval: 30_000,
    breachesToTrip: 2,
    errorsToGate: 3,
    minCoverage: 0.9,
    maxExtension: 0.5,
  },
  jobs: { lockDuration: 30_000, pageDeadline: 2_000 },
};

/**
 * A fresh world. `settings` changes the config the use cases read; `external` leaves out the
 * external flag system (the registry alone then carries the weight) when false.
 */
export function useCaseWorld(
  options: { settings?: Partial<WorkSettings>; external?: boolean; commandResult?: CommandResult } = {},
): UseCaseWorld {
  let now = T0;
  let mark = 0;
  const ledger = new MemoryLedger();
  const store = new MemoryRolloutStore(ledger);
  const incidents = new MemoryIncidentStore(ledger);
  const rootRecord = new MemoryRegistryRootRecord(ledger);
  const registry = new FakeFlagRegistry();
  const files = new FakeReleaseFiles();
  const backups = new FakeBackups();
  const publisher = new RecordingPublisher();
  const effects = new RecordingEffectRunner();
  const notifier = new RecordingNotifier();
  const metrics = new FakeMetrics();
  const traffic = new RecordingTraffic();
  const locks: string[] = [];
  const commands: Array<readonly string[]> = [];
  const observed = { rollbacks: [] as string[], shadowSeconds: [] as number[], durations: [] as string[] };
  const publishErrors: Error[] = [];
  const mirror: LedgerMirror = {
    path: '01-GOVERNANCE/META-GOVERNANCE-LOG.md',
    head: async () => undefined,
    append: async () => undefined,
    rebuild: async () => 0,
    reader: () => ({ next: () => 'missing', rest: async () => 0 }),
    size: async () => 0,
  };
  const checkpointLog: CheckpointLog = {
    path: '01-GOVERNANCE/checkpoints.txt',
    latest: async () => undefined,
    append: async () => undefined,
    notes: async function* () {},
    size: async () => 0,
  };
  const runner: CommandRunner = {
    run: async (argv) => {
      commands.push(argv);
      return options.commandResult ?? { ok: true, output: 'ok' };
    },
  };
  const ctx: WorkContext = {
    phase: 'M6',
    policy: WORLD_POLICY,
    settings: { ...SETTINGS, ...options.settings },
    store,
    outbox: store,
    ledger,
    registry,
    rootRecord,
    files,
    mirror,
    checkpoints: { latest: async () => undefined },
    checkpointLog,
    trust: { origin: 'mec.test/ledger', verifierKey: undefined },
    backups,
    publisher,
    effects,
    now: () => now,
    newRolloutId: () => 'R1',
    onPublishError: (error) => void publishErrors.push(error),
    traffic: options.external === false ? undefined : traffic,
    metrics,
    lock: {
      withLock: async (name, _leaseMs, work) => {
        locks.push(name);
        return work(new AbortController().signal);
      },
    },
    commands: runner,
    directory: undefined,
    incidents,
    notifier,
    observe: {
      rollbackFinished: (cause) => void observed.rollbacks.push(cause),
      shadowReached: (seconds) => void observed.shadowSeconds.push(seconds),
      stepFinished: (weightPct, seconds) => void observed.durations.push(`step ${weightPct}% ${seconds}s`),
      soakFinished: (outcome, seconds) => void observed.durations.push(`soak ${outcome} ${seconds}s`),
      rolloutFinished: (outcome, seconds) => void observed.durations.push(`rollout ${outcome} ${seconds}s`),
    },
    crashpoint: async () => undefined,
  };
  const world: UseCaseWorld = {
    ctx,
    ledger,
    store,
    incidents,
    rootRecord,
    registry,
    files,
    backups,
    publisher,
    effects,
    notifier,
    metrics,
    traffic,
    locks,
    commands,
    observed,
    publishErrors,
    at: (instant) => {
      now = instant;
    },
    async seed(state) {
      // The registry serves what the record says, as it would after the bot moved the traffic itself: a
      // root the bot recorded before moves on with it, so the move is not taken for a hand edit.
      const served = { ...registry.flags, meta_prod: flagValueFor(state.trafficPct) };
      const recorded = (await rootRecord.get()).root;
      registry.handEdit(served);
      const root = registryMerkleRoot(served);
      if (recorded !== null && recorded !== root) {
        await rootRecord.begin(recorded, root, 'seed');
        await rootRecord.confirm(root, 'seed', seedBody(state));
      }
      const { version } = await store.load('M6');
      const committed = await store.commit('M6', version, state, seedBody(state));
      if (committed.status !== 'committed') throw new Error('could not seed the rollout');
      mark = ledger.entries.length;
    },
    newEntries: () => ledger.entries.slice(mark),
    reasons: () => ledger.entries.slice(mark).map((entry) => entry.body.reason),
  };
  return world;
}

function seedBody(state: RolloutState): LedgerBody {
  return {
    v: 1,
    at: T0.toISOString(),
    phase: 'M6',
    rolloutId: state.rolloutId,
    actor: 'mec-bot',
    action: 'seed',
    outcome: 'applied',
    reason: 'rollout_started',
    before: null,
    after: null,
    detail: null,
  };
}
