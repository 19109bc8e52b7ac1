import { describeIncidentNotifierContract } from '../../app/ports/incident-notifier.contract.js';
import { useTestRedis } from '../../support/redis.js';
import { INCIDENT_CHANNEL, startSlackPublishers } from '../../support/slack-publishers.js';
import { useTeardown } from '../../support/teardown.js';

const testRedis = useTestRedis();
const teardown = useTeardown();

describeIncidentNotifierContract('slack', async () => {
  const slack = await startSlackPublishers(testRedis(), teardown);
  return {
    notifier: slack.incidentNotices,
    standIn: slack.standIn,
    incidents: slack.incidents,
    incidentChannel: INCIDENT_CHANNEL,
    // Told directly, the publisher has finished with Slack once its promise resolves.
    settled: async () => undefined,
  };
});
