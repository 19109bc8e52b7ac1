import type { RedisOptions } from 'ioredis';

/**
 * The options of the bot's command connection (rollouts, the ledger, incidents, claims, locks; not
 * BullMQ's, whose workers block on theirs). A command gives up after three retries while Redis is away.
 * Commands issued in one turn of the event loop go to Redis as one pipeline, one socket write
 * (ioredis's auto-pipelining): in an alert storm the webhook's many small round trips otherwise cost
 * a syscall each. Redis runs them in the order they were issued, as it would one by one; nothing on
 * this connection blocks, subscribes or opens a MULTI that could hold the pipeline back.
 */
export const COMMAND_CONNECTION = {
  maxRetriesPerRequest: 3,
  enableAutoPipelining: true,
} satisfies RedisOptions;
