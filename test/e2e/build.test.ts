import { execFile, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const OUT = resolve('.build-test');
const run = promisify(execFile);

afterAll(async () => {
  await rm(OUT, { recursive: true, force: true });
});

describe('the production build', () => {
  it('compiles with tsc and runs on plain node, as the Docker image does', async () => {
    await run(resolve('node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', OUT]);
    const child = spawn('node', [resolve(OUT, 'main.js')], {
      env: { PATH: process.env.PATH, MEC_CONFIG: '/nonexistent.yml' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise((done) => child.once('exit', done));
    expect(code).toBe(1);
    expect(output).toContain('MEC_CONFIG /nonexistent.yml: cannot be read');
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
});
