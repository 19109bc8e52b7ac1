import type { CountdownResult, SoakCountdown } from './ports/background-work.js';
import type { WorkContext } from './work-context.js';

/**
 * At most this long between two redraws of a running soak's countdown, in milliseconds. One chat.update
 * a minute is far inside its Web API tier (Tier 3, 50+ a minute per workspace:
 * https://docs.slack.dev/apis/web-api/rate-limits), and the notify queue coalesces redraws anyway.
 */
const COUNTDOWN_MAX_MS = 60_000;

/**
 * Redraws the rollout message while the soak runs, so the time left it shows keeps moving, and names
 * the next redraw: one countdown interval on (`jobs.countdownInterval`, at most a minute), or the soak's
 * end if that comes first. A soak that is over, or another rollout's, ends the countdown.
 */
export async function soakCountdown(ctx: WorkContext, countdown: SoakCountdown): Promise<CountdownResult> {
  const { state } = await ctx.store.load(ctx.phase);
  const soak = state?.soak;
  if (
    state?.rolloutId !== countdown.rolloutId ||
    soak?.soakId !== countdown.soakId ||
    soak.status !== 'running'
  )
    return { outcome: 'stale' };
  await ctx.publisher.redraw(ctx.phase);
  const intervalMs = Math.min(ctx.settings.jobs.countdownInterval ?? COUNTDOWN_MAX_MS, COUNTDOWN_MAX_MS);
  const untilEndMs = Date.parse(soak.endsAt) - ctx.now().getTime();
  // Past its end the soak's last evaluation ends it, and that redraws; one more countdown looks again.
  const delayMs = Math.max(1, untilEndMs > 0 ? Math.min(intervalMs, untilEndMs) : intervalMs);
  return { outcome: 'redrawn', next: { countdown: { ...countdown, tick: countdown.tick + 1 }, delayMs } };
}
