import { createServer, type Socket } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { BullAlertQueue } from '../../../src/adapters/bullmq/bull-alert-queue.js';
import { bullPrefix, closeQueues, createQueues } from '../../../src/adapters/bullmq/queues.js';
import { useTestRedis } from '../../support/redis.js';

const testRedis = useTestRedis();

const batch = (fingerprint: string) => ({
  groupKey: 'g',
  alerts: [
    {
      status: 'firing' as const,
      labels: { mec_alarm: 'latency_slo_drop', mec_phase: 'M6' },
      annotations: {},
      startsAt: '2025-10-21T14:00:00.000Z',
      fingerprint,
    },
  ],
});

describe('BullAlertQueue', () => {
  it('queues each batch once under its name, a BLOCKER batch ahead of the prioritized rest', async () => {
    const { prefix, connect } = testRedis();
    const queues = createQueues(connect({ maxRetriesPerRequest: null }), prefix);
    try {
      const queue = new BullAlertQueue(queues.alerts);
      await queue.queue('b-warning', batch('fp-1'), false);
      await queue.queue('b-blocker', batch('fp-2'), true);
      await Promise.all([1, 2, 3].map(() => queue.queue('b-blocker', batch('fp-2'), true)));
      // Another replica's queue, with no memory of what this one queued: Redis keeps the one job.
      await new BullAlertQueue(queues.alerts).queue('b-blocker', batch('fp-2'), true);
      expect((await queues.alerts.getJobs(['waiting'])).map((job) => job.id)).toEqual(['alerts-b-blocker']);
      const [prioritized] = await queues.alerts.getJobs(['prioritized']);
      expect(prioritized?.id).toBe('alerts-b-warning');
      expect(prioritized?.opts.priority).toBe(1);
      expect(prioritized?.data).toEqual({ batch: batch('fp-1') });
      expect(prioritized?.opts.attempts).toBe(12);
    } finally {
      await closeQueues(queues);
    }
  });

  it('reports a batch not queued when Redis does not answer in time, with the redis_unreachable code', async () => {
    // A "Redis" that takes the connection and never answers: the jobs connection waits on it rather
    // than fail the add.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const connection = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    const alerts = new Queue('mec-alerts', { connection, prefix: bullPrefix('t:') });
    alerts.on('error', () => undefined);
    try {
      await expect(new BullAlertQueue(alerts).queue('b-1', batch('fp-1'), true)).rejects.toMatchObject({
        code: 'redis_unreachable',
      });
    } finally {
      connection.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
