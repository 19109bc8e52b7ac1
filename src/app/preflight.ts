import { sha256Hex } from '../domain/sha256.js';
import type { CommandRunner } from './ports/command-runner.js';
import type { ContactDirectory } from './ports/contact-directory.js';
import type { ReleaseFiles } from './ports/release-files.js';

/** The parts of the config pre-flight reads. */
export interface PreflightSettings {
  phase: string;
  roles: ReadonlyArray<{ id: string; name: string; users: readonly string[] }>;
  preflight: {
    /**
     * Each one an argv list, run with no shell; `timeout` in milliseconds; `env` the names of the
     * variables it gets from the bot's environment, beyond PATH and HOME.
     */
    commands: ReadonlyArray<{
      name: string;
      argv: readonly string[];
      timeout: number;
      env: readonly string[];
    }>;
    checksums: ReadonlyArray<{ path: string; sha256Prefix: string }>;
    determinism?: { manifest: string; baseline: string; allowedChanges: readonly string[] } | undefined;
    /** Role ids whose members must be active users. */
    contacts: readonly string[];
  };
}

export interface PreflightDeps {
  settings: PreflightSettings;
  files: ReleaseFiles;
  commands: CommandRunner;
  directory: ContactDirectory | undefined;
}

interface PreflightCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PreflightReport {
  passed: boolean;
  checks: PreflightCheck[];
  /** Workspace path of the release record. */
  record: string;
  /** SHA-256 (hex) of the record's bytes as written, for the ledger to hold. */
  sha256: string;
}

/**
 * Pre-flight validation (seed section 1): each configured command run from an argv list with a
 * timeout, checksum prefixes, the determinism manifest against the previous phase's baseline, and the
 * incident contacts. Every check runs and is reported; the record is written to
 * `artifacts/mec/<phase>/releases/<phase>-<startedAt>.json`, named by the run's start so a retried job
 * rewrites the same record.
 */
export async function runPreflight(deps: PreflightDeps, startedAt: Date): Promise<PreflightReport> {
  const { phase, preflight } = deps.settings;
  const checks: PreflightCheck[] = [];
  for (const command of preflight.commands) checks.push(await runCommand(deps.commands, command));
  for (const { path, sha256Prefix } of preflight.checksums)
    checks.push(await checkChecksum(deps.files, path, sha256Prefix));
  if (preflight.determinism) checks.push(await diffDeterminism(deps.files, preflight.determinism));
  if (preflight.contacts.length > 0) checks.push(await checkContacts(deps.settings, deps.directory));
  const passed = checks.every((check) => check.ok);
  const record = `artifacts/mec/${phase}/releases/${phase}-${startedAt.toISOString().replaceAll(':', '-')}.json`;
  const text = `${JSON.stringify({ phase, startedAt: startedAt.toISOString(), passed, checks }, null, 2)}\n`;
  await deps.files.write(record, text);
  return { passed, checks, record, sha256: sha256Hex(text) };
}

async function runCommand(
  runner: CommandRunner,
  command: PreflightSettings['preflight']['commands'][number],
): Promise<PreflightCheck> {
  const result = await runner.run(command.argv as [string, ...string[]], {
    timeoutMs: command.timeout,
    env: command.env,
  });
  if (result.ok) return { name: command.name, ok: true, detail: result.output || 'exit 0' };
  return {
    name: command.name,
    ok: false,
    detail: `${result.failure}${result.output ? `: ${result.output}` : ''}`,
  };
}

async function checkChecksum(files: ReleaseFiles, path: string, prefix: string): Promise<PreflightCheck> {
  const name = `checksum ${path}`;
  try {
    const digest = await files.sha256(path);
    return digest.startsWith(prefix)
      ? { name, ok: true, detail: `sha256 ${digest.slice(0, 12)}… matches ${prefix}` }
      : { name, ok: false, detail: `sha256 ${digest.slice(0, 12)}… does not start with ${prefix}` };
  } catch (error) {
    return { name, ok: false, detail: `cannot be read (${(error as NodeJS.ErrnoException).code ?? error})` };
  }
}

async function diffDeterminism(
  files: ReleaseFiles,
  determinism: NonNullable<PreflightSettings['preflight']['determinism']>,
): Promise<PreflightCheck> {
  const name = 'determinism manifest';
  try {
    const [current, baseline] = await Promise.all(
      [determinism.manifest, determinism.baseline].map(async (path) => {
        const parsed = (await files.readJson(path)) as { components?: Record<string, string> };
        return parsed.components ?? {};
      }),
    );
    const keys = [...new Set([...Object.keys(current ?? {}), ...Object.keys(baseline ?? {})])].sort();
    const changed = keys.filter((key) => current?.[key] !== baseline?.[key]);
    const unexpected = changed.filter((key) => !determinism.allowedChanges.includes(key));
    const summary =
      changed.length === 0
        ? 'identical to the baseline'
        : `differs from ${determinism.baseline} in ${changed.join(', ')}`;
    return unexpected.length === 0
      ? { name, ok: true, detail: summary }
      : { name, ok: false, detail: `${summary}; not expected: ${unexpected.join(', ')}` };
  } catch (error) {
    return { name, ok: false, detail: `cannot be compared (${(error as Error).message.split('\n')[0]})` };
  }
}

async function checkContacts(
  config: PreflightSettings,
  directory: ContactDirectory | undefined,
): Promise<PreflightCheck> {
  const name = 'incident contacts';
  if (!directory) return { name, ok: false, detail: 'no Slack connection to check the contacts with' };
  const users = config.roles
    .filter((role) => config.preflight.contacts.includes(role.id))
    .flatMap((role) => role.users.map((user) => ({ role: role.name, user })));
  const problems: string[] = [];
  for (const { role, user } of users) {
    const status = await directory.userStatus(user);
    if (status !== 'active') problems.push(`${role} ${user} is ${status.replace('_', ' ')}`);
  }
  return problems.length === 0
    ? { name, ok: true, detail: `${users.length} contacts are active Slack users` }
    : { name, ok: false, detail: problems.join('; ') };
}
