import { MarkdownLedgerMirror } from '../adapters/files/markdown-ledger-mirror.js';
import { RedisLedger } from '../adapters/redis/redis-ledger.js';
import { RedisTrafficLock } from '../adapters/redis/redis-lock.js';
import { ANCHOR_LOCK } from '../app/anchor-ledger.js';
import { rebuildMirror, syncMirror } from '../app/sync-mirror.js';
import { runCli } from './run-cli.js';

// `npm run mirror [-- --rebuild]`: brings 01-GOVERNANCE/META-GOVERNANCE-LOG.md up to date with the
// ledger, holding the lock the bot's own appends hold. The bot keeps it up to date itself; this is the
// repair, and --rebuild rewrites it whole.
process.exitCode = await runCli(process.env, async ({ env, workspace }, redis) => {
  const deps = {
    ledger: new RedisLedger(redis, env.MEC_REDIS_PREFIX),
    mirror: new MarkdownLedgerMirror(workspace),
  };
  const rebuild = process.argv.includes('--rebuild');
  const lock = new RedisTrafficLock(redis, env.MEC_REDIS_PREFIX);
  const { written } = await lock.withLock(ANCHOR_LOCK, 30_000, () =>
    rebuild ? rebuildMirror(deps) : syncMirror(deps),
  );
  console.log(
    `${rebuild ? 'Rebuilt' : 'Synced'} ${workspace}/${deps.mirror.path}: ${written} entries written.`,
  );
  return 0;
});
