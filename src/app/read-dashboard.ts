import type { Incident } from '../domain/incident.js';
import type { DashboardData } from './ports/dashboard-data.js';
import type { RolloutContext } from './rollout-context.js';

/** How many of the newest ledger entries the dashboard shows. */
const LEDGER_TAIL = 20;
const RECENT_INCIDENTS = 10;

/** Reads the rollout, the ledger's tail and newest checkpoint, the alarms and recent incidents for the dashboard. */
export async function readDashboard(
  ctx: Pick<RolloutContext, 'phase' | 'store' | 'ledger' | 'checkpoints' | 'files' | 'now'> & {
    alarms: DashboardData['alarms'];
    incidents: { recent(limit: number): Promise<Incident[]> };
  },
): Promise<DashboardData> {
  const [{ state, version }, ledgerHead, checkpoint] = await Promise.all([
    ctx.store.load(ctx.phase),
    ctx.ledger.head(),
    ctx.checkpoints.latest(),
  ]);
  return {
    phase: ctx.phase,
    state,
    version,
    artifactRoot: await ctx.files
      .artifactRoot()
      .then(({ root }) => root)
      .catch(() => undefined),
    ledgerTail: await ctx.ledger.read(Math.max(1, ledgerHead.seq - LEDGER_TAIL + 1)),
    ledgerHead,
    checkpoint,
    alarms: ctx.alarms,
    incidents: await ctx.incidents.recent(RECENT_INCIDENTS),
    generatedAt: ctx.now(),
  };
}
