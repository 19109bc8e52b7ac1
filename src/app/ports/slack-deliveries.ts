import type { WeeklyReview } from '../../domain/weekly-review.js';

/** The Slack work for the release channel that the notify jobs carry out, one delivery at a time. */
export interface RolloutDeliveries {
  /**
   * Draws the rollout message and its cards while they are marked stale (marked first if no mark is
   * left). A drawing that failed part way is resumed: the messages it landed are not sent again.
   */
  drawRollout(phase: string): Promise<void>;
  /** Posts the ledger entry `seq`, in words, in the rollout's thread. */
  postEntry(phase: string, rolloutId: string, seq: number): Promise<void>;
  /**
   * Posts a card in the rollout's thread; `deliveryId` names this one post (the job that asked for it),
   * so a retry after a timeout finds it instead of posting it again.
   */
  postCard(phase: string, card: 'go_no_go' | 'approvals', deliveryId?: string): Promise<void>;
  refreshHomes(phase: string): Promise<void>;
  postReview(phase: string, review: WeeklyReview): Promise<void>;
}
