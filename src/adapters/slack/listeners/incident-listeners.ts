import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { isPermitted, whoMay } from '../../../domain/policy.js';
import { mrkdwnOf } from '../escape-text.js';
import { ACTION, anyActionOf, REJECT_INPUT, VIEW } from '../ids.js';
import { renderAcknowledgement, renderTransition } from '../render-outcome.js';
import { message, section } from '../views/blocks.js';
import { parseButtonValue } from '../views/button-values.js';
import { overrideModal } from '../views/cards.js';
import { errorReply } from '../views/replies.js';
import { answer, ephemeral, type ListenerDeps } from './listener-deps.js';

type ButtonClick = BlockAction<ButtonAction>;
const ackValue = z.strictObject({ i: z.string().regex(/^[0-9a-f]{16}$/) });
const overrideValue = z.strictObject({ gate: z.string().min(1).max(64) });
const overrideMeta = z.object({ gate: z.string().min(1).max(64), channelId: z.string().optional() });

/** Acknowledge on an incident notice, and Override on a CRITICAL gate (with its modal). */
export function registerIncidentActions(app: App, deps: ListenerDeps): void {
  app.action<ButtonClick>(ACTION.acknowledge, async ({ ack, body, action, respond }) => {
    await ack();
    const value = parseButtonValue(ackValue, action.value);
    const reply = await answer(deps, async () =>
      value
        ? renderAcknowledgement(await deps.actions.acknowledgeIncident(body.user.id, value.i), body.user.id)
        : errorReply('That button was not drawn by mec-bot.'),
    );
    await respond(ephemeral(reply));
  });

  app.action<ButtonClick>(anyActionOf(ACTION.override), async ({ ack, body, action, respond }) => {
    await ack();
    const value = parseButtonValue(overrideValue, action.value);
    if (!value) return void (await respond(ephemeral(errorReply('That button was not drawn by mec-bot.'))));
    // The modal is for those who may override; anyone else is told who can, and no modal opens.
    const { policy } = deps.actions;
    if (!isPermitted(policy, body.user.id, 'override')) {
      const text = `Ask someone who may override gates to override ${value.gate}: ${whoMay(policy, 'override')}.`;
      const people = policy.roles.flatMap((role) => role.userIds);
      const reply = message(text, [section(`⚠️ ${mrkdwnOf(text, people)}`)]);
      return void (await respond(ephemeral(reply)));
    }
    await deps.messenger.openModal(body.trigger_id, overrideModal(value.gate, body.container.channel_id));
  });

  app.view(VIEW.overrideReason, async ({ ack, view, body }) => {
    const reason = (view.state.values[REJECT_INPUT.block]?.[REJECT_INPUT.action]?.value ?? '').trim();
    if (reason === '' || reason.length > 500) {
      await ack({
        response_action: 'errors',
        errors: { [REJECT_INPUT.block]: 'Give a reason of 1 to 500 characters.' },
      });
      return;
    }
    await ack();
    const meta = parse(view.private_metadata);
    if (!meta) return;
    const event = {
      type: 'override_gate' as const,
      actor: body.user.id,
      gateId: meta.gate,
      reason,
    };
    const reply = await answer(deps, async () =>
      renderTransition(await deps.actions.overrideGate(event.actor, event.gateId, event.reason)),
    );
    if (meta.channelId) await deps.messenger.postEphemeral(meta.channelId, body.user.id, reply);
  });
}

function parse(raw: string) {
  try {
    const parsed = overrideMeta.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
