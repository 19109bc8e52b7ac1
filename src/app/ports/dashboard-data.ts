import type { Checkpoint } from '../../domain/checkpoint-note.js';
import type { Incident } from '../../domain/incident.js';
import type { LedgerEntry } from '../../domain/ledger-entry.js';
import type { RolloutState } from '../../domain/rollout-state.js';

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
  alarms: ReadonlyArray<{ name: string; severity: string; comparator: string; threshold: number }>;
  incidents: readonly Incident[];
  generatedAt: Date;
}
