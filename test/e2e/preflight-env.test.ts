import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MecConfig } from '../../src/config/config-schema.js';
import { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { holdingSoaks, startJobsHarness } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';
import { PEOPLE } from '../support/slack-harness.js';

const testRedis = useTestRedis();

// Fake secrets in the bot's own environment, as main.ts would see them.
const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-fake-bot-token-4471',
  SLACK_SIGNING_SECRET: 'fake-signing-secret-9012',
  SLACK_APP_TOKEN: 'xapp-fake-app-token-3365',
  MEC_ALERT_TOKEN: 'fake-alert-token-77183920',
  REDIS_URL: 'redis://mec-user:fake-redis-password-5521@127.0.0.1:1/0',
  MEC_LEDGER_KEY: 'fake-ledger-key-60219',
};
const SECRET_VALUES = [...Object.values(SECRETS), 'fake-redis-password-5521'];
// Not a secret, but not named by the command either: it stays with the bot.
const UNLISTED = 'MEC_TEST_UNLISTED_VARIABLE';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Pre-flight with two validators that print what they were given, and fail, so their output reaches the summary. */
function withEnvironmentProbes(config: MecConfig): MecConfig {
  const fast = holdingSoaks(config);
  const commands = [
    {
      name: 'env_dump',
      argv: ['node', '-e', 'console.log(JSON.stringify(process.env)); process.exit(1)'],
      timeout: 10_000,
      env: ['MEC_RELEASE_TAG'],
    },
    {
      name: 'token_echo',
      argv: [
        'node',
        '-e',
        'console.log("token", process.env.SLACK_BOT_TOKEN, "redis", process.env.REDIS_URL); process.exit(2)',
      ],
      timeout: 10_000,
      // The config refuses these names (load-settings.test.ts); set here by hand, what a command prints
      // of a secret is still scrubbed: the scrub does not rely on the refusal.
      env: ['SLACK_BOT_TOKEN', 'REDIS_URL'],
    },
  ];
  return { ...fast, preflight: { ...fast.preflight, commands } };
}

describe('pre-flight commands and the environment', () => {
  it('run with PATH, HOME and the variables they name, and no secret reaches the record, state, ledger or Slack', async () => {
    for (const [name, value] of Object.entries(SECRETS)) vi.stubEnv(name, value);
    vi.stubEnv(UNLISTED, 'unlisted-value-1187');
    vi.stubEnv('MEC_RELEASE_TAG', 'visible-tag-42');
    const standIn = new SlackApiStandIn();
    await standIn.start();
    const harness = await startJobsHarness(standIn, testRedis(), { configure: withEnvironmentProbes });
    try {
      await harness.command(PEOPLE.releaseManager, 'start');
      const state = await harness.waitForState((candidate) => candidate.checks.preflight.status === 'failed');
      const summary = state.checks.preflight.summary ?? '';
      const record = await readFile(join(harness.workspace, state.checks.preflight.ref ?? ''), 'utf8');
      const ledger = JSON.stringify(await harness.adapters.ledger.read());
      const slack = JSON.stringify(standIn.calls);

      // The named variable comes through, and so does what the command printed of its secrets, scrubbed.
      expect(record).toContain('MEC_RELEASE_TAG');
      expect(record).toContain('visible-tag-42');
      expect(record).toContain('PATH');
      expect(record).toContain('token [redacted] redis redis://mec-user:[redacted]@127.0.0.1:1/0');
      expect(summary).toContain('visible-tag-42');
      expect(summary).toContain('token [redacted]');
      for (const [where, text] of Object.entries({ record, summary, ledger, slack })) {
        for (const secret of SECRET_VALUES) expect(text, `${where} holds ${secret}`).not.toContain(secret);
        for (const name of [
          UNLISTED,
          'SLACK_SIGNING_SECRET',
          'SLACK_APP_TOKEN',
          'MEC_ALERT_TOKEN',
          'MEC_LEDGER_KEY',
        ])
          expect(text, `${where} names ${name}`).not.toContain(name);
      }
    } finally {
      await harness.close();
      await standIn.stop();
    }
  });
});
