import { execFile, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const OUT = resolve('.build-test');
const run = promisify(execFile);

afterAll(async () => {
  await rm(OUT, { recursive: true, force: true });
});

/** Runs the built entry point as the Docker image does, with only `env`, until it exits. */
async function runBuilt(env: Record<string, string>): Promise<{ code: unknown; output: string }> {
  const child = spawn('node', [resolve(OUT, 'main.js')], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  const code = await new Promise((done) => child.once('exit', done));
  return { code, output };
}

describe('the production build', () => {
  // The bundling step of `npm run build` itself, into OUT instead of dist/ (tsc's type-check is `npm test`'s).
  beforeAll(async () => {
    const { scripts } = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: { build: string } };
    const bundle = scripts.build.slice(scripts.build.indexOf('esbuild '));
    expect(bundle).toContain('--outdir=dist ');
    await run('sh', ['-c', `node_modules/.bin/${bundle.replace('--outdir=dist ', `--outdir=${OUT} `)}`]);
  }, 180_000);

  it('bundles with esbuild and runs on plain node, as the Docker image does', async () => {
    const { code, output } = await runBuilt({ MEC_CONFIG: '/nonexistent.yml' });
    expect(code).toBe(1);
    expect(output).toContain('MEC_CONFIG /nonexistent.yml: cannot be read');
  });

  it('refuses to start without Slack credentials instead of falling into the sandbox, naming what it needs', async () => {
    const { code, output } = await runBuilt({});
    expect(code).toBe(1);
    expect(output).toContain('mec-bot did not start');
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'MEC_SANDBOX=1'])
      expect(output).toContain(name);
    // Nothing of the sandbox ran: no redis-server of its own, no demo config, no page.
    expect(output).not.toContain('redis-server');
    expect(output).not.toContain('sandbox is up');
  });
});

describe('the Dockerfile', () => {
  it('builds in stages, runs as a non-root user with production dependencies only, and checks /healthz', async () => {
    const text = await readFile('Dockerfile', 'utf8');
    const stages = text.split(/^FROM /m).slice(1);
    expect(stages).toHaveLength(2);
    const runtime = stages[1] as string;
    expect(runtime).toContain('npm ci --omit=dev');
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
    expect(runtime).toContain('COPY --from=build /app/dist ./dist');
    expect(runtime).not.toMatch(/COPY (src|test) /);
  });

  it('builds and runs on Node 24 LTS, the version engines and @types/node name', async () => {
    const text = await readFile('Dockerfile', 'utf8');
    const bases = [...text.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
    expect(bases).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim']);
    const manifest = JSON.parse(await readFile('package.json', 'utf8'));
    expect(manifest.engines.node).toBe('>=24');
    expect(manifest.devDependencies['@types/node']).toMatch(/^~24\./);
  });

  it('runs Node under tini, so signals reach it and the children of pre-flight commands are reaped', async () => {
    const runtime = (await readFile('Dockerfile', 'utf8')).split(/^FROM /m)[2] as string;
    expect(runtime).toMatch(/apt-get install -y --no-install-recommends tini/);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/main.js"\]$/m);
  });
});
