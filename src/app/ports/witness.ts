/** What a witness answered to a checkpoint. */
export type WitnessAnswer =
  /** It cosigned: its signature lines (`— <name> <base64>`), each without the newline. */
  | { kind: 'cosigned'; signatures: string[] }
  /** It has seen a different size of this log last, and needs a proof from that size. */
  | { kind: 'conflict'; witnessSize: number };

/**
 * A C2SP tlog-witness that cosigns the ledger's checkpoints once it has checked that each extends the
 * last one it saw. Optional: without one, checkpoints are kept in the workspace and in Slack only.
 */
export interface Witness {
  /** The witness's URL, for messages; never carries credentials. */
  readonly url: string;
  /**
   * Sends `note` (our signed checkpoint) with the consistency proof from `oldSize`, the size the witness
   * saw last (0 the first time). Throws when the witness cannot be reached or refuses the request.
   */
  addCheckpoint(request: { oldSize: number; proof: readonly Buffer[]; note: string }): Promise<WitnessAnswer>;
}
