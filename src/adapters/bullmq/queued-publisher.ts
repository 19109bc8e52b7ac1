import { createHash } from 'node:crypto';
import type { IncidentNotifier } from '../../app/ports/incident-notifier.js';
import { DRAWING, type StaleMarks } from '../../app/ports/message-refs.js';
import type { RolloutPublisher } from '../../app/ports/rollout-publisher.js';
import type { TransitionResult } from '../../app/ports/transition-result.js';
import type { WeeklyReview } from '../../domain/weekly-review.js';
import { CoalescedAdds } from './coalesced-adds.js';
import { JOB_DEFAULTS, type NotifyJob, type Queues, REISSUABLE } from './queues.js';
import { noteThreadReply, threadJobId } from './thread-order.js';

/**
 * The options of a redraw or home refresh, which coalesce under `id`: while one waits, asking again
 * adds nothing; while one runs, asking again keeps one more to run after it. A run may be past its last
 * look at its stale mark, so an ask it absorbed would leave that mark for nobody. A fixed job id would
 * absorb it; BullMQ's deduplication keeps the next one (`keepLastIfActive`).
 *
 * One that fails must neither wait long for its retry (it draws what is current when it runs: the
 * growing backoff of other jobs would hold every later redraw behind it) nor stay behind once it failed
 * for good, which would make every later redraw a no-op for as long as failed jobs are kept.
 */
const coalescing = (id: string) => ({
  ...JOB_DEFAULTS,
  backoff: { type: 'fixed', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: true,
  deduplication: { id, keepLastIfActive: true },
});

/**
 * The publisher of web and worker processes alike: it only enqueues Slack work, which the notify worker
 * carries out at Slack's pace. Every id is derived from what it is about (the ledger entry, the card and
 * version), so a transition published twice posts once.
 */
export class QueuedPublisher implements RolloutPublisher {
  readonly #queues: Queues;
  readonly #marks: StaleMarks;
  readonly #coalesced = new CoalescedAdds();

  /** `marks` marks a drawing stale before its job is queued, so a drawing already under way repeats. */
  constructor(queues: Queues, marks: StaleMarks) {
    this.#queues = queues;
    this.#marks = marks;
  }

  async published(phase: string, result: TransitionResult): Promise<void> {
    if (result.outcome === 'conflict' || !result.state) return;
    const { rolloutId } = result.state;
    await this.redraw(phase);
    if ('entry' in result && result.entry) {
      const { seq } = result.entry;
      const thread: NotifyJob = { kind: 'thread', phase, rolloutId, seq };
      // Noted first, so a later reply queued meanwhile already waits for this one.
      await noteThreadReply(this.#queues.notify, rolloutId, seq);
      await this.#queues.notify.add('thread', thread, { ...JOB_DEFAULTS, jobId: threadJobId(seq) });
    }
    for (const effect of result.effects) {
      if (effect.kind !== 'post_card') continue;
      const card: NotifyJob = { kind: 'card', phase, card: effect.card };
      await this.#queues.notify.add('card', card, {
        ...JOB_DEFAULTS,
        jobId: `card-${effect.card}-${rolloutId}-${result.version}`,
      });
    }
    await this.#marks.markDirty(DRAWING.homes(phase));
    const homes = `homes-${phase}`;
    await this.#coalesced.add(homes, () =>
      this.#queues.notify.add('homes', { kind: 'homes', phase }, coalescing(homes)),
    );
  }

  async postApprovalCard(phase: string): Promise<void> {
    await this.#queues.notify.add(
      'card',
      { kind: 'card', phase, card: 'approvals' },
      { ...JOB_DEFAULTS, removeOnComplete: true },
    );
  }

  async redraw(phase: string): Promise<void> {
    await this.#marks.markDirty(DRAWING.rollout(phase));
    const redraw = `redraw-${phase}`;
    await this.#coalesced.add(redraw, () =>
      this.#queues.notify.add('redraw', { kind: 'redraw', phase }, coalescing(redraw)),
    );
  }

  async postReview(phase: string, review: WeeklyReview): Promise<void> {
    await this.#queues.notify.add(
      'review',
      { kind: 'review', phase, review },
      { ...JOB_DEFAULTS, jobId: `review-${phase}-${review.to}` },
    );
  }
}

/**
 * Incident notices through their own queue, so a page never waits behind the release channel. The page
 * job's id is the incident's, so an incident is paged once. A page that may wait is a delayed job; asked
 * for again now, it is promoted.
 */
export class QueuedIncidentNotifier implements IncidentNotifier {
  readonly #coalesced = new CoalescedAdds();

  constructor(
    private readonly queues: Queues,
    private readonly marks: StaleMarks,
  ) {}

  async page(id: string, waitMs = 0): Promise<void> {
    const jobId = `page-${id}`;
    await this.queues.incident.add(
      'page',
      { kind: 'page', id },
      { ...REISSUABLE, jobId, ...(waitMs > 0 ? { delay: waitMs } : {}) },
    );
    if (waitMs > 0) return;
    const waiting = await this.queues.incident.getJob(jobId);
    if (!waiting || !(await waiting.isDelayed())) return;
    // Its delay may end between the look and the promotion: then it is on its way anyway.
    try {
      await waiting.promote();
    } catch (error) {
      if (await waiting.isDelayed()) throw error;
    }
  }

  async redraw(id: string): Promise<void> {
    await this.marks.markDirty(DRAWING.incident(id));
    const redraw = `redraw-${id}`;
    await this.#coalesced.add(redraw, () =>
      this.queues.incident.add('redraw', { kind: 'redraw', id }, coalescing(redraw)),
    );
  }

  async followUp(id: string, text: string): Promise<void> {
    const jobId = `follow-up-${id}-${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
    await this.queues.incident.add('follow_up', { kind: 'follow_up', id, text }, { ...REISSUABLE, jobId });
  }
}
