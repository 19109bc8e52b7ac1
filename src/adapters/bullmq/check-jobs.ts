import type { Job } from 'bullmq';
import { runPreflight } from '../../app/preflight.js';
import { apply } from '../../app/rollout-context.js';
import { readBackupFile, takeBackup, verifyBackup } from '../files/backup-store.js';
import type { Flags } from '../files/file-flag-registry.js';
import type { JobDeps } from './job-deps.js';
import type { CheckJob } from './queues.js';

/**
 * Pre-flight, backup and rehearsal. Each job acts only if its run is still the one running, and works
 * from the run's start time, so a retry after a crash rewrites the same record or backup. The result is
 * reported with the run id, so a second report is a no-op.
 */
export async function runCheckJob(deps: JobDeps, job: Job<CheckJob>): Promise<string> {
  const { check, runId, rolloutId } = job.data;
  const { state } = await deps.ctx.store.load(deps.ctx.phase);
  const run = state?.checks[check];
  if (!state || state.rolloutId !== rolloutId || run?.runId !== runId || run.status !== 'running')
    return 'stale';
  const startedAt = new Date(run.startedAt ?? deps.ctx.now());
  const outcome =
    check === 'preflight'
      ? await preflight(deps, startedAt)
      : check === 'backup'
        ? await backup(deps, startedAt)
        : await rehearse(deps, state.checks.backup.ref);
  await deps.crashpoint(`${check}:before_report`);
  const result = await apply(deps.ctx, { type: 'check_finished', check, runId, ...outcome });
  return result.outcome;
}

type Outcome = { passed: boolean; summary: string; ref?: string };

async function preflight(deps: JobDeps, startedAt: Date): Promise<Outcome> {
  const report = await runPreflight(deps.config, deps.workspace, deps.directory, startedAt);
  const failed = report.checks.filter((check) => !check.ok);
  const summary =
    failed.length === 0
      ? `${report.checks.length} checks passed`
      : `${failed.length} of ${report.checks.length} checks failed: ${failed.map((check) => `${check.name} (${check.detail})`).join('; ')}`;
  return { passed: report.passed, summary, ref: report.record };
}

async function backup(deps: JobDeps, takenAt: Date): Promise<Outcome> {
  const files = [...deps.config.backup.files, deps.config.registry.path];
  const { dir, manifest } = await takeBackup(deps.workspace, deps.config.phase, files, takenAt);
  return { passed: true, summary: `${manifest.files.length} files with their checksums in ${dir}`, ref: dir };
}

/** The rollback rehearsal (a dry run): the backup's checksums hold, and what a restore would change. */
async function rehearse(deps: JobDeps, dir: string | undefined): Promise<Outcome> {
  if (!dir) return { passed: false, summary: 'there is no backup to rehearse a restore from' };
  const plan = await planRestore(deps, dir);
  return plan.ok
    ? { passed: true, summary: `a restore from ${dir} would work: ${plan.change}`, ref: dir }
    : { passed: false, summary: plan.problems.join('; ') };
}

/** Checks a backup and says what restoring it would change in the registry, changing nothing. */
export async function planRestore(deps: Pick<JobDeps, 'workspace' | 'config' | 'registry'>, dir: string) {
  const verified = await verifyBackup(deps.workspace, dir);
  if (!verified.ok) return { ok: false as const, problems: verified.problems };
  const backedUp = JSON.parse(await readBackupFile(deps.workspace, dir, deps.config.registry.path)) as Flags;
  const { flags } = await deps.registry.read();
  const keys = [...new Set([...Object.keys(flags), ...Object.keys(backedUp)])].filter(
    (key) => JSON.stringify(flags[key]) !== JSON.stringify(backedUp[key]),
  );
  const change =
    keys.length === 0
      ? 'the registry already matches the backup'
      : `would restore ${keys.map((key) => `${key} ${JSON.stringify(flags[key] ?? null)} → ${JSON.stringify(backedUp[key] ?? null)}`).join(', ')}`;
  return { ok: true as const, flags: backedUp, change };
}
