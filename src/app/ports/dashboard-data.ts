import type { WatchedAlarm } from '../../domain/alarm-watch.js';
import type { Checkpoint } from '../../domain/checkpoint-note.js';
import type { Incident } from '../../domain/incident.js';
import type { LedgerEntry } from '../../domain/ledger-entry.js';
import type { RolloutState } from '../../domain/rollout-state.js';
import type { TrafficPoint } from '../../domain/traffic-history.js';
import type { WatchSample } from './watch-sample-log.js';

/** What the governance dashboard shows, read fresh. */
export interface DashboardData {
  phase: string;
  state: RolloutState | null;
  version: number;
  artifactRoot: string | undefined;
  ledgerTail: readonly LedgerEntry[];
  ledgerHead: { seq: number; hash: string };
  /** The newest signed checkpoint of the ledger; undefined while none is signed. */
  checkpoint: Checkpoint | undefined;
  alarms: readonly WatchedAlarm[];
  incidents: readonly Incident[];
  /** The rollout's traffic over time, from the ledger; empty without a rollout. */
  traffic: readonly TrafficPoint[];
  /** What the rollout's watch evaluations read, oldest first; empty without a rollout. */
  samples: readonly WatchSample[];
  generatedAt: Date;
}
