import type { App } from '@slack/bolt';
import { z } from 'zod';
import { rampWeights } from '../../../domain/policy.js';
import { COMMAND } from '../ids.js';
import { parseCommand } from '../parse-command.js';
import { renderOutcome } from '../render-outcome.js';
import { postToResponseUrl } from '../response-url.js';
import { errorReply, statusReply } from '../views/replies.js';
import { answer, ephemeral, type ListenerDeps } from './listener-deps.js';

const commandPayload = z.object({ user_id: z.string().regex(/^[UW][A-Z0-9_]+$/), text: z.string() });

/** `/mec …`: acknowledged at once (a bad command with its error), the work done after the ack. */
export function registerCommand(app: App, deps: ListenerDeps): void {
  const weights = rampWeights(deps.actions.policy);
  app.command(COMMAND, async ({ command, ack }) => {
    const payload = commandPayload.safeParse(command);
    if (!payload.success) {
      await ack(
        ephemeral(errorReply('That request did not come with a user and text that mec-bot can read.')),
      );
      return;
    }
    const parsed = parseCommand(payload.data.text, weights);
    if (!parsed.ok) {
      await ack(ephemeral(errorReply(parsed.error, parsed.usage)));
      return;
    }
    await ack();
    await deps.afterAcks();
    const reply = await answer(deps, async () => {
      const outcome = await deps.actions.runCommand(parsed.command, payload.data.user_id);
      return outcome.kind === 'status'
        ? statusReply(await deps.publisher.dashboard(deps.actions.phase, outcome.rollout))
        : renderOutcome(outcome);
    });
    await postToResponseUrl(command.response_url, ephemeral(reply));
  });
}
