import { describe, expect, it } from 'vitest';
import { homeView } from '../../../../src/adapters/slack/views/home-view.js';
import { dashboardBlocks } from '../../../../src/adapters/slack/views/rollout-dashboard.js';
import { minutes, ROOT_A, readyState } from '../../../domain/fixtures.js';
import { expectHomeWithinLimits } from '../../../support/slack-limits.js';

describe('homeView', () => {
  it('shows the dashboard of the rollout, without its buttons', () => {
    const input = { state: readyState(), version: 3, now: minutes(40), artifactRoot: ROOT_A, alarms: [] };
    const view = homeView(input);
    expect(view).toEqual({ type: 'home', blocks: dashboardBlocks(input) });
    expect(JSON.stringify(view)).not.toContain('"type":"actions"');
    expectHomeWithinLimits(view);
  });

  it('names the checkpoint beside the ledger head, as the rollout message does', () => {
    const checkpoint = { origin: 'mec.test/ledger', size: 3, root: Buffer.alloc(32, 0xab) };
    const input = {
      state: readyState(),
      version: 3,
      now: minutes(40),
      ledgerHead: { seq: 3, hash: 'c'.repeat(64) },
      checkpoint,
      alarms: [],
    };
    expect(JSON.stringify(homeView(input))).toContain(
      'Ledger: #3 `cccccccccccc…` · checkpoint #3 `abababababab…`',
    );
  });

  it('says how to start one when no rollout has been started', () => {
    expect(JSON.stringify(homeView(undefined))).toContain(
      'No MEC rollout has been started. Start one with `/mec start`',
    );
  });
});
