import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../adapters/files/atomic-write.js';
import { sha256File } from '../adapters/files/workspace-artifacts.js';
import type { MecConfig } from '../config/config-schema.js';

/** Whether a Slack user id is a real person who can be reached. */
export type ContactStatus = 'active' | 'deactivated' | 'not_found' | 'unreachable';

export interface SlackDirectory {
  userStatus(userId: string): Promise<ContactStatus>;
}

export interface PreflightCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PreflightReport {
  passed: boolean;
  checks: PreflightCheck[];
  /** Workspace path of the release record. */
  record: string;
}

const OUTPUT_LIMIT = 2_000;

/**
 * Pre-flight validation (seed section 1): each configured command run from an argv list with a
 * timeout, checksum prefixes, the determinism manifest against the previous phase's baseline, and the
 * incident contacts. Every check runs and is reported; the record is written to
 * `artifacts/mec/<phase>/releases/<phase>-<startedAt>.json`, named by the run's start so a retried job
 * rewrites the same record.
 */
export async function runPreflight(
  config: MecConfig,
  workspace: string,
  directory: SlackDirectory | undefined,
  startedAt: Date,
): Promise<PreflightReport> {
  const { preflight } = config;
  const checks: PreflightCheck[] = [];
  for (const command of preflight.commands) checks.push(await runCommand(workspace, command));
  for (const { path, sha256Prefix } of preflight.checksums)
    checks.push(await checkChecksum(workspace, path, sha256Prefix));
  if (preflight.determinism) checks.push(await diffDeterminism(workspace, preflight.determinism));
  if (preflight.contacts.length > 0) checks.push(await checkContacts(config, directory));
  const passed = checks.every((check) => check.ok);
  const record = `artifacts/mec/${config.phase}/releases/${config.phase}-${startedAt.toISOString().replaceAll(':', '-')}.json`;
  await writeFileAtomic(
    join(workspace, record),
    `${JSON.stringify({ phase: config.phase, startedAt: startedAt.toISOString(), passed, checks }, null, 2)}\n`,
  );
  return { passed, checks, record };
}

function runCommand(
  workspace: string,
  command: MecConfig['preflight']['commands'][number],
): Promise<PreflightCheck> {
  const [file, ...args] = command.argv as [string, ...string[]];
  return new Promise((resolve) => {
    // execFile with no shell: the argv is passed as it is, and nothing in it is interpreted.
    execFile(
      file,
      args,
      { cwd: workspace, timeout: command.timeout, shell: false, maxBuffer: 1_000_000 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim().slice(-OUTPUT_LIMIT);
        if (!error) return resolve({ name: command.name, ok: true, detail: output || 'exit 0' });
        const why = error.killed
          ? `timed out after ${command.timeout} ms`
          : `exit ${error.code ?? error.signal ?? error.message}`;
        resolve({ name: command.name, ok: false, detail: `${why}${output ? `: ${output}` : ''}` });
      },
    );
  });
}

async function checkChecksum(workspace: string, path: string, prefix: string): Promise<PreflightCheck> {
  const name = `checksum ${path}`;
  try {
    const digest = await sha256File(join(workspace, path));
    return digest.startsWith(prefix)
      ? { name, ok: true, detail: `sha256 ${digest.slice(0, 12)}… matches ${prefix}` }
      : { name, ok: false, detail: `sha256 ${digest.slice(0, 12)}… does not start with ${prefix}` };
  } catch (error) {
    return { name, ok: false, detail: `cannot be read (${(error as NodeJS.ErrnoException).code ?? error})` };
  }
}

async function diffDeterminism(
  workspace: string,
  determinism: NonNullable<MecConfig['preflight']['determinism']>,
): Promise<PreflightCheck> {
  const name = 'determinism manifest';
  try {
    const [current, baseline] = await Promise.all(
      [determinism.manifest, determinism.baseline].map(async (path) => {
        const parsed = JSON.parse(await readFile(join(workspace, path), 'utf8')) as {
          components?: Record<string, string>;
        };
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
  config: MecConfig,
  directory: SlackDirectory | undefined,
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
