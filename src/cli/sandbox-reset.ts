import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SANDBOX_DIR } from '../config/load-settings.js';
import { PID_FILE } from '../sandbox/sandbox.js';

// `npm run sandbox:reset`: forgets the sandbox's demo (its Redis data, its copy of the example
// workspace and the Slack history the page shows), so the next `npm start` begins afresh.
const dir = resolve(process.cwd(), SANDBOX_DIR);
const pid = Number(await readFile(join(dir, PID_FILE), 'utf8').catch(() => ''));
const running = (() => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
})();
if (running) {
  console.error(
    `The sandbox is running (process ${pid}). Stop it first (Ctrl-C where npm start runs), then run npm run sandbox:reset again.`,
  );
  process.exitCode = 1;
} else {
  await rm(dir, { recursive: true, force: true });
  console.log(`Removed ${dir}: the next npm start begins a fresh demo.`);
}
