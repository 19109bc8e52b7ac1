import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ALERTMANAGER_CONFIG = 'observability/alertmanager/alertmanager.yml';

/** The YAML block of the README's section `heading`. */
async function readmeYaml(heading: string): Promise<string> {
  const readme = await readFile('README.md', 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  const block = section?.match(/^```yaml\n([\s\S]*?)^```$/m)?.[1];
  if (block === undefined) throw new Error(`README.md has no yaml block under "## ${heading}"`);
  return block;
}

/** The receiver amtool routes an alert with `labels` to. */
async function routedTo(...labels: string[]): Promise<string> {
  const { stdout } = await run('amtool', [
    'config',
    'routes',
    'test',
    `--config.file=${ALERTMANAGER_CONFIG}`,
    ...labels,
  ]);
  return stdout.trim();
}

describe("the operator's Alertmanager config", () => {
  it('is in the README whole, as the file in observability/ has it', async () => {
    expect(await readmeYaml('Wiring Prometheus and Alertmanager')).toBe(
      await readFile(ALERTMANAGER_CONFIG, 'utf8'),
    );
  });

  it('passes amtool check-config, with a route and both receivers', async () => {
    const { stdout } = await run('amtool', ['check-config', ALERTMANAGER_CONFIG]);
    expect(stdout).toContain('SUCCESS');
    expect(stdout).toContain(' - route');
    expect(stdout).toContain(' - 2 receivers');
  });

  it("sends the rule pack's alerts to the bot, and leaves every other alert where it went", async () => {
    expect(await routedTo('mec_alarm=latency_slo_drop', 'mec_phase=M6', 'severity=critical')).toBe('mec-bot');
    expect(await routedTo('mec_alarm=canary_error_rate', 'mec_phase=M7', 'severity=warning')).toBe('mec-bot');
    expect(await routedTo('alertname=DiskFull', 'severity=critical')).toBe('default');
  });

  it('sends resolved alerts, with the bearer token read from a file rather than written in', async () => {
    const config = await readFile(ALERTMANAGER_CONFIG, 'utf8');
    expect(config).toMatch(/^\s+send_resolved: true$/m);
    expect(config).toMatch(/^\s+credentials_file: \S+$/m);
    expect(config).not.toMatch(/^\s+credentials: /m);
  });

  it("is compose.yaml's too, but for the webhook's address inside the stack", async () => {
    const body = (text: string) => text.replace(/^#.*\n/gm, '');
    const compose = body(await readFile('observability/alertmanager/compose.yml', 'utf8'));
    const readme = body(await readFile(ALERTMANAGER_CONFIG, 'utf8'));
    expect(compose).toBe(
      readme.replace(
        'https://mec-bot.example.com/alerts/alertmanager',
        'http://web:3000/alerts/alertmanager',
      ),
    );
    const { stdout } = await run('amtool', ['check-config', 'observability/alertmanager/compose.yml']);
    expect(stdout).toContain('SUCCESS');
  });
});
