import type { RolloutEvent } from '../../domain/rollout-event.js';
import type { WeeklyReview } from '../../domain/weekly-review.js';
import type { TransitionResult } from './transition-result.js';

/** Tells people what changed: redraws the rollout message and App Home, and posts details in the thread. */
export interface RolloutPublisher {
  published(phase: string, result: TransitionResult, event: RolloutEvent): Promise<void>;
  postApprovalCard(phase: string): Promise<void>;
  redraw(phase: string): Promise<void>;
  /** Posts the weekly governance review to the release channel. */
  postReview(phase: string, review: WeeklyReview): Promise<void>;
}
