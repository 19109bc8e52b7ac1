import type { CheckName } from '../domain/rollout-state.js';
import { planRestore } from './plan-restore.js';
import { runPreflight } from './preflight.js';
import { apply } from './rollout-context.js';
import type { WorkContext } from './work-context.js';

/** `sha256` is of the evidence as this run wrote it, so the ledger can tell a later edit of it. */
type Outcome = { passed: boolean; summary: string; ref?: string; sha256?: string };

/**
 * Pre-flight, backup and rehearsal. Each acts only if its run is still the one running, and works from
 * the run's start time, so a retry after a crash rewrites the same record or backup. The result is
 * reported with the run id, so a second report is a no-op.
 */
export async function runCheck(
  ctx: WorkContext,
  run: { check: CheckName; runId: string; rolloutId: string },
): Promise<string> {
  const { check, runId, rolloutId } = run;
  const { state } = await ctx.store.load(ctx.phase);
  const current = state?.checks[check];
  if (!state || state.rolloutId !== rolloutId || current?.runId !== runId || current.status !== 'running')
    return 'stale';
  const startedAt = new Date(current.startedAt ?? ctx.now());
  const outcome =
    check === 'preflight'
      ? await preflight(ctx, startedAt)
      : check === 'backup'
        ? await backup(ctx, startedAt)
        : await rehearse(ctx, state.checks.backup.ref);
  await ctx.crashpoint(`${check}:before_report`);
  const result = await apply(ctx, { type: 'check_finished', check, runId, ...outcome });
  return result.outcome;
}

async function preflight(ctx: WorkContext, startedAt: Date): Promise<Outcome> {
  const report = await runPreflight(ctx, startedAt);
  const failed = report.checks.filter((check) => !check.ok);
  const summary =
    failed.length === 0
      ? `${report.checks.length} checks passed`
      : `${failed.length} of ${report.checks.length} checks failed: ${failed.map((check) => `${check.name} (${check.detail})`).join('; ')}`;
  return { passed: report.passed, summary, ref: report.record, sha256: report.sha256 };
}

async function backup(ctx: WorkContext, takenAt: Date): Promise<Outcome> {
  const files = [...ctx.settings.backup.files, ctx.settings.registry.path];
  const { dir, files: count, sha256 } = await ctx.backups.take(ctx.phase, files, takenAt);
  return { passed: true, summary: `${count} files with their checksums in ${dir}`, ref: dir, sha256 };
}

/** The rollback rehearsal (a dry run): the backup's checksums hold, and what a restore would change. */
async function rehearse(ctx: WorkContext, dir: string | undefined): Promise<Outcome> {
  if (!dir) return { passed: false, summary: 'there is no backup to rehearse a restore from' };
  const plan = await planRestore(ctx, dir);
  return plan.ok
    ? { passed: true, summary: `a restore from ${dir} would work: ${plan.change}`, ref: dir }
    : { passed: false, summary: plan.problems.join('; ') };
}
