import { join } from 'node:path';
import {
  MIRROR_PATH,
  rebuildLedgerMirror,
  syncLedgerMirror,
} from '../adapters/files/markdown-ledger-mirror.js';
import { RedisLedger } from '../adapters/redis/redis-ledger.js';
import { runCli } from './run-cli.js';

// `npm run mirror [-- --rebuild]`: brings 01-GOVERNANCE/META-GOVERNANCE-LOG.md up to date with the ledger.
process.exitCode = await runCli(process.env, async ({ env, workspace }, redis) => {
  const ledger = new RedisLedger(redis, env.MEC_REDIS_PREFIX);
  const path = join(workspace, MIRROR_PATH);
  const rebuild = process.argv.includes('--rebuild');
  const { written } = rebuild
    ? await rebuildLedgerMirror(ledger, path)
    : await syncLedgerMirror(ledger, path);
  console.log(`${rebuild ? 'Rebuilt' : 'Synced'} ${path}: ${written} entries written.`);
  return 0;
});
