import type { types } from '@slack/bolt';
import { section } from './blocks.js';
import { type DashboardInput, dashboardBlocks } from './rollout-dashboard.js';

/** App Home: the same dashboard as the rollout message, read-only. */
export function homeView(input: DashboardInput | undefined): types.HomeView {
  return {
    type: 'home',
    blocks: input
      ? dashboardBlocks(input)
      : [section('No MEC rollout has been started. Start one with `/mec start` in the release channel.')],
  };
}
