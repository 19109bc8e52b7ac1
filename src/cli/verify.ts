import { pino } from 'pino';
import { verifyWorkspace } from '../app/verify-workspace.js';
import { loggingPublisher, rolloutContext } from '../composition/rollout-context.js';
import { runCli } from './run-cli.js';

// `npm run verify`: recomputes both Merkle roots, every approval digest and the ledger chain.
process.exitCode = await runCli(process.env, async ({ config, env, workspace }, redis) => {
  const logger = pino({ level: 'warn' });
  const options = { config, workspace, redis, prefix: env.MEC_REDIS_PREFIX, logger };
  const ctx = rolloutContext(options, loggingPublisher(logger), { run: async () => undefined });
  const { ok, checks } = await verifyWorkspace(ctx);
  for (const check of checks) console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
  const first = checks.find((check) => !check.ok);
  if (first) console.error(`\nverify failed at ${first.name}: ${first.detail}`);
  else console.log(`\n${config.phase} verified: workspace ${workspace}`);
  return ok ? 0 : 1;
});
