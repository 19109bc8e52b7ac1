import type { AddressInfo } from 'node:net';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { LedgerChain, ledgerChainOf } from '../../../src/adapters/redis/ledger-chain.js';
import { RedisIncidentStore } from '../../../src/adapters/redis/redis-incident-store.js';
import { RedisLedger } from '../../../src/adapters/redis/redis-ledger.js';
import { RedisRolloutStore } from '../../../src/adapters/redis/redis-rollout-store.js';
import { verifyLedger } from '../../../src/domain/verify-ledger.js';
import { body } from '../../app/ports/rollout-store.contract.js';
import { readyState } from '../../domain/fixtures.js';
import { INCIDENT } from '../../support/incident.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

describe('LedgerChain', () => {
  it('retries a step on the head a stale reply names, and keeps the head a step left', async () => {
    const chain = new LedgerChain();
    const seen: number[] = [];
    const value = await chain.run(async (head) => {
      seen.push(head.seq);
      if (head.seq < 0) return ['stale', 7, 'h7'] as ['stale', number, string];
      return { value: 'done', head: { seq: 8, hash: 'h8' } };
    });
    expect(value).toBe('done');
    expect(seen).toEqual([-1, 7]);
    await chain.run(async (head) => {
      seen.push(head.seq);
      return { value: undefined, head: undefined };
    });
    expect(seen.at(-1)).toBe(8);
  });

  it('runs one step at a time, in the order they were given, and goes on after one fails', async () => {
    const chain = new LedgerChain();
    const order: string[] = [];
    const step = (name: string, fail = false) =>
      chain.run(async () => {
        order.push(`${name} start`);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`${name} end`);
        if (fail) throw new Error(name);
        return { value: name, head: undefined };
      });
    const results = await Promise.allSettled([step('a'), step('b', true), step('c')]);
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('numbers every attempt of its writer anew, retries included, so a script sent again is known by its number', async () => {
    const chain = new LedgerChain();
    const attempts: { writer: string; attempt: string }[] = [];
    await chain.run(async (head, attempt) => {
      attempts.push(attempt);
      return head.seq < 0 ? ['stale', 1, 'h1'] : { value: undefined, head: undefined };
    });
    await chain.run(async (_head, attempt) => {
      attempts.push(attempt);
      return { value: undefined, head: undefined };
    });
    expect(attempts.map((attempt) => attempt.attempt)).toEqual(['1', '2', '3']);
    expect(new Set(attempts.map((attempt) => attempt.writer)).size).toBe(1);
    expect(attempts[0]?.writer).not.toBe(await idOfAnotherChain());
  });

  it('gives up on a head that moves on every attempt, with a stable code', async () => {
    const chain = new LedgerChain();
    let seq = 0;
    await expect(
      chain.run(async () => ['stale', ++seq, `h${seq}`] as ['stale', number, string]),
    ).rejects.toMatchObject({ code: 'invariant_violated' });
  });

  it('is one per connection and head key', () => {
    const { connect } = testRedis();
    const [a, b] = [connect(), connect()];
    expect(ledgerChainOf(a, 'x')).toBe(ledgerChainOf(a, 'x'));
    expect(ledgerChainOf(a, 'x')).not.toBe(ledgerChainOf(a, 'y'));
    expect(ledgerChainOf(a, 'x')).not.toBe(ledgerChainOf(b, 'x'));
  });
});

async function idOfAnotherChain(): Promise<string> {
  let writer = '';
  await new LedgerChain().run(async (_head, attempt) => {
    writer = attempt.writer;
    return { value: undefined, head: undefined };
  });
  return writer;
}

describe('two replicas appending at once', () => {
  const ROUNDS = 150;

  it(`interleave appends, rollout commits and incident commits into one unbroken chain, ${ROUNDS} rounds`, async () => {
    const { prefix, connect } = testRedis();
    const replicas = ['A', 'B'].map((name) => {
      const redis = connect();
      return {
        name,
        ledger: new RedisLedger(redis, prefix),
        store: new RedisRolloutStore(redis, prefix),
        incidents: new RedisIncidentStore(redis, prefix, 86_400_000),
      };
    });
    const results = await Promise.all(
      replicas.flatMap(({ name, ledger, store, incidents }) =>
        Array.from({ length: ROUNDS }, (_, i) =>
          i % 10 === 3
            ? store.commit(
                'M6',
                0,
                null,
                body('refused', { actor: `${name}-store-${i}`, outcome: 'refused' }),
              )
            : i % 10 === 7
              ? incidents.commit(
                  `${INCIDENT.id}-${name}-${i}`,
                  0,
                  null,
                  body('note', { actor: `${name}-inc-${i}` }),
                )
              : ledger.append(body('append', { actor: `${name}-${i}` })),
        ),
      ),
    );
    const entries = await replicas[0]?.ledger.read();
    expect(verifyLedger(entries ?? [])).toMatchObject({ ok: true, entries: 2 * ROUNDS });
    expect(new Set(entries?.map((entry) => entry.body.actor)).size).toBe(2 * ROUNDS);
    expect(await replicas[1]?.ledger.head()).toEqual({ seq: 2 * ROUNDS, hash: entries?.at(-1)?.hash });
    // Every writer was told the entry it wrote, as stored.
    const bySeq = new Map(entries?.map((entry) => [entry.seq, entry.hash]));
    for (const result of results) {
      const entry = 'seq' in result ? result : result.status === 'committed' ? result.entry : undefined;
      expect(entry && bySeq.get(entry.seq)).toBe(entry?.hash);
    }
  });
});

/**
 * A TCP proxy in front of the test's Redis that, once armed, drops the next reply Redis sends and cuts
 * the client's connection: the command has run, and the client never hears so.
 */
async function replyDroppingProxy() {
  const target = new URL(inject('redisUrl'));
  const sockets = new Set<Socket>();
  let armed = false;
  const server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (!armed) return void client.write(chunk);
      armed = false;
      client.destroy();
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropNextReply: () => {
      armed = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((closed) => server.close(closed));
    },
  };
}

