import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import type { SlackApiStandIn } from '../../src/sandbox/slack-api-stand-in.js';
import { type JobsHarness, toReady, useJobsHarness } from '../support/jobs-harness.js';
import { useTestRedis } from '../support/redis.js';

const testRedis = useTestRedis();
const run = promisify(execFile);

const current = useJobsHarness(testRedis);
let harness: JobsHarness;
let standIn: SlackApiStandIn;
let prefix: string;
beforeEach(() => {
  ({ harness, standIn, prefix } = current());
});

describe('npm run dashboard:snapshot', () => {
  it('is written as one file by npm run dashboard:snapshot', async () => {
    await toReady(harness, standIn);
    const tsx = 'node_modules/tsx/dist/cli.mjs';
    const { stdout } = await run('node', [tsx, 'src/cli/dashboard-snapshot.ts'], {
      env: {
        PATH: process.env.PATH,
        REDIS_URL: inject('redisUrl'),
        MEC_REDIS_PREFIX: prefix,
        MEC_WORKSPACE: harness.workspace,
      },
    });
    expect(stdout).toContain('observability_dashboard.html');
    const html = await readFile(
      join(harness.workspace, 'artifacts/mec/M6/observability_dashboard.html'),
      'utf8',
    );
    expect(html).toContain('MEC M6 governance dashboard');
    expect(html).not.toMatch(/\b(?:src|href)=["']?https?:/);
  });
});
