/**
 * The interaction payloads Slack sends an app, built for what a person did on the sandbox page, with
 * the fields Bolt reads.
 * https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload (a `view_closed` is sent
 * only for a view opened with `notify_on_close: true`)
 */

const TEAM = 'TSANDBOX';
const APP = 'ASANDBOX';

const person = (user: string) => ({ id: user, username: user, name: user, team_id: TEAM });

/** A button click in a channel message (`block_actions`). */
export function blockActions(click: {
  user: string;
  channel: string;
  ts: string;
  block: string;
  actionId: string;
  value: string;
  triggerId: string;
  responseUrl: string;
}) {
  return {
    type: 'block_actions',
    user: person(click.user),
    api_app_id: APP,
    container: { type: 'message', message_ts: click.ts, channel_id: click.channel, is_ephemeral: false },
    trigger_id: click.triggerId,
    team: { id: TEAM },
    channel: { id: click.channel },
    message: { type: 'message', ts: click.ts },
    response_url: click.responseUrl,
    actions: [
      {
        action_id: click.actionId,
        block_id: click.block,
        value: click.value,
        type: 'button',
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
}

/** What each input of a modal holds, as `view.state.values` carries it: block id → action id → value. */
export type ViewValues = Record<string, Record<string, { type: string; value: string }>>;

/** The view as Slack hands it back in a submission or a close: what the bot opened, plus its state. */
function viewOf(modalId: number, view: Record<string, unknown>, values: ViewValues) {
  return {
    ...view,
    id: `VSANDBOX${modalId}`,
    team_id: TEAM,
    app_id: APP,
    private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
    callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
    state: { values },
  };
}

/** The submission of a modal (`view_submission`), with what was typed in it. */
export function viewSubmission(
  user: string,
  modalId: number,
  view: Record<string, unknown>,
  values: ViewValues,
) {
  return {
    type: 'view_submission',
    team: { id: TEAM },
    user: person(user),
    api_app_id: APP,
    view: viewOf(modalId, view, values),
  };
}

/** The close of a modal whose view asked to hear of it (`view_closed`, for `notify_on_close`). */
export function viewClosed(user: string, modalId: number, view: Record<string, unknown>) {
  return {
    type: 'view_closed',
    team: { id: TEAM },
    user: person(user),
    api_app_id: APP,
    view: viewOf(modalId, view, {}),
    is_cleared: false,
  };
}

/** The Events API callback for someone opening the app's Home tab. */
export function appHomeOpened(user: string, eventId: string) {
  return {
    type: 'event_callback',
    team_id: TEAM,
    api_app_id: APP,
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user, channel: 'DSANDBOX', tab: 'home', event_ts: '1' },
  };
}
