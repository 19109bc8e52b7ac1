import { pino } from 'pino';
import { expect } from 'vitest';
import { QueuedIncidentNotifier, QueuedPublisher } from '../../src/adapters/bullmq/queued-publisher.js';
import { closeQueues, createQueues, type Queues } from '../../src/adapters/bullmq/queues.js';
import { startWorkers } from '../../src/adapters/bullmq/workers.js';
import { RedisIncidentStore } from '../../src/adapters/redis/redis-incident-store.js';
import { RedisLedger } from '../../src/adapters/redis/redis-ledger.js';
import { RedisMessageRefs } from '../../src/adapters/redis/redis-message-refs.js';
import { RedisRolloutStore } from '../../src/adapters/redis/redis-rollout-store.js';
import { createSlackApp } from '../../src/adapters/slack/slack-app.js';
import { SlackIncidentPublisher } from '../../src/adapters/slack/slack-incident-publisher.js';
import { webApiMessenger } from '../../src/adapters/slack/slack-messenger.js';
import {
  type SlackPublisherDeps,
  SlackRolloutPublisher,
} from '../../src/adapters/slack/slack-rollout-publisher.js';
import type { BackgroundWork } from '../../src/app/ports/background-work.js';
import type { LedgerCheckpoints } from '../../src/app/ports/ledger-checkpoints.js';
import { transitionIncident } from '../../src/app/transition-incident.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { ROOT_A, T0 } from '../domain/fixtures.js';
import type { TestRedis } from './redis.js';
import { RELEASE_CHANNEL } from './slack-harness.js';
import { SIGNING_SECRET } from './slack-requests.js';

export const INCIDENT_CHANNEL = 'C0INCIDENT1';

/** The Slack publishers as the composition root builds them, on the test's Redis, calling the stand-in through Bolt's client. */
export interface SlackPublishers {
  standIn: SlackApiStandIn;
  store: RedisRolloutStore;
  incidents: RedisIncidentStore;
  rollouts: SlackRolloutPublisher;
  incidentNotices: SlackIncidentPublisher;
  refs: RedisMessageRefs;
  now: () => Date;
}

/**
 * Starts the stand-in and builds the publishers; `teardown` is told how to stop them. Without
 * `checkpoints`, no checkpoint is ever signed.
 */
export async function startSlackPublishers(
  redis: TestRedis,
  teardown: (undo: () => unknown) => void,
  options: Pick<SlackPublisherDeps, 'checkpointWaitMs'> & { checkpoints?: LedgerCheckpoints } = {},
): Promise<SlackPublishers> {
  const standIn = new SlackApiStandIn();
  await standIn.start();
  teardown(() => standIn.stop());
  const logger = pino({ level: 'silent' });
  const slack = createSlackApp(
    { botToken: 'xoxb-test-token', signingSecret: SIGNING_SECRET, apiUrl: standIn.apiUrl },
    logger,
  );
  const messenger = webApiMessenger(slack.app.client);
  const connection = redis.connect();
  const refs = new RedisMessageRefs(connection, redis.prefix);
  const store = new RedisRolloutStore(connection, redis.prefix);
  const incidents = new RedisIncidentStore(connection, redis.prefix, 86_400_000);
  const now = () => T0;
  const rollouts = new SlackRolloutPublisher({
    messenger,
    refs,
    store,
    ledger: new RedisLedger(connection, redis.prefix),
    checkpoints: options.checkpoints ?? { latest: async () => undefined },
    ...(options.checkpointWaitMs === undefined ? {} : { checkpointWaitMs: options.checkpointWaitMs }),
    artifactRoot: async () => ROOT_A,
    alarms: [{ name: 'latency_slo_drop', severity: 'BLOCKER' }],
    releaseChannel: RELEASE_CHANNEL,
    now,
    logger,
  });
  const incidentNotices = new SlackIncidentPublisher({
    messenger,
    incidents,
    noticePosted: (id, notice) =>
      transitionIncident({ ctx: { phase: 'M6', now }, incidents }, id, { type: 'notice_posted', ...notice }),
    refs,
    channel: INCIDENT_CHANNEL,
    oncallGroup: undefined,
  });
  return { standIn, store, incidents, rollouts, incidentNotices, refs, now };
}

const NO_BACKGROUND_WORK = new Proxy({} as BackgroundWork, {
  get: (_, name) => () => Promise.reject(new Error(`${String(name)} is not part of this test`)),
});

/**
 * The queued publishers in front of the Slack ones: their jobs go through BullMQ on the test's Redis,
 * and real job workers (the notify and incident workers among them) carry them out.
 */
export function startQueuedPublishers(
  redis: TestRedis,
  slack: SlackPublishers,
  teardown: (undo: () => unknown) => void,
): { rollouts: QueuedPublisher; incidentNotices: QueuedIncidentNotifier; settled(): Promise<void> } {
  const queues = createQueues(redis.connect({ maxRetriesPerRequest: null }), redis.prefix);
  const deps = {
    work: NO_BACKGROUND_WORK,
    queues,
    prefix: redis.prefix,
    jobs: { lockDuration: 2_000 },
    metrics: { jobFinished: () => undefined, jobFailed: () => undefined },
    logger: pino({ level: 'silent' }),
  };
  const workers = startWorkers(
    deps,
    redis.connect({ maxRetriesPerRequest: null }),
    slack.rollouts,
    slack.incidentNotices,
  );
  teardown(() => closeQueues(queues));
  teardown(() => workers.close());
  return {
    rollouts: new QueuedPublisher(queues, slack.refs),
    incidentNotices: new QueuedIncidentNotifier(queues, slack.refs),
    settled: () => drained(queues),
  };
}

/** Resolves once no Slack job is waiting or running: everything queued so far has reached Slack. */
async function drained(queues: Queues): Promise<void> {
  const unfinished = async () => {
    const counts = await Promise.all(
      [queues.notify, queues.incident].map((queue) =>
        queue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized'),
      ),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  };
  await expect.poll(unfinished, { timeout: 15_000 }).toBe(0);
}
