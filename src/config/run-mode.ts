/** How the process was started: from the TypeScript source (`npm start`, tsx) or the built `dist/`. */
export type Entry = 'source' | 'built';

export type RunMode = { ok: true; sandbox: boolean } | { ok: false; problem: string };

const set = (raw: Record<string, string | undefined>, name: string) => (raw[name] ?? '') !== '';

/**
 * Whether the process runs the local sandbox (a Slack look-alike page, demo config, its own Redis).
 * Only on purpose: `MEC_SANDBOX=1`, or `npm start` from the source with no Slack credentials outside
 * `NODE_ENV=production`. The built entry point, as the Docker image runs it, never falls into it: with
 * no credentials it refuses to start, so a missing secret cannot turn production into a demo.
 */
export function runMode(raw: Record<string, string | undefined>, entry: Entry): RunMode {
  const credentials = set(raw, 'SLACK_BOT_TOKEN');
  const asked = raw.MEC_SANDBOX === '1';
  if (asked && credentials)
    return {
      ok: false,
      problem:
        'env MEC_SANDBOX: is 1 but SLACK_BOT_TOKEN is set; unset MEC_SANDBOX to talk to Slack, or unset the Slack credentials for the sandbox',
    };
  if (credentials || asked) return { ok: true, sandbox: asked };
  if (entry === 'source' && raw.NODE_ENV !== 'production') return { ok: true, sandbox: true };
  const why = entry === 'built' ? 'the built bot (dist/main.js)' : 'NODE_ENV=production';
  return {
    ok: false,
    problem: `env SLACK_BOT_TOKEN: no Slack credentials, and ${why} does not fall back to the sandbox. Set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP receiver), or SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode); or set MEC_SANDBOX=1 to run the local sandbox on purpose`,
  };
}
