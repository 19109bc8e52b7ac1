import type { WatchCounters } from '../../domain/alarm-watch.js';
import type { CheckName } from '../../domain/rollout-state.js';
import type { WeeklyReview } from '../../domain/weekly-review.js';
import type { AlertBatch } from './alert-batch.js';

/** One evaluation of a watch: the smoke (`watchId` is its run id) or a soak (its soak id). */
export interface WatchTick {
  kind: 'smoke' | 'soak';
  rolloutId: string;
  watchId: string;
  tick: number;
  counters: WatchCounters;
  samples: Array<{ at: string; values: Record<string, number | string> }>;
}

/**
 * One follow-up evaluation of an incident the bot's own watch raised (a "pulled" alarm, which no
 * Alertmanager resolves): its alarm is read until it clears, after the soak that raised it has ended.
 * `tick` counts from 0.
 */
export interface ClearanceTick {
  incidentId: string;
  alarm: string;
  tick: number;
}

/** What a clearance evaluation came to, and the next one to run while the alarm still fires. */
export interface ClearanceResult {
  outcome: 'resolved' | 'breaching' | 'unread' | 'stale';
  next?: { tick: ClearanceTick; delayMs: number } | undefined;
}

/** A redraw of a running soak's countdown; `tick` counts from 0. */
export interface SoakCountdown {
  rolloutId: string;
  soakId: string;
  tick: number;
}

/** What a countdown redraw came to, and the next one while the soak runs. */
export interface CountdownResult {
  outcome: 'redrawn' | 'stale';
  next?: { countdown: SoakCountdown; delayMs: number } | undefined;
}

/**
 * What a tick came to, the next tick to run if the watch goes on, and the clearance evaluations to
 * start for the incidents it opened.
 */
export interface TickResult {
  outcome: string;
  next?: { tick: WatchTick; delayMs: number } | undefined;
  clearances?: Array<{ tick: ClearanceTick; delayMs: number }>;
}

/**
 * The use cases that run in the background, as the job workers call them: each takes what a job
 * carries and returns a word for the job's log. Each is safe to run again after a crash.
 */
export interface BackgroundWork {
  runCheck(run: { check: CheckName; runId: string; rolloutId: string }): Promise<string>;
  runRamp(ramp: { rampId: string; weightPct: number; rolloutId: string }): Promise<string>;
  runRollback(rollback: { rollbackId: string; rolloutId: string }): Promise<string>;
  /** An attempt of a rollback failed with error `code`; `retrying` while the job has attempts left. */
  rollbackFailed(failure: { rollbackId: string; code: string; retrying: boolean }): Promise<void>;
  certify(rolloutId: string): Promise<string>;
  watchTick(tick: WatchTick): Promise<TickResult>;
  watchClearance(tick: ClearanceTick): Promise<ClearanceResult>;
  soakCountdown(countdown: SoakCountdown): Promise<CountdownResult>;
  postReview(): Promise<WeeklyReview>;
  /** Acts on a batch of alerts the webhook queued; `owner` names the job, whose claims they are. */
  receiveAlerts(batch: AlertBatch, owner: string): Promise<string>;
}
