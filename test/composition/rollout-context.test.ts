import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loggingPublisher, rolloutContext } from '../../src/composition/rollout-context.js';
import { readConfig } from '../../src/config/load-settings.js';
import { toPolicy } from '../../src/config/to-policy.js';
import { MecError } from '../../src/domain/errors.js';
import { useTestRedis } from '../support/redis.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const testRedis = useTestRedis();

/** A pino logger whose lines are kept, parsed. */
function recorded() {
  const lines: Array<Record<string, unknown>> = [];
  return {
    lines,
    logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
  };
}

async function contextOn(now = new Date('2025-10-21T13:04:05.678Z')) {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const { prefix, connect } = testRedis();
  const { lines, logger } = recorded();
  const workspace = await copyExampleWorkspace();
  const options = { config: loaded.config, workspace, redis: connect(), prefix, logger, now: () => now };
  const ctx = rolloutContext(options, loggingPublisher(logger), { run: async () => undefined });
  return { ctx, lines, config: loaded.config, workspace };
}

describe('rolloutContext', () => {
  it('builds the context of the configured phase, under its policy, on the workspace', async () => {
    const { ctx, config } = await contextOn();
    expect([ctx.phase, ctx.policy, ctx.settings]).toEqual(['M6', toPolicy(config), config]);
    expect(ctx.registry.path).toBe('meta/meta_flags.json');
    expect((await ctx.registry.read()).flags).toHaveProperty('meta_prod');
    expect(await ctx.store.load('M6')).toEqual({ state: null, version: 0 });
  });

  it('names each new rollout by its phase and the second it started, with a random tail', async () => {
    const { ctx } = await contextOn();
    const [a, b] = [ctx.newRolloutId(), ctx.newRolloutId()];
    expect(a).toMatch(/^M6-20251021T130405Z-[0-9a-f]{4}$/);
    expect(b).toMatch(/^M6-20251021T130405Z-[0-9a-f]{4}$/);
  });

  it('logs a failure to deliver a committed transition with its error code', async () => {
    const { ctx, lines } = await contextOn();
    ctx.onPublishError(new MecError('slack_reply_invalid', 'no ts'));
    expect(lines).toEqual([
      expect.objectContaining({
        code: 'slack_reply_invalid',
        msg: "delivering a committed transition's work failed; it stays in the outbox and is delivered again",
      }),
    ]);
  });
});

describe('loggingPublisher', () => {
  it('notes each transition at debug, as there is no Slack to tell (the context logs it at info)', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const publisher = loggingPublisher(logger);
    await publisher.published(
      'M6',
      { outcome: 'refused', reason: 'not_permitted', message: 'no', state: null, effects: [], version: 0 },
      { type: 'pause', actor: 'U1' },
    );
    await publisher.redraw('M6');
    expect(lines).toEqual([
      expect.objectContaining({
        phase: 'M6',
        outcome: 'refused',
        reason: 'not_permitted',
        msg: 'transition (no Slack connection)',
        level: 20,
      }),
    ]);
  });
});
