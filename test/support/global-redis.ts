import type { TestProject } from 'vitest/node';
import { type LocalRedis, startLocalRedis } from '../../src/infra/local-redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let redis: LocalRedis | undefined;

/** One private redis-server for the whole test run; every test works under its own key prefix. */
export async function setup(project: TestProject): Promise<void> {
  redis = await startLocalRedis();
  project.provide('redisUrl', redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
}
