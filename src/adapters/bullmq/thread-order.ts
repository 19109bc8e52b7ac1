import { Job, type Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';

/** How long a thread reply held back for an earlier one waits before it looks again, in milliseconds. */
export const ORDER_RECHECK_MS = 250;

/**
 * How long a reply noted but with no job yet still holds later ones back: its job is added right after
 * the note, so past this its process died in between, in milliseconds.
 */
const ADD_GRACE_MS = 30_000;

/** How long the record of a queued reply is kept at most, in milliseconds. */
const KEPT_MS = 7 * 86_400_000;

/** The queue's own connection: BullMQ's Redis backend hands out the ioredis client it was given. */
const redisOf = async (queue: Queue | Worker) => (await queue.getBackend().client) as unknown as Redis;

/** Where the ledger numbers of a rollout's queued thread replies are kept, as a sorted set. */
const orderKey = (queue: Pick<Queue, 'toKey'>, rolloutId: string) => queue.toKey(`thread-order:${rolloutId}`);

/** The job that tells ledger entry `seq` in its rollout's thread (QueuedPublisher names it so). */
export const threadJobId = (seq: number) => `thread-${seq}`;

/** Notes that the reply for ledger entry `seq` is queued, before its job is added. */
export async function noteThreadReply(
  queue: Queue,
  rolloutId: string,
  seq: number,
  notedAtMs = Date.now(),
): Promise<void> {
  const client = await redisOf(queue);
  const key = orderKey(queue, rolloutId);
  // The member says when it was noted: seq:epoch ms.
  await client.multi().zadd(key, seq, `${seq}:${notedAtMs}`).pexpire(key, KEPT_MS).exec();
}

/** Whether a reply that comes before `seq` in the rollout's thread is still to be posted. */
export type EarlierReplyPending = (rolloutId: string, seq: number) => Promise<boolean>;

/**
 * Thread replies in ledger order across every notify worker, in every process: a reply waits while an
 * earlier one of its rollout is queued, running or being retried. One whose job has finished, failed
 * for good or was never added (its process died in between) holds nothing back, and is forgotten.
 */
export function earlierReplyPending(worker: Worker, nowMs: () => number = Date.now): EarlierReplyPending {
  return async (rolloutId, seq) => {
    const client = await redisOf(worker);
    const key = orderKey(worker, rolloutId);
    for (const member of await client.zrangebyscore(key, '-inf', `(${seq}`)) {
      const [earlier = '', notedAt = '0'] = member.split(':');
      const job = await Job.fromId(worker, threadJobId(Number(earlier)));
      const state = job ? await job.getState() : 'unknown';
      if (state === 'unknown' && nowMs() - Number(notedAt) < ADD_GRACE_MS) return true;
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return true;
      await client.zrem(key, member);
    }
    return false;
  };
}
