import { describeIncidentNotifierContract } from '../../app/ports/incident-notifier.contract.js';
import { describeRolloutPublisherContract } from '../../app/ports/rollout-publisher.contract.js';
import { useTestRedis } from '../../support/redis.js';
import { RELEASE_CHANNEL } from '../../support/slack-harness.js';
import {
  INCIDENT_CHANNEL,
  startQueuedPublishers,
  startSlackPublishers,
} from '../../support/slack-publishers.js';
import { useTeardown } from '../../support/teardown.js';

const testRedis = useTestRedis();
const teardown = useTeardown();

describeRolloutPublisherContract('queued', async () => {
  const redis = testRedis();
  const slack = await startSlackPublishers(redis, teardown);
  const queued = startQueuedPublishers(redis, slack, teardown);
  return {
    publisher: queued.rollouts,
    standIn: slack.standIn,
    store: slack.store,
    releaseChannel: RELEASE_CHANNEL,
    settled: queued.settled,
  };
});

describeIncidentNotifierContract('queued', async () => {
  const redis = testRedis();
  const slack = await startSlackPublishers(redis, teardown);
  const queued = startQueuedPublishers(redis, slack, teardown);
  return {
    notifier: queued.incidentNotices,
    standIn: slack.standIn,
    incidents: slack.incidents,
    incidentChannel: INCIDENT_CHANNEL,
    settled: queued.settled,
  };
});
