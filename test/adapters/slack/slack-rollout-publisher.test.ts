import { describeRolloutPublisherContract } from '../../app/ports/rollout-publisher.contract.js';
import { useTestRedis } from '../../support/redis.js';
import { RELEASE_CHANNEL } from '../../support/slack-harness.js';
import { startSlackPublishers } from '../../support/slack-publishers.js';
import { useTeardown } from '../../support/teardown.js';

const testRedis = useTestRedis();
const teardown = useTeardown();

describeRolloutPublisherContract('slack', async () => {
  const slack = await startSlackPublishers(testRedis(), teardown);
  return {
    publisher: slack.rollouts,
    standIn: slack.standIn,
    store: slack.store,
    releaseChannel: RELEASE_CHANNEL,
    // Told directly, the publisher has finished with Slack once its promise resolves.
    settled: async () => undefined,
  };
});
