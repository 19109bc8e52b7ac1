import { describeRolloutPublisherContract } from '../../app/ports/rollout-publisher.contract.js';
import { useTestRedis } from '../../support/redis.js';
import { RELEASE_CHANNEL } from '../../support/slack-harness.js';
import { startQueuedPublishers, startSlackPublishers } from '../../support/slack-publishers.js';
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
