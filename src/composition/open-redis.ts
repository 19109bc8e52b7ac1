import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { clusterTargetOf, sentinelTargetOf } from '../config/redis-url.js';
import { MecError } from '../domain/errors.js';

/** What the bot's connections set: how commands wait while Redis is away, and how they are sent. */
type ConnectionOptions = Pick<RedisOptions, 'maxRetriesPerRequest' | 'enableAutoPipelining' | 'lazyConnect'>;

/** A command that met a master turned replica (after a failover) is sent again, to the new master. */
const reconnectOnReadOnly = (error: Error) => (error.message.startsWith('READONLY') ? 2 : false);

/**
 * A connection to the Redis that `url` names. Through Sentinel, the connection asks the sentinels for
 * the master and follows it when it fails over. On a cluster, it learns the nodes and slots from the
 * seeds and follows the slots as they move. A Cluster client is handed on as the `Redis` it stands in
 * for: the bot uses only commands both have, on keys of one slot (see `hashTagOf`).
 */
export function openRedis(url: string, options: ConnectionOptions): Redis {
  const sentinel = sentinelTargetOf(url);
  const cluster = clusterTargetOf(url);
  // env-schema refuses a malformed one before anything connects.
  if (typeof sentinel === 'string' || typeof cluster === 'string')
    throw new MecError('redis_url_invalid', `REDIS_URL ${sentinel ?? cluster}`);
  if (sentinel) {
    const { sentinels, name, db, ...credentials } = sentinel;
    return new Redis({
      ...options,
      ...credentials,
      sentinels,
      name,
      db,
      reconnectOnError: reconnectOnReadOnly,
    });
  }
  if (cluster) {
    const { nodes, ...credentials } = cluster;
    const { enableAutoPipelining, lazyConnect, ...perNode } = options;
    const client = new Cluster(nodes, {
      ...(enableAutoPipelining !== undefined ? { enableAutoPipelining } : {}),
      ...(lazyConnect !== undefined ? { lazyConnect } : {}),
      redisOptions: { ...perNode, ...credentials, reconnectOnError: reconnectOnReadOnly },
    });
    return client as unknown as Redis;
  }
  return new Redis(url, options);
}
