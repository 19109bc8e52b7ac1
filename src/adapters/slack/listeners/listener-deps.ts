import type { IncidentNotifier } from '../../../app/ports/incident-notifier.js';
import type { IncidentStore } from '../../../app/ports/incident-store.js';
import type { RolloutActions } from '../../../app/ports/rollout-actions.js';
import { errorCodeOf } from '../../../domain/errors.js';
import type { Logger } from '../../../infra/logger.js';
import type { SlackMessenger } from '../slack-messenger.js';
import type { SlackRolloutPublisher } from '../slack-rollout-publisher.js';
import type { SlackMessage } from '../views/blocks.js';
import { errorReply } from '../views/replies.js';

export interface ListenerDeps {
  actions: RolloutActions;
  incidents: IncidentStore;
  notifier: IncidentNotifier;
  publisher: SlackRolloutPublisher;
  messenger: SlackMessenger;
  logger: Logger;
  /** Resolves when the work after an ack may run: once the requests behind it are acknowledged too. */
  afterAcks(): Promise<void>;
}

/** An ephemeral reply, seen only by the person who asked. */
export const ephemeral = (message: SlackMessage) => ({
  response_type: 'ephemeral' as const,
  replace_original: false,
  ...message,
});

/**
 * Runs the work behind a request. An unexpected failure is logged with an id and its error code, and
 * the person is told it failed and what to do; internals stay out of Slack.
 */
export async function answer<T extends SlackMessage | undefined>(
  deps: Pick<ListenerDeps, 'logger'>,
  work: () => Promise<T>,
): Promise<T | SlackMessage> {
  try {
    return await work();
  } catch (error) {
    const incident = Math.random().toString(36).slice(2, 10);
    deps.logger.error({ err: error, code: errorCodeOf(error), incident }, 'request failed');
    return errorReply(
      `mec-bot could not finish that (error ${incident}, logged). Check /mec status before trying again: whatever it recorded stands, and the work of a recorded change is retried by itself.`,
    );
  }
}
