import { resolve } from 'node:path';
import { pino } from 'pino';
import { readAuditBundle } from '../adapters/files/audit-bundle.js';
import { FileBackupStore } from '../adapters/files/backup-store.js';
import { FileFlagRegistry } from '../adapters/files/file-flag-registry.js';
import { FileReleaseFiles } from '../adapters/files/file-release-files.js';
import { MarkdownLedgerMirror } from '../adapters/files/markdown-ledger-mirror.js';
import { verifyAll, verifyWorkspace } from '../app/verify-workspace.js';
import { loggingPublisher, rolloutContext } from '../composition/rollout-context.js';
import { sandboxVerifierKey } from '../config/ledger-key.js';
import { runCli } from './run-cli.js';
import { parseVerifyArgs, printVerifyReport, type VerifyArgs } from './verify-report.js';

// `npm run verify [-- --entry N]`: the whole audit against Redis and the workspace.
// `npm run verify -- --bundle FILE --workspace DIR`: the same from an exported bundle, with no Redis.
const args = parseVerifyArgs(process.argv.slice(2));
if (typeof args === 'string') {
  console.error(args);
  process.exitCode = 2;
} else {
  process.exitCode = args.bundle ? await verifyBundle(args) : await verifyLive(args);
}

function verifyLive(args: VerifyArgs): Promise<number> {
  return runCli(process.env, async ({ config, env, workspace, sandboxWorkspace }, redis) => {
    const logger = pino({ level: 'warn' });
    const sandboxKey = sandboxWorkspace
      ? await sandboxVerifierKey(process.cwd(), config.ledger.origin)
      : undefined;
    const options = {
      config,
      workspace,
      redis,
      prefix: env.MEC_REDIS_PREFIX,
      logger,
      ...(sandboxKey ? { ledgerVerifierKey: sandboxKey } : {}),
    };
    const ctx = rolloutContext(options, loggingPublisher(logger), { run: async () => undefined });
    const report = await verifyWorkspace(ctx, args.entry);
    return printVerifyReport(report, `${config.phase} verified: workspace ${workspace}`, args.entry);
  });
}

async function verifyBundle(args: VerifyArgs): Promise<number> {
  const bundle = resolve(args.bundle as string);
  const workspace = resolve(args.workspace as string);
  try {
    const { header, source } = await readAuditBundle(bundle);
    const verifierKey = args.key ?? header.ledger.verifierKey;
    if (!args.key)
      console.log(
        `(trusting the bundle's own verifier key ${verifierKey ?? '(none)'}; pass --key to pin the one you know)`,
      );
    const deps = {
      phase: header.phase,
      registry: new FileFlagRegistry(workspace, header.registry.path),
      files: new FileReleaseFiles(workspace, header.artifacts.files),
      mirror: new MarkdownLedgerMirror(workspace),
      backups: new FileBackupStore(workspace, header.registry.path),
    };
    const facts = { registryRoot: header.registry.root, approvals: header.approvals };
    const report = await verifyAll(
      deps,
      source,
      facts,
      { origin: header.ledger.origin, verifierKey },
      args.entry,
    );
    return printVerifyReport(
      report,
      `${header.phase} verified: bundle ${bundle} with workspace ${workspace}`,
      args.entry,
    );
  } catch (error) {
    console.error(`Failed: ${(error as Error).message}`);
    return 1;
  }
}
