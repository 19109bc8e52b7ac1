import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/infra/free-port.js';

/** The master's name the sentinels watch. */
const MASTER_NAME = 'mecmaster';

export interface SentinelTopology {
  /** REDIS_URL for the bot: the three sentinels and the master's name. */
  url: string;
  /** The port of the server the sentinels name as master now. */
  masterPort(): Promise<number>;
  /**
   * Fails the master over to the replica, as an operator's switchover does: writes pause on the master
   * until the replica has every one of them, then a sentinel promotes it. Resolves once the sentinels
   * name the replica as master and it takes writes.
   */
  failOver(): Promise<void>;
  stop(): Promise<void>;
}

/** A server of the topology: its process, and a connection to it. */
interface Server {
  port: number;
  child: ChildProcess;
  client: Redis;
}

async function startServer(args: string[], port: number, ready: string): Promise<Server> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server ${args[0]} did not start:\n${output}`)),
      15_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server ${args[0]} exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    port,
    child,
    client: new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, lazyConnect: false }),
  };
}

async function stopServer(server: Server): Promise<void> {
  server.client.disconnect();
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGKILL');
  });
}

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`the Sentinel topology never got to: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/**
 * One master, one replica and three sentinels of Debian's redis-server, on loopback ports of their
 * own, with nothing kept on disk but the sentinels' config files.
 */
export async function startSentinelTopology(): Promise<SentinelTopology> {
  const dir = await mkdtemp(join(tmpdir(), 'mec-sentinel-'));
  const servers: Server[] = [];
  try {
    const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    const masterPort = await freePort();
    const master = await startServer(
      ['--port', String(masterPort), ...common],
      masterPort,
      'Ready to accept connections',
    );
    servers.push(master);
    const replicaPort = await freePort();
    const replica = await startServer(
      ['--port', String(replicaPort), ...common, '--replicaof', '127.0.0.1', String(masterPort)],
      replicaPort,
      'Ready to accept connections',
    );
    servers.push(replica);
    await until('the replica in sync', async () =>
      (await replica.client.info('replication')).includes('master_link_status:up'),
    );
    const sentinels: Server[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const conf = join(dir, `sentinel-${i}.conf`);
      await writeFile(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 2000`,
          `sentinel failover-timeout ${MASTER_NAME} 10000`,
          `sentinel parallel-syncs ${MASTER_NAME} 1`,
          '',
        ].join('\n'),
      );
      const sentinel = await startServer([conf, '--sentinel'], port, '+monitor master');
      servers.push(sentinel);
      sentinels.push(sentinel);
    }
    const [first] = sentinels as [Server, ...Server[]];
    const named = async () =>
      Number(((await first.client.call('SENTINEL', 'get-master-addr-by-name', MASTER_NAME)) as string[])[1]);
    // Each sentinel must know the replica, or a failover has nothing to promote.
    await until('every sentinel knowing the replica', async () => {
      for (const sentinel of sentinels) {
        const replicas = (await sentinel.client.call('SENTINEL', 'replicas', MASTER_NAME)) as unknown[];
        if (replicas.length !== 1) return false;
      }
      return true;
    });
    const byPort = new Map(servers.map((server) => [server.port, server]));
    return {
      url: `redis+sentinel://${sentinels.map((sentinel) => `127.0.0.1:${sentinel.port}`).join(',')}/${MASTER_NAME}`,
      masterPort: named,
      async failOver() {
        const from = byPort.get(await named());
        const to = from === master ? replica : master;
        if (!from) throw new Error('the sentinels name a master that is not in the topology');
        // Nothing the master acknowledged is lost: writes wait while the replica catches up. Sentinel
        // cannot demote the old master while writes are paused, so, as Sentinel itself does when it
        // demotes one, its clients are cut off before the pause ends: they reconnect to the master the
        // sentinels now name, and send again there what was waiting. Writes let through to the old
        // master before it is demoted would vanish with it.
        await from.client.call('CLIENT', 'PAUSE', '300000', 'WRITE');
        try {
          await until('the replica caught up', async () => {
            const offset = (info: string) =>
              Number(/(?:master_repl_offset|slave_repl_offset):(\d+)/.exec(info)?.[1]);
            return (
              offset(await to.client.info('replication')) === offset(await from.client.info('replication'))
            );
          });
          await first.client.call('SENTINEL', 'FAILOVER', MASTER_NAME);
          await until(
            'the new master taking writes',
            async () => (await to.client.info('replication')).includes('role:master'),
            60_000,
          );
          await until(
            'every sentinel naming the new master',
            async () => {
              for (const sentinel of sentinels) {
                const [, port] = (await sentinel.client.call(
                  'SENTINEL',
                  'get-master-addr-by-name',
                  MASTER_NAME,
                )) as string[];
                if (Number(port) !== to.port) return false;
              }
              return true;
            },
            60_000,
          );
          await from.client.call('CLIENT', 'KILL', 'TYPE', 'normal').catch(() => undefined);
        } finally {
          await until(
            'the old master unpaused',
            async () => (await from.client.call('CLIENT', 'UNPAUSE')) === 'OK',
          );
        }
        await until(
          'the old master turned its replica',
          async () => (await from.client.info('replication')).includes('role:slave'),
          60_000,
        );
      },
      async stop() {
        await Promise.all(servers.map(stopServer));
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(servers.map(stopServer));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
