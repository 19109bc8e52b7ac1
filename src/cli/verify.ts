import { redisAdapters } from '../adapters/redis/redis-adapters.js';
import { verifyWorkspace } from '../app/verify-workspace.js';
import { runCli } from './run-cli.js';

// `npm run verify`: recomputes both Merkle roots, every approval digest and the ledger chain.
process.exitCode = await runCli(process.env, async ({ config, env, workspace }, redis) => {
  const { store, ledger, rootRecord } = redisAdapters(redis, env.MEC_REDIS_PREFIX);
  const { ok, checks } = await verifyWorkspace({
    workspace,
    phase: config.phase,
    artifactFiles: config.artifacts.files,
    registryPath: config.registry.path,
    ledger,
    store,
    rootRecord,
  });
  for (const check of checks) console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
  const first = checks.find((check) => !check.ok);
  if (first) console.error(`\nverify failed at ${first.name}: ${first.detail}`);
  else console.log(`\n${config.phase} verified: workspace ${workspace}`);
  return ok ? 0 : 1;
});
