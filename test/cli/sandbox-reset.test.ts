import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = resolve('src/cli/sandbox-reset.ts');
const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;

/** `npm run sandbox:reset` in `cwd`. */
async function reset(cwd: string) {
  try {
    const { stdout, stderr } = await run('node', ['--import', TSX, CLI], {
      cwd,
      env: { PATH: process.env.PATH },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A directory where a sandbox has run: its Redis data, workspace copy and Slack history, and a file of the user's. */
async function playedDemo(pid?: number) {
  const cwd = await mkdtemp(join(tmpdir(), 'mec-sandbox-reset-'));
  await mkdir(join(cwd, '.mec-sandbox', 'redis'), { recursive: true });
  await mkdir(join(cwd, '.mec-sandbox', 'workspace'), { recursive: true });
  await writeFile(join(cwd, '.mec-sandbox', 'redis', 'appendonly.aof'), 'data');
  await writeFile(join(cwd, '.mec-sandbox', 'slack-history.json'), '{"messages":[],"firing":{}}');
  if (pid !== undefined) await writeFile(join(cwd, '.mec-sandbox', 'sandbox.pid'), String(pid));
  await writeFile(join(cwd, 'notes.txt'), 'mine');
  return cwd;
}

describe('npm run sandbox:reset', () => {
  it("removes the sandbox's Redis data, workspace and Slack history, and nothing else", async () => {
    const cwd = await playedDemo();
    const result = await reset(cwd);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('the next npm start begins a fresh demo');
    expect(await readdir(cwd)).toEqual(['notes.txt']);
  });

  it('refuses while the sandbox still runs, saying to stop it first, and removes nothing', async () => {
    const cwd = await playedDemo(process.pid);
    const result = await reset(cwd);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The sandbox is running (process ${process.pid}). Stop it first`);
    expect((await readdir(join(cwd, '.mec-sandbox'))).sort()).toEqual([
      'redis',
      'sandbox.pid',
      'slack-history.json',
      'workspace',
    ]);
  });

  it('resets after a sandbox that died without removing its pid file', async () => {
    const child = spawn('node', ['-e', '']);
    const pid = child.pid ?? 0;
    await new Promise((done) => child.once('exit', done));
    const cwd = await playedDemo(pid);
    expect(await reset(cwd)).toMatchObject({ code: 0 });
    expect(await readdir(cwd)).toEqual(['notes.txt']);
  });
});
