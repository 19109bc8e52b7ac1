import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/load-settings.js';
import { sandboxPeople } from '../../src/sandbox/sandbox-people.js';
import { openModals, pageState } from '../../src/sandbox/sandbox-state.js';
import type { RecordedCall } from '../../src/sandbox/slack-api-stand-in.js';

async function exampleConfig() {
  const loaded = await readConfig('examples/m6/mec.demo.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.config;
}

const open = (trigger: string, title: string): RecordedCall => ({
  method: 'views.open',
  args: { trigger_id: trigger, view: { type: 'modal', title: { type: 'plain_text', text: title } } },
  reply: { ok: true },
});

describe('what the sandbox page is shown', () => {
  it("gives each person the newest modal opened for them that nobody closed, by its call's index", () => {
    const calls = [
      open('trigger.U0AVERYCHEN.1', 'first'),
      open('trigger.U0PRIYANAT.2', 'hers'),
      open('trigger.U0AVERYCHEN.3', 'second'),
    ];
    expect(openModals(calls, new Set([0])).map((modal) => [modal.id, modal.user])).toEqual([
      [1, 'U0PRIYANAT'],
      [2, 'U0AVERYCHEN'],
    ]);
  });

  it('holds the people by name, the channels, private replies, modals, homes and the alarms with their state', async () => {
    const config = await exampleConfig();
    const calls: RecordedCall[] = [
      { method: 'response_url', args: { id: 'U0RELEASEMGR.4', text: 'not a step' }, reply: {}, at: 5 },
      { method: 'chat.postEphemeral', args: { user: 'U0AVERYCHEN', text: 'recorded' }, reply: {}, at: 6 },
      open('trigger.U0AVERYCHEN.7', 'Reject the release'),
      open('trigger.U0PRIYANAT.8', 'closed one'),
      { method: 'views.publish', args: { user_id: 'U0AVERYCHEN', view: { blocks: [1] } }, reply: {} },
      { method: 'views.publish', args: { user_id: 'U0AVERYCHEN', view: { blocks: [2] } }, reply: {} },
    ];
    const state = pageState({
      config,
      people: sandboxPeople(config),
      calls,
      messages: [],
      closedModals: new Set([3]),
      firing: { latency_slo_drop: '2026-12-01T10:00:00.000Z' },
    });
    expect(state.names).toMatchObject({ U0AVERYCHEN: 'Avery Chen', U0MECBOT: 'mec-bot' });
    expect(state.channels).toEqual({ release: 'C0RELEASE01', incident: 'C0INCIDENT1' });
    expect(state.ephemeral).toEqual([
      { user: 'U0RELEASEMGR', text: 'not a step', blocks: [], at: 5 },
      { user: 'U0AVERYCHEN', text: 'recorded', blocks: [], at: 6 },
    ]);
    expect(state.modals).toEqual([expect.objectContaining({ id: 2, user: 'U0AVERYCHEN' })]);
    expect(state.homes).toEqual([{ user: 'U0AVERYCHEN', view: { blocks: [2] } }]);
    expect(state.alarms).toEqual([
      {
        name: 'latency_slo_drop',
        severity: 'BLOCKER',
        summary: 'Latency SLO attainment dropped more than 3%',
        firing: true,
      },
      {
        name: 'determinism_variance',
        severity: 'CRITICAL',
        summary: 'Determinism variance above 0.08',
        firing: false,
      },
      {
        name: 'feature_drift',
        severity: 'WARNING',
        summary: 'The feature drift detector tripped',
        firing: false,
      },
    ]);
  });
});
