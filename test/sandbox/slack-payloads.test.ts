import { describe, expect, it } from 'vitest';
import { appHomeOpened, blockActions, viewClosed, viewSubmission } from '../../src/sandbox/slack-payloads.js';

const view = {
  type: 'modal',
  callback_id: 'mec_reject_reason',
  private_metadata: '{"rolloutId":"R1"}',
  title: { type: 'plain_text', text: 'Reject the release' },
  blocks: [],
};

describe('the payloads the sandbox sends as Slack', () => {
  it('carries a click with the block the button is in, its channel, message and a response_url', () => {
    const payload = blockActions({
      user: 'U0AVERYCHEN',
      channel: 'C0RELEASE01',
      ts: '1700000001.000001',
      block: 'mec_approval_governance_lead',
      actionId: 'mec_reject',
      value: 'v',
      triggerId: 'trigger.U0AVERYCHEN.1',
      responseUrl: 'http://stand-in/response/1',
    });
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0AVERYCHEN' },
      container: { type: 'message', channel_id: 'C0RELEASE01', message_ts: '1700000001.000001' },
      trigger_id: 'trigger.U0AVERYCHEN.1',
      response_url: 'http://stand-in/response/1',
      actions: [
        { action_id: 'mec_reject', block_id: 'mec_approval_governance_lead', value: 'v', type: 'button' },
      ],
    });
  });

  it('hands the opened view back in a submission, with what was typed as its state', () => {
    const values = { reason_block: { reason_input: { type: 'plain_text_input', value: 'not yet' } } };
    expect(viewSubmission('U0AVERYCHEN', 7, view, values)).toMatchObject({
      type: 'view_submission',
      user: { id: 'U0AVERYCHEN' },
      view: {
        id: 'VSANDBOX7',
        callback_id: 'mec_reject_reason',
        private_metadata: '{"rolloutId":"R1"}',
        state: { values },
      },
    });
  });

  it('tells of a closed view as view_closed, not cleared, and of an opened Home tab as an event', () => {
    expect(viewClosed('U0PRIYANAT', 3, { ...view, notify_on_close: true })).toMatchObject({
      type: 'view_closed',
      is_cleared: false,
      view: { id: 'VSANDBOX3', callback_id: 'mec_reject_reason', state: { values: {} } },
    });
    expect(appHomeOpened('U0PRIYANAT', 'Ev1')).toMatchObject({
      type: 'event_callback',
      event_id: 'Ev1',
      event: { type: 'app_home_opened', user: 'U0PRIYANAT', tab: 'home' },
    });
  });
});
