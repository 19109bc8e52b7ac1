import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { RolloutClick } from '../../../app/ports/rollout-actions.js';
import { ACTION, anyActionOf } from '../ids.js';
import { renderOutcome } from '../render-outcome.js';
import { approvalButtonValue, parseButtonValue, rolloutButtonValue } from '../views/button-values.js';
import { rejectModal } from '../views/cards.js';
import { errorReply } from '../views/replies.js';
import { answer, ephemeral, type ListenerDeps } from './listener-deps.js';

type ButtonClick = BlockAction<ButtonAction>;

const NOT_OURS = errorReply(
  'That button was not drawn by mec-bot, or it is damaged; use the buttons on the current rollout message.',
);

/** Buttons: each acknowledged first, its value parsed with zod, then one use case, then an ephemeral answer. */
export function registerActions(app: App, deps: ListenerDeps): void {
  const rolloutButton = (
    toClick: (value: NonNullable<ReturnType<typeof parseRolloutValue>>) => RolloutClick | undefined,
  ) =>
    (async ({ ack, body, action, respond }) => {
      await ack();
      const value = parseRolloutValue(action.value);
      const click = value && toClick(value);
      const reply = await answer(deps, async () =>
        value && click
          ? renderOutcome(
              await deps.actions.clickRolloutButton(
                body.user.id,
                {
                  rolloutId: value.r,
                  version: value.v,
                  ...(value.n === undefined ? {} : { nonce: value.n }),
                },
                click,
              ),
            )
          : NOT_OURS,
      );
      await respond(ephemeral(reply));
    }) satisfies Parameters<typeof app.action<ButtonClick>>[1];

  app.action<ButtonClick>(
    ACTION.ramp,
    rolloutButton((value) => (value.w ? { action: 'ramp', weightPct: value.w } : undefined)),
  );
  app.action<ButtonClick>(
    ACTION.pause,
    rolloutButton(() => ({ action: 'pause' })),
  );
  app.action<ButtonClick>(
    ACTION.resume,
    rolloutButton(() => ({ action: 'resume' })),
  );
  app.action<ButtonClick>(
    ACTION.rollback,
    rolloutButton(() => ({ action: 'rollback' })),
  );
  app.action<ButtonClick>(
    ACTION.retryCheck,
    rolloutButton((value) => (value.c ? { action: 'retry_check', check: value.c } : undefined)),
  );
  app.action<ButtonClick>(
    anyActionOf(ACTION.goNoGo),
    rolloutButton((value) => (value.go === undefined ? undefined : { action: 'go_no_go', go: value.go })),
  );

  app.action<ButtonClick>(anyActionOf(ACTION.approve), async ({ ack, body, action, respond }) => {
    await ack();
    const value = parseButtonValue(approvalButtonValue, action.value);
    const reply = await answer(deps, async () => {
      if (!value) return NOT_OURS;
      // The card is redrawn with every other message of the rollout, from the latest state.
      const outcome = await deps.actions.clickApprove(body.user.id, {
        rolloutId: value.r,
        artifactRoot: value.root,
        roleId: value.role,
        nonce: value.n,
      });
      return renderOutcome(outcome);
    });
    await respond(ephemeral(reply));
  });

  app.action<ButtonClick>(anyActionOf(ACTION.reject), async ({ ack, body, action, respond }) => {
    await ack();
    const value = parseButtonValue(approvalButtonValue, action.value);
    const reply = await answer(deps, async () => {
      if (!value) return NOT_OURS;
      const outcome = await deps.actions.clickReject(body.user.id, {
        rolloutId: value.r,
        roleId: value.role,
      });
      if (outcome.kind !== 'ask_reason') return renderOutcome(outcome);
      const meta = {
        rolloutId: value.r,
        roleId: value.role,
        artifactRoot: value.root,
        channelId: body.container.channel_id,
      };
      await deps.messenger.openModal(body.trigger_id, rejectModal(outcome.state, meta));
      return undefined;
    });
    if (reply) await respond(ephemeral(reply));
  });
}

function parseRolloutValue(raw: string | undefined) {
  return parseButtonValue(rolloutButtonValue, raw);
}
