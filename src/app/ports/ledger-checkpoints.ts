import type { Checkpoint } from '../../domain/checkpoint-note.js';

/** The signed checkpoints of the ledger, as the Slack views show them. */
export interface LedgerCheckpoints {
  /**
   * The newest signed checkpoint, once the ledger is checkpointed up to at least entry `seq` when one
   * is given; undefined while no checkpoint covers it (none signed yet, or signing is failing).
   */
  latest(seq?: number): Promise<Checkpoint | undefined>;
}
