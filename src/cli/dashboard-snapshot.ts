import { join } from 'node:path';
import { pino } from 'pino';
import { writeFileAtomic } from '../adapters/files/atomic-write.js';
import { dashboardHtml } from '../adapters/http/dashboard-page.js';
import { createBot } from '../composition/create-bot.js';
import { runCli } from './run-cli.js';

// `npm run dashboard:snapshot`: writes artifacts/mec/<phase>/observability_dashboard.html, one
// self-contained file (seed section 2).
process.exitCode = await runCli(process.env, async ({ config, env, workspace }, redis) => {
  const bot = createBot({
    config,
    workspace,
    redis,
    prefix: env.MEC_REDIS_PREFIX,
    logger: pino({ level: 'warn' }),
  });
  const path = join(workspace, `artifacts/mec/${config.phase}/observability_dashboard.html`);
  await writeFileAtomic(path, dashboardHtml(await bot.dashboard()));
  console.log(`Wrote ${path}`);
  return 0;
});
