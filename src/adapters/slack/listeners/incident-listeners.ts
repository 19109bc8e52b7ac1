import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { apply } from '../../../app/rollout-context.js';
import { isPermitted } from '../../../domain/policy.js';
import { ACTION, REJECT_INPUT, VIEW } from '../ids.js';
import { renderTransition } from '../render-outcome.js';
import { parseButtonValue } from '../views/button-values.js';
import { overrideModal } from '../views/cards.js';
import { errorReply, textReply } from '../views/replies.js';
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
    const reply = await answer(deps, async () => {
      if (!value) return errorReply('That button was not drawn by mec-bot.');
      const user = body.user.id;
      if (!isPermitted(deps.ctx.policy, user, 'acknowledge')) {
        await record(deps, user, 'refused', 'not_permitted', value.i);
        return errorReply(
          `Refused (\`not_permitted\`): <@${user}> holds no role that may acknowledge incidents.`,
        );
      }
      const at = deps.ctx.now().toISOString();
      let first = false;
      const incident = await deps.incidents.update(value.i, (current) => {
        // May run again on a newer copy, so `first` is set from the copy that was written.
        first = current.acknowledged === undefined;
        return first ? { ...current, acknowledged: { by: user, at } } : undefined;
      });
      if (!incident) return errorReply('That incident is not known to mec-bot.');
      if (!first) return textReply(`Already acknowledged by <@${incident.acknowledged?.by}>.`);
      await record(deps, user, 'recorded', 'incident_acknowledged', value.i);
      await deps.notifier.redraw(value.i);
      return textReply(`Acknowledged ${incident.alarm} at ${at.slice(11, 19)} UTC.`);
    });
    await respond(ephemeral(reply));
  });

  app.action<ButtonClick>(ACTION.override, async ({ ack, body, action, respond }) => {
    await ack();
    const value = parseButtonValue(overrideValue, action.value);
    if (!value) return void (await respond(ephemeral(errorReply('That button was not drawn by mec-bot.'))));
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
    const reply = await answer(deps, async () => renderTransition(await apply(deps.ctx, event)));
    if (meta.channelId) await deps.messenger.postEphemeral(meta.channelId, body.user.id, reply);
  });
}

async function record(
  deps: ListenerDeps,
  actor: string,
  outcome: 'recorded' | 'refused',
  reason: string,
  incidentId: string,
): Promise<void> {
  await deps.ctx.ledger.append({
    v: 1,
    at: deps.ctx.now().toISOString(),
    phase: deps.ctx.phase,
    rolloutId: null,
    actor,
    action: 'acknowledge',
    outcome,
    reason,
    before: null,
    after: null,
    detail: { incident: incidentId },
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
