import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { verifyWorkspace } from '../../src/app/verify-workspace.js';
import { workerVerifier } from '../../src/composition/worker-verifier.js';
import { approvedWorkspace } from '../support/approved-workspace.js';
import { useTestRedis } from '../support/redis.js';

const testRedis = useTestRedis();

async function verifying() {
  const { prefix, connect } = testRedis();
  const redis = connect();
  const { workspace, config, ctx } = await approvedWorkspace(redis, prefix);
  const verifierOf = (redisUrl: string, timeoutMs?: number) =>
    workerVerifier({
      config,
      workspace,
      redisUrl,
      prefix,
      verifierKey: ctx.trust.verifierKey,
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  return { workspace, ctx, verifierOf };
}

describe('workerVerifier', () => {
  it('answers in a thread of its own exactly what verify answers in-line, intact or tampered', async () => {
    const { workspace, ctx, verifierOf } = await verifying();
    const verifier = verifierOf(inject('redisUrl'));
    const inLine = await verifyWorkspace(ctx);
    expect(inLine.ok).toBe(true);
    expect(await verifier.verify()).toEqual({ ok: true, checks: inLine.checks });

    await appendFile(join(workspace, 'artifacts/mec/M6/determinism_manifest.json'), '\n');
    const tampered = await verifier.verify();
    expect(tampered.ok).toBe(false);
    expect(tampered).toEqual({ ok: false, checks: (await verifyWorkspace(ctx)).checks });
  }, 60_000);

  it('connects the thread with the Redis URL as given: its credentials, database and settings', async () => {
    const { verifierOf } = await verifying();
    const name = `verify-${randomUUID().slice(0, 8)}`;
    const url = new URL(inject('redisUrl'));
    // The default user takes any password; the name is a setting only the URL's query carries.
    const configured = `redis://default:s3cret@${url.host}/0?connectionName=${name}`;
    const monitor = await new Redis(inject('redisUrl')).monitor();
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args.map(String)));
    try {
      expect((await verifierOf(configured).verify()).ok).toBe(true);
    } finally {
      monitor.disconnect();
    }
    expect(seen).toContainEqual(['client', 'setname', name]);
  }, 60_000);

  it('connects the thread through a unix socket, whose path ioredis takes though it is no URL', async () => {
    const { verifierOf } = await verifying();
    const url = new URL(inject('redisUrl'));
    const dir = await mkdtemp(join(tmpdir(), 'mec-socket-'));
    const path = join(dir, 'redis.sock');
    // The test Redis listens on TCP only: a socket that carries each connection through to it.
    const carried: Socket[] = [];
    const relay = createServer((socket) => {
      const upstream = connect(Number(url.port), url.hostname);
      carried.push(socket, upstream);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((listening) => relay.listen(path, listening));
    try {
      expect((await verifierOf(path).verify()).ok).toBe(true);
      expect(carried.length).toBeGreaterThan(0);
      // A password rides in the path's query; a failed thread's answer holds neither form of it.
      const failure = await verifierOf(`${join(dir, 'gone.sock')}?password=s3cr%2Bt`)
        .verify()
        .catch((error: Error) => error);
      expect(failure).toMatchObject({ code: 'thread_failed' });
      expect((failure as Error).message).not.toMatch(/s3cr(%2B|\+)t/);
    } finally {
      for (const socket of carried) socket.destroy();
      relay.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('fails clearly, without the password, when the thread fails: here on a Redis that is gone', async () => {
    const { verifierOf } = await verifying();
    const failure = await verifierOf('redis://default:s3cret@127.0.0.1:1')
      .verify()
      .catch((error: Error) => error);
    expect(failure).toMatchObject({ code: 'thread_failed' });
    expect(JSON.stringify({ message: (failure as Error).message })).not.toContain('s3cret');
  }, 60_000);

  it('stops a verify that hangs on a Redis that never answers, and fails with a stable code', async () => {
    const { verifierOf } = await verifying();
    const sockets: Socket[] = [];
    let closed = 0;
    const silent = createServer((socket) => {
      sockets.push(socket);
      // Reads (and ignores) the commands, so the client's close is seen.
      socket.resume();
      socket.on('close', () => {
        closed += 1;
      });
    });
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    const { port } = silent.address() as AddressInfo;
    try {
      // Long enough for the thread to start and connect (loading the source takes seconds here).
      await expect(verifierOf(`redis://127.0.0.1:${port}`, 10_000).verify()).rejects.toMatchObject({
        code: 'thread_timeout',
      });
      // The thread was terminated: its connection closes without the server doing anything.
      await expect.poll(() => closed, { timeout: 10_000 }).toBe(sockets.length);
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  }, 60_000);

  it('answers callers who ask while a verify runs with the one run after it', async () => {
    const { ctx, verifierOf } = await verifying();
    const verifier = verifierOf(inject('redisUrl'));
    const answers = await Promise.all([verifier.verify(), verifier.verify(), verifier.verify()]);
    const { checks } = await verifyWorkspace(ctx);
    expect(answers).toEqual([1, 2, 3].map(() => ({ ok: true, checks })));
  }, 60_000);
});
