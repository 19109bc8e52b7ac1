import type { App } from '@slack/bolt';
import { z } from 'zod';
import { EVENT, REJECT_INPUT, VIEW } from '../ids.js';
import { renderOutcome } from '../render-outcome.js';
import { answer, type ListenerDeps } from './listener-deps.js';

const rejectMeta = z.object({
  rolloutId: z.string().min(1),
  roleId: z.string().min(1),
  artifactRoot: z.string(),
  channelId: z.string().optional(),
});

const MAX_REASON = 500;

/** The reject modal's submission: a reason is required; the outcome goes to the person ephemerally. */
export function registerViews(app: App, deps: ListenerDeps): void {
  app.view(VIEW.rejectReason, async ({ ack, view, body }) => {
    const reason = (view.state.values[REJECT_INPUT.block]?.[REJECT_INPUT.action]?.value ?? '').trim();
    if (reason === '' || reason.length > MAX_REASON) {
      await ack({
        response_action: 'errors',
        errors: { [REJECT_INPUT.block]: `Give a reason of 1 to ${MAX_REASON} characters.` },
      });
      return;
    }
    await ack();
    const meta = parseMeta(view.private_metadata);
    if (!meta) {
      deps.logger.warn({ user: body.user.id }, 'reject modal with unreadable metadata ignored');
      return;
    }
    // Modal input arrives as typed and is kept so; the views escape it when they draw it.
    const reply = await answer(deps, async () =>
      renderOutcome(await deps.actions.submitRejection(body.user.id, meta, reason)),
    );
    if (meta.channelId) await deps.messenger.postEphemeral(meta.channelId, body.user.id, reply);
  });

  app.event(EVENT.appHomeOpened, async ({ event }) => {
    if (event.tab !== 'home') return;
    await deps.publisher.publishHome(deps.actions.phase, event.user);
  });
}

function parseMeta(raw: string) {
  try {
    const parsed = rejectMeta.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
