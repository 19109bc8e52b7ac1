import type { Incident } from '../domain/incident.js';
import { trafficHistory } from '../domain/traffic-history.js';
import type { DashboardData } from './ports/dashboard-data.js';
import type { WatchSampleLog } from './ports/watch-sample-log.js';
import type { RolloutContext } from './rollout-context.js';

/** How many of the newest ledger entries the dashboard shows. */
const LEDGER_TAIL = 20;
const RECENT_INCIDENTS = 10;
/**
 * How many of the newest ledger entries the traffic chart is drawn from: a rollout is a few hundred,
 * and a page that polls should not read a long ledger whole.
 */
const TRAFFIC_ENTRIES = 5_000;

/**
 * Reads the rollout, the ledger's tail and newest checkpoint, the alarms and recent incidents for the
 * dashboard, and what its charts draw: the rollout's traffic over time and its watch samples.
 */
export async function readDashboard(
  ctx: Pick<RolloutContext, 'phase' | 'store' | 'ledger' | 'checkpoints' | 'files' | 'now'> & {
    alarms: DashboardData['alarms'];
    incidents: { recent(limit: number): Promise<Incident[]> };
    watchLog: Pick<WatchSampleLog, 'read'>;
  },
): Promise<DashboardData> {
  const [{ state, version }, ledgerHead, checkpoint] = await Promise.all([
    ctx.store.load(ctx.phase),
    ctx.ledger.head(),
    ctx.checkpoints.latest(),
  ]);
  const recent = await ctx.ledger.read(
    Math.max(1, ledgerHead.seq - Math.max(TRAFFIC_ENTRIES, LEDGER_TAIL) + 1),
  );
  return {
    phase: ctx.phase,
    state,
    version,
    artifactRoot: await ctx.files
      .artifactRoot()
      .then(({ root }) => root)
      .catch(() => undefined),
    ledgerTail: recent.slice(-LEDGER_TAIL),
    ledgerHead,
    checkpoint,
    alarms: ctx.alarms,
    incidents: await ctx.incidents.recent(RECENT_INCIDENTS),
    traffic: state ? trafficHistory(recent, state.rolloutId) : [],
    samples: state ? await ctx.watchLog.read(state.rolloutId) : [],
    generatedAt: ctx.now(),
  };
}
