import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '../../src/infra/free-port.js';
import { type RunningBinary, startBinary } from './binaries.js';

const run = promisify(execFile);

export interface ClusterTopology {
  /** REDIS_URL for the bot: the cluster's nodes. */
  url: string;
  ports: number[];
  stop(): Promise<void>;
}

/**
 * A Redis Cluster of three masters (no replicas) from Debian's redis-server on loopback ports of their
 * own, made with `redis-cli --cluster create`; it resolves once every node says the cluster is ok.
 */
export async function startRedisCluster(): Promise<ClusterTopology> {
  const dir = await mkdtemp(join(tmpdir(), 'mec-cluster-'));
  const nodes: RunningBinary[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      ports.push(port);
      nodes.push(
        await startBinary(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--dir',
            dir,
            '--save',
            '',
            '--appendonly',
            'no',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--cluster-node-timeout',
            '5000',
          ],
          (output) => output.includes('Ready to accept connections'),
        ),
      );
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    const deadline = Date.now() + 30_000;
    for (const port of ports) {
      const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
      try {
        while (!(await client.call('CLUSTER', 'INFO').then(String)).includes('cluster_state:ok')) {
          if (Date.now() > deadline)
            throw new Error(`the cluster node on ${port} never got to cluster_state:ok`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        client.disconnect();
      }
    }
    return { url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`, ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
