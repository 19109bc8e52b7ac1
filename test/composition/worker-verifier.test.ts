import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyWorkspace } from '../../src/app/verify-workspace.js';
import { workerVerifier } from '../../src/composition/worker-verifier.js';
import { approvedWorkspace } from '../support/approved-workspace.js';
import { useTestRedis } from '../support/redis.js';

const testRedis = useTestRedis();

describe('workerVerifier', () => {
  it('answers in a thread of its own exactly what verify answers in-line, intact or tampered', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const { workspace, config, ctx } = await approvedWorkspace(redis, prefix);
    const verifier = workerVerifier({ config, workspace, redis, prefix, verifierKey: ctx.trust.verifierKey });
    const inLine = await verifyWorkspace(ctx);
    expect(inLine.ok).toBe(true);
    expect(await verifier.verify()).toEqual({ ok: true, checks: inLine.checks });

    await appendFile(join(workspace, 'artifacts/mec/M6/determinism_manifest.json'), '\n');
    const tampered = await verifier.verify();
    expect(tampered.ok).toBe(false);
    expect(tampered).toEqual({ ok: false, checks: (await verifyWorkspace(ctx)).checks });
  }, 60_000);

  it('rejects when the thread fails, here on a Redis that is gone', async () => {
    const { prefix, connect } = testRedis();
    const redis = connect();
    const { workspace, config, ctx } = await approvedWorkspace(redis, prefix);
    const gone = connect();
    Object.assign(gone.options, { port: 1 });
    const verifier = workerVerifier({
      config,
      workspace,
      redis: gone,
      prefix,
      verifierKey: ctx.trust.verifierKey,
    });
    await expect(verifier.verify()).rejects.toThrow();
  }, 60_000);
});
