import { Redis, type RedisOptions } from 'ioredis';
import { MecError } from '../domain/errors.js';

/** Where the bot finds Redis through Sentinel: the sentinels to ask, and the name of the master they watch. */
export interface SentinelTarget {
  sentinels: Array<{ host: string; port: number }>;
  /** The master's name, as in the sentinels' `sentinel monitor <name> ...`. */
  name: string;
  username?: string;
  password?: string;
  db: number;
}

const SENTINEL_PORT = 26_379;

/** What the bot's connections set: how commands wait while Redis is away, and how they are sent. */
type ConnectionOptions = Pick<RedisOptions, 'maxRetriesPerRequest' | 'enableAutoPipelining' | 'lazyConnect'>;

/**
 * `redis+sentinel://[[user]:password@]host[:port][,host[:port]...]/<master>[/<db>]`: no WHATWG URL,
 * since it holds several hosts. The credentials are the master's and its replicas'; the sentinels are
 * asked without any.
 */
const SENTINEL_URL = /^redis\+sentinel:\/\/(?:([^@/]*)@)?([^/?#@]+)\/([^/?#]+)(?:\/(\d{1,2}))?\/?$/;

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/**
 * The Sentinel target a REDIS_URL names, undefined when it names a plain Redis (`redis://`,
 * `rediss://`, a unix socket), or a sentence that says what is wrong with a `redis+sentinel://` one.
 */
export function sentinelTargetOf(url: string): SentinelTarget | string | undefined {
  if (!url.startsWith('redis+sentinel:')) return undefined;
  const match = SENTINEL_URL.exec(url);
  if (!match) return 'must be redis+sentinel://[:password@]host:port[,host:port...]/<master name>[/<db>]';
  const [, auth, hosts = '', name = '', db] = match;
  const sentinels: SentinelTarget['sentinels'] = [];
  for (const entry of hosts.split(',')) {
    const hostPort = HOST_PORT.exec(entry);
    const port = Number(hostPort?.[2] ?? SENTINEL_PORT);
    if (!hostPort?.[1] || port < 1 || port > 65_535)
      return `names a sentinel "${entry}" that is not host:port`;
    sentinels.push({ host: hostPort[1].replace(/^\[|\]$/g, ''), port });
  }
  const target: SentinelTarget = { sentinels, name: decodeURIComponent(name), db: Number(db ?? 0) };
  if (auth !== undefined) {
    const colon = auth.indexOf(':');
    const username = decodeURIComponent(colon < 0 ? auth : auth.slice(0, colon));
    const password = colon < 0 ? '' : decodeURIComponent(auth.slice(colon + 1));
    if (username !== '') target.username = username;
    if (password !== '') target.password = password;
  }
  return target;
}

/**
 * A connection to the Redis that `url` names. Through Sentinel, the connection asks the sentinels for
 * the master and follows it when it fails over: a command that meets the old master turned replica
 * (`READONLY`) reconnects and is sent again, to the new one.
 */
export function openRedis(url: string, options: ConnectionOptions): Redis {
  const target = sentinelTargetOf(url);
  if (target === undefined) return new Redis(url, options);
  // env-schema refuses a malformed one before anything connects.
  if (typeof target === 'string') throw new MecError('redis_url_invalid', `REDIS_URL ${target}`);
  return new Redis({
    ...options,
    sentinels: target.sentinels,
    name: target.name,
    db: target.db,
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    reconnectOnError: (error: Error) => (error.message.startsWith('READONLY') ? 2 : false),
  });
}
