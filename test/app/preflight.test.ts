import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileReleaseFiles } from '../../src/adapters/files/file-release-files.js';
import { ExecCommandRunner } from '../../src/adapters/process/exec-command-runner.js';
import type { ContactDirectory, ContactStatus } from '../../src/app/ports/contact-directory.js';
import { runPreflight } from '../../src/app/preflight.js';
import type { MecConfig } from '../../src/config/config-schema.js';
import { readConfig } from '../../src/config/load-settings.js';
import { copyExampleWorkspace } from '../support/workspace.js';

const STARTED = new Date('2025-10-21T20:22:32.084Z');

async function example(): Promise<MecConfig> {
  const loaded = await readConfig('examples/m6/mec.config.yml');
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.config;
}

/** Pre-flight over a workspace folder, with the real command runner. */
const preflightIn = (
  config: MecConfig,
  workspace: string,
  directory: ContactDirectory | undefined,
  startedAt: Date,
) =>
  runPreflight(
    {
      settings: config,
      files: new FileReleaseFiles(workspace, config.artifacts.files),
      commands: new ExecCommandRunner(workspace, { parent: process.env, secrets: [] }),
      directory,
    },
    startedAt,
  );

const directory = (statuses: Record<string, ContactStatus> = {}) => ({
  userStatus: async (userId: string) => statuses[userId] ?? 'active',
});

describe('runPreflight', () => {
  it('passes the example workspace and writes the release record at the seed path', async () => {
    const workspace = await copyExampleWorkspace();
    const report = await preflightIn(await example(), workspace, directory(), STARTED);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(report.record).toBe('artifacts/mec/M6/releases/M6-2025-10-21T20-22-32.084Z.json');
    const record = JSON.parse(await readFile(join(workspace, report.record), 'utf8'));
    expect(record).toMatchObject({ phase: 'M6', passed: true, startedAt: STARTED.toISOString() });
  });

  it('passes each argv element as it is, with no shell to interpret it', async () => {
    const config = await example();
    const probe = {
      name: 'echo_args',
      argv: ['node', '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', 'a; echo pwned', '$(id)'],
      timeout: 5_000,
      env: [],
    };
    const report = await preflightIn(
      { ...config, preflight: { ...config.preflight, commands: [probe] } },
      await copyExampleWorkspace(),
      directory(),
      STARTED,
    );
    expect(report.checks[0]).toMatchObject({ ok: true, detail: '["a; echo pwned","$(id)"]' });
  });

  it('fails a command that runs past its timeout, and one that exits non-zero, with what it printed', async () => {
    const config = await example();
    const commands = [
      { name: 'slow', argv: ['node', '-e', 'setTimeout(() => {}, 10000)'], timeout: 200, env: [] },
      {
        name: 'failing',
        argv: ['node', '-e', 'console.error("schema broken"); process.exit(3)'],
        timeout: 5_000,
        env: [],
      },
    ];
    const report = await preflightIn(
      { ...config, preflight: { ...config.preflight, commands } },
      await copyExampleWorkspace(),
      directory(),
      STARTED,
    );
    expect(report.passed).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'slow', ok: false, detail: 'timed out after 200 ms' });
    expect(report.checks[1]).toMatchObject({ name: 'failing', ok: false, detail: 'exit 3: schema broken' });
  });

  it('fails on a checksum that does not start with the expected prefix (the seed fragment, here)', async () => {
    const config = await example();
    const checksums = [{ path: 'telemetry/schema/meta_v1.json', sha256Prefix: '5b8d4d5dcd6a' }];
    const report = await preflightIn(
      { ...config, preflight: { ...config.preflight, checksums } },
      await copyExampleWorkspace(),
      directory(),
      STARTED,
    );
    expect(report.checks.find((check) => check.name.startsWith('checksum'))).toMatchObject({
      ok: false,
      detail: expect.stringContaining('does not start with 5b8d4d5dcd6a'),
    });
  });

  it('fails when the determinism manifest changed a component not listed as expected', async () => {
    const workspace = await copyExampleWorkspace();
    const path = join(workspace, 'artifacts/mec/M6/determinism_manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.components.telemetry_encoder = 'ffffffffffffffff';
    await writeFile(path, JSON.stringify(manifest));
    const report = await preflightIn(await example(), workspace, directory(), STARTED);
    expect(report.checks.find((check) => check.name === 'determinism manifest')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('not expected: telemetry_encoder'),
    });
  });

  it('fails when an incident contact is deactivated or unknown, naming them', async () => {
    const report = await preflightIn(
      await example(),
      await copyExampleWorkspace(),
      directory({ U0MALIKORT: 'deactivated', U0ELENAMOR: 'not_found' }),
      STARTED,
    );
    const contacts = report.checks.find((check) => check.name === 'incident contacts');
    expect(contacts?.ok).toBe(false);
    expect(contacts?.detail).toContain('Security Officer U0MALIKORT is deactivated');
    expect(contacts?.detail).toContain('Product Owner U0ELENAMOR is not found');
  });

  it('fails the contacts check when there is no Slack connection to check with', async () => {
    const report = await preflightIn(await example(), await copyExampleWorkspace(), undefined, STARTED);
    expect(report.checks.find((check) => check.name === 'incident contacts')).toMatchObject({ ok: false });
  });
});
