import type { Job } from 'bullmq';
import { flagValueFor } from '../../app/ports/traffic-controller.js';
import { guardRegistry, restoreRegistry } from '../../app/registry-guard.js';
import { apply } from '../../app/rollout-context.js';
import { MecError } from '../../domain/errors.js';
import { SYSTEM_ACTOR } from '../../domain/ledger-entry.js';
import { artifactRootOf } from '../files/workspace-artifacts.js';
import { withRedisLock } from '../redis/redis-lock.js';
import { planRestore } from './check-jobs.js';
import type { JobDeps } from './job-deps.js';
import type { CertifyJob, RampJob, RollbackJob } from './queues.js';

// Ramps and rollbacks of a rollout take turns under one lock, so a rollback's write to shadow always
// lands after any ramp write that was already under way.
const trafficLock = (deps: JobDeps, rolloutId: string, work: () => Promise<string>) =>
  withRedisLock(deps.redis, deps.prefix, `traffic-${rolloutId}`, work, {
    leaseMs: deps.config.jobs.lockDuration,
  });

/**
 * Moves traffic for an accepted ramp. If the ramp is no longer pending (a rollback cancelled it) nothing
 * is written. Setting a weight the registry already has records nothing, so a retry after a crash
 * between the write and the report moves traffic once.
 */
export async function runRampJob(deps: JobDeps, job: Job<RampJob>): Promise<string> {
  const { rampId, weightPct, rolloutId, phase } = job.data;
  return trafficLock(deps, rolloutId, async () => {
    const { state } = await deps.ctx.store.load(deps.ctx.phase);
    const pending = state?.pendingRamp;
    if (!state || state.rolloutId !== rolloutId || pending?.rampId !== rampId) return 'stale';
    // A hand-edited registry is not written over by a ramp: the CRITICAL gate opens and a person decides.
    if ((await guardRegistry({ ...deps.registryDeps, store: deps.ctx.store }, phase)).status === 'tampered')
      return 'registry_tampered';
    await deps.traffic.setWeight({ phase, rolloutId, actor: pending.requestedBy, weightPct });
    await deps.crashpoint('ramp:after_write');
    return (await apply(deps.ctx, { type: 'traffic_applied', rampId, weightPct })).outcome;
  });
}

/**
 * Returns traffic to shadow: restores the registry from the backup when its checksums hold (and at
 * least sets `meta_prod` to shadow when they do not), then reports. Idempotent in the same way.
 */
export async function runRollbackJob(deps: JobDeps, job: Job<RollbackJob>): Promise<string> {
  const { rollbackId, rolloutId, phase } = job.data;
  return trafficLock(deps, rolloutId, async () => {
    const { state } = await deps.ctx.store.load(deps.ctx.phase);
    if (!state || state.rolloutId !== rolloutId || state.rollback?.rollbackId !== rollbackId) return 'stale';
    const dir = state.checks.backup.ref;
    const plan = dir ? await planRestore(deps, dir) : undefined;
    const shadow = { [deps.config.registry.flag]: flagValueFor(0) };
    const flags = plan?.ok
      ? { ...plan.flags, ...shadow }
      : { ...(await deps.registry.read()).flags, ...shadow };
    const restored = await restoreRegistry(deps.registryDeps, {
      phase,
      rolloutId,
      actor: SYSTEM_ACTOR,
      flags,
      source: dir ?? 'none',
    });
    if (restored.status !== 'written' && restored.status !== 'unchanged')
      throw new MecError(
        'registry_restore_failed',
        `the registry could not be restored (${restored.status}); retrying`,
      );
    const summary = plan?.ok
      ? `registry restored from ${dir}`
      : `${plan ? `backup unusable (${plan.problems.join('; ')})` : 'no backup'}: ${deps.config.registry.flag} set to shadow only`;
    // Tells an external flag system too; for the registry alone it is already done, and records nothing.
    await deps.traffic.setWeight({ phase, rolloutId, actor: SYSTEM_ACTOR, weightPct: 0 });
    await deps.crashpoint('rollback:after_restore');
    const result = await apply(deps.ctx, { type: 'rollback_finished', rollbackId, summary });
    if (result.outcome === 'applied') {
      deps.stats.rollbacks.inc({
        reason: state.rollback.reason.startsWith('BLOCKER') ? 'blocker_alarm' : 'person',
      });
      await stampShadow(deps, rollbackId);
    }
    return result.outcome;
  });
}

/** The phase is certified: a ledger entry with the final artifact and registry roots. */
export async function runCertifyJob(deps: JobDeps, job: Job<CertifyJob>): Promise<string> {
  const head = await deps.ctx.ledger.head();
  const recent = await deps.ctx.ledger.read(Math.max(1, head.seq - 50));
  if (recent.some((entry) => entry.body.action === 'certify' && entry.body.rolloutId === job.data.rolloutId))
    return 'already certified';
  const { root: artifactRoot } = await artifactRootOf(deps.workspace, deps.config.artifacts.files);
  const { root: registryRoot } = await deps.registry.read();
  await deps.ctx.ledger.append({
    v: 1,
    at: deps.ctx.now().toISOString(),
    phase: job.data.phase,
    rolloutId: job.data.rolloutId,
    actor: SYSTEM_ACTOR,
    action: 'certify',
    outcome: 'recorded',
    reason: 'phase_certified',
    before: null,
    after: { artifactRoot, registryRoot },
    detail: { message: `${job.data.phase} certified` },
  });
  return 'certified';
}

/** Notes on the incident that caused the rollback when traffic reached shadow, and redraws its notice. */
async function stampShadow(deps: JobDeps, rollbackId: string): Promise<void> {
  const id = await deps.incidents.ofRollback(rollbackId);
  if (!id) return;
  const shadowAt = deps.ctx.now().toISOString();
  const incident = await deps.incidents.update(id, (current) =>
    current.shadowAt ? undefined : { ...current, shadowAt },
  );
  if (incident?.shadowAt === shadowAt)
    deps.stats.alarmToShadow.observe((Date.parse(shadowAt) - Date.parse(incident.receivedAt)) / 1_000);
  await deps.notifier.redraw(id);
}