describe('a script whose reply was lost to a reconnect', () => {
  const opened: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((resource) => resource.close()));
  });

  async function throughProxy(prefix: string) {
    const proxy = await replyDroppingProxy();
    // ioredis's defaults: commands in flight when the connection drops are sent again on reconnect.
    const redis = new Redis(proxy.url, { maxRetriesPerRequest: 3 });
    opened.push({ close: () => redis.quit().catch(() => redis.disconnect()) }, proxy);
    const ledger = new RedisLedger(redis, prefix);
    // The scripts are loaded and the head known before the reply that is lost.
    await ledger.append(body('append', { actor: 'first' }));
    return { proxy, redis, ledger };
  }

  it('is an append stored once and answered, not stored again on the head it moved', async () => {
    const { prefix } = testRedis();
    const { proxy, ledger } = await throughProxy(prefix);
    proxy.dropNextReply();
    const entry = await ledger.append(body('append', { actor: 'once' }));
    const entries = await ledger.read();
    expect(entries.map((stored) => stored.body.actor)).toEqual(['first', 'once']);
    expect(entries[1]).toEqual(entry);
    expect(verifyLedger(entries)).toMatchObject({ ok: true, entries: 2 });
  });

  it('is a rollout commit stored once and answered committed, not as a conflict with itself', async () => {
    const { prefix } = testRedis();
    const { proxy, redis, ledger } = await throughProxy(prefix);
    const store = new RedisRolloutStore(redis, prefix);
    proxy.dropNextReply();
    const result = await store.commit('M6', 0, readyState(), body('start', { actor: 'once' }));
    expect(result).toMatchObject({ status: 'committed', version: 1, entry: { seq: 2 } });
    expect((await store.load('M6')).version).toBe(1);
    const entries = await ledger.read();
    expect(entries.map((stored) => stored.body.actor)).toEqual(['first', 'once']);
    expect(verifyLedger(entries)).toMatchObject({ ok: true, entries: 2 });
  });
});
