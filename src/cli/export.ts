import { resolve } from 'node:path';
import { pino } from 'pino';
import { writeAuditBundle } from '../adapters/files/audit-bundle.js';
import { loggingPublisher, rolloutContext } from '../composition/rollout-context.js';
import { sandboxVerifierKey } from '../config/ledger-key.js';
import { runCli } from './run-cli.js';

// `npm run export -- --out FILE`: one self-contained bundle for an offline audit (docs/AUDIT.md).
const [flag, out] = process.argv.slice(2);
if (flag !== '--out' || !out) {
  console.error('usage: npm run export -- --out FILE');
  process.exitCode = 2;
} else {
  process.exitCode = await runCli(
    process.env,
    async ({ config, env, workspace, sandboxWorkspace }, redis) => {
      const logger = pino({ level: 'warn' });
      const ctx = rolloutContext(
        { config, workspace, redis, prefix: env.MEC_REDIS_PREFIX, logger },
        loggingPublisher(logger),
        { run: async () => undefined },
      );
      // The checkpoints' length first, then the head, so no checkpoint in the bundle is past its entries.
      const checkpointBytes = await ctx.checkpointLog.size();
      const head = await ctx.ledger.head();
      const { state } = await ctx.store.load(config.phase);
      const verifierKey =
        config.ledger.publicKey ??
        (sandboxWorkspace ? await sandboxVerifierKey(process.cwd(), config.ledger.origin) : undefined);
      const header = {
        format: 'mec-audit-bundle/v1' as const,
        exportedAt: new Date().toISOString(),
        phase: config.phase,
        ledger: { origin: config.ledger.origin, ...(verifierKey ? { verifierKey } : {}), head },
        registry: { path: config.registry.path, root: (await ctx.rootRecord.get()).root },
        artifacts: { files: [...config.artifacts.files] },
        approvals: Object.values(state?.approvals ?? {}),
      };
      const path = resolve(out);
      const counts = await writeAuditBundle(
        path,
        header,
        ctx.checkpointLog.notes(checkpointBytes),
        ctx.ledger.stream(1, head.seq),
      );
      console.log(`Wrote ${path}: ${counts.entries} entries, ${counts.checkpoints} checkpoints.`);
      return 0;
    },
  );
}
