import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { configSchema, type MecConfig } from './config-schema.js';
import { crossCheckConfig } from './cross-check-config.js';
import { crossCheckEnv, envSchema, type MecEnv } from './env-schema.js';
import { type Entry, runMode } from './run-mode.js';

/** Where the sandbox keeps its Redis data and its copy of the example workspace. */
export const SANDBOX_DIR = '.mec-sandbox';
const SANDBOX_WORKSPACE = `${SANDBOX_DIR}/workspace`;
export const EXAMPLE_WORKSPACE = 'examples/m6/workspace';
const EXAMPLE_CONFIG = 'examples/m6/mec.config.yml';
/** The example's plan in seconds: the sandbox's default, so a newcomer sees a whole rollout in minutes. */
const DEMO_CONFIG = 'examples/m6/mec.demo.yml';

export interface Settings {
  env: MecEnv;
  config: MecConfig;
  /** Absolute path of the config file. */
  configPath: string;
  /** Absolute path of the release workspace. */
  workspace: string;
  /** True when MEC_WORKSPACE is unset and the sandbox's copy of the example workspace is used. */
  sandboxWorkspace: boolean;
  /** True when the bot runs the local sandbox (see `runMode`); always false for the command-line tools. */
  sandbox: boolean;
}

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; problems: string[] };

/**
 * Reads and validates the environment and the YAML config together, and reports every problem at once,
 * each with where it is: `MEC_CONFIG plan.steps[2].ramp: …` or `env PORT: …`. `entry` is given by the
 * bot itself, which may run as the sandbox; the command-line tools leave it unset.
 */
export async function loadSettings(
  rawEnv: Record<string, string | undefined>,
  cwd = process.cwd(),
  entry?: Entry,
): Promise<SettingsResult> {
  const problems: string[] = [];
  const mode = entry ? runMode(rawEnv, entry) : { ok: true as const, sandbox: false };
  if (!mode.ok) problems.push(mode.problem);
  const env = envSchema.safeParse(rawEnv);
  if (!env.success) problems.push(...describeIssues(env.error.issues, 'env '));
  const envCrossIssues = crossCheckEnv(rawEnv);
  problems.push(...describeIssues(envCrossIssues, 'env '));
  const configPath = resolve(
    cwd,
    (env.success ? env.data.MEC_CONFIG : rawEnv.MEC_CONFIG) ||
      (rawEnv.SLACK_BOT_TOKEN ? EXAMPLE_CONFIG : DEMO_CONFIG),
  );
  const config = await readConfig(configPath);
  if (!config.ok) problems.push(...config.problems);
  if (!env.success || envCrossIssues.length > 0 || !config.ok || !mode.ok) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      env: env.data,
      config: config.config,
      configPath,
      workspace: resolve(cwd, env.data.MEC_WORKSPACE ?? SANDBOX_WORKSPACE),
      sandboxWorkspace: env.data.MEC_WORKSPACE === undefined,
      sandbox: mode.sandbox,
    },
  };
}

export async function readConfig(
  path: string,
): Promise<{ ok: true; config: MecConfig } | { ok: false; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problems: [
        `MEC_CONFIG ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? error}); point MEC_CONFIG at the YAML config`,
      ],
    };
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => `MEC_CONFIG ${path}: YAML ${error.message.split('\n')[0]}`),
    };
  }
  const raw: unknown = document.toJS();
  const parsed = configSchema.safeParse(raw);
  const issues = [...(parsed.success ? [] : parsed.error.issues), ...crossCheckConfig(raw)];
  if (!parsed.success || issues.length > 0)
    return { ok: false, problems: describeIssues(issues, `MEC_CONFIG ${path} `) };
  return { ok: true, config: parsed.data };
}

function describeIssues(
  issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>,
  prefix: string,
): string[] {
  return issues.map((issue) => `${prefix}${formatPath(issue.path) || '(top level)'}: ${issue.message}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : text === '' ? String(part) : `${text}.${String(part)}`,
    '',
  );
}
